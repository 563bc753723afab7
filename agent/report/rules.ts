/**
 * The accounting rules printed in the report's appendix, in the reader's language: the same rules
 * as DESIGN.md (availability, fault response timeliness, video-conference health, indicator
 * evaluation, monthly reports), with the bounds the config sets. Words only: no figure here.
 */
import type { Config } from "../../config/schema.js";
import { timelinessRule } from "../incidents/sla.js";
import { ACCOUNTING_RULE } from "../kpi/availability.js";
import type { Lang } from "./model.js";

const minutesZh = (ms: number): string => {
  const m = Math.round(ms / 60_000);
  return m % 60 === 0 ? `${m / 60}小时` : `${m}分钟`;
};

export function reportRules(config: Config, lang: Lang): { title: string; text: string }[] {
  const sla = config.incidents.sla;
  const share = `${Math.round(sla.timely_share * 100)}%`;
  if (lang === "en")
    return [
      { title: "Availability", text: ACCOUNTING_RULE },
      { title: "Fault response timeliness", text: timelinessRule(sla) },
      {
        title: "Video conference health",
        text: "Down when no MCU answers SIP OPTIONS; degraded when an MCU is not fully up or does not answer ping, the endpoints online are below the bound, or the management web is down; parts that cannot be measured change nothing.",
      },
      {
        title: "Indicator evaluation",
        text: "Counts are summed over the period, other values take the period's latest; the half-year is judged against the half-year value, the year against the full-year value, a running year on its projection to Dec 31 (at risk when it misses); no data is said as such, never 0.",
      },
      {
        title: "Monthly reports",
        text: "A month counts once, when its report was generated after the month ended and the month has data; a report of the running month is a draft.",
      },
    ];
  const bounds = (["P1", "P2", "P3", "P4"] as const)
    .map((p) => `${p} ${minutesZh(sla.response[p])}`)
    .join("，");
  const unknown = config.availability.unknown_as_down
    ? "无采样的时间（代理停止、采集失败）按不可用计（availability.unknown_as_down）。"
    : "无采样的时间（代理停止、采集失败）既不计为可用也不计为不可用，以“数据覆盖”列出。";
  return [
    {
      title: "教育应用运行可用率",
      text:
        "每个应用：可用率 = 正常探测次数 ÷（全部探测次数 − 维护窗口内的探测次数）。一次探测在状态码符合预期、内容校验全部通过且在响应时限内完成时为正常。" +
        `教育应用运行可用率为各应用可用率的平均值（可按 availability.weights 加权）。${unknown}` +
        "中断时长 = 维护窗口外的异常探测次数 × 探测间隔；一次中断指连续的异常探测，从第一次异常起到下一次非异常探测止。",
    },
    {
      title: "故障响应及时性",
      text:
        `响应时间 = 首次确认时间 − 故障开始时间（未经确认即已恢复的故障，以恢复时间为响应）。响应时限：${bounds}。` +
        `响应时间不超过时限为“及时”；超过时限仍未响应为“超时”，未到时限为“待响应”（不计入）。` +
        `及时率 = 及时 ÷（及时 + 超时）；及时率不低于 ${share} 判定为“及时”。本月无故障且已监测时判定为“及时（无故障）”，未监测时为“无数据”。`,
    },
    {
      title: "视频会议系统健康",
      text: "全部MCU无SIP OPTIONS应答为中断；任一MCU未正常应答、MCU不可ping通、终端在线率低于阈值或管理平台探测失败为降级；否则为正常。无法测量的部分记为未知，不计入故障。",
    },
    {
      title: "指标评价",
      text: "计数类指标（次、场、份、条、题、人次及月度报告）按期间累加，其余取期间内最新值；上半年对照半年指标值，全年对照全年指标值，年度进行中按年初至今推算至12月31日，推算不达标为“有风险”；无数据显示为“无数据”，从不记为0或达成。手工记录的更正以新记录保存，报告只列出更正后的现行值。",
    },
    {
      title: "月度运营报告计数",
      text: "每月只计一次：在该月结束后生成、且该月有监测数据的报告计入绩效指标“大平台月度运营报告”；当月未结束时生成的报告为草稿，不计入。",
    },
  ];
}
