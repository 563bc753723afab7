/**
 * Checks of the generated year (bench/year-generate.ts) through the store's own queries: the
 * rollup cells inserted directly equal what the store counts from the same samples, and every ICMP
 * / endpoint series has its 60 samples an hour and 1,440 a day. A mismatch throws or is returned
 * as a problem: the benchmark's figures would be measured over the wrong data.
 */
import { retentionCutoffs } from "../agent/store/retention.js";
import type { RollupCells } from "../agent/store/rollups.js";
import type { SqliteStore } from "../agent/store/sqlite.js";
import {
  HOUR,
  NOW,
  RETENTION,
  pingCells,
  pingMetrics,
  type HourPlan,
  type PingState,
} from "./year-series.js";

/** The catalogue's ids of the ping series (created by the first hour's real samples). */
export function resolveIds(store: SqliteStore, pings: PingState[]): void {
  const byKey = new Map<string, number>();
  for (const s of store.listSeries()) byKey.set(`${s.targetKey}\u0000${s.metric}`, s.seriesId);
  for (const p of pings) {
    p.ids = pingMetrics(p.kind).map((metric) => {
      const id = byKey.get(`${p.target.key}\u0000${metric}`);
      if (id === undefined) throw new Error(`kpi year: no series for ${p.target.key} ${metric}`);
      return id;
    });
  }
}

/**
 * The cells inserted directly must be what the store counts from the same 60 samples: the first
 * hour went through writeSamples, so its stored rollups are compared with pingCells() of its plans.
 */
export function checkCellsAgainstStore(
  store: SqliteStore,
  pings: readonly PingState[],
  plans: readonly HourPlan[],
  hour: number,
): void {
  const stored = new Map<number, RollupCells>();
  for (const r of store.queryRollups({ resolution: "hour", from: hour, to: hour + HOUR }))
    stored.set(r.seriesId, r);
  const problems: string[] = [];
  const close = (a: number | null, b: number | null) =>
    a === null || b === null ? a === b : Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a));
  pings.forEach((p, i) => {
    pingCells(p, hour, plans[i] as HourPlan).forEach((want, k) => {
      const got = stored.get(p.ids[k] as number);
      const same =
        got !== undefined &&
        got.n === want.n &&
        got.nUp === want.nUp &&
        got.nDown === want.nDown &&
        got.nMaint === want.nMaint &&
        got.nValue === want.nValue &&
        got.lastTs === want.lastTs &&
        close(got.sum, want.sum) &&
        close(got.min, want.min) &&
        close(got.max, want.max) &&
        close(got.last, want.last);
      if (!same)
        problems.push(
          `${p.target.key} #${k}: store ${JSON.stringify(got)}, generator ${JSON.stringify(want)}`,
        );
    });
  });
  if (problems.length > 0)
    throw new Error(
      `kpi year: direct rollup cells differ from the store's: ${problems.slice(0, 3).join("; ")}`,
    );
}

/** Every ping series: 60 samples in each whole hour, 1,440 in each whole day, read through the store. */
export function checkPingCounts(
  store: SqliteStore,
  g: { from: number; lastDayStart: number; pings: readonly PingState[] },
): string[] {
  const nowTs = Math.floor(NOW.getTime() / 1000);
  const problems: string[] = [];
  const wholeDays = Math.round((g.lastDayStart - g.from) / 86_400);
  for (const metric of [
    "icmp_probe_up",
    "icmp_rtt_seconds",
    "icmp_loss_ratio",
    "videoconf_endpoint_up",
    "videoconf_endpoint_rtt_seconds",
  ]) {
    const series = store.listSeries(metric).length;
    const expected = metric.startsWith("icmp")
      ? g.pings.filter((p) => p.kind === "vm").length
      : g.pings.length - g.pings.filter((p) => p.kind === "vm").length;
    if (series !== expected) problems.push(`${metric}: ${series} series, expected ${expected}`);
    const days = store.sumRollupCounts({ resolution: "day", from: g.from, to: g.lastDayStart, metric });
    // Hourly rollups older than the hourly retention are gone (the daily ones cover them).
    const hourFrom = Math.max(g.from, retentionCutoffs(NOW, RETENTION, store.calendar).hourBefore);
    const hours = store.sumRollupCounts({ resolution: "hour", from: hourFrom, to: nowTs, metric });
    for (const d of days)
      if (d.n !== wholeDays * 1440)
        problems.push(
          `${metric} series ${d.seriesId}: ${d.n} samples in whole days, expected ${wholeDays * 1440}`,
        );
    const hourCount = (nowTs - hourFrom) / HOUR;
    for (const h of hours)
      if (h.n !== hourCount * 60)
        problems.push(`${metric} series ${h.seriesId}: ${h.n} samples in hours, expected ${hourCount * 60}`);
    if (wholeDays > 0 && days.length !== expected)
      problems.push(`${metric}: daily rollups of ${days.length} series`);
    const rows = store.queryRollups({ resolution: "hour", from: hourFrom, to: hourFrom + HOUR, metric });
    if (rows.length !== expected || rows.some((r) => r.n !== 60))
      problems.push(
        `${metric}: the first kept hour has ${rows.length} series, not ${expected} with 60 samples each`,
      );
  }
  return problems;
}
