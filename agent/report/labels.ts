/**
 * The report's own words in Chinese (default) and English, and the captions of months, periods
 * and statuses. Plain text: each renderer escapes it for its format.
 */
import type { CoverageReason } from "../../collectors/antivirus/coverage.js";
import type { KpiStatus } from "../kpi/evaluate.js";
import type { IncidentRow, Lang, MonthlyReport, SummaryPeriod } from "./model.js";

/** The antivirus collector's reason codes (collectors/antivirus/coverage.ts), said for a person. */
export const UNPROTECTED_REASONS_ZH: Readonly<Record<CoverageReason, string>> = {
  anti_malware_off: "防病毒模块关闭",
  appliance_inactive: "安全虚拟设备未激活",
  stale_contact: "心跳超时",
  not_known_to_manager: "管理器中无此虚拟机",
  ambiguous_name: "名称不唯一，无法与管理器匹配",
  protection_unknown: "管理器未报告防护状态",
};

const UNPROTECTED_REASONS_EN: Readonly<Record<CoverageReason, string>> = {
  anti_malware_off: "anti-malware module off",
  appliance_inactive: "virtual appliance not active",
  stale_contact: "heartbeat missed",
  not_known_to_manager: "not in the manager",
  ambiguous_name: "name not unique, not matched with the manager",
  protection_unknown: "the manager reports no protection state",
};

export function reasonText(code: string, texts: Readonly<Record<string, string>>): string {
  return Object.hasOwn(texts, code) ? (texts[code] as string) : code;
}

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
  powerStates: string;
  system: string;
  /** Why a VM is unprotected, from the antivirus reason code (an unknown code as it is). */
  unprotectedReason: (code: string) => string;
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
  powerStates: "运行 / 关机 / 挂起",
  system: "系统",
  unprotectedReason: (code) => reasonText(code, UNPROTECTED_REASONS_ZH),
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
  powerStates: "On / off / suspended",
  system: "System",
  unprotectedReason: (code) => reasonText(code, UNPROTECTED_REASONS_EN),
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
export function statusOf(status: KpiStatus, lang: Lang): string {
  return labels(lang).status[status];
}
