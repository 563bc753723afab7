/**
 * The report's own words in Chinese (default) and English, the formatting of its figures (ratios,
 * durations, times in the centre's time zone), and the report laid out as sections of blocks
 * (headings, paragraphs, key figures, tables, charts) — shared by every renderer, so the HTML,
 * Markdown and DOCX files print the same figures in the same order. Output is plain text: each
 * renderer escapes it for its format.
 */
import type { KpiStatus } from "../kpi/evaluate.js";
import { parseTargetValue } from "../form/value.js";
import { countChart, distributionChart, ratioChart, type Scene } from "./charts/index.js";
import type { DailyPoint, IncidentRow, Lang, MonthlyReport, SummaryPeriod } from "./model.js";

export interface Labels {
  title: (report: MonthlyReport) => string;
  subtitle: (report: MonthlyReport) => string;
  sections: {
    summary: string;
    availability: string;
    machineRoom: string;
    videoconf: string;
    faults: string;
    maintenance: string;
    records: string;
    rules: string;
  };
  status: Record<KpiStatus, string>;
  sla: Record<IncidentRow["withinSla"], string>;
  noData: string;
  none: string;
  yes: string;
  no: string;
  // summary
  indicator: string;
  value: string;
  target: string;
  statusHeader: string;
  coverage: string;
  how: string;
  summaryNote: string;
  // availability
  application: string;
  month: string;
  monthCoverage: string;
  yearToDate: string;
  budgetLeft: string;
  overallMonth: string;
  overallYearToDate: string;
  dailyAvailability: (application: string) => string;
  outages: string;
  start: string;
  end: string;
  duration: string;
  reason: string;
  detail: string;
  day: string;
  // machine room
  vmCount: string;
  vmExpected: string;
  vmCountChart: (expected: number) => string;
  inventoryChanges: string;
  time: string;
  kind: string;
  vm: string;
  antivirusCoverage: string;
  antivirusChart: string;
  unprotected: string;
  system: string;
  // videoconf
  videoconfSystems: string;
  healthy: string;
  degraded: string;
  down: string;
  endpointsOnline: string;
  mcus: string;
  mcu: string;
  sipUp: string;
  meanRtt: string;
  videoconfIncidents: string;
  // faults
  faultTotal: string;
  byCategory: string;
  category: string;
  count: string;
  within: string;
  late: string;
  pending: string;
  share: string;
  timely: string;
  responseDistribution: string;
  bucket: string;
  longest: string;
  id: string;
  priority: string;
  titleHeader: string;
  response: string;
  resolution: string;
  withinSla: string;
  // maintenance
  windowName: string;
  when: string;
  applications: string;
  source: string;
  sourceConfig: string;
  sourceCli: string;
  // records
  recordedBy: string;
  note: string;
  corrects: string;
  // rules and footer
  dataCoverage: string;
  coverageText: (coverage: string) => string;
  indicatorHow: string;
  generatedAt: string;
  site: string;
  timeZone: string;
  dailyNumbers: string;
  chartNote: string;
}

const ZH: Labels = {
  title: (r) => `${r.organisation}大平台月度运营报告`,
  subtitle: (r) => `${monthCaption(r.month, "zh")} · ${r.site}`,
  sections: {
    summary: "一、运营指标摘要",
    availability: "二、平台可用性",
    machineRoom: "三、中心机房",
    videoconf: "四、视频会议",
    faults: "五、故障处理",
    maintenance: "六、维护窗口",
    records: "七、本月手工记录",
    rules: "八、数据覆盖与计算规则",
  },
  status: { met: "达标", not_met: "未达标", at_risk: "有风险", no_data: "无数据", "n/a": "不适用" },
  sla: { within: "及时", late: "超时", pending: "待响应" },
  noData: "—",
  none: "无",
  yes: "是",
  no: "否",
  indicator: "指标",
  value: "数值",
  target: "目标",
  statusHeader: "状态",
  coverage: "数据覆盖",
  how: "计算方式",
  summaryNote: "年度目标按年初至今的数值预测至年底判断；“有风险”表示预测值未达目标。",
  application: "应用",
  month: "本月",
  monthCoverage: "本月数据覆盖",
  yearToDate: "年初至今",
  budgetLeft: "剩余故障预算（≥95%）",
  overallMonth: "教育应用本月可用率",
  overallYearToDate: "教育应用年初至今可用率",
  dailyAvailability: (a) => `${a} 每日可用率`,
  outages: "中断记录",
  start: "开始",
  end: "结束",
  duration: "时长",
  reason: "原因",
  detail: "详情",
  day: "日期",
  vmCount: "虚拟机数量",
  vmExpected: "目标数量",
  vmCountChart: (n) => `每日虚拟机数量（目标 ${n}）`,
  inventoryChanges: "本月虚拟机变更",
  time: "时间",
  kind: "类型",
  vm: "虚拟机",
  antivirusCoverage: "运行虚拟机无代理杀毒覆盖率",
  antivirusChart: "每日杀毒覆盖率",
  unprotected: "未受保护的运行虚拟机",
  system: "系统",
  videoconfSystems: "MCU 与终端健康",
  healthy: "正常",
  degraded: "降级",
  down: "中断",
  endpointsOnline: "终端在线率",
  mcus: "MCU",
  mcu: "MCU",
  sipUp: "SIP 可达率",
  meanRtt: "平均往返时延",
  videoconfIncidents: "视频会议故障",
  faultTotal: "本月故障数",
  byCategory: "按类别",
  category: "类别",
  count: "数量",
  within: "及时",
  late: "超时",
  pending: "待响应",
  share: "及时率",
  timely: "判定",
  responseDistribution: "响应时间分布",
  bucket: "响应时间",
  longest: "耗时最长的故障",
  id: "编号",
  priority: "优先级",
  titleHeader: "标题",
  response: "响应",
  resolution: "解决",
  withinSla: "SLA",
  windowName: "名称",
  when: "时间",
  applications: "应用",
  source: "来源",
  sourceConfig: "配置文件",
  sourceCli: "命令行",
  recordedBy: "记录人",
  note: "备注",
  corrects: "更正记录",
  dataCoverage: "数据覆盖",
  coverageText: (c) =>
    `本月代理观测到的时间占比（采集运行数 ÷ 应运行数）：${c}。未观测的时间既不计为可用，也不计为不可用。`,
  indicatorHow: "各指标的计算方式",
  generatedAt: "生成时间",
  site: "站点",
  timeZone: "时区",
  dailyNumbers: "每日数值",
  chartNote: "图中数值见下表。",
};

const EN: Labels = {
  title: (r) => `${r.organisation} — Monthly Platform Operations Report`,
  subtitle: (r) => `${monthCaption(r.month, "en")} · ${r.site}`,
  sections: {
    summary: "1. Operational indicators",
    availability: "2. Platform availability",
    machineRoom: "3. Machine room",
    videoconf: "4. Video conference",
    faults: "5. Faults",
    maintenance: "6. Maintenance windows",
    records: "7. Manual records of the month",
    rules: "8. Data coverage and accounting rules",
  },
  status: { met: "met", not_met: "not met", at_risk: "at risk", no_data: "no data", "n/a": "n/a" },
  sla: { within: "within SLA", late: "late", pending: "pending" },
  noData: "—",
  none: "none",
  yes: "yes",
  no: "no",
  indicator: "Indicator",
  value: "Value",
  target: "Target",
  statusHeader: "Status",
  coverage: "Coverage",
  how: "How computed",
  summaryNote:
    "The full-year target is judged on the year to date projected to Dec 31; “at risk” means the projection misses it.",
  application: "Application",
  month: "Month",
  monthCoverage: "Month coverage",
  yearToDate: "Year to date",
  budgetLeft: "Error budget left (≥95%)",
  overallMonth: "Education applications, month",
  overallYearToDate: "Education applications, year to date",
  dailyAvailability: (a) => `${a}: daily availability`,
  outages: "Outages",
  start: "Start",
  end: "End",
  duration: "Duration",
  reason: "Reason",
  detail: "Detail",
  day: "Day",
  vmCount: "VM count",
  vmExpected: "Expected",
  vmCountChart: (n) => `VM count per day (target ${n})`,
  inventoryChanges: "Inventory changes",
  time: "Time",
  kind: "Kind",
  vm: "VM",
  antivirusCoverage: "Antivirus coverage of running VMs",
  antivirusChart: "Antivirus coverage per day",
  unprotected: "Unprotected running VMs",
  system: "System",
  videoconfSystems: "MCU and endpoint health",
  healthy: "Healthy",
  degraded: "Degraded",
  down: "Down",
  endpointsOnline: "Endpoints online",
  mcus: "MCUs",
  mcu: "MCU",
  sipUp: "SIP up",
  meanRtt: "Mean RTT",
  videoconfIncidents: "Video conference incidents",
  faultTotal: "Faults this month",
  byCategory: "By category",
  category: "Category",
  count: "Count",
  within: "Within",
  late: "Late",
  pending: "Pending",
  share: "Share within SLA",
  timely: "Verdict",
  responseDistribution: "Response-time distribution",
  bucket: "Response time",
  longest: "Longest incidents",
  id: "ID",
  priority: "Priority",
  titleHeader: "Title",
  response: "Response",
  resolution: "Resolution",
  withinSla: "SLA",
  windowName: "Name",
  when: "When",
  applications: "Applications",
  source: "Source",
  sourceConfig: "config",
  sourceCli: "CLI",
  recordedBy: "By",
  note: "Note",
  corrects: "Corrects",
  dataCoverage: "Data coverage",
  coverageText: (c) =>
    `Share of the month the agent observed (collector runs ÷ runs expected): ${c}. Unobserved time counts neither as up nor as down.`,
  indicatorHow: "How each indicator was computed",
  generatedAt: "Generated",
  site: "Site",
  timeZone: "Time zone",
  dailyNumbers: "Daily figures",
  chartNote: "The chart's figures are in the table below.",
};

export function labels(lang: Lang): Labels {
  return lang === "en" ? EN : ZH;
}

const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-10" → "2026年10月" / "October 2026" (short month names in English). */
export function monthCaption(month: string, lang: Lang): string {
  const [year = "", mm = ""] = month.split("-");
  const m = Number(mm);
  if (lang === "en") return `${EN_MONTHS[m - 1] ?? mm} ${year}`;
  return `${year}年${m}月`;
}

/** A summary period's caption: the model's Chinese one, or derived from its label in English. */
export function periodCaption(period: SummaryPeriod, lang: Lang): string {
  if (lang === "zh") return period.caption;
  if (/^\d{4}-H1$/.test(period.label)) return `H1 ${period.label.slice(0, 4)}`;
  if (/^\d{4}-H2$/.test(period.label)) return `H2 ${period.label.slice(0, 4)}`;
  if (/^\d{4}$/.test(period.label)) return `${period.label} to date`;
  if (/^\d{4}-\d{2}$/.test(period.label)) return monthCaption(period.label, "en");
  return period.label;
}

/** A ratio as a percentage with two decimals (0.963 → "96.30%"); null → "—". */
export function formatRatio(value: number | null, digits = 2): string {
  if (value === null || !Number.isFinite(value)) return "—";
  return `${(value * 100).toFixed(digits)}%`;
}

/** Minutes as hours and minutes: 125 → "2小时5分" / "2 h 5 min"; negative values keep their sign. */
export function formatMinutes(minutes: number | null, lang: Lang): string {
  if (minutes === null || !Number.isFinite(minutes)) return "—";
  const sign = minutes < 0 ? "-" : "";
  const total = Math.round(Math.abs(minutes));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (lang === "en") return `${sign}${h > 0 ? `${h} h ` : ""}${m} min`;
  return `${sign}${h > 0 ? `${h}小时` : ""}${m}分`;
}

/** The error budget left: "3小时20分" or "超支 1小时5分" / "overspent 1 h 5 min". */
export function formatBudget(minutes: number | null, lang: Lang): string {
  if (minutes === null || !Number.isFinite(minutes)) return "—";
  if (minutes >= 0) return formatMinutes(minutes, lang);
  return `${lang === "en" ? "overspent " : "超支 "}${formatMinutes(-minutes, lang)}`;
}

/** A number with at most `digits` decimals, trailing zeros dropped. */
export function formatNumber(value: number | null, digits = 1): string {
  if (value === null || !Number.isFinite(value)) return "—";
  const f = 10 ** digits;
  const rounded = Math.round(value * f) / f;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(at: Date, timeZone: string): Record<string, string> {
  let fmt = formatters.get(timeZone);
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, fmt);
  }
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(at)) out[p.type] = p.value;
  return out;
}

/** "2026-10-03 14:05" in the centre's time zone. */
export function formatDateTime(at: Date, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "10-03 14:05" (within the report's month, the year is implied). */
export function formatShortDateTime(at: Date, timeZone: string): string {
  return formatDateTime(at, timeZone).slice(5);
}

export function statusOf(status: KpiStatus, lang: Lang): string {
  return labels(lang).status[status];
}

// ───────────────────────── the report as blocks ─────────────────────────
// Every renderer prints the same blocks (headings, paragraphs, key figures, tables, charts) in
// the same order, so the three files cannot drift apart: HTML draws the charts as SVG, the DOCX as
// PNG next to the chart's numbers, Markdown prints the numbers instead of the chart.

/** A cell's colour: a KPI status, or good/bad for verdicts such as within SLA. */
export type Tone = KpiStatus | "good" | "bad" | "warn";

export interface Cell {
  text: string;
  tone?: Tone;
  /** Numbers are right-aligned. */
  numeric?: boolean;
}

export interface TableBlock {
  kind: "table";
  /** Optional grouping row above the headers: spans must add up to the header count. */
  groups?: { text: string; span: number }[];
  headers: string[];
  /** Which header columns are numeric (right-aligned). */
  numeric?: boolean[];
  rows: Cell[][];
  /** Printed instead of an empty table. */
  empty: string;
}

export interface ChartItem {
  caption: string;
  scene: Scene;
}

export type Block =
  | { kind: "heading"; level: 2 | 3; text: string; id?: string }
  | { kind: "paragraph"; text: string; note?: boolean }
  | { kind: "figures"; items: { label: string; value: string; tone?: Tone }[] }
  | TableBlock
  /** Charts and the table of the numbers they draw (Markdown prints the table only). */
  | { kind: "charts"; charts: ChartItem[]; data: TableBlock };

export interface ReportSection {
  id: string;
  title: string;
  blocks: Block[];
}

const cell = (text: string, tone?: Tone): Cell => (tone === undefined ? { text } : { text, tone });
const num = (text: string, tone?: Tone): Cell => ({ ...cell(text, tone), numeric: true });

function table(
  headers: string[],
  rows: Cell[][],
  empty: string,
  numeric?: boolean[],
  groups?: { text: string; span: number }[],
): TableBlock {
  return {
    kind: "table",
    headers,
    rows,
    empty,
    ...(numeric === undefined ? {} : { numeric }),
    ...(groups === undefined ? {} : { groups }),
  };
}

/** The ratio a summary row's target sets ("≥95%" → 0.95), for chart target lines. */
export function ratioTarget(report: MonthlyReport, key: string, fallback: number): number {
  const row = report.summary[0]?.rows.find((r) => r.key === key);
  const parsed = row === undefined ? undefined : parseTargetValue(row.target);
  return parsed !== undefined && !("error" in parsed) && parsed.kind === "number" && parsed.unit === "%"
    ? parsed.value
    : fallback;
}

function percentLabel(ratio: number): string {
  return `≥${Math.round(ratio * 10000) / 100}%`;
}

/** The one-page summary: each indicator's value, target and status for the month, the half-year and the year. */
function summarySection(report: MonthlyReport, t: Labels): ReportSection {
  const lang = report.lang;
  const keys: { key: string; name: string }[] = [];
  for (const p of report.summary)
    for (const r of p.rows) if (!keys.some((k) => k.key === r.key)) keys.push({ key: r.key, name: r.name });
  const rows = keys.map(({ key, name }) => [
    cell(name),
    ...report.summary.flatMap((p) => {
      const r = p.rows.find((x) => x.key === key);
      if (r === undefined) return [cell(t.noData), cell(t.noData), cell(t.status.no_data, "no_data")];
      return [num(r.value, r.status), cell(r.target), cell(t.status[r.status], r.status)];
    }),
  ]);
  const headers = [t.indicator, ...report.summary.flatMap(() => [t.value, t.target, t.statusHeader])];
  const groups = [
    { text: "", span: 1 },
    ...report.summary.map((p) => ({ text: periodCaption(p, lang), span: 3 })),
  ];
  const numeric = [false, ...report.summary.flatMap(() => [true, false, false])];
  return {
    id: "summary",
    title: t.sections.summary,
    blocks: [
      {
        kind: "figures",
        items: [
          { label: t.overallMonth, value: formatRatio(report.availability.overallMonth) },
          {
            label: t.vmCount,
            value: report.machineRoom.vmCount === null ? t.noData : String(report.machineRoom.vmCount),
          },
          { label: t.antivirusCoverage, value: formatRatio(report.machineRoom.antivirusCoverage) },
          { label: t.faultTotal, value: String(report.faults.total) },
          { label: t.dataCoverage, value: formatRatio(report.coverage) },
        ],
      },
      table(headers, rows, t.none, numeric, groups),
      { kind: "paragraph", text: t.summaryNote, note: true },
    ],
  };
}

function dailyTable(
  t: Labels,
  series: { header: string; points: readonly DailyPoint[]; format: (v: number) => string }[],
): TableBlock {
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.day)))].sort();
  const rows = days.map((day) => [
    cell(day),
    ...series.map((s) => {
      const v = s.points.find((p) => p.day === day)?.value ?? null;
      return num(v === null ? t.noData : s.format(v));
    }),
  ]);
  return table([t.day, ...series.map((s) => s.header)], rows, t.none, [false, ...series.map(() => true)]);
}

function availabilitySection(report: MonthlyReport, t: Labels): ReportSection {
  const { lang, timeZone } = report;
  const a = report.availability;
  const target = ratioTarget(report, "availability", 0.95);
  const tone = (v: number | null): Tone | undefined =>
    v === null ? "no_data" : v >= target - 1e-9 ? "good" : "bad";
  return {
    id: "availability",
    title: t.sections.availability,
    blocks: [
      {
        kind: "figures",
        items: [
          { label: t.overallMonth, value: formatRatio(a.overallMonth), ...toneOf(tone(a.overallMonth)) },
          {
            label: t.overallYearToDate,
            value: formatRatio(a.overallYearToDate),
            ...toneOf(tone(a.overallYearToDate)),
          },
        ],
      },
      table(
        [t.application, t.month, t.monthCoverage, t.yearToDate, t.budgetLeft],
        a.applications.map((r) => [
          cell(r.application),
          num(formatRatio(r.month), tone(r.month)),
          num(formatRatio(r.monthCoverage)),
          num(formatRatio(r.yearToDate), tone(r.yearToDate)),
          num(
            formatBudget(r.budgetLeftMinutes, lang),
            r.budgetLeftMinutes === null ? "no_data" : r.budgetLeftMinutes < 0 ? "bad" : undefined,
          ),
        ]),
        t.none,
        [false, true, true, true, true],
      ),
      {
        kind: "charts",
        charts: a.applications.map((r) => ({
          caption: t.dailyAvailability(r.application),
          scene: ratioChart(r.daily, {
            title: t.dailyAvailability(r.application),
            target,
            targetLabel: percentLabel(target),
            noDataLabel: t.status.no_data,
          }),
        })),
        data: dailyTable(
          t,
          a.applications.map((r) => ({
            header: r.application,
            points: r.daily,
            format: (v) => formatRatio(v),
          })),
        ),
      },
      { kind: "heading", level: 3, text: t.outages },
      table(
        [t.application, t.start, t.duration, t.reason],
        a.outages.map((o) => [
          cell(o.application),
          cell(formatDateTime(o.start, timeZone)),
          num(formatMinutes(o.durationMinutes, lang)),
          cell(o.detail === undefined ? o.reason : `${o.reason}: ${o.detail}`),
        ]),
        t.none,
        [false, false, true, false],
      ),
    ],
  };
}

function toneOf(tone: Tone | undefined): { tone?: Tone } {
  return tone === undefined ? {} : { tone };
}

function machineRoomSection(report: MonthlyReport, t: Labels): ReportSection {
  const m = report.machineRoom;
  const avTarget = ratioTarget(report, "antivirus_coverage", 0.95);
  const vmTone: Tone = m.vmCount === null ? "no_data" : m.vmCount === m.vmExpected ? "good" : "bad";
  const avTone: Tone =
    m.antivirusCoverage === null ? "no_data" : m.antivirusCoverage >= avTarget - 1e-9 ? "good" : "bad";
  return {
    id: "machine-room",
    title: t.sections.machineRoom,
    blocks: [
      {
        kind: "figures",
        items: [
          {
            label: `${t.vmCount}（${t.vmExpected} ${m.vmExpected}）`,
            value: m.vmCount === null ? t.noData : String(m.vmCount),
            tone: vmTone,
          },
          { label: t.antivirusCoverage, value: formatRatio(m.antivirusCoverage), tone: avTone },
          {
            label: t.unprotected,
            value: String(m.unprotected.length),
            tone: m.unprotected.length > 0 ? "bad" : "good",
          },
        ],
      },
      {
        kind: "charts",
        charts: [
          {
            caption: t.vmCountChart(m.vmExpected),
            scene: countChart(m.vmCountDaily, {
              title: t.vmCountChart(m.vmExpected),
              expected: m.vmExpected,
              expectedLabel: `=${m.vmExpected}`,
              noDataLabel: t.status.no_data,
            }),
          },
          {
            caption: t.antivirusChart,
            scene: ratioChart(m.antivirusDaily, {
              title: t.antivirusChart,
              target: avTarget,
              targetLabel: percentLabel(avTarget),
              noDataLabel: t.status.no_data,
            }),
          },
        ],
        data: dailyTable(t, [
          { header: t.vmCount, points: m.vmCountDaily, format: (v) => formatNumber(v, 0) },
          { header: t.antivirusCoverage, points: m.antivirusDaily, format: (v) => formatRatio(v) },
        ]),
      },
      { kind: "heading", level: 3, text: t.inventoryChanges },
      table(
        [t.time, t.kind, t.vm, t.detail],
        m.changes.map((c) => [
          cell(formatDateTime(c.at, report.timeZone)),
          cell(c.kind),
          cell(c.vm),
          cell(c.detail ?? ""),
        ]),
        t.none,
      ),
      { kind: "heading", level: 3, text: t.unprotected },
      table(
        [t.vm, t.system, t.reason],
        m.unprotected.map((u) => [cell(u.name), cell(u.system ?? ""), cell(u.reason ?? "")]),
        t.none,
      ),
    ],
  };
}

function incidentTable(rows: readonly IncidentRow[], report: MonthlyReport, t: Labels): TableBlock {
  const { lang, timeZone } = report;
  return table(
    [t.id, t.category, t.priority, t.titleHeader, t.start, t.response, t.resolution, t.withinSla],
    rows.map((i) => [
      num(`#${i.id}`),
      cell(i.category),
      cell(i.priority),
      cell(i.title),
      cell(formatDateTime(i.start, timeZone)),
      num(formatMinutes(i.responseMinutes, lang)),
      num(formatMinutes(i.resolutionMinutes, lang)),
      cell(t.sla[i.withinSla], i.withinSla === "within" ? "good" : i.withinSla === "late" ? "bad" : "warn"),
    ]),
    t.none,
    [true, false, false, false, false, true, true, false],
  );
}

function videoconfSection(report: MonthlyReport, t: Labels): ReportSection {
  const v = report.videoconf;
  return {
    id: "videoconf",
    title: t.sections.videoconf,
    blocks: [
      { kind: "heading", level: 3, text: t.videoconfSystems },
      table(
        [t.system, t.healthy, t.degraded, t.down, t.endpointsOnline],
        v.systems.map((s) => [
          cell(s.system),
          num(formatRatio(s.healthy)),
          num(formatRatio(s.degraded), s.degraded > 0 ? "warn" : undefined),
          num(formatRatio(s.down), s.down > 0 ? "bad" : undefined),
          num(formatRatio(s.endpointsOnline)),
        ]),
        t.none,
        [false, true, true, true, true],
      ),
      table(
        [t.system, t.mcu, t.sipUp, t.meanRtt],
        v.systems.flatMap((s) =>
          s.mcus.map((m) => [
            cell(s.system),
            cell(m.name),
            num(formatRatio(m.sipUp)),
            num(m.meanRttMs === null ? t.noData : `${formatNumber(m.meanRttMs, 1)} ms`),
          ]),
        ),
        t.none,
        [false, false, true, true],
      ),
      { kind: "heading", level: 3, text: t.videoconfIncidents },
      incidentTable(v.incidents, report, t),
    ],
  };
}

function faultsSection(report: MonthlyReport, t: Labels): ReportSection {
  const f = report.faults;
  const answered = f.responseDistribution.reduce((s, b) => s + b.count, 0);
  return {
    id: "faults",
    title: t.sections.faults,
    blocks: [
      { kind: "figures", items: [{ label: t.faultTotal, value: String(f.total) }] },
      { kind: "heading", level: 3, text: t.byCategory },
      table(
        [t.category, t.count, t.within, t.late, t.pending, t.share, t.timely],
        f.byCategory.map((c) => [
          cell(c.category),
          num(String(c.count)),
          num(String(c.within)),
          num(String(c.late), c.late > 0 ? "bad" : undefined),
          num(String(c.pending), c.pending > 0 ? "warn" : undefined),
          num(formatRatio(c.share, 1)),
          cell(c.timely ? t.yes : t.no, c.timely ? "good" : "bad"),
        ]),
        t.none,
        [false, true, true, true, true, true, false],
      ),
      { kind: "heading", level: 3, text: t.responseDistribution },
      {
        kind: "charts",
        charts: [
          {
            caption: t.responseDistribution,
            scene: distributionChart(f.responseDistribution, { title: t.responseDistribution }),
          },
        ],
        data: table(
          [t.bucket, t.count, t.share],
          f.responseDistribution.map((b) => [
            cell(b.bucket),
            num(String(b.count)),
            num(answered === 0 ? t.noData : formatRatio(b.count / answered, 1)),
          ]),
          t.none,
          [false, true, true],
        ),
      },
      { kind: "heading", level: 3, text: t.longest },
      incidentTable(f.longest, report, t),
    ],
  };
}

function maintenanceSection(report: MonthlyReport, t: Labels): ReportSection {
  return {
    id: "maintenance",
    title: t.sections.maintenance,
    blocks: [
      table(
        [t.windowName, t.when, t.applications, t.source],
        report.maintenance.map((m) => [
          cell(m.name),
          cell(m.when),
          cell(m.applications),
          cell(m.source === "config" ? t.sourceConfig : t.sourceCli),
        ]),
        t.none,
      ),
    ],
  };
}

function recordsSection(report: MonthlyReport, t: Labels): ReportSection {
  return {
    id: "records",
    title: t.sections.records,
    blocks: [
      table(
        [t.indicator, t.day, t.value, t.recordedBy, t.note, t.corrects],
        report.records.map((r) => [
          cell(r.name),
          cell(r.day),
          num(r.value),
          cell(r.by),
          cell(r.note ?? ""),
          cell(r.corrects === undefined ? "" : `#${r.corrects}`),
        ]),
        t.none,
        [false, false, true, false, false, false],
      ),
    ],
  };
}

function rulesSection(report: MonthlyReport, t: Labels): ReportSection {
  const lang = report.lang;
  return {
    id: "rules",
    title: t.sections.rules,
    blocks: [
      { kind: "heading", level: 3, text: t.dataCoverage },
      { kind: "paragraph", text: t.coverageText(formatRatio(report.coverage)) },
      ...report.rules.flatMap((r): Block[] => [
        { kind: "heading", level: 3, text: r.title },
        { kind: "paragraph", text: r.text },
      ]),
      { kind: "heading", level: 3, text: t.indicatorHow },
      table(
        [t.indicator, t.statusHeader, t.coverage, t.how],
        report.summary.flatMap((p) =>
          p.rows.map((r) => [
            cell(`${r.name}（${periodCaption(p, lang)}）`),
            cell(t.status[r.status], r.status),
            num(formatRatio(r.coverage, 1)),
            cell(r.how),
          ]),
        ),
        t.none,
        [false, false, true, false],
      ),
    ],
  };
}

/** The report's sections in the issue's order: summary, availability, machine room, video conference, faults, maintenance, records, rules. */
export function reportSections(report: MonthlyReport): ReportSection[] {
  const t = labels(report.lang);
  return [
    summarySection(report, t),
    availabilitySection(report, t),
    machineRoomSection(report, t),
    videoconfSection(report, t),
    faultsSection(report, t),
    maintenanceSection(report, t),
    recordsSection(report, t),
    rulesSection(report, t),
  ];
}

/** The footer line: generation time, site, coverage. */
export function footerText(report: MonthlyReport): string {
  const t = labels(report.lang);
  return [
    `${t.generatedAt} ${formatDateTime(report.generatedAt, report.timeZone)} (${report.timeZone})`,
    `${t.site} ${report.site}`,
    `${t.dataCoverage} ${formatRatio(report.coverage)}`,
  ].join(" · ");
}
