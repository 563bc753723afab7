/**
 * The report's own words in Chinese (default) and English: titles, section headings, column
 * names that say what they hold, verdicts (达成/未达成, 及时/不及时), categories, outage causes
 * and inventory changes. Plain text: each renderer escapes it for its format.
 */
import type { CoverageReason } from "../../collectors/antivirus/coverage.js";
import { CATEGORY_NAMES, type Category } from "../incidents/types.js";
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

/**
 * The probes' failure reasons (collectors/http/reasons.ts; the icmp collector's dns, unreachable,
 * timeout and error), as the cause of an outage or of a VM not answering ping.
 */
const OUTAGE_CAUSES_ZH: Readonly<Record<string, string>> = {
  status: "状态码异常",
  timeout: "响应超时",
  connect: "连接失败",
  dns: "域名解析失败",
  tls: "证书或TLS握手失败",
  assertion: "内容校验失败",
  latency: "响应过慢",
  redirect: "重定向异常",
  response: "响应无效",
  error: "其他错误",
  down: "探测异常",
  unreachable: "网络不可达",
};

const OUTAGE_CAUSES_EN: Readonly<Record<string, string>> = {
  status: "unexpected status",
  timeout: "timeout",
  connect: "connection failed",
  dns: "DNS failure",
  tls: "TLS failure",
  assertion: "content check failed",
  latency: "too slow",
  redirect: "redirect error",
  response: "invalid response",
  error: "other error",
  down: "probe failed",
  unreachable: "network unreachable",
};

/** The videoconf collector's health causes (collectors/videoconf/health.ts), said for a person. */
const HEALTH_REASONS_ZH: Readonly<Record<string, string>> = {
  mcu_down: "MCU 无 SIP 应答",
  mcu_degraded: "MCU 忙或部分端口无应答",
  mcu_icmp: "MCU 不可 ping 通",
  endpoints: "终端在线率低于阈值",
  management_web: "管理平台探测失败",
};

const HEALTH_REASONS_EN: Readonly<Record<string, string>> = {
  mcu_down: "no SIP answer from an MCU",
  mcu_degraded: "an MCU is busy or answers on some ports only",
  mcu_icmp: "an MCU does not answer ping",
  endpoints: "endpoints online below the bound",
  management_web: "management web probe failed",
};

/** A video-conference system's health state (collectors/videoconf/health.ts). */
const HEALTH_STATES_ZH: Readonly<Record<string, string>> = {
  healthy: "正常",
  degraded: "降级",
  down: "中断",
};
const HEALTH_STATES_EN: Readonly<Record<string, string>> = {
  healthy: "healthy",
  degraded: "degraded",
  down: "down",
};

const CHANGE_KINDS_ZH: Readonly<Record<string, string>> = {
  added: "新增",
  removed: "移除",
  renamed: "更名",
  power_changed: "电源状态变化",
};

const POWER_STATES_ZH: Readonly<Record<string, string>> = {
  POWERED_ON: "运行",
  POWERED_OFF: "关机",
  SUSPENDED: "挂起",
};

export function reasonText(code: string, texts: Readonly<Record<string, string>>): string {
  return Object.hasOwn(texts, code) ? (texts[code] as string) : code;
}

export interface Labels {
  title: (report: MonthlyReport) => string;
  /** "2026年11月" or "2026年12月（截至12月4日）" for a running month. */
  period: (report: MonthlyReport) => string;
  draftNote: string;
  sections: {
    overview: string;
    platforms: string;
    machineRoom: string;
    security: string;
    videoconf: string;
    faults: string;
    problems: string;
    plan: string;
    appendix: string;
    summary: string;
    outages: string;
    maintenance: string;
    records: string;
    rules: string;
  };
  status: Record<KpiStatus, string>;
  sla: Record<IncidentRow["withinSla"], string>;
  timelyVerdict: (timely: boolean) => string;
  category: (id: string) => string;
  categoryHeader: string;
  outageCause: (code: string) => string;
  changeKind: (kind: string) => string;
  powerState: (state: string) => string;
  unprotectedReason: (code: string) => string;
  healthReason: (code: string) => string;
  healthState: (state: string) => string;
  /** A recurring maintenance window: its cron schedule and how long each time lasts. */
  cronWindow: (cron: string, minutes: number) => string;
  noData: string;
  none: string;
  // columns
  indicator: string;
  thisMonth: string;
  lastMonth: string;
  change: string;
  target: string;
  verdict: string;
  value: string;
  coverage: string;
  how: string;
  system: string;
  systemId: string;
  availability: string;
  downTime: string;
  maintenanceTime: string;
  longestOutage: string;
  outageCount: string;
  start: string;
  duration: string;
  cause: string;
  vmCount: string;
  vmExpected: string;
  powerStates: string;
  antivirusCoverage: string;
  unprotectedCount: string;
  time: string;
  kind: string;
  vm: string;
  detail: string;
  faultTotal: string;
  timeliness: string;
  healthy: string;
  degraded: string;
  down: string;
  endpointsOnline: string;
  mcu: string;
  sipUp: string;
  meanRtt: string;
  count: string;
  within: string;
  late: string;
  pending: string;
  withinShare: string;
  responseTime: string;
  shareOfFaults: string;
  id: string;
  priority: string;
  titleHeader: string;
  response: string;
  resolution: string;
  windowName: string;
  when: string;
  applications: string;
  allApplications: string;
  source: string;
  sourceConfig: string;
  sourceCli: string;
  day: string;
  recordedBy: string;
  note: string;
  correction: (id: number, replaced: string | undefined) => string;
  // sub-headings and captions
  inventoryChanges: string;
  unprotected: string;
  videoconfSystems: string;
  videoconfMcus: string;
  videoconfIncidents: string;
  byCategory: string;
  longest: string;
  dailyAvailabilityChart: string;
  vmCountChart: (expected: number) => string;
  antivirusChart: string;
  incidentsPerDayChart: string;
  responseChart: string;
  bucket: (maxMinutes: number | null, priority: string | undefined) => string;
  overallAvailability: string;
  dataCoverage: string;
  coverageText: (coverage: string) => string;
  indicatorHow: string;
  operatorNote: (author: string, when: string) => string;
  signOff: { prepared: string; reviewed: string; date: string };
  generatedAt: string;
  site: string;
  moreRows: (shown: number, total: number) => string;
}

const minutesZh = (m: number): string => (m >= 60 && m % 60 === 0 ? `${m / 60}小时` : `${m}分钟`);
const minutesEn = (m: number): string => (m >= 60 && m % 60 === 0 ? `${m / 60} h` : `${m} min`);

const ZH: Labels = {
  title: (r) => `${r.organisation}大平台月度运营报告`,
  period: (r) =>
    r.runningAsOf === null
      ? monthCaption(r.month, "zh")
      : `${monthCaption(r.month, "zh")}（截至${localMonthDay(r.runningAsOf, r.timeZone, "zh")}）`,
  draftNote: "本月尚未结束，本报告为截至生成时的草稿，不计入绩效指标“大平台月度运营报告”。",
  sections: {
    overview: "一、总体运行情况",
    platforms: "二、各平台运行情况",
    machineRoom: "三、机房与虚拟化资源",
    security: "四、网络安全（无代理杀毒）",
    videoconf: "五、视频会议",
    faults: "六、故障与响应",
    problems: "七、存在问题与整改措施",
    plan: "八、下月工作计划",
    appendix: "附录",
    summary: "附录一 绩效指标汇总（本月、上半年、年初至今）",
    outages: "附录二 中断明细",
    maintenance: "附录三 维护窗口",
    records: "附录四 本月手工记录（已按更正记录处理）",
    rules: "附录五 数据覆盖与计算规则",
  },
  status: { met: "达成", not_met: "未达成", at_risk: "有风险", no_data: "无数据", "n/a": "不适用" },
  sla: { within: "及时", late: "不及时", pending: "待响应" },
  timelyVerdict: (timely) => (timely ? "及时" : "不及时"),
  categoryHeader: "类别",
  category: (id) =>
    id === "all" ? "全部" : reasonText(id, CATEGORY_NAMES as Readonly<Record<Category, string>>),
  outageCause: (code) => reasonText(code, OUTAGE_CAUSES_ZH),
  changeKind: (kind) => reasonText(kind, CHANGE_KINDS_ZH),
  powerState: (state) => reasonText(state, POWER_STATES_ZH),
  unprotectedReason: (code) => reasonText(code, UNPROTECTED_REASONS_ZH),
  healthReason: (code) => reasonText(code, HEALTH_REASONS_ZH),
  healthState: (state) => reasonText(state, HEALTH_STATES_ZH),
  cronWindow: (cron, minutes) => `定时“${cron}”，每次 ${minutesZh(minutes)}`,
  noData: "无数据",
  none: "无",
  indicator: "指标",
  thisMonth: "本月",
  lastMonth: "上月",
  change: "环比",
  target: "目标值",
  verdict: "判定",
  value: "实际值",
  coverage: "数据覆盖",
  how: "计算方式",
  system: "系统",
  systemId: "系统标识",
  availability: "可用率",
  downTime: "中断时长",
  maintenanceTime: "维护时长",
  longestOutage: "最长一次中断",
  outageCount: "中断次数",
  start: "开始时间",
  duration: "持续时间",
  cause: "原因",
  vmCount: "在管虚拟机数量",
  vmExpected: "目标数量",
  powerStates: "运行 / 关机 / 挂起",
  antivirusCoverage: "运行虚拟机无代理杀毒覆盖率",
  unprotectedCount: "未受保护的运行虚拟机",
  time: "时间",
  kind: "变更类型",
  vm: "虚拟机",
  detail: "说明",
  faultTotal: "本月故障数",
  timeliness: "故障响应及时性",
  healthy: "正常时间占比",
  degraded: "降级时间占比",
  down: "中断时间占比",
  endpointsOnline: "终端平均在线率",
  mcu: "MCU",
  sipUp: "SIP 应答率",
  meanRtt: "平均往返时延",
  count: "故障数",
  within: "及时",
  late: "不及时",
  pending: "待响应",
  withinShare: "及时率",
  responseTime: "响应时间",
  shareOfFaults: "占全部故障",
  id: "编号",
  priority: "优先级",
  titleHeader: "故障内容",
  response: "响应用时",
  resolution: "恢复用时",
  windowName: "名称",
  when: "时间",
  applications: "适用系统",
  allApplications: "全部系统",
  source: "来源",
  sourceConfig: "配置文件",
  sourceCli: "命令行",
  day: "日期",
  recordedBy: "记录人",
  note: "备注",
  correction: (id, replaced) => `更正第${id}号记录${replaced === undefined ? "" : `（原值 ${replaced}）`}`,
  inventoryChanges: "本月虚拟机变更",
  unprotected: "未受保护的运行虚拟机",
  videoconfSystems: "系统运行状态",
  videoconfMcus: "MCU 应答情况",
  videoconfIncidents: "视频会议故障",
  byCategory: "按类别的响应及时性",
  longest: "耗时最长的故障",
  dailyAvailabilityChart: "图1 各系统每日可用率（虚线为95%目标线）",
  vmCountChart: (n) => `图2 每日在管虚拟机数量（虚线为目标 ${n} 台）`,
  antivirusChart: "图3 每日无代理杀毒覆盖率（虚线为95%目标线）",
  incidentsPerDayChart: "图4 每日新发故障数",
  responseChart: "图5 故障响应时间分布（区间上限为各优先级响应时限）",
  bucket: (max, priority) =>
    max === null
      ? "未响应"
      : max === Infinity
        ? "超过全部时限"
        : `≤${minutesZh(max)}${priority === undefined ? "" : `（${priority}时限）`}`,
  overallAvailability: "教育应用运行可用率",
  dataCoverage: "数据覆盖",
  coverageText: (c) =>
    `本月代理实际采集的探测次数占应采集次数的比例：${c}。未观测的时间既不计为可用，也不计为不可用。`,
  indicatorHow: "各指标的计算方式",
  operatorNote: (author, when) => `（${author} 补充，${when}）`,
  signOff: { prepared: "编制：", reviewed: "审核：", date: "日期：" },
  generatedAt: "生成时间",
  site: "站点标识",
  moreRows: (shown, total) =>
    `仅列出最长的 ${shown} 条，共 ${total} 条；完整明细见同月的 HTML / Markdown 版报告。`,
};

const EN: Labels = {
  title: (r) => `${r.organisation} — Monthly Platform Operations Report`,
  period: (r) =>
    r.runningAsOf === null
      ? monthCaption(r.month, "en")
      : `${monthCaption(r.month, "en")} (to ${localMonthDay(r.runningAsOf, r.timeZone, "en")})`,
  draftNote:
    "The month has not ended: this is a draft as of its generation and does not count toward the form.",
  sections: {
    overview: "1. Overview",
    platforms: "2. Platforms",
    machineRoom: "3. Machine room and virtualisation",
    security: "4. Security (agentless antivirus)",
    videoconf: "5. Video conference",
    faults: "6. Faults and response",
    problems: "7. Problems and remedies",
    plan: "8. Plan for next month",
    appendix: "Appendix",
    summary: "A. Indicators (month, half-year, year to date)",
    outages: "B. Outages",
    maintenance: "C. Maintenance windows",
    records: "D. Manual records of the month (corrections applied)",
    rules: "E. Data coverage and accounting rules",
  },
  status: { met: "met", not_met: "not met", at_risk: "at risk", no_data: "no data", "n/a": "n/a" },
  sla: { within: "timely", late: "late", pending: "pending" },
  timelyVerdict: (timely) => (timely ? "timely" : "not timely"),
  categoryHeader: "Category",
  category: (id) => (id === "all" ? "all" : id === "machine_room" ? "machine room" : id),
  outageCause: (code) => reasonText(code, OUTAGE_CAUSES_EN),
  changeKind: (kind) => kind.replace(/_/g, " "),
  powerState: (state) => state.toLowerCase().replace(/_/g, " "),
  unprotectedReason: (code) => reasonText(code, UNPROTECTED_REASONS_EN),
  healthReason: (code) => reasonText(code, HEALTH_REASONS_EN),
  healthState: (state) => reasonText(state, HEALTH_STATES_EN),
  cronWindow: (cron, minutes) => `cron "${cron}", ${minutesEn(minutes)} each`,
  noData: "no data",
  none: "none",
  indicator: "Indicator",
  thisMonth: "This month",
  lastMonth: "Last month",
  change: "Change",
  target: "Target",
  verdict: "Verdict",
  value: "Value",
  coverage: "Coverage",
  how: "How computed",
  system: "System",
  systemId: "System id",
  availability: "Availability",
  downTime: "Down time",
  maintenanceTime: "Maintenance",
  longestOutage: "Longest outage",
  outageCount: "Outages",
  start: "Start",
  duration: "Duration",
  cause: "Cause",
  vmCount: "VMs in scope",
  vmExpected: "Expected",
  powerStates: "On / off / suspended",
  antivirusCoverage: "Agentless antivirus coverage of running VMs",
  unprotectedCount: "Unprotected running VMs",
  time: "Time",
  kind: "Change",
  vm: "VM",
  detail: "Detail",
  faultTotal: "Faults this month",
  timeliness: "Fault response timeliness",
  healthy: "Healthy",
  degraded: "Degraded",
  down: "Down",
  endpointsOnline: "Endpoints online",
  mcu: "MCU",
  sipUp: "SIP answered",
  meanRtt: "Mean RTT",
  count: "Faults",
  within: "Timely",
  late: "Late",
  pending: "Pending",
  withinShare: "Share timely",
  responseTime: "Response time",
  shareOfFaults: "Share of all faults",
  id: "ID",
  priority: "Priority",
  titleHeader: "Fault",
  response: "Response",
  resolution: "Resolution",
  windowName: "Name",
  when: "When",
  applications: "Systems",
  allApplications: "all systems",
  source: "Source",
  sourceConfig: "config",
  sourceCli: "CLI",
  day: "Day",
  recordedBy: "By",
  note: "Note",
  correction: (id, replaced) => `corrects #${id}${replaced === undefined ? "" : ` (was ${replaced})`}`,
  inventoryChanges: "Inventory changes",
  unprotected: "Unprotected running VMs",
  videoconfSystems: "System state",
  videoconfMcus: "MCUs",
  videoconfIncidents: "Video conference faults",
  byCategory: "Response timeliness by category",
  longest: "Longest faults",
  dailyAvailabilityChart: "Figure 1 Daily availability per system (dashed: the 95% target)",
  vmCountChart: (n) => `Figure 2 VMs in scope per day (dashed: the target ${n})`,
  antivirusChart: "Figure 3 Antivirus coverage per day (dashed: the 95% target)",
  incidentsPerDayChart: "Figure 4 New faults per day",
  responseChart: "Figure 5 Response times (bucket edges: the SLA bound of each priority)",
  bucket: (max, priority) =>
    max === null
      ? "unanswered"
      : max === Infinity
        ? "over every bound"
        : `≤${minutesEn(max)}${priority === undefined ? "" : ` (${priority})`}`,
  overallAvailability: "Education application availability",
  dataCoverage: "Data coverage",
  coverageText: (c) =>
    `Share of the month's expected probes the agent took: ${c}. Unobserved time counts neither as up nor as down.`,
  indicatorHow: "How each indicator was computed",
  operatorNote: (author, when) => `(added by ${author}, ${when})`,
  signOff: { prepared: "Prepared by:", reviewed: "Reviewed by:", date: "Date:" },
  generatedAt: "Generated",
  site: "Site id",
  moreRows: (shown, total) => `The ${shown} longest of ${total}; every row is in the HTML / Markdown report.`,
};

export function labels(lang: Lang): Labels {
  return lang === "en" ? EN : ZH;
}

const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-10" → "2026年10月" / "Oct 2026". */
export function monthCaption(month: string, lang: Lang): string {
  const [year = "", mm = ""] = month.split("-");
  const m = Number(mm);
  if (lang === "en") return `${EN_MONTHS[m - 1] ?? mm} ${year}`;
  return `${year}年${m}月`;
}

/** The local month and day of an instant: "12月4日" / "4 Dec". */
function localMonthDay(at: Date, timeZone: string, lang: Lang): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    month: "numeric",
    day: "numeric",
  }).formatToParts(at);
  const month = Number(parts.find((p) => p.type === "month")?.value);
  const day = Number(parts.find((p) => p.type === "day")?.value);
  return lang === "en" ? `${day} ${EN_MONTHS[month - 1] ?? month}` : `${month}月${day}日`;
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

export function statusOf(status: KpiStatus, lang: Lang): string {
  return labels(lang).status[status];
}
