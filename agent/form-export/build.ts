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
 *  - a manual row's 偏差原因 is the note recorded with the value(s) it came from;
 *  - while the year runs (an export before Jan 1), the value is the year to date and the status
 *    is 预计达成 / 有风险 from the projection to Dec 31.
 */
import { evidenceFileRows, type EvidenceFileRow } from "./evidence-files.js";
import { basename } from "node:path";
import type { Config } from "../../config/schema.js";
import type { Binding, Indicator } from "../form/types.js";
import { formatValue } from "../form/value.js";
import { timelinessRule } from "../incidents/sla.js";
import { CATEGORY_NAMES } from "../incidents/types.js";
import { ACCOUNTING_RULE } from "../kpi/availability.js";
import type { IndicatorResult } from "../kpi/evaluate.js";
import type { KpiPeriod } from "../kpi/kpi-period.js";
import { kpiReport, monthLabel } from "../kpi/kpi-report.js";
import type { SqliteStore } from "../store/sqlite.js";
import { deviationReason, localDay, localTime, type ReasonContext } from "./reasons.js";

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
  source: string;
  reason: string;
}

export interface EvidencePart {
  label: string;
  numerator: number;
  /** null for a plain count (one inventory source's VMs). */
  denominator: number | null;
  unit: string;
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
  timeZone: string;
  rows: FormExportRow[];
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
      source: result.automatic ? automaticSource(indicator.binding, result) : manualSource(result, notes),
      reason: result.automatic
        ? noData
          ? "期间无测量数据，无法评价"
          : result.status === "not_met" || result.status === "at_risk"
            ? deviationReason(indicator.binding, ctx)
            : ""
        : manualNotes(result, notes),
    };
    rows.push(row);
    if (result.automatic) {
      evidence.push({
        key: result.key,
        name: indicator.name,
        period: periodText,
        numerator: noData ? null : (result.evidence?.numerator ?? null),
        denominator: noData ? null : (result.evidence?.denominator ?? null),
        unit: indicator.binding.source === "manual" ? "" : EVIDENCE_UNITS[indicator.binding.source],
        value,
        coverage: result.coverage,
        how: result.how,
        rule: ruleOf(indicator.binding, config),
        parts: noData ? [] : (result.evidence?.parts ?? []).map((p) => ({ ...p, unit: PART_UNIT })),
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
  const caption = period.kind === "half_year" ? `${period.year}年上半年` : `${period.year}年度`;
  return {
    period,
    organisation,
    title: `${organisation} ${caption}${FORM_EXPORT_TITLE}${period.running ? `（截至${localDay(options.now, tz)}）` : ""}`,
    targetHeader: period.side === "half" ? "半年指标值" : "全年指标值",
    generatedAt: options.now,
    timeZone: tz,
    rows,
    evidence,
    reports,
    evidenceFiles: evidenceFileRows(store, indicators, period, tz),
  };
}

/** Something was measured behind an automatic value: samples, decided faults, generated reports. */
/** What the numerator ÷ denominator of each measurement counts, in the form's language. */
const EVIDENCE_UNITS: Readonly<Record<Exclude<Binding["source"], "manual">, string>> = {
  availability: "各应用可用率×权重之和 ÷ 权重之和",
  vm_count: "在管虚拟机（台）",
  antivirus_coverage: "覆盖率测量值之和 ÷ 测量次数",
  fault_timeliness: "按时响应故障数 ÷ 已判定故障数",
  monthly_reports: "已生成报告的月份数 ÷ 期间月份数",
};
export const PART_UNIT = "正常采样数 ÷ 计入采样数";

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

function ruleOf(binding: Binding, config: Config): string {
  switch (binding.source) {
    case "availability":
      return ACCOUNTING_RULE;
    case "fault_timeliness":
      return timelinessRule(config.incidents.sla);
    case "vm_count":
      return "期间最后一次清单中的在管虚拟机数（多个清单来源相加）；与指标值比较 (VMs in scope in the period's last inventory).";
    case "antivirus_coverage":
      return "受保护的运行虚拟机 ÷ 在管运行虚拟机，期间各次测量的平均值 (mean of the period's coverage measurements).";
    case "monthly_reports":
      return "期间内已生成月度运营报告的月份数，同一月份重新生成只计一次 (distinct months with a generated report).";
    case "manual":
      return "";
  }
}
