/**
 * The series of the generated year (bench/year-generate.ts) and its calendar: the http
 * applications minute by minute — counted by the generator, so that the KPI's availability can be
 * checked against its own counts — and the ICMP / videoconf endpoint series, planned per hour and
 * written either as 60 one-minute samples (through the store) or as the rollup cells those 60
 * samples give (inserted directly; the header of bench/year-generate.ts says why).
 */
import { AVAILABILITY_METRIC } from "../agent/kpi/availability-store.js";
import type { TargetRef } from "../collectors/types.js";
import { toMicroseconds } from "../collectors/shared/timing.js";
import type { RetentionPolicy } from "../agent/store/retention.js";
import { emptyCells, type RollupCells } from "../agent/store/rollups.js";
import type { StoredSample } from "../agent/store/sqlite.js";
import { probeTarget } from "./generate.js";

export const TIME_ZONE = "Asia/Shanghai";
export const YEAR = 2026;
/** The generated year ends here: 2026-12-31 20:00 Asia/Shanghai. */
export const NOW = new Date(`${YEAR}-12-31T20:00:00+08:00`);
export const MINUTE = 60;
export const HOUR = 3600;
export const DAY_MS = 86_400_000;
/** The daemon's default retention (config/schema.ts), applied every simulated hour. */
export const RETENTION: RetentionPolicy = {
  rawMs: 35 * DAY_MS,
  hourlyMs: 93 * DAY_MS,
  dailyMs: 1100 * DAY_MS,
};
const REASONS = ["status", "connect", "timeout"] as const;
export const VIDEOCONF_SYSTEM = "市教育视频会议系统";

/** A rollup row's parameters in the order of the store's upsert statement (rollup-store.ts). */
export function params(seriesId: number, bucket: number, c: RollupCells): (number | null)[] {
  return [seriesId, bucket, c.n, c.nUp, c.nDown, c.nMaint, c.nValue, c.sum, c.min, c.max, c.last, c.lastTs];
}

// ---------------------------------------------------------------------------------------------
// http applications, minute by minute (counted by the generator)

export interface AppState {
  target: TargetRef;
  outageLeft: number;
  up: number;
  down: number;
  maintenance: number;
}

/** Local hour and weekday in Asia/Shanghai (UTC+8, no DST). */
function localClock(ts: number): { hour: number; weekday: number } {
  const local = new Date((ts + 8 * HOUR) * 1000);
  return { hour: local.getUTCHours(), weekday: local.getUTCDay() };
}

/** One state per application (probeTarget(i)), nothing counted yet. */
export function newAppStates(count: number): AppState[] {
  return Array.from({ length: count }, (_, i) => ({
    target: probeTarget(i),
    outageLeft: 0,
    up: 0,
    down: 0,
    maintenance: 0,
  }));
}

export function httpMinute(
  apps: readonly AppState[],
  ts: number,
  random: () => number,
  out: StoredSample[],
): void {
  const time = new Date(ts * 1000);
  const { hour, weekday } = localClock(ts);
  for (let i = 0; i < apps.length; i++) {
    const app = apps[i] as AppState;
    const maintenance = weekday === 0 && hour >= 1 + (i % 4) && hour < 3 + (i % 4);
    let up: boolean;
    if (maintenance) up = random() < 0.5;
    else if (app.outageLeft > 0) {
      app.outageLeft--;
      up = false;
    } else if (random() < 1 / 8_000) {
      app.outageLeft = Math.floor(random() ** 3 * 180);
      up = false;
    } else up = random() > 0.002;
    if (maintenance) app.maintenance++;
    else if (up) app.up++;
    else app.down++;
    out.push(
      {
        target: app.target,
        metric: AVAILABILITY_METRIC,
        value: up ? 1 : 0,
        up,
        ...(up ? {} : { reason: REASONS[i % REASONS.length] as string }),
        maintenance,
        time,
      },
      {
        target: app.target,
        metric: "http_probe_duration_seconds",
        value: up ? toMicroseconds(0.01 + random() * 0.2) : null,
        time,
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// ICMP of the VMs and the videoconf endpoints: planned per hour, then written as 60 minute samples
// (through the store) or as the rollup cells those 60 samples give (inserted directly)

/** Per-minute RTT shape: minute m's RTT is base × SHAPE[m], to the microsecond as the collectors keep it. */
const SHAPE = Array.from({ length: 60 }, (_, m) => 0.8 + (0.4 * ((m * 37) % 60)) / 60);

function rttAt(plan: HourPlan, minute: number): number {
  return toMicroseconds(plan.rtt * (SHAPE[minute] as number));
}

export interface PingState {
  target: TargetRef;
  /** "vm": icmp_probe_up, icmp_rtt_seconds, icmp_loss_ratio; "endpoint": videoconf_endpoint_up / _rtt_seconds. */
  kind: "vm" | "endpoint";
  baseRtt: number;
  outageLeft: number;
  /** Series ids (up, rtt, loss) once the catalogue has them. */
  ids: number[];
}

export interface HourPlan {
  /** Down minutes: the first `down` minutes of the hour. */
  down: number;
  rtt: number;
}

export function planHour(p: PingState, random: () => number): HourPlan {
  let down = 0;
  if (p.outageLeft > 0) {
    down = Math.min(60, p.outageLeft);
    p.outageLeft -= down;
  } else if (random() < (p.kind === "vm" ? 1 / 2_000 : 1 / 400)) {
    const length = 1 + Math.floor(random() ** 3 * 240);
    down = Math.min(60, length);
    p.outageLeft = length - down;
  }
  return { down, rtt: p.baseRtt * (1 + 0.3 * random()) };
}

export function pingMetrics(kind: PingState["kind"]): string[] {
  return kind === "vm"
    ? ["icmp_probe_up", "icmp_rtt_seconds", "icmp_loss_ratio"]
    : ["videoconf_endpoint_up", "videoconf_endpoint_rtt_seconds"];
}

/** The 60 minute samples of one planned hour. */
export function pingSamples(p: PingState, hour: number, plan: HourPlan, out: StoredSample[]): void {
  const [upMetric, rttMetric, lossMetric] = pingMetrics(p.kind) as [string, string, string | undefined];
  for (let m = 0; m < 60; m++) {
    const time = new Date((hour + m * MINUTE) * 1000);
    const up = m >= plan.down;
    out.push(
      {
        target: p.target,
        metric: upMetric,
        value: up ? 1 : 0,
        up,
        ...(up ? {} : { reason: "timeout" }),
        time,
      },
      { target: p.target, metric: rttMetric, value: up ? rttAt(plan, m) : null, time },
    );
    if (lossMetric !== undefined) out.push({ target: p.target, metric: lossMetric, value: up ? 0 : 1, time });
  }
}

/** What the store's rollups count from those 60 samples (rollups.ts addSample), per series. */
export function pingCells(p: PingState, hour: number, plan: HourPlan): RollupCells[] {
  const d = plan.down;
  const lastTs = hour + 59 * MINUTE;
  const upCells: RollupCells = {
    n: 60,
    nUp: 60 - d,
    nDown: d,
    nMaint: 0,
    nValue: 60,
    sum: 60 - d,
    min: d > 0 ? 0 : 1,
    max: d < 60 ? 1 : 0,
    last: d < 60 ? 1 : 0,
    lastTs,
  };
  let rttCells: RollupCells = { ...emptyCells(), n: 60 };
  if (d < 60) {
    // The values of minutes d…59, added in the order the store adds them.
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let m = d; m < 60; m++) {
      const v = rttAt(plan, m);
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    rttCells = {
      n: 60,
      nUp: 0,
      nDown: 0,
      nMaint: 0,
      nValue: 60 - d,
      sum,
      min,
      max,
      last: rttAt(plan, 59),
      lastTs,
    };
  }
  if (p.kind === "endpoint") return [upCells, rttCells];
  const lossCells: RollupCells = {
    n: 60,
    nUp: 0,
    nDown: 0,
    nMaint: 0,
    nValue: 60,
    sum: d,
    min: d < 60 ? 0 : 1,
    max: d > 0 ? 1 : 0,
    last: d < 60 ? 0 : 1,
    lastTs,
  };
  return [upCells, rttCells, lossCells];
}

export function pingStates(vms: number, endpoints: number, random: () => number): PingState[] {
  const out: PingState[] = [];
  for (let i = 0; i < vms; i++) {
    const address = `10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    out.push({
      target: {
        key: `icmp:${address}`,
        kind: "host",
        name: `vm-${i}`,
        labels: { system: `system-${i % 11}` },
      },
      kind: "vm",
      baseRtt: 0.0002 + random() * 0.002,
      outageLeft: 0,
      ids: [],
    });
  }
  for (let i = 0; i < endpoints; i++) {
    const address = `127.30.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    const name = `room-${i}`;
    out.push({
      target: {
        key: `endpoint:${VIDEOCONF_SYSTEM}:${name}`,
        kind: "endpoint",
        name,
        labels: { system: VIDEOCONF_SYSTEM, address },
      },
      kind: "endpoint",
      baseRtt: 0.001 + random() * 0.01,
      outageLeft: 0,
      ids: [],
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
