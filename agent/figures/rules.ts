/**
 * The rules (口径) behind the figures, once, in both languages: what each automatic row of the
 * form counts and how, with the bounds the config sets — the self-evaluation's evidence sheet
 * (口径 per row) and the monthly report's appendix (数据覆盖与统计口径) both print these, as
 * DESIGN.md gives them. Words only: the figures and their computation are each figure's `how`.
 */
import type { Config } from "../../config/schema.js";
import type { Binding } from "../form/types.js";
import { timelinessRule } from "../incidents/sla.js";
import { CATEGORY_NAMES } from "../incidents/types.js";
import { ACCOUNTING_RULE } from "../kpi/availability.js";
import { durationZh, type FigureLang } from "./words.js";

const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;

function availabilityRule(config: Config, lang: FigureLang): string {
  if (lang === "en") return ACCOUNTING_RULE;
  const unknown = config.availability.unknown_as_down
    ? "无采样的时段（代理停机、采集失败）按不可用计（availability.unknown_as_down）。"
    : "无采样的时段（代理停机、采集失败）记为未知，既不计为可用也不计为不可用，以“数据覆盖率”列出。";
  return (
    "各应用可用率 = 正常采样数 ÷（全部采样数 − 维护窗口内采样数）；一次探测在状态码符合预期、内容校验全部通过且在响应时限内完成时为正常。" +
    `教育应用运行可用率为各应用可用率的平均值（可按 availability.weights 加权）。${unknown}` +
    "中断时长 = 维护窗口外的异常采样数 × 探测间隔；一次中断指连续的异常探测，从第一次异常起到下一次非异常探测止。"
  );
}

function timelinessRuleText(config: Config, lang: FigureLang): string {
  const sla = config.incidents.sla;
  if (lang === "en") return timelinessRule(sla);
  const bounds = PRIORITIES.map((p) => `${p} ${durationZh(sla.response[p])}`).join("，");
  const overrides = Object.entries(sla.categories).flatMap(([category, b]) =>
    Object.entries(b ?? {})
      .filter((entry): entry is [string, number] => entry[1] !== undefined)
      .map(
        ([p, ms]) =>
          `${CATEGORY_NAMES[category as keyof typeof CATEGORY_NAMES] ?? category} ${p} ${durationZh(ms)}`,
      ),
  );
  return (
    "响应时间 = 首次确认时间 − 故障开始时间（未经确认即已恢复的故障，以恢复时间为响应）。" +
    `响应时限：${bounds}${overrides.length > 0 ? `；另设：${overrides.join("，")}` : ""}（incidents.sla）。` +
    "响应时间不超过时限为“按时”；超过时限仍未响应为“超时”，未到时限为“待响应”（不计入）。" +
    `及时率 = 按时 ÷（按时 + 超时）；及时率不低于 ${Math.round(sla.timely_share * 100)}% 判定为“及时”。` +
    "本期无故障且已监测时判定为“及时（无故障）”，未监测时为“无数据”。"
  );
}

/**
 * The rule (口径) of one automatic row of the form, in the reader's language; "" for a manual row
 * (its value is the record, and the record says where it came from).
 */
export function ruleOf(binding: Binding, config: Config, lang: FigureLang): string {
  switch (binding.source) {
    case "availability":
      return availabilityRule(config, lang);
    case "fault_timeliness":
      return timelinessRuleText(config, lang);
    case "vm_count":
      return lang === "zh"
        ? "期间最后一次清单中的在管虚拟机数（多个清单来源相加，此前已停止上报的来源不计入），与指标值比较。"
        : "VMs in scope in the period's last inventory, summed over the inventory sources (sources that stopped reporting earlier left out), compared with the target.";
    case "antivirus_coverage":
      return lang === "zh"
        ? "覆盖率 = 受防护的运行虚拟机 ÷ 在管运行虚拟机；取期间各防病毒来源每次测量的平均值。"
        : "coverage = protected running VMs ÷ running VMs in scope; the mean of every measurement of every antivirus source in the period.";
    case "monthly_reports":
      return lang === "zh"
        ? "每月只计一次：在该月结束后生成、且该月有监测数据的报告计入“大平台月度运营报告”；当月未结束时生成的报告为草稿，不计入；同一月份重新生成只计一次。"
        : "A month counts once, when its report was generated after the month ended and the month has data; a report of the running month is a draft; a month regenerated still counts once.";
    case "manual":
      return "";
  }
}

/** The rules the monthly report's appendix prints (数据覆盖与统计口径), in the reader's language. */
export function accountingRules(config: Config, lang: FigureLang): { title: string; text: string }[] {
  const zh = lang === "zh";
  return [
    {
      title: zh ? "教育应用运行可用率" : "Availability",
      text: ruleOf({ source: "availability" }, config, lang),
    },
    {
      title: zh ? "故障响应及时性" : "Fault response timeliness",
      text: timelinessRuleText(config, lang),
    },
    {
      title: zh ? "视频会议系统健康" : "Video conference health",
      text: zh
        ? "全部MCU无SIP OPTIONS应答为中断；任一MCU未正常应答、MCU不可ping通、终端在线率低于阈值或管理平台探测失败为降级；否则为正常。无法测量的部分记为未知，不计入故障。"
        : "Down when no MCU answers SIP OPTIONS; degraded when an MCU is not fully up or does not answer ping, the endpoints online are below the bound, or the management web is down; parts that cannot be measured change nothing.",
    },
    {
      title: zh ? "指标评价" : "Indicator evaluation",
      text: zh
        ? "计数类指标（次、场、份、条、题、人次及月度报告）按期间累加，其余取期间内最新值；上半年对照半年指标值，全年对照全年指标值，年度进行中按年初至今推算至12月31日，推算不达标为“有风险”；无数据显示为“无数据”，从不记为0或达成。手工记录的更正以新记录保存，报告只列出更正后的现行值。"
        : "Counts are summed over the period, other values take the period's latest; the half-year is judged against the half-year value, the year against the full-year value, a running year on its projection to Dec 31 (at risk when it misses); no data is said as such, never 0.",
    },
    {
      title: zh ? "月度运营报告计数" : "Monthly reports",
      text: ruleOf({ source: "monthly_reports" }, config, lang),
    },
  ];
}
