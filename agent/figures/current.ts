/**
 * What is true right now, from the running collectors' latest readings (agent/store/latest.ts):
 * each application up or down, the VMs whose latest ping went unanswered, each video-conference
 * system's health. The console's 平台, 机房 and 视频会议 show these beside the period figures; the
 * rules (which metric, which value means what) are here once, not in the pages.
 *
 * A collector whose last run failed has no readings: its targets are absent here (unknown),
 * never reported as down or up.
 */
import type { LatestReading } from "../../collectors/types.js";
import type { IcmpMetric } from "../../collectors/icmp/metrics.js";
import type { VideoconfMetric } from "../../collectors/videoconf/metrics.js";
import { HEALTH_VALUE, type HealthState } from "../../collectors/videoconf/health.js";
import { AVAILABILITY_METRIC } from "../kpi/availability-store.js";

/** A latest reading and the collector instance that took it. */
export type Reading = LatestReading & { collector: string };

export interface CurrentState {
  up: boolean;
  /** The probe's reason code (timeout, status, …) when it was not up. */
  reason?: string;
  /** The probe's own words (English, as the peer or the OS said it). */
  detail?: string;
  time: Date;
}

const PING_METRIC = "icmp_probe_up" satisfies IcmpMetric;
const HEALTH_METRIC = "videoconf_system_health" satisfies VideoconfMetric;

function stateOf(v: Reading, up: boolean): CurrentState {
  return {
    up,
    ...(v.reason === undefined ? {} : { reason: v.reason }),
    ...(v.detail === undefined ? {} : { detail: v.detail }),
    time: v.time,
  };
}

/** Per application (its probe target's name, the id): its latest availability probe. */
export function applicationsNow(latest: readonly Reading[]): Map<string, CurrentState> {
  const out = new Map<string, CurrentState>();
  for (const v of latest)
    if (v.metric === AVAILABILITY_METRIC) out.set(v.target.name, stateOf(v, v.up ?? v.value === 1));
  return out;
}

export interface UnreachableVm extends CurrentState {
  /** The VM's id in its inventory (identity; two clones named alike are two rows). */
  id: string;
  /** A label. */
  name: string;
  collector: string;
}

/**
 * The VMs (ping targets taken from the inventory, which carry the VM's id) whose latest ping got
 * no answer, by id. An antivirus series of a VM is down when the VM is unprotected — that is the
 * unprotected list, not this one.
 */
export function unreachableVms(latest: readonly Reading[]): UnreachableVm[] {
  const byId = new Map<string, UnreachableVm>();
  for (const v of latest) {
    const id = v.target.vmId;
    if (v.metric !== PING_METRIC || id === undefined || v.up !== false) continue;
    byId.set(id, { ...stateOf(v, false), id, name: v.target.name, collector: v.collector });
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export interface VideoconfNow {
  state: HealthState;
  /** The first cause's code (mcu_down, mcu_degraded, mcu_icmp, endpoints, management_web). */
  reason?: string;
  /** Every cause as the collector wrote it (English), the worst first. */
  detail?: string;
  time: Date;
}

const STATE_OF_VALUE = new Map(Object.entries(HEALTH_VALUE).map(([s, v]) => [v, s as HealthState]));

/** Per video-conference system (by name, its id in the config): its latest health judgement. */
export function videoconfNow(latest: readonly Reading[]): Map<string, VideoconfNow> {
  const out = new Map<string, VideoconfNow>();
  for (const v of latest) {
    if (v.metric !== HEALTH_METRIC) continue;
    const state = STATE_OF_VALUE.get(v.value);
    if (state === undefined) continue;
    out.set(v.target.name, {
      state,
      ...(v.reason === undefined ? {} : { reason: v.reason }),
      ...(v.detail === undefined ? {} : { detail: v.detail }),
      time: v.time,
    });
  }
  return out;
}
