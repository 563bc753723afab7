/**
 * Month figures of stored series for the report: per series the mean, count and last value over
 * a range from the daily rollups, per-day means for charts, and down runs (outages) from the raw
 * samples. Read-only helpers over the store.
 */
import type { BucketCalendar } from "../store/buckets.js";
import type { SqliteStore } from "../store/sqlite.js";
import type { DailyPoint, Outage } from "./model.js";

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
  const calendar = store.calendar;
  const byDay = new Map<number, { sum: number; nValue: number; up: number; down: number; last: number }>();
  for (const r of store.queryRollups({ resolution: "day", from, to, metric })) {
    if (seriesIds !== undefined && !seriesIds.has(r.seriesId)) continue;
    const d = byDay.get(r.bucket) ?? { sum: 0, nValue: 0, up: 0, down: 0, last: 0 };
    d.sum += r.sum ?? 0;
    d.nValue += r.nValue;
    d.up += r.nUp;
    d.down += r.nDown;
    d.last += r.last ?? 0;
    byDay.set(r.bucket, d);
  }
  return daysOf(from, to, calendar).map(({ day, start }) => {
    const d = byDay.get(start);
    if (d === undefined) return { day, value: null };
    if (how === "up") return { day, value: d.up + d.down > 0 ? d.up / (d.up + d.down) : null };
    if (how === "mean") return { day, value: d.nValue > 0 ? d.sum / d.nValue : null };
    return { day, value: d.last };
  });
}

/**
 * Down runs of an application's probes in [from, to): consecutive down samples outside
 * maintenance; the outage ends at the next sample that is not down (or the last down sample plus
 * the probe interval). Raw samples are kept 35 days, so the previous month is always there. The
 * samples table is keyed by time first, so only the hours whose rollup counts a down probe (and
 * the hour after each run of them, where the outage ends) are read raw — not the whole month of
 * every series.
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
  const ranges: [number, number][] = [];
  for (const hour of downHours) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && hour <= last[1]) last[1] = Math.min(to, hour + 2 * 3600);
    else ranges.push([Math.max(from, hour), Math.min(to, hour + 2 * 3600)]);
  }
  const samples = ranges.flatMap(([a, b]) => store.querySamples(seriesId, a, b));
  return downRuns(samples, application, to, intervalSeconds);
}

/** Per series of `metric`: the hours in [from, to) whose rollup counts a down probe, ascending (one query). */
export function downHoursBySeries(
  store: SqliteStore,
  metric: string,
  from: number,
  to: number,
): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const r of store.queryRollups({ resolution: "hour", from, to, metric })) {
    if (r.nDown === 0) continue;
    const list = out.get(r.seriesId) ?? [];
    list.push(r.bucket);
    out.set(r.seriesId, list);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

function downRuns(
  samples: readonly { ts: number; flags: number; reason: string | null }[],
  application: string,
  to: number,
  intervalSeconds: number,
): Outage[] {
  const KNOWN = 1;
  const UP = 2;
  const MAINTENANCE = 4;
  const out: Outage[] = [];
  let open: { start: number; last: number; reason: string } | undefined;
  const close = (endTs: number) => {
    if (!open) return;
    out.push({
      application,
      start: new Date(open.start * 1000),
      end: new Date(endTs * 1000),
      durationMinutes: (endTs - open.start) / 60,
      reason: open.reason,
    });
    open = undefined;
  };
  let previous: number | undefined;
  for (const s of samples) {
    // A gap between two read ranges (an hour without down probes) ends an open run.
    if (open && previous !== undefined && s.ts - previous > 2 * 3600)
      close(Math.min(to, open.last + intervalSeconds));
    previous = s.ts;
    const down = (s.flags & KNOWN) !== 0 && (s.flags & UP) === 0 && (s.flags & MAINTENANCE) === 0;
    if (down) {
      if (!open) open = { start: s.ts, last: s.ts, reason: s.reason ?? "down" };
      else open.last = s.ts;
    } else close(s.ts);
  }
  if (open) close(Math.min(to, open.last + intervalSeconds));
  return out;
}
