import { describe, expect, it } from "vitest";
import type { TargetValue } from "../../agent/form/types.js";
import { formatValue, isMet, NEGATIONS, parseTargetValue } from "../../agent/form/value.js";
import { formRows } from "./form-file.js";

function parsed(text: string): TargetValue {
  const result = parseTargetValue(text);
  if ("error" in result) throw new Error(result.error);
  return result;
}

describe("parseTargetValue", () => {
  it("parses every half and full value of the real 2026 form", () => {
    const rows = formRows();
    expect(rows.length).toBe(63);
    const failures = rows.flatMap((row) =>
      [row.half, row.full].flatMap((text) => {
        const result = parseTargetValue(text);
        return "error" in result ? [`line ${row.line} ${row.name}: ${result.error}`] : [];
      }),
    );
    expect(failures).toEqual([]);
    for (const row of rows) expect(parsed(row.half).text).toBe(row.half);
  });

  it.each([
    ["≥95%", { kind: "number", op: "≥", value: 0.95, unit: "%" }],
    ["=253个", { kind: "number", op: "=", value: 253, unit: "个" }],
    [">12.8万人次", { kind: "number", op: ">", value: 128000, unit: "人次" }],
    [">6.4万人次", { kind: "number", op: ">", value: 64000, unit: "人次" }],
    ["=4万题", { kind: "number", op: "=", value: 40000, unit: "题" }],
    ["≤0%", { kind: "number", op: "≤", value: 0, unit: "%" }],
    ["≤10%", { kind: "number", op: "≤", value: 0.1, unit: "%" }],
    ["≥7人", { kind: "number", op: "≥", value: 7, unit: "人" }],
    ["=12次", { kind: "number", op: "=", value: 12, unit: "次" }],
    ["=3场", { kind: "number", op: "=", value: 3, unit: "场" }],
    ["=6份", { kind: "number", op: "=", value: 6, unit: "份" }],
    ["≥300条", { kind: "number", op: "≥", value: 300, unit: "条" }],
    ["<5", { kind: "number", op: "<", value: 5, unit: "" }],
    [">=95%", { kind: "number", op: "≥", value: 0.95, unit: "%" }],
    ["<=10%", { kind: "number", op: "≤", value: 0.1, unit: "%" }],
    ["≥９５％", { kind: "number", op: "≥", value: 0.95, unit: "%" }],
    ["＝２５３个", { kind: "number", op: "=", value: 253, unit: "个" }],
    [" ≥ 99.5 % ", { kind: "number", op: "≥", value: 0.995, unit: "%" }],
    ["=1.1万人次", { kind: "number", op: "=", value: 11000, unit: "人次" }],
    ["及时", { kind: "qualitative", word: "及时" }],
    ["健全", { kind: "qualitative", word: "健全" }],
    ["完成", { kind: "qualitative", word: "完成" }],
  ])("%s", (text, expected) => {
    expect(parseTargetValue(text)).toEqual({ ...expected, text });
  });

  it.each([
    ["≈95%", /unknown operator "≈"/],
    ["=5台", /unknown unit "台"/],
    ["优秀", /unknown word "优秀"/],
    ["", /empty value/],
    ["   ", /empty value/],
    ["=%", /no number after "="/],
    ["95%", /no operator in "95%"/],
    ["=5万%", /万 with %/],
    ["≥95%%", /unknown unit "%%"/],
    ["≥-5%", /no number/],
    ["不及时", /unknown word/],
  ])("rejects %j", (text, message) => {
    const result = parseTargetValue(text);
    expect(result).toHaveProperty("error");
    expect((result as { error: string }).error).toMatch(message);
  });
});

describe("isMet", () => {
  it.each([
    ["≥95%", 0.95, true],
    ["≥95%", 0.9499999999, true],
    ["≥95%", 0.949, false],
    ["=100%", 0.9999999999999, true],
    ["=100%", 0.999, false],
    ["=0%", 0, true],
    ["≤0%", 0.001, false],
    ["≤10%", 0.1000000001, true],
    ["=253个", 253, true],
    ["=253个", 252, false],
    [">12.8万人次", 128000, false],
    [">12.8万人次", 128001, true],
    ["<5", 4, true],
    ["<5", 5, false],
    ["≥7人", 7, true],
    ["及时", true, true],
    ["及时", false, false],
    ["及时", 1, false],
    ["≥95%", true, false],
    ["≥95%", Number.NaN, false],
  ] as const)("%s with %s → %s", (text, measured, met) => {
    expect(isMet(parsed(text), measured)).toBe(met);
  });
  it("compares ratios with a tiny tolerance", () => {
    expect(isMet(parsed("=95%"), 0.9500000001)).toBe(true);
    expect(isMet(parsed("=95%"), 0.1 * 9.5)).toBe(true);
  });
});

describe("formatValue", () => {
  it.each([
    ["≥95%", 0.963, "96.3%"],
    ["≥95%", 0.95, "95%"],
    ["≥90%", 0.99987, "99.99%"],
    ["=0%", 0, "0%"],
    ["=253个", 253, "253个"],
    [">12.8万人次", 128500, "12.85万人次"],
    [">6.4万人次", 9800, "9800人次"],
    ["=4万题", 40000, "4万题"],
    ["≥7人", 7, "7人"],
    ["≥150条", 3.14159, "3.14条"],
    ["<5", 2, "2"],
    ["=253个", true, "是"],
  ] as const)("%s: %s → %s", (text, measured, shown) => {
    expect(formatValue(parsed(text), measured)).toBe(shown);
  });
  it.each([
    ["及时", true, "及时"],
    ["及时", false, "不及时"],
    ["完成", false, "未完成"],
    ["健全", false, "不健全"],
    ["公开", false, "未公开"],
    ["有效", false, "无效"],
    ["及时", 0.97, "0.97"],
  ] as const)("%s: %s → %s", (text, measured, shown) => {
    expect(formatValue(parsed(text), measured)).toBe(shown);
  });
  it("has a negation for every word", () => {
    for (const [word, negation] of Object.entries(NEGATIONS))
      expect(negation).toContain(word === "有效" ? "效" : word);
  });
});
