/**
 * The notes (说明) under the self-evaluation: which target column applies, where the 分值 come
 * from (the form gives none: the targets file's setting, or the default equal share — never
 * presented as the finance bureau's), the scoring rule, how deviation reasons and measures were
 * written, and the time zone every time is given in. The first line is the heading.
 */
import type { FormExport } from "./build.js";
import { RULE_NAMES } from "./score.js";
import { utcOffset } from "../local-time.js";

export function scoringNotes(exp: FormExport): string[] {
  const rules = [...new Set(exp.rows.map((r) => r.rule))];
  const from = new Set(exp.pointsFrom);
  const offset = utcOffset(exp.generatedAt, exp.timeZone);
  const points = (() => {
    if (from.size === 1 && from.has("equal"))
      return `绩效目标表未规定各指标分值。本表按默认规则将${exp.total.points}分平均分配至${exp.total.rows}项三级指标（精确到0.01分，尾差计入靠前的指标），不是财政部门规定的分值；如财政部门模板另有分值，在目标文件的 scoring 中设置（见 README）。`;
    const how = [
      ...(from.has("level1")
        ? ["各一级指标的分值按目标文件 scoring.level1_points 设置，平均分配至其三级指标"]
        : []),
      ...(from.has("row") ? ["部分指标的分值在目标文件中逐项设置（points）"] : []),
      ...(from.has("equal") ? ["其余分值平均分配"] : []),
    ];
    return `绩效目标表未规定各指标分值。本表${how.join("；")}，合计${exp.total.points}分。`;
  })();
  const side =
    exp.period.side === "half"
      ? "本表为半年评价，指标值取绩效目标表的半年指标值。"
      : "本表为年度评价，指标值取绩效目标表的全年指标值。";
  const running = exp.period.running
    ? "评价期间尚未结束：实际完成值为截至生成时的累计值，是否达成与得分按预计全年值判断（计数类指标按时间比例推算），标注为预计达成或有风险。"
    : "";
  return [
    "说明",
    `1. ${side}${running}`,
    `2. 分值：${points}`,
    `3. 计分规则：${rules.map((r) => RULE_NAMES[r]).join("；另有指标")}。数值指标的完成比例：≥、>为实际值÷目标值，≤、<为目标值÷实际值，=取两者中较小的比值，最高为100%；得分四舍五入至0.01分。无数据的指标不得分（合计中按0分计），不记为达成。`,
    "4. 偏差原因分析仅对未达成（或有风险、无数据）的指标填写，依据监测数据与人工记录自动生成；改进措施为根据数据起草的建议，请责任科室审定后使用。人工记录时填写的说明是佐证，列于“评分依据”表，不作为偏差原因。",
    `5. 自动指标的分子、分母、数据覆盖率与口径见“佐证”表；每项指标的计分过程与数据来源见“评分依据”表。`,
    `6. 表中时间均为${exp.timeZone}时区时间（UTC${offset}）。本表由 ops-agent 于 ${exp.generatedAtText} 生成。`,
  ];
}
