/**
 * The form's periods in the centre's time zone: a day, a month, the half-year (Jan 1 – Jun 30,
 * judged against the form's half-year value) and the year to date (judged against the full-year
 * value). Each is [from, to) in unix seconds, `to` never later than now.
 */
import type { BucketCalendar } from "../store/buckets.js";

export type PeriodKind = "day" | "month" | "half_year" | "year_to_date";

export interface Period {
  kind: PeriodKind;
  from: number;
  /** Exclusive; now for a period still running. */
  to: number;
  /** Where the period ends when complete (for the error budget of a running period). */
  end: number;
}

/** The local calendar date (year, month 1–12, day) of an instant. */
function localDate(ts: number, calendar: BucketCalendar): { year: number; month: number; day: number } {
  const local = new Date((ts + calendar.offsetAt(ts)) * 1000);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/** Unix seconds of local midnight on year-month-day. */
export function localMidnight(year: number, month: number, day: number, calendar: BucketCalendar): number {
  const guess = Date.UTC(year, month - 1, day) / 1000;
  return calendar.dayStart(guess - calendar.offsetAt(guess) + 3600);
}

/** [from, end) of a local calendar month (month 1–12): the one place month bounds are computed. */
export function monthRange(
  year: number,
  month: number,
  calendar: BucketCalendar,
): { from: number; end: number } {
  const from = localMidnight(year, month, 1, calendar);
  const end =
    month === 12 ? localMidnight(year + 1, 1, 1, calendar) : localMidnight(year, month + 1, 1, calendar);
  return { from, end };
}

/** [from, end) of the form's half-year (1 January – 30 June). */
export function halfYearRange(year: number, calendar: BucketCalendar): { from: number; end: number } {
  return { from: localMidnight(year, 1, 1, calendar), end: localMidnight(year, 7, 1, calendar) };
}

/** [from, end) of a local calendar year. */
export function yearRange(year: number, calendar: BucketCalendar): { from: number; end: number } {
  return { from: localMidnight(year, 1, 1, calendar), end: localMidnight(year + 1, 1, 1, calendar) };
}

export function periodAt(kind: PeriodKind, now: Date, calendar: BucketCalendar): Period {
  const nowTs = Math.floor(now.getTime() / 1000);
  const { year, month, day } = localDate(nowTs, calendar);
  let from: number;
  let end: number;
  switch (kind) {
    case "day":
      from = localMidnight(year, month, day, calendar);
      end = calendar.nextDayStart(from);
      break;
    case "month":
      ({ from, end } = monthRange(year, month, calendar));
      break;
    case "half_year":
      ({ from, end } = halfYearRange(year, calendar));
      break;
    case "year_to_date":
      ({ from, end } = yearRange(year, calendar));
      break;
  }
  return { kind, from, to: Math.min(nowTs, end), end };
}
