/**
 * 分值 from the targets file's `scoring:` (agent/form/points.ts) and 得分 by the rule
 * (agent/form-export/score.ts): shares that add up exactly, group and row points, errors that name
 * the field, the value and the fix; proportional and full-or-zero scores by hand.
 */
import { describe, expect, it } from "vitest";
import { allocatePoints, DEFAULT_SCORING } from "../../agent/form/points.js";
import { parseTargets } from "../../agent/form/targets-file.js";
import { parseTargetValue } from "../../agent/form/value.js";
import type { TargetValue } from "../../agent/form/types.js";
import type { IndicatorResult } from "../../agent/kpi/evaluate.js";
import { scoreRow } from "../../agent/form-export/score.js";

const rows = (...groups: string[]) => groups.map((level1) => ({ level1 }));

describe("allocatePoints", () => {
  it("shares 100 over 63 rows to 0.01, the remainder to the first rows, adding up exactly", () => {
    const result = allocatePoints(rows(...Array<string>(63).fill("决策")), DEFAULT_SCORING);
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const points = result.rows.map((r) => r.points);
    expect(points.slice(0, 46).every((p) => p === 1.59)).toBe(true);
    expect(points.slice(46).every((p) => p === 1.58)).toBe(true);
    expect(Math.round(points.reduce((s, p) => s + p, 0) * 100)).toBe(10_000);
    expect(result.rows.every((r) => r.from === "equal" && r.rule === "proportional")).toBe(true);
  });

  it("shares each 一级指标's points over its rows, after the rows that set their own", () => {
    const result = allocatePoints(
      [
        { level1: "决策" },
        { level1: "决策", points: 4, rule: "full_or_zero" },
        { level1: "履职" },
        { level1: "履职" },
      ],
      { total: 30, rule: "proportional", level1_points: { 决策: 10, 履职: 20 } },
    );
    if (!result.ok) throw new Error(result.errors.join("\n"));
    expect(result.rows).toEqual([
      { points: 6, rule: "proportional", from: "level1" },
      { points: 4, rule: "full_or_zero", from: "row" },
      { points: 10, rule: "proportional", from: "level1" },
      { points: 10, rule: "proportional", from: "level1" },
    ]);
  });

  it("names the field, the value and the fix when the points do not add up", () => {
    const result = allocatePoints(rows("决策", "过程"), {
      total: 100,
      rule: "proportional",
      level1_points: { 决策: 30, 履职: 60 },
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        "scoring.level1_points: the groups add up to 90, not scoring.total 100; make them add up",
        'scoring.level1_points.履职: no row has level1 "履职"; expected one of 决策, 过程',
        'scoring.level1_points: no points for level1 "过程" (row 2); add "过程: N"',
      ],
    });
  });
});

describe("the targets file's scoring", () => {
  const file = (scoring: string, extra = "") => `year: 2026
${scoring}
indicators:
  - key: a
    name: "甲"
    group: decision
    level1: "决策"
    level2: ""
    half: "≥95%"
    full: "≥95%"${extra}
  - key: b
    name: "乙"
    group: output
    level1: "履职"
    level2: ""
    half: "及时"
    full: "及时"
`;

  it("attaches each row's points and rule", () => {
    const parsed = parseTargets(file("scoring: { total: 10, rule: full_or_zero }", "\n    points: 4"));
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    expect(parsed.indicators.map((i) => i.scoring)).toEqual([
      { points: 4, rule: "full_or_zero", from: "row" },
      { points: 6, rule: "full_or_zero", from: "equal" },
    ]);
  });

  it("rejects a bad rule, points with three decimals and an unknown field, each with its line", () => {
    const parsed = parseTargets(
      file("scoring: { rule: half, total: 1.005, weights: 3 }", "\n    points: -1"),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual([
      expect.stringMatching(/^line 2: scoring\.total: expected at most two decimals/),
      'line 2: scoring.rule: expected one of "proportional", "full_or_zero", got "half"',
      "line 2: scoring.weights: unknown field; expected total, rule, level1_points",
      "line 11: indicators[0] (a) points: expected at least 0, got -1",
    ]);
  });
});

function result(
  target: TargetValue,
  value: number | boolean | null,
  status: IndicatorResult["status"],
): IndicatorResult {
  return {
    key: "k",
    name: "指标",
    group: "output",
    automatic: false,
    target,
    value,
    status,
    coverage: null,
    how: { zh: "", en: "" },
  };
}
const t = (text: string) => {
  const parsed = parseTargetValue(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed;
};
const proportional = { points: 2, rule: "proportional" as const, from: "equal" as const };

describe("scoreRow", () => {
  it.each([
    ["≥90%", 0.8364, "not_met", 1.86], // 2 × 0.8364 / 0.9 = 1.8587
    ["≤10%", 0.2, "not_met", 1], // 2 × 0.1 / 0.2
    ["=253个", 255, "not_met", 1.98], // 2 × 253 / 255 = 1.9843
    ["=6份", 5, "not_met", 1.67], // 2 × 5 / 6
    ["=0%", 0.05, "not_met", 0], // no share of a target of 0
    ["及时", false, "not_met", 0], // a word scores nothing when not met
    ["≥95%", 0.97, "met", 2],
  ] as const)("%s with %s (%s) scores %s of 2", (target, value, status, score) => {
    expect(scoreRow(result(t(target), value, status), proportional).score).toBe(score);
  });

  it("gives 0 under full_or_zero and no score without data", () => {
    const zero = { ...proportional, rule: "full_or_zero" as const };
    expect(scoreRow(result(t("≥90%"), 0.89, "not_met"), zero)).toMatchObject({
      score: 0,
      how: "未达成，不得分",
    });
    expect(scoreRow(result(t("≥90%"), null, "no_data"), proportional)).toMatchObject({
      score: null,
      how: "无数据，不得分（合计按0分计）",
    });
  });
});
