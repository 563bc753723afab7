/**
 * The opening of a 偏差原因分析 sentence, from the figures: "2026年上半年教育应用运行可用率83.64%，
 * 低于目标90%". The target is said as a bound (低于目标90%, 高于上限5%, 不等于目标253个) rather
 * than as the form's operator; a word target says what was found (评价为不及时，目标为及时). While
 * the year runs the sentence gives the year to date and the projection it was judged by.
 */
import { formatValue } from "../form/value.js";
import type { IndicatorResult } from "../kpi/evaluate.js";

/** "2026年上半年", "2026年", "2026年初至07-01". */
export function periodCaption(
  kind: "half_year" | "year" | "month",
  year: number,
  running: boolean,
  today: string,
): string {
  if (kind === "half_year") return running ? `${year}年初至${today.slice(5)}` : `${year}年上半年`;
  return running ? `${year}年初至${today.slice(5)}` : `${year}年`;
}

/** The target without its operator: "≥90%" → "90%". */
function bound(text: string): string {
  return text.replace(/^\s*(?:[=≥≤><]|>=|<=|＝|＞|＜)\s*/, "");
}

function comparison(result: IndicatorResult, value: number | boolean): string {
  const target = result.target;
  if (target.kind === "qualitative") return `评价为${formatValue(target, value)}（目标：${target.text}）`;
  const n = value as number;
  const goal = bound(target.text);
  switch (target.op) {
    case "≥":
      return `低于目标${goal}`;
    case ">":
      return `未超过目标${goal}`;
    case "≤":
      return `高于目标上限${goal}`;
    case "<":
      return `未低于目标上限${goal}`;
    case "=":
      return n < target.value ? `低于目标${goal}` : `高于目标${goal}`;
  }
}

/** "2026年上半年教育应用运行可用率83.64%，低于目标90%" (not met) or the year-to-date version (at risk). */
export function deviationHeadline(result: IndicatorResult, caption: string): string {
  const value = result.value as number | boolean;
  // A word says itself in the comparison ("评价为不及时"); a number is given before it.
  const now = result.target.kind === "qualitative" ? "" : formatValue(result.target, value);
  if (result.status === "at_risk" && result.projected !== undefined) {
    const projected = formatValue(result.target, result.projected);
    return `${caption}${result.name}${now === "" ? "" : `${now}，`}预计全年${projected === now || now === "" ? "" : `${projected}，`}${comparison(result, result.projected)}`;
  }
  return `${caption}${result.name}${now === "" ? "" : `${now}，`}${comparison(result, value)}`;
}
