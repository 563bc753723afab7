/**
 * 得分 of one row of the self-evaluation, from the evaluated result and the row's 分值 and rule
 * (agent/form/points.ts). Met (or projected met while the year runs): full points. Not met (or at
 * risk): `full_or_zero` gives 0; `proportional` gives points × the share achieved for a number
 * target — value ÷ target for ≥ and >, target ÷ value for ≤ and <, the nearer of the two for = —
 * and 0 for a word target or a target of 0 (no share to take). No data: no score (null), which
 * the totals count as 0 and the sheet shows as 无数据. Scores are rounded to 0.01.
 */
import type { RowScoring, ScoringRule } from "../form/points.js";
import type { IndicatorResult } from "../kpi/evaluate.js";

export interface RowScore {
  points: number;
  /** null: no data, nothing to score. */
  score: number | null;
  /** How the score was reached, in words (评分依据). */
  how: string;
}

export const RULE_NAMES: Readonly<Record<ScoringRule, string>> = {
  proportional: "达成得满分；未达成的数值指标按完成比例得分，定性指标不得分",
  full_or_zero: "达成得满分；未达成不得分",
};

const round2 = (n: number) => Math.round(n * 100) / 100;

/** "1.59", "2", "0.5": at most two decimals, no trailing zeros. */
export function pointsText(n: number): string {
  return String(round2(n));
}

/** The share of the target achieved, 0–1; undefined when the target gives no share (a word, 0). */
export function achievedShare(result: IndicatorResult): number | undefined {
  const target = result.target;
  const value = result.projected ?? result.value;
  if (target.kind !== "number" || typeof value !== "number") return undefined;
  const t = target.value;
  let ratio: number;
  switch (target.op) {
    case "≥":
    case ">":
      if (t <= 0) return undefined;
      ratio = value / t;
      break;
    case "≤":
    case "<":
      if (value <= 0) return 1;
      if (t <= 0) return undefined;
      ratio = t / value;
      break;
    case "=":
      if (t <= 0 || value <= 0) return undefined;
      ratio = value < t ? value / t : t / value;
      break;
  }
  return Math.min(1, Math.max(0, ratio));
}

export function scoreRow(result: IndicatorResult, scoring: RowScoring): RowScore {
  const { points, rule } = scoring;
  if (result.status === "no_data" || result.value === null)
    return { points, score: null, how: "无数据，不得分（合计按0分计）" };
  if (result.status === "met") return { points, score: points, how: "达成，得满分" };
  if (rule === "full_or_zero") return { points, score: 0, how: "未达成，不得分" };
  const share = achievedShare(result);
  if (share === undefined)
    return {
      points,
      score: 0,
      how:
        result.target.kind === "number" ? "未达成，目标为0，无完成比例，不得分" : "未达成的定性指标，不得分",
    };
  const score = round2(points * share);
  return {
    points,
    score,
    how: `未达成，按完成比例${(share * 100).toFixed(2)}%得分：${pointsText(points)} × ${(share * 100).toFixed(2)}% = ${pointsText(score)}`,
  };
}
