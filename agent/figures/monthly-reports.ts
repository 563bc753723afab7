/**
 * 大平台月度运营报告: the months of a span whose report counts (DESIGN.md, The monthly
 * operations report). A month counts once, when
 *  - a report of it was generated after the month had ended (a report of the running month is a
 *    draft: it may be regenerated, but it is not the month's report), and
 *  - the month has data: the agent stored samples on at least one of its days (a report of a
 *    month the agent never measured documents nothing).
 * However often a month is regenerated, it counts once (one row per month and format).
 */
import { monthRange } from "../kpi/periods.js";
import type { BucketCalendar } from "../store/buckets.js";
import type { FigureContext } from "./context.js";
import type { Figure } from "./types.js";
import { both } from "./words.js";

export const MONTHLY_REPORT_KIND = "monthly_report";

export interface MonthlyReportsFigure extends Figure<number> {
  /** The months that count ("2026-01"…). */
  counted: string[];
  /** Months with a report that does not count, and why. */
  refused: { month: string; why: "running" | "no_data" }[];
}

/** Months from one YYYY-MM label to another, inclusive ("2026-01" … "2026-06" → 6); 0 when reversed. */
export function monthsBetween(fromMonth: string, toMonth: string): number {
  const index = (label: string) => Number(label.slice(0, 4)) * 12 + Number(label.slice(5, 7)) - 1;
  return Math.max(0, index(toMonth) - index(fromMonth) + 1);
}

/** Months of [fromMonth, toMonth] that have not ended at `now`. */
function openMonths(fromMonth: string, toMonth: string, now: Date, calendar: BucketCalendar): number {
  let open = 0;
  const [fy, fm] = [Number(fromMonth.slice(0, 4)), Number(fromMonth.slice(5, 7))];
  for (let i = 0; i < monthsBetween(fromMonth, toMonth); i++) {
    const year = fy + Math.floor((fm - 1 + i) / 12);
    const month = ((fm - 1 + i) % 12) + 1;
    if (monthRange(year, month, calendar).end * 1000 > now.getTime()) open += 1;
  }
  return open;
}

export function monthlyReports(
  ctx: FigureContext,
  fromMonth: string,
  toMonth: string,
  now: Date,
): MonthlyReportsFigure {
  const { store } = ctx;
  const generated = store.reports
    .list(MONTHLY_REPORT_KIND)
    .filter((r) => r.period >= fromMonth && r.period <= toMonth);
  const latestByMonth = new Map<string, number>();
  for (const r of generated)
    latestByMonth.set(r.period, Math.max(latestByMonth.get(r.period) ?? 0, r.generatedAt.getTime()));
  const counted: string[] = [];
  const refused: MonthlyReportsFigure["refused"] = [];
  for (const [month, generatedAt] of [...latestByMonth.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const { from, end } = monthRange(Number(month.slice(0, 4)), Number(month.slice(5, 7)), store.calendar);
    if (generatedAt < end * 1000) refused.push({ month, why: "running" });
    else if (store.dataDays(undefined, from, end) === 0) refused.push({ month, why: "no_data" });
    else counted.push(month);
  }
  const expected = monthsBetween(fromMonth, toMonth);
  const first = monthRange(Number(fromMonth.slice(0, 4)), Number(fromMonth.slice(5, 7)), store.calendar);
  const last = monthRange(Number(toMonth.slice(0, 4)), Number(toMonth.slice(5, 7)), store.calendar);
  // Months not closed yet (now included) can still get their report; closed ones without one
  // can too (a late report counts), but until then they are what puts the row at risk.
  const open = openMonths(fromMonth, toMonth, now, store.calendar);
  if (counted.length === 0 && store.dataDays(undefined, first.from, last.end) === 0) {
    return {
      value: null,
      coverage: 0,
      counted,
      refused,
      how: both(
        "无数据：本期代理未存储任何监测数据，没有可计入的月度运营报告。",
        "no data: the agent stored nothing in the period, so no month has a report that counts",
      ),
    };
  }
  const refusedZh = refused
    .map((r) => `${r.month}（${r.why === "running" ? "月末前生成，为草稿" : "当月无监测数据"}）`)
    .join("、");
  const refusedText = refused
    .map(
      (r) =>
        `${r.month} (${r.why === "running" ? "generated before the month ended" : "no data in the month"})`,
    )
    .join(", ");
  return {
    value: counted.length,
    coverage: null,
    counted,
    refused,
    projection: counted.length + open,
    evidence: {
      numerator: counted.length,
      denominator: expected,
      unit: both(
        "已生成报告的月份数 ÷ 应有报告的月份数",
        "closed months with a report ÷ months that need one",
      ),
    },
    how: both(
      `已结束且有监测数据、已生成月度运营报告的月份 ${counted.length} 个（应有 ${expected} 个）：` +
        `${counted.length === 0 ? "无" : counted.join("、")}` +
        `${refused.length > 0 ? `；不计入：${refusedZh}` : ""}。`,
      `monthly operations reports of closed months with data: ${counted.length === 0 ? "none" : counted.join(", ")}` +
        `${refused.length > 0 ? `; not counted: ${refusedText}` : ""}`,
    ),
  };
}
