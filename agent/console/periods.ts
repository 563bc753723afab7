/** The three periods the console shows the form for: this month, the half-year, the year to date. */
import { localYearMonth } from "../local-time.js";
import type { Messages } from "./i18n.js";

export type ConsolePeriod = "month" | "half" | "year";
export const CONSOLE_PERIODS: readonly ConsolePeriod[] = ["month", "half", "year"];

/** The kpi period label (agent/kpi/kpi-period.ts) of each: "2026-11", "2026-H1", "2026". */
export function periodLabel(period: ConsolePeriod, now: Date, timeZone: string): string {
  const { year, month } = localYearMonth(now, timeZone);
  if (period === "month") return `${year}-${String(month).padStart(2, "0")}`;
  // The form sets a first-half value only (半年指标值): after June it is the finished half-year.
  return period === "half" ? `${year}-H1` : String(year);
}

export function periodName(period: ConsolePeriod, t: Messages): string {
  return period === "month" ? t.period_month : period === "half" ? t.period_half : t.period_year;
}

export function parsePeriod(text: string | null): ConsolePeriod {
  return text === "month" || text === "half" ? text : "year";
}
