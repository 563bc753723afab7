/**
 * The periods the form is judged over: a month ("2026-10"), the half-year ("2026-H1": Jan 1 –
 * Jun 30, against the half-year value) and the year ("2026": against the full-year value; while
 * it runs, the year to date with a projection to Dec 31). Local calendar of the config's time zone.
 */
import type { BucketCalendar } from "../store/buckets.js";
import { halfYearRange, monthRange, yearRange } from "./periods.js";

export interface KpiPeriod {
  label: string;
  kind: "month" | "half_year" | "year";
  year: number;
  /** Unix seconds: start (inclusive), end of the whole period (exclusive), and now-or-end. */
  from: number;
  end: number;
  to: number;
  /** The period has not ended yet (`to` < `end`). */
  running: boolean;
  /** Which of the form's values applies. */
  side: "half" | "full";
}

export function parseKpiPeriod(
  text: string,
  now: Date,
  calendar: BucketCalendar,
): KpiPeriod | { error: string } {
  const nowTs = Math.floor(now.getTime() / 1000);
  const m = /^(\d{4})(?:-(H1|H2|0[1-9]|1[0-2]))?$/.exec(text.trim());
  if (!m)
    return {
      error: `expected a period like 2026 (the year), 2026-H1 (the half-year) or 2026-10 (a month), got "${text}"`,
    };
  const year = Number(m[1]);
  const part = m[2];
  let from: number;
  let end: number;
  let kind: KpiPeriod["kind"];
  let side: KpiPeriod["side"] = "full";
  if (part === undefined) {
    kind = "year";
    ({ from, end } = yearRange(year, calendar));
  } else if (part === "H1") {
    kind = "half_year";
    side = "half";
    ({ from, end } = halfYearRange(year, calendar));
  } else if (part === "H2") {
    return { error: "the form has no second-half value: use 2026 (the full year) or 2026-H1" };
  } else {
    kind = "month";
    ({ from, end } = monthRange(year, Number(part), calendar));
  }
  if (from > nowTs) return { error: `${text} has not begun yet` };
  const to = Math.min(nowTs, end);
  return { label: text.trim(), kind, year, from, end, to, running: to < end, side };
}
