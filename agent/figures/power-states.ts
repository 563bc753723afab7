/**
 * The VMs' power states at the end of a span (运行 / 关机 / 挂起), each VM counted once by its id
 * (its target key: source and id), never by name — two clones named alike are two VMs. A VM's
 * state is that of its vm_power_state series with the latest sample in the span; VMs no source
 * reported on the span's latest day (removed, or their source retired) are left out, as the VM
 * count leaves out retired sources.
 */
import type { VcenterMetric } from "../../collectors/vcenter/metrics.js";
import type { SqliteStore } from "../store/sqlite.js";
import type { Figure, Span } from "./types.js";
import { both, type Bilingual } from "./words.js";

const POWER_STATE_METRIC = "vm_power_state" satisfies VcenterMetric;
const STATES = ["POWERED_ON", "POWERED_OFF", "SUSPENDED"] as const;
/** vCenter's power states as the report says them (运行/关机/挂起). */
const STATE_NAMES: Record<(typeof STATES)[number], Bilingual> = {
  POWERED_ON: both("运行", "powered on"),
  POWERED_OFF: both("关机", "powered off"),
  SUSPENDED: both("挂起", "suspended"),
};

export type PowerState = (typeof STATES)[number];

export interface PowerStatesFigure extends Figure<number> {
  /** VMs per state; value is their sum. */
  byState: Record<PowerState, number>;
}

export function powerStates(store: SqliteStore, span: Span): PowerStatesFigure {
  const info = new Map(store.listSeries(POWER_STATE_METRIC).map((s) => [s.seriesId, s]));
  // Per VM (target key): the state of its series with the newest sample, and that sample's time.
  const latest = new Map<string, { state: string; lastTs: number; day: number }>();
  for (const r of store.queryRollups({
    resolution: "day",
    from: span.from,
    to: span.to,
    metric: POWER_STATE_METRIC,
  })) {
    const series = info.get(r.seriesId);
    if (series === undefined || r.lastTs === null || r.n === 0) continue;
    const known = latest.get(series.targetKey);
    if (known === undefined || r.lastTs > known.lastTs)
      latest.set(series.targetKey, {
        state: series.labels.power_state ?? "",
        lastTs: r.lastTs,
        day: r.bucket,
      });
  }
  const byState: Record<PowerState, number> = { POWERED_ON: 0, POWERED_OFF: 0, SUSPENDED: 0 };
  if (latest.size === 0)
    return {
      value: null,
      coverage: 0,
      byState,
      how: both("无数据：本期未存储虚拟机电源状态。", "no VM power state stored in the period"),
    };
  const lastDay = Math.max(...[...latest.values()].map((v) => v.day));
  let lastMeasuredAt = 0;
  for (const vm of latest.values()) {
    if (vm.day !== lastDay || !(STATES as readonly string[]).includes(vm.state)) continue;
    byState[vm.state as PowerState] += 1;
    lastMeasuredAt = Math.max(lastMeasuredAt, vm.lastTs);
  }
  const total = byState.POWERED_ON + byState.POWERED_OFF + byState.SUSPENDED;
  return {
    value: total,
    coverage: null,
    byState,
    lastMeasuredAt,
    evidence: {
      numerator: total,
      denominator: null,
      unit: both("虚拟机（台，按 ID 计）", "VMs (by id)"),
      parts: STATES.map((s) => ({
        id: s,
        label: STATE_NAMES[s],
        numerator: byState[s],
        denominator: null,
        unit: both("台", "VMs"),
      })),
    },
    how: both(
      `期末最后一次清单中各虚拟机（按 ID 计，同名克隆分别计）的电源状态：运行 ${byState.POWERED_ON} 台、` +
        `关机 ${byState.POWERED_OFF} 台、挂起 ${byState.SUSPENDED} 台，共 ${total} 台。`,
      `power state of each VM (by id) in the last inventory of the period: ${byState.POWERED_ON} on, ` +
        `${byState.POWERED_OFF} off, ${byState.SUSPENDED} suspended`,
    ),
  };
}
