/**
 * The form's indicators evaluated for a period: value, the target in force (half-year value for
 * 2026-H1, full-year value for the year and for a month), status, coverage, and how the value was
 * computed. Rules (also in DESIGN.md, "The form"):
 *  - automatic indicators take their measurement (sources.ts); manual ones their records;
 *  - counts (次 场 份 条 题 人次, and the monthly reports) are summed over the period; other
 *    values (ratios, people, items, qualitative words) are the latest record in the period;
 *  - a month is judged against the full-year value, except counts, which the form only sets per
 *    half-year and year (status n/a);
 *  - while the year runs, the full-year figure is the year to date, projected to Dec 31: counts
 *    pro rata (rounded to whole counts), everything else as it stands; "at risk" when the projection misses the target,
 *    "met" (projected) when it reaches it;
 *  - no measurement or no record in the period: "no data", never 0.
 */
import { isMet } from "../form/value.js";
import { parseRecordedValue } from "../form/recorded-value.js";
import type { Indicator, TargetValue } from "../form/types.js";
import type { ManualRecord } from "../store/manual-records.js";
import type { KpiPeriod } from "./kpi-period.js";
import type { Bilingual, Evidence, Figure, Figures } from "../figures/index.js";
import { both, pct, quoted } from "../figures/words.js";

export type KpiStatus = "met" | "not_met" | "at_risk" | "no_data" | "n/a";

export interface IndicatorResult {
  key: string;
  name: string;
  group: Indicator["group"];
  automatic: boolean;
  target: TargetValue;
  value: number | boolean | null;
  /** The full-year projection while the year runs. */
  projected?: number | boolean;
  status: KpiStatus;
  coverage: number | null;
  /** How the value was computed, Chinese first: the figure's own text and this period's clauses. */
  how: Bilingual;
  /** The manual records the value came from (ids), for the evidence. */
  records?: number[];
  /** The computation as numbers over the period (automatic indicators that have one). */
  evidence?: ResultEvidence;
  /** Unix seconds of the newest measurement behind the value (how stale it is). */
  lastMeasuredAt?: number;
}

/** A measurement's figures with the period they cover (unix seconds, [from, to)). */
export interface ResultEvidence extends Evidence {
  period: { label: string; from: number; to: number };
}

const SUMMED_UNITS = new Set(["次", "场", "份", "条", "题", "人次"]);

export function isCount(target: TargetValue): boolean {
  return target.kind === "number" && SUMMED_UNITS.has(target.unit);
}

export interface EvaluateInput {
  indicators: readonly Indicator[];
  period: KpiPeriod;
  now: Date;
  /** The read model every automatic value comes from. */
  figures: Figures;
  /** The records in force for an indicator in [from, to). */
  records: (key: string, from: Date, to: Date) => ManualRecord[];
  /** "YYYY-MM" of a unix time in the centre's time zone. */
  monthOf: (ts: number) => string;
}

export function evaluate(input: EvaluateInput): IndicatorResult[] {
  return input.indicators.map((indicator) => evaluateOne(indicator, input));
}

function evaluateOne(indicator: Indicator, input: EvaluateInput): IndicatorResult {
  const { period } = input;
  const target = period.side === "half" ? indicator.half : indicator.full;
  const base = {
    key: indicator.key,
    name: indicator.name,
    group: indicator.group,
    automatic: indicator.binding.source !== "manual",
    target,
  };
  const measured = measure(indicator, input, target);
  const evidence: { evidence?: ResultEvidence; lastMeasuredAt?: number } = {
    ...(measured.evidence === undefined
      ? {}
      : {
          evidence: {
            ...measured.evidence,
            period: { label: period.label, from: period.from, to: period.to },
          },
        }),
    ...(measured.lastMeasuredAt === undefined ? {} : { lastMeasuredAt: measured.lastMeasuredAt }),
  };
  const count = isCount(target) || indicator.binding.source === "monthly_reports";
  if (measured.value === null)
    return {
      ...base,
      value: null,
      status: "no_data",
      coverage: measured.coverage,
      how: measured.how,
      ...recordsOf(measured),
      ...evidence,
    };
  if (period.kind === "month" && count) {
    return {
      ...base,
      value: measured.value,
      status: "n/a",
      coverage: measured.coverage,
      how: both(
        `${clause(measured.how.zh)}表中计数类指标只设半年和全年指标值，月度不作评价。`,
        `${measured.how.en}; the form sets counts per half-year and year only`,
      ),
      ...recordsOf(measured),
      ...evidence,
    };
  }
  const value = measured.value;
  if (period.kind === "year" && period.running) {
    const elapsed = (period.to - period.from) / (period.end - period.from);
    // A figure that knows its own projection gives it (monthly reports: counted + months still
    // open); other counts are whole: the pro-rata projection is rounded.
    const projected =
      measured.projection ??
      (count && typeof value === "number" && elapsed > 0 ? Math.round(value / elapsed) : value);
    return {
      ...base,
      value,
      projected,
      status: isMet(target, projected) ? "met" : "at_risk",
      coverage: measured.coverage,
      how: both(
        `${clause(measured.how.zh)}以上为年初至今（已过全年的 ${pct(elapsed)}）的数值，` +
          `${count ? "按时间比例" : "按现值"}推算至12月31日。`,
        `${measured.how.en}; year to date (${pct(elapsed)} of the year), projected to Dec 31${count ? " pro rata" : " as it stands"}`,
      ),
      ...recordsOf(measured),
      ...evidence,
    };
  }
  return {
    ...base,
    value,
    status: isMet(target, value) ? "met" : "not_met",
    coverage: measured.coverage,
    how: measured.how,
    ...recordsOf(measured),
    ...evidence,
  };
}

type Measured = Figure<number | boolean> & { records?: number[] };

/** A Chinese sentence that another follows: its full stop becomes a semicolon. */
function clause(zh: string): string {
  return zh.endsWith("。") ? `${zh.slice(0, -1)}；` : `${zh}；`;
}

function recordsOf(m: Measured): { records?: number[] } {
  return m.records === undefined ? {} : { records: m.records };
}

function measure(indicator: Indicator, input: EvaluateInput, target: TargetValue): Measured {
  const { period, figures } = input;
  const binding = indicator.binding;
  const span = { from: period.from, to: period.to };
  switch (binding.source) {
    case "availability":
      return figures.availability({ ...span, end: period.end });
    case "vm_count":
      return figures.vmsInScope(span);
    case "antivirus_coverage":
      return figures.antivirusCoverage(span);
    case "fault_timeliness":
      return figures.faultTimeliness(binding.category, span, input.now);
    case "monthly_reports":
      // The whole period's months: those not begun yet are open months of the projection.
      return figures.monthlyReports(input.monthOf(period.from), input.monthOf(period.end - 1), input.now);
    case "manual":
      return manualValue(indicator, input, target);
  }
}

function manualValue(
  indicator: Indicator,
  input: EvaluateInput,
  target: TargetValue,
): Measured & { records: number[] } {
  const { period } = input;
  const records = input.records(indicator.key, new Date(period.from * 1000), new Date(period.to * 1000));
  const values = records.flatMap((r) => {
    const v = parseRecordedValue(r.value, target);
    return typeof v === "object" ? [] : [{ record: r, value: v }];
  });
  if (values.length === 0) {
    return {
      value: null,
      coverage: null,
      how: both("无数据：手工指标，本期无记录。", "manual indicator: no record in the period"),
      records: [],
    };
  }
  if (isCount(target)) {
    const sum = values.reduce((s, v) => s + (v.value as number), 0);
    return {
      value: sum,
      coverage: null,
      how: both(
        `手工指标：本期 ${values.length} 条记录之和。`,
        `manual: sum of ${values.length} record(s) in the period`,
      ),
      records: values.map((v) => v.record.id),
    };
  }
  const latest = values.reduce((a, b) => (b.record.at >= a.record.at ? b : a));
  return {
    value: latest.value,
    coverage: null,
    how: both(
      `手工指标：取本期最新记录（${latest.record.day}，${quoted(latest.record.recordedBy)}录入` +
        `${latest.record.note ? `：${latest.record.note}` : ""}）。`,
      `manual: latest record in the period (${latest.record.day}, by ${latest.record.recordedBy}${latest.record.note ? `: ${latest.record.note}` : ""})`,
    ),
    records: [latest.record.id],
  };
}
