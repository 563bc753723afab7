/**
 * Month figures of stored series for the report: per series the mean, count and last value over
 * a range from the daily rollups, per-day means for charts, and down runs (outages) from the raw
 * samples. Read-only helpers over the store.
 */
import type { BucketCalendar } from "../store/buckets.js";
import type { RollupRow } from "../store/rollups.js";
import type { SqliteStore } from "../store/sqlite.js";
import type { DailyPoint, Outage } from "./model.js";
import { outagesFromHours, sampledHoursBySeries } from "./outages.js";

export interface SeriesFigure {
  seriesId: number;
  target: string;
  labels: Readonly<Record<string, string>>;
  /** Mean of the values; null without values. */
  mean: number | null;
  /** Up share of probe samples (outside maintenance); null without probe samples. */
  upShare: number | null;
  n: number;
  last: number | null;
}

/** Every series of `metric` with samples in [from, to) (unix seconds), summed over the daily rollups. */
export function seriesFigures(store: SqliteStore, metric: string, from: number, to: number): SeriesFigure[] {
  const info = new Map(store.listSeries(metric).map((s) => [s.seriesId, s]));
  const acc = new Map<
    number,
    {
      sum: number;
      nValue: number;
      up: number;
      down: number;
      n: number;
      last: number | null;
      lastBucket: number;
    }
  >();
  for (const r of store.queryRollups({ resolution: "day", from, to, metric })) {
    const a = acc.get(r.seriesId) ?? {
      sum: 0,
      nValue: 0,
      up: 0,
      down: 0,
      n: 0,
      last: null,
      lastBucket: -Infinity,
    };
    a.sum += r.sum ?? 0;
    a.nValue += r.nValue;
    a.up += r.nUp;
    a.down += r.nDown;
    a.n += r.n;
    if (r.last !== null && r.bucket > a.lastBucket) {
      a.last = r.last;
      a.lastBucket = r.bucket;
    }
    acc.set(r.seriesId, a);
  }
  return [...acc.entries()].map(([seriesId, a]) => ({
    seriesId,
    target: info.get(seriesId)?.targetName ?? `series ${seriesId}`,
    labels: info.get(seriesId)?.labels ?? {},
    mean: a.nValue > 0 ? a.sum / a.nValue : null,
    upShare: a.up + a.down > 0 ? a.up / (a.up + a.down) : null,
    n: a.n,
    last: a.last,
  }));
}

/** Local days of [from, to) as YYYY-MM-DD with their start (unix seconds). */
export function daysOf(from: number, to: number, calendar: BucketCalendar): { day: string; start: number }[] {
  const out: { day: string; start: number }[] = [];
  for (let start = calendar.dayStart(from); start < to; start = calendar.nextDayStart(start)) {
    const local = new Date((start + calendar.offsetAt(start)) * 1000);
    out.push({ day: local.toISOString().slice(0, 10), start });
  }
  return out;
}

interface DayCells {
  sum: number;
  nValue: number;
  up: number;
  down: number;
  last: number;
}

function addDay(byDay: Map<number, DayCells>, r: RollupRow): void {
  let d = byDay.get(r.bucket);
  if (d === undefined) byDay.set(r.bucket, (d = { sum: 0, nValue: 0, up: 0, down: 0, last: 0 }));
  d.sum += r.sum ?? 0;
  d.nValue += r.nValue;
  d.up += r.nUp;
  d.down += r.nDown;
  d.last += r.last ?? 0;
}

function pointsOf(
  byDay: ReadonlyMap<number, DayCells>,
  days: readonly { day: string; start: number }[],
  how: "up" | "mean" | "sum_of_last",
): DailyPoint[] {
  return days.map(({ day, start }) => {
    const d = byDay.get(start);
    if (d === undefined) return { day, value: null };
    if (how === "up") return { day, value: d.up + d.down > 0 ? d.up / (d.up + d.down) : null };
    if (how === "mean") return { day, value: d.nValue > 0 ? d.sum / d.nValue : null };
    return { day, value: d.last };
  });
}

/**
 * Per local day: the up share (probes: `up`) or the mean value (`mean`) of the series with the
 * given ids (all series of the metric when left out), pooled.
 */
export function dailyPoints(
  store: SqliteStore,
  metric: string,
  from: number,
  to: number,
  how: "up" | "mean" | "sum_of_last",
  seriesIds?: ReadonlySet<number>,
): DailyPoint[] {
  const byDay = new Map<number, DayCells>();
  for (const r of store.queryRollups({ resolution: "day", from, to, metric }))
    if (seriesIds === undefined || seriesIds.has(r.seriesId)) addDay(byDay, r);
  return pointsOf(byDay, daysOf(from, to, store.calendar), how);
}

/**
 * dailyPoints of each series of `metric` on its own, from one daily rollup query (the report's
 * per-application charts: one query for all applications rather than one each).
 */
export function dailyPointsBySeries(
  store: SqliteStore,
  metric: string,
  from: number,
  to: number,
  how: "up" | "mean" | "sum_of_last",
): Map<number, DailyPoint[]> {
  const bySeries = new Map<number, Map<number, DayCells>>();
  for (const r of store.queryRollups({ resolution: "day", from, to, metric })) {
    let byDay = bySeries.get(r.seriesId);
    if (byDay === undefined) bySeries.set(r.seriesId, (byDay = new Map()));
    addDay(byDay, r);
  }
  const days = daysOf(from, to, store.calendar);
  return new Map([...bySeries].map(([seriesId, byDay]) => [seriesId, pointsOf(byDay, days, how)]));
}

/**
 * Down runs of an application's probes in [from, to), from its down hours (downHoursBySeries):
 * see outages.ts, which reads raw samples only around them. For callers that have only the down
 * hours (form-export); the report uses outagesOfApplications.
 */
export function outagesOf(
  store: SqliteStore,
  seriesId: number,
  application: string,
  from: number,
  to: number,
  intervalSeconds: number,
  downHours: readonly number[],
): Outage[] {
  const hours = downHours.map((bucket) => ({ bucket, down: true }));
  return outagesFromHours(store, seriesId, application, from, to, intervalSeconds, hours, {
    complete: false,
  });
}

/** Per series of `metric`: the hours in [from, to) whose rollup counts a down probe, ascending (one query). */
export function downHoursBySeries(
  store: SqliteStore,
  metric: string,
  from: number,
  to: number,
): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const [seriesId, hours] of sampledHoursBySeries(store, metric, from, to)) {
    const down = hours.filter((h) => h.down).map((h) => h.bucket);
    if (down.length > 0) out.set(seriesId, down);
  }
  return out;
}
