/**
 * The filled-in performance-target form (绩效自评表) for the half-year ("2026-H1") or the year
 * ("2026"), gathered from the store: per row of the form, in its order, the target in force as
 * written on the form, the value achieved in the form's notation, met or not, where the value came
 * from, and why it deviates; the evidence behind every automatic figure; and the period's monthly
 * reports by file name. Pure data; render-xlsx.ts and render-csv.ts write it.
 *
 * Rules beyond kpiReport's:
 *  - 无数据 is the read model's (agent/figures/): a figure without evidence — also a fault row
 *    with no fault and nothing watching, or a monthly-report row with no data — has no value;
 *  - 分值 and 得分 per row from the targets file's scoring (agent/form/points.ts, score.ts), with
 *    totals per 一级指标 and for the form, computed here once (renderers only write them);
 *  - 偏差原因分析 only where a row is not met or at risk (and a short word where it has no data):
 *    a sentence from the figures, the store's facts after it (reasons.ts); 改进措施 drafted from
 *    the same facts. A manual record's note is evidence (数据来源/记录说明), not a reason;
 *  - while the year runs (an export before Jan 1), the value is the year to date and the status
 *    is 预计达成 / 有风险 from the projection to Dec 31.
 */
import { evidenceFileRows, type EvidenceFileRow } from "./evidence-files.js";
import { basename } from "node:path";
import type { Config } from "../../config/schema.js";
import type { Binding, Indicator } from "../form/types.js";
import { formatValue } from "../form/value.js";
import { CATEGORY_NAMES } from "../incidents/types.js";
import type { IndicatorResult } from "../kpi/evaluate.js";
import type { KpiPeriod } from "../kpi/kpi-period.js";
import { kpiReport, monthLabel } from "../kpi/kpi-report.js";
import type { SqliteStore } from "../store/sqlite.js";
import { DEFAULT_SCORING, allocatePoints, type RowScoring, type ScoringRule } from "../form/points.js";
import { deviationHeadline, periodCaption } from "./headline.js";
import { deviationReason, localDay, localTime, type Deviation, type ReasonContext } from "./reasons.js";
import { scoreRow } from "./score.js";
import { ruleOf } from "../figures/rules.js";

export const FORM_EXPORT_KIND = "form_export";
export const FORM_EXPORT_TITLE = "绩效自评表";

/** What 是否达成 says. */
export const STATUS_TEXT = {
  met: "达成",
  not_met: "未达成",
  at_risk: "有风险",
  no_data: "无数据",
  projected_met: "预计达成",
  "n/a": "—",
} as const;
export type StatusText = (typeof STATUS_TEXT)[keyof typeof STATUS_TEXT];

export const NO_DATA = "无数据";

export interface FormExportRow {
  key: string;
  automatic: boolean;
  level1: string;
  level2: string;
  /** 重点工作 of 履职 rows; "" otherwise. */
  task: string;
  name: string;
  /** The target in force, exactly as on the form. */
  target: string;
  /** 实际完成值 in the form's notation, or 无数据. */
  value: string;
  status: StatusText;
  /** 分值. */
  points: number;
  /** 得分; null when there is no data (counted as 0 in the totals). */
  score: number | null;
  /** How the score was reached, in words. */
  scoreHow: string;
  rule: ScoringRule;
  source: string;
  /** The notes of the manual records the value came from: evidence, not a reason. */
  notes: string;
  /** 偏差原因分析: "" when met. */
  reason: string;
  /** 改进措施: drafted from the figures where not met; "" otherwise. */
  measure: string;
}

/** 分值 and 得分 of a 一级指标 (or the whole form) and how its rows stand. */
export interface ScoreTotal {
  level1: string;
  points: number;
  score: number;
  rows: number;
  met: number;
  notMet: number;
  noData: number;
}

export interface EvidencePart {
  /** What a person calls the piece (an application's `system:` name…), from the read model. */
  label: string;
  numerator: number;
  /** null for a plain count (one inventory source's VMs). */
  denominator: number | null;
  unit: string;
  /** numerator ÷ denominator as a percentage ("99.88%"), the count itself, or 无数据. */
  value: string;
}

export interface EvidenceRow {
  key: string;
  name: string;
  /** "2026-01-01 至 2026-06-30". */
  period: string;
  numerator: number | null;
  denominator: number | null;
  unit: string;
  value: string;
  coverage: number | null;
  how: string;
  rule: string;
  parts: EvidencePart[];
}

export interface ReportFileRow {
  month: string;
  format: string;
  file: string;
  generatedAt: string;
  sha256: string;
}

export interface FormExport {
  period: KpiPeriod;
  organisation: string;
  /** "苏州市电化教育馆 2026年上半年绩效自评表". */
  title: string;
  /** 半年指标值 or 全年指标值. */
  targetHeader: string;
  generatedAt: Date;
  /** "2026-07-01 09:00 +08:00". */
  generatedAtText: string;
  timeZone: string;
  /** "2026-01-01 至 2026-06-30". */
  periodText: string;
  rows: FormExportRow[];
  /** Per 一级指标 in the form's order, then the form. */
  groups: ScoreTotal[];
  total: ScoreTotal;
  /** Where the points came from: the targets file's own figures, or the equal share by default. */
  pointsFrom: RowScoring["from"][];
  evidence: EvidenceRow[];
  reports: ReportFileRow[];
  /** The manual records' evidence files (evidence-files.ts). */
  evidenceFiles: EvidenceFileRow[];
}

export class FormExportPeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FormExportPeriodError";
  }
}

/** "2026-H1" or "2026"; anything else (a month, H2) is not a period the form is evaluated for. */
export const EXPORT_PERIOD = /^\d{4}(-H1)?$/;

export function buildFormExport(
  store: SqliteStore,
  config: Config,
  indicators: readonly Indicator[],
  options: { period: string; now: Date; organisation?: string },
): FormExport {
  if (!EXPORT_PERIOD.test(options.period)) {
    throw new FormExportPeriodError(
      `expected 2026-H1 (the half-year) or 2026 (the year), got "${options.period}"`,
    );
  }
  const report = kpiReport(store, config, indicators, options.period, options.now);
  if ("error" in report) throw new FormExportPeriodError(report.error);
  const { period, results } = report;
  const tz = config.timezone;
  const fromMonth = monthLabel(period.from, store.calendar);
  const toMonth = monthLabel(period.to - 1, store.calendar);
  const ctx: ReasonContext = {
    store,
    config,
    from: period.from,
    to: period.to,
    now: options.now,
    fromMonth,
    toMonth,
  };
  const notes = new Map(store.records.history().map((r) => [r.id, r]));
  const caption = periodCaption(period.kind, period.year, period.running, localDay(options.now, tz));
  // Indicators built in code (not from a targets file) carry no scoring: the default share.
  const fallback = allocatePoints(indicators, DEFAULT_SCORING);
  const periodText = `${localDay(new Date(period.from * 1000), tz)} 至 ${localDay(new Date((period.to - 1) * 1000), tz)}`;

  const rows: FormExportRow[] = [];
  const evidence: EvidenceRow[] = [];
  results.forEach((result, index) => {
    const indicator = indicators[index] as Indicator;
    // 无数据 is the read model's verdict (agent/figures/): a figure without evidence has no value.
    const noData = result.value === null;
    const value = noData ? NO_DATA : valueText(result);
    const status: StatusText = noData
      ? STATUS_TEXT.no_data
      : result.status === "met" && period.running
        ? STATUS_TEXT.projected_met
        : STATUS_TEXT[result.status];
    const scoring = indicator.scoring ??
      (fallback.ok ? fallback.rows[index] : undefined) ?? {
        points: 0,
        rule: DEFAULT_SCORING.rule,
        from: "equal" as const,
      };
    const scored = scoreRow(result, scoring);
    const deviates = !noData && (result.status === "not_met" || result.status === "at_risk");
    const why: Deviation = deviates
      ? result.automatic
        ? deviationReason(indicator.binding, ctx)
        : manualDeviation(result)
      : { detail: "", measure: "" };
    const row: FormExportRow = {
      key: result.key,
      automatic: result.automatic,
      level1: indicator.level1,
      level2: indicator.level2,
      task: indicator.task ?? "",
      name: indicator.name,
      target: result.target.text,
      value,
      status,
      points: scored.points,
      score: scored.score,
      scoreHow: scored.how,
      rule: scoring.rule,
      source: result.automatic ? automaticSource(indicator.binding, result) : manualSource(result, notes),
      notes: result.automatic ? "" : manualNotes(result, notes),
      reason: noData
        ? result.automatic
          ? "无数据：期间无测量数据，无法评价，不得分。"
          : "无数据：期间无人工记录，无法评价，不得分。"
        : deviates
          ? `${deviationHeadline(result, caption)}${why.detail === "" ? "。" : `。${why.detail}${/[。；]$/.test(why.detail) ? "" : "。"}`}`
          : "",
      measure: noData
        ? result.automatic
          ? "检查该项数据采集是否正常运行，恢复后重新导出。"
          : "补录本期人工记录后重新导出。"
        : why.measure,
    };
    rows.push(row);
    if (result.automatic) {
      evidence.push({
        key: result.key,
        name: indicator.name,
        period: periodText,
        numerator: noData ? null : tidy(result.evidence?.numerator ?? null),
        denominator: noData ? null : tidy(result.evidence?.denominator ?? null),
        // 计量单位, 计算说明 and 口径 are the read model's own Chinese (agent/figures/): said once, there.
        unit: result.evidence?.unit.zh ?? "",
        value,
        coverage: result.coverage === null ? null : Math.round(result.coverage * 1000) / 1000,
        how: result.how.zh,
        rule: ruleOf(indicator.binding, config, "zh"),
        parts: noData
          ? []
          : (result.evidence?.parts ?? []).map((p) => ({
              label: p.label.zh,
              numerator: tidy(p.numerator) as number,
              denominator: tidy(p.denominator),
              unit: p.unit.zh,
              value:
                p.denominator === null
                  ? String(tidy(p.numerator))
                  : p.denominator > 0
                    ? `${((p.numerator / p.denominator) * 100).toFixed(2)}%`
                    : NO_DATA,
            })),
      });
    }
  });

  const reports = store.reports
    .list("monthly_report", `${period.year}-`)
    .filter((r) => r.period >= fromMonth && r.period <= toMonth)
    .map((r) => ({
      month: r.period,
      format: r.format,
      file: basename(r.path),
      generatedAt: localTime(r.generatedAt, tz),
      sha256: r.sha256,
    }));

  const organisation = options.organisation ?? config.report.organisation;
  const titleCaption = period.kind === "half_year" ? `${period.year}年上半年` : `${period.year}年度`;
  const groups = [...new Set(rows.map((r) => r.level1))].map((level1) =>
    totalOf(
      level1,
      rows.filter((r) => r.level1 === level1),
    ),
  );
  return {
    period,
    organisation,
    title: `${organisation} ${titleCaption}${FORM_EXPORT_TITLE}${period.running ? `（截至${localDay(options.now, tz)}）` : ""}`,
    targetHeader: period.side === "half" ? "半年指标值" : "全年指标值",
    generatedAt: options.now,
    generatedAtText: localTime(options.now, tz),
    timeZone: tz,
    periodText,
    rows,
    groups,
    total: totalOf("合计", rows),
    pointsFrom: [...new Set(indicators.map((i) => i.scoring?.from ?? "equal"))],
    evidence,
    reports,
    evidenceFiles: evidenceFileRows(store, indicators, period, tz),
  };
}

/** Rounded to hundredths, so sums of 0.01 shares stay exact. */
const cents = (n: number) => Math.round(n * 100) / 100;

function totalOf(level1: string, rows: readonly FormExportRow[]): ScoreTotal {
  return {
    level1,
    points: cents(rows.reduce((s, r) => s + r.points, 0)),
    score: cents(rows.reduce((s, r) => s + (r.score ?? 0), 0)),
    rows: rows.length,
    met: rows.filter((r) => r.status === STATUS_TEXT.met || r.status === STATUS_TEXT.projected_met).length,
    notMet: rows.filter((r) => r.status === STATUS_TEXT.not_met || r.status === STATUS_TEXT.at_risk).length,
    noData: rows.filter((r) => r.status === STATUS_TEXT.no_data).length,
  };
}

/**
 * A measured number as a person reads it: whole numbers stay, others are cut to four decimals
 * (a sum of coverage ratios is 168.33, never 168.32999999999998).
 */
export function tidy(n: number | null): number | null {
  if (n === null || Number.isInteger(n)) return n;
  return Math.round(n * 10_000) / 10_000;
}

/** A manual row that misses its target: the value, the target and the record it came from. */
function manualDeviation(result: IndicatorResult): Deviation {
  const ids = result.records ?? [];
  return {
    detail: ids.length === 0 ? "" : `依据人工记录${ids.map((id) => `#${id}`).join("、")}`,
    measure: "由责任科室核实差距原因，制定整改措施，在下一期跟踪落实。",
  };
}

function valueText(result: IndicatorResult): string {
  const value = formatValue(result.target, result.value as number | boolean);
  if (result.projected === undefined || result.projected === result.value) return value;
  return `${value}（年初至今；预计全年${formatValue(result.target, result.projected)}）`;
}

const SOURCE_NAMES: Readonly<Record<Exclude<Binding["source"], "manual">, string>> = {
  availability: "自动测量：教育应用HTTP探测（可用率）",
  vm_count: "自动测量：虚拟化平台清单（在管虚拟机数）",
  antivirus_coverage: "自动测量：无代理杀毒覆盖率",
  fault_timeliness: "自动测量：故障响应时间",
  monthly_reports: "自动记录：本系统生成的月度运营报告",
};

function automaticSource(binding: Binding, result: IndicatorResult): string {
  if (binding.source === "manual") return "";
  const name =
    binding.source === "fault_timeliness"
      ? `${SOURCE_NAMES.fault_timeliness}（${CATEGORY_NAMES[binding.category]}）`
      : SOURCE_NAMES[binding.source];
  if (result.value === null) return `${name}；期间无测量数据`;
  const coverage = result.coverage === null ? "" : `；数据覆盖率${(result.coverage * 100).toFixed(1)}%`;
  const noFaults =
    binding.source === "fault_timeliness" && (result.evidence?.denominator ?? 0) === 0
      ? "；期间无故障（有监测数据，无超时即为及时）"
      : "";
  return `${name}${coverage}${noFaults}（计算见“佐证”）`;
}

type RecordsById = ReadonlyMap<
  number,
  { id: number; day: string; value: string; recordedBy: string; note?: string }
>;

function manualSource(result: IndicatorResult, records: RecordsById): string {
  const used = (result.records ?? []).flatMap((id) => {
    const r = records.get(id);
    return r === undefined ? [] : [`#${r.id} ${r.day} ${r.value}（${r.recordedBy}）`];
  });
  if (used.length === 0) return "人工记录：期间内无记录";
  const rule = used.length > 1 ? "合计" : "期间内最新记录";
  return `人工记录（${rule}）：${used.join("；")}`;
}

function manualNotes(result: IndicatorResult, records: RecordsById): string {
  const noted = (result.records ?? []).flatMap((id) => {
    const r = records.get(id);
    return r?.note === undefined || r.note === "" ? [] : [r];
  });
  if (noted.length === 1) return (noted[0] as { note: string }).note;
  return noted.map((r) => `#${r.id} ${r.day}：${r.note}`).join("；");
}
