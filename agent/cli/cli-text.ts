/**
 * The words of the CLI's tables in the terminal's language (agent/cli/locale.ts, the rule the
 * help follows): column headers, states, and the lines around a table. Chinese where LC_ALL /
 * LC_MESSAGES / LANG is zh…; English otherwise, worded as before so a script reading the tables
 * under LANG=C keeps working (scripts should read --json, which never changes with the language).
 * Verdicts, categories, power states and KPI statuses come from the report's label tables, so the
 * terminal, the console and the documents say the same word for the same thing.
 */
import { labels } from "../report/labels.js";
import type { KpiStatus } from "../kpi/evaluate.js";
import { wantsChinese } from "./locale.js";
import { messages } from "../console/i18n.js";

export type CliLang = "zh" | "en";

export function cliLang(env: NodeJS.ProcessEnv = process.env): CliLang {
  return wantsChinese(env) ? "zh" : "en";
}

/** Column headers of every table the CLI prints, by table. */
const HEADERS = {
  kpi: {
    zh: ["指标", "来源", "值", "目标", "状态", "数据覆盖"],
    en: ["指标 INDICATOR", "SOURCE", "VALUE", "TARGET", "STATUS", "COVERAGE"],
  },
  kpiKeys: { zh: ["键", "指标", "来源", "目标"], en: ["KEY", "指标 INDICATOR", "SOURCE", "TARGET"] },
  records: {
    zh: ["编号", "指标", "日期", "值", "记录人", "备注", "状态"],
    en: ["ID", "INDICATOR", "DATE", "VALUE", "BY", "NOTE", "STATE"],
  },
  incidents: {
    zh: ["编号", "状态", "类别", "优先级", "开始时间", "响应用时", "时限判定", "故障内容"],
    en: ["ID", "STATUS", "CATEGORY", "PRIORITY", "STARTED", "RESPONSE", "SLA", "TITLE"],
  },
  incidentEvents: { zh: ["时间", "事件", "操作人", "说明"], en: ["AT", "EVENT", "BY", "TEXT"] },
  timeliness: {
    zh: ["类别", "故障数", "及时", "不及时", "待响应", "及时率", "判定"],
    en: ["CATEGORY", "FAULTS", "WITHIN", "LATE", "PENDING", "SHARE", "TIMELY"],
  },
  availability: {
    zh: ["统计期", "系统", "可用率", "数据覆盖", "正常", "异常", "维护", "剩余可中断时间"],
    en: ["WINDOW", "APPLICATION", "AVAILABILITY", "COVERAGE", "UP", "DOWN", "MAINT", "BUDGET LEFT"],
  },
  maintenance: {
    zh: ["名称", "来源", "适用系统", "时间", "当前生效", "添加人", "备注"],
    en: ["NAME", "SOURCE", "APPLICATIONS", "WHEN", "OPEN NOW", "BY", "NOTE"],
  },
  maintenanceRemoved: {
    zh: ["名称", "时间", "添加人", "添加时间", "移除人", "移除时间"],
    en: ["NAME", "WHEN", "ADDED BY", "ADDED", "REMOVED BY", "REMOVED"],
  },
  reports: { zh: ["月份", "格式", "生成时间", "文件"], en: ["MONTH", "FORMAT", "GENERATED", "FILE"] },
  reportNotes: {
    zh: ["编号", "章节", "方式", "作者", "时间", "内容"],
    en: ["ID", "SECTION", "MODE", "BY", "WHEN", "TEXT"],
  },
  once: {
    zh: ["采集器", "目标", "指标", "标签", "值", "状态"],
    en: ["COLLECTOR", "TARGET", "METRIC", "LABELS", "VALUE", "STATE"],
  },
} as const satisfies Record<string, Record<CliLang, readonly string[]>>;

export function headers(table: keyof typeof HEADERS, lang: CliLang = cliLang()): readonly string[] {
  return HEADERS[table][lang];
}

const KPI_STATUS_EN: Readonly<Record<KpiStatus, string>> = {
  met: "达成 met",
  not_met: "未达成 NOT MET",
  at_risk: "有风险 at risk",
  no_data: "无数据 no data",
  "n/a": "—",
};

/** A KPI status: the report's word in Chinese; both words in English (as it always printed). */
export function kpiStatusText(status: KpiStatus, lang: CliLang = cliLang()): string {
  return lang === "zh" ? labels("zh").status[status] : KPI_STATUS_EN[status];
}

/** Where a row's value comes from: measured by the agent, or recorded by a person. */
export function sourceText(automatic: boolean, lang: CliLang = cliLang()): string {
  if (lang === "zh") return automatic ? "自动" : "手工";
  return automatic ? "auto" : "manual";
}

/** An incident's status in the console's words (未响应 / 已响应 / 已解决): one wording for both. */
const CONSOLE_ZH = messages("zh");
const INCIDENT_STATUS_ZH: Readonly<Record<string, string>> = {
  open: CONSOLE_ZH.status_open,
  acknowledged: CONSOLE_ZH.status_acknowledged,
  resolved: CONSOLE_ZH.status_resolved,
};

const EVENT_KINDS_ZH: Readonly<Record<string, string>> = {
  open: "发生",
  ack: "确认",
  resolve: "恢复",
  reopen: "重新发生",
  note: "备注",
  update: "更新",
};

/** An incident's status, category, response verdict and event kind, in the terminal's language. */
export function incidentWords(lang: CliLang = cliLang()) {
  const zh = labels("zh");
  const pick = (table: Readonly<Record<string, string>>, code: string) =>
    lang === "zh" && Object.hasOwn(table, code) ? (table[code] as string) : code;
  return {
    status: (s: string) => pick(INCIDENT_STATUS_ZH, s),
    category: (c: string) => (lang === "zh" ? zh.category(c) : c),
    verdict: (v: "within" | "late" | "pending") => (lang === "zh" ? zh.sla[v] : v),
    timely: (noFaults: boolean, timely: boolean) =>
      lang === "zh"
        ? noFaults
          ? "及时（无故障）"
          : zh.timelyVerdict(timely)
        : noFaults
          ? "及时 (no faults)"
          : timely
            ? "及时"
            : "不及时",
    event: (kind: string) => pick(EVENT_KINDS_ZH, kind),
    /** Minutes as the table shows them: "12.5 min" / "12.5 分钟"; "-" when not yet known. */
    minutes: (ms: number | undefined) =>
      ms === undefined ? "-" : `${(ms / 60_000).toFixed(1)} ${lang === "zh" ? "分钟" : "min"}`,
  };
}

/** "2026 (so far)" / "2026年（截至目前）": the period line above `kpi`'s table. */
export function kpiPeriodLine(
  period: { label: string; kind: "month" | "half_year" | "year"; year: number; running: boolean },
  lang: CliLang = cliLang(),
): string {
  if (lang === "en") return `${period.label}${period.running ? " (so far)" : ""}`;
  const caption =
    period.kind === "year"
      ? `${period.year}年`
      : period.kind === "half_year"
        ? `${period.year}年上半年`
        : `${period.year}年${Number(period.label.slice(5))}月`;
  return `${caption}${period.running ? "（截至目前）" : ""}`;
}

export function yesNo(value: boolean, lang: CliLang = cliLang()): string {
  if (lang === "zh") return value ? "是" : "否";
  return value ? "yes" : "no";
}
