/**
 * One metric's daily rollups over a span, folded the way the level figures (VMs in scope,
 * antivirus coverage) read them: count, sum, min and max of the values, the days with data, and
 * each series' last value — with the sources that stopped reporting before the latest day left
 * out of the "now" sum (a retired vCenter's last count is not today's).
 */
import type { SqliteStore } from "../store/sqlite.js";
import type { Span } from "./types.js";

export interface DailyFold {
  /** Days of the span with at least one value. */
  days: number;
  daysInPeriod: number;
  sum: number;
  count: number;
  min: number;
  max: number;
  /** Each series' last value and the day it is from. */
  lastBySeries: Map<number, { bucket: number; last: number; lastTs: number | null }>;
  /** The series whose last value is from the latest day any series reported. */
  current: { seriesId: number; last: number }[];
  /** Sum of `current`. */
  lastSum: number;
  /** Unix seconds of the newest value of any series. */
  lastMeasuredAt: number | undefined;
}

export function foldDaily(store: SqliteStore, metric: string, span: Span): DailyFold {
  const rows = store.queryRollups({ resolution: "day", from: span.from, to: span.to, metric });
  const days = new Set<number>();
  let sum = 0;
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  let lastMeasuredAt: number | undefined;
  const lastBySeries = new Map<number, { bucket: number; last: number; lastTs: number | null }>();
  for (const r of rows) {
    if (r.nValue === 0) continue;
    days.add(r.bucket);
    sum += r.sum ?? 0;
    count += r.nValue;
    if (r.min !== null) min = Math.min(min, r.min);
    if (r.max !== null) max = Math.max(max, r.max);
    if (r.lastTs !== null) lastMeasuredAt = Math.max(lastMeasuredAt ?? 0, r.lastTs);
    const known = lastBySeries.get(r.seriesId);
    if (r.last !== null && (known === undefined || r.bucket > known.bucket)) {
      lastBySeries.set(r.seriesId, { bucket: r.bucket, last: r.last, lastTs: r.lastTs });
    }
  }
  const lastDay = Math.max(...[...lastBySeries.values()].map((v) => v.bucket));
  const current = [...lastBySeries.entries()]
    .filter(([, v]) => v.bucket === lastDay)
    .map(([seriesId, v]) => ({ seriesId, last: v.last }));
  return {
    days: days.size,
    daysInPeriod: Math.max(1, Math.ceil((span.to - span.from) / 86_400)),
    sum,
    count,
    min,
    max,
    lastBySeries,
    current,
    lastSum: current.reduce((s, v) => s + v.last, 0),
    lastMeasuredAt,
  };
}
