/**
 * The evidence sheet's explanations in Chinese, for the people who read it: how each automatic
 * figure is counted (口径, from the config where it has a setting) and the computation behind a
 * value (计算说明, from the evidence's own numbers). DESIGN.md gives the same rules in English.
 */
import type { Config } from "../../config/schema.js";
import type { Binding } from "../form/types.js";
import { CATEGORY_NAMES } from "../incidents/types.js";

const minutes = (ms: number) => `${Math.round(ms / 60_000)}分钟`;

function timelinessRuleZh(config: Config): string {
  const policy = config.incidents.sla;
  const bounds = (["P1", "P2", "P3", "P4"] as const)
    .map((p) => `${p}≤${minutes(policy.response[p])}`)
    .join("，");
  const overrides = Object.entries(policy.categories).flatMap(([category, b]) =>
    Object.entries(b ?? {})
      .filter((entry): entry is [string, number] => entry[1] !== undefined)
      .map(
        ([p, ms]) =>
          `${CATEGORY_NAMES[category as keyof typeof CATEGORY_NAMES] ?? category} ${p}≤${minutes(ms)}`,
      ),
  );
  return (
    `响应时间 = 首次确认时间 − 故障开始时间（确认前已恢复的，取恢复时间）；不超过时限为按时（${bounds}` +
    `${overrides.length > 0 ? `；另设：${overrides.join("，")}` : ""}），超过时限仍未响应为超时；` +
    `按时 ÷（按时 + 超时）≥ ${(policy.timely_share * 100).toFixed(0)}% 为及时（incidents.sla）。`
  );
}

export function ruleZh(binding: Binding, config: Config): string {
  switch (binding.source) {
    case "availability":
      return (
        "各应用可用率 = 正常采样数 ÷（全部采样数 − 维护窗口内采样数）；教育应用可用率为各应用的加权平均" +
        "（权重见 availability.weights）。无采样的时段（代理停机、采集失败）记为未知，计入数据覆盖率，" +
        `不计为可用或不可用${config.availability.unknown_as_down ? "；本配置按不可用计（availability.unknown_as_down）" : ""}。`
      );
    case "fault_timeliness":
      return timelinessRuleZh(config);
    case "vm_count":
      return "期间最后一次清单中的在管虚拟机数（多个清单来源相加），与指标值比较。";
    case "antivirus_coverage":
      return "受保护的运行虚拟机 ÷ 在管运行虚拟机，取期间各次测量的平均值。";
    case "monthly_reports":
      return "期间内已生成月度运营报告的月份数（月末后生成、当月有数据的才计入），同一月份重新生成只计一次。";
    case "manual":
      return "";
  }
}

/** "按时响应故障数 ÷ 已判定故障数 = 3 ÷ 5，评价为不及时；数据覆盖率100.0%". */
export function howZh(e: {
  numerator: number | null;
  denominator: number | null;
  unit: string;
  value: string;
  coverage: number | null;
}): string {
  if (e.numerator === null) return "期间无测量数据，无法计算。";
  const sum =
    e.denominator === null ? `${e.unit}：${e.numerator}` : `${e.unit} = ${e.numerator} ÷ ${e.denominator}`;
  const coverage = e.coverage === null ? "" : `；数据覆盖率${(e.coverage * 100).toFixed(1)}%`;
  return `${sum}，实际完成值${e.value}${coverage}。`;
}
