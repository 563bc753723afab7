/**
 * Retention policy: how far back each tier is kept, cut on local-day boundaries so a day is
 * either wholly in raw samples or wholly gone (the rollup repair after a crash relies on it).
 */
import type { BucketCalendar } from "./buckets.js";

export interface RetentionPolicy {
  rawMs: number;
  hourlyMs: number;
  dailyMs: number;
}

export interface RetentionCutoffs {
  rawBefore: number;
  hourBefore: number;
  dayBefore: number;
}

export function retentionCutoffs(
  now: Date,
  policy: RetentionPolicy,
  calendar: BucketCalendar,
): RetentionCutoffs {
  const nowSec = Math.floor(now.getTime() / 1000);
  const cut = (ms: number) => calendar.dayStart(nowSec - Math.floor(ms / 1000));
  return { rawBefore: cut(policy.rawMs), hourBefore: cut(policy.hourlyMs), dayBefore: cut(policy.dailyMs) };
}
