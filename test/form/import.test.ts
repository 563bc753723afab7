import { existsSync, readFileSync } from "node:fs";
import { check, resolveConfig } from "prettier";
import { describe, expect, it } from "vitest";
import {
  describeImportProblems,
  importForm,
  KNOWN_KEYS,
  renderTargetsYaml,
} from "../../agent/form/import.js";
import { loadTargets, parseTargets } from "../../agent/form/targets-file.js";
import { FORM_TEXT, formRows, SHARED_FORM_PATH, TARGETS_2026_PATH } from "./form-file.js";

const lines = FORM_TEXT.split("\n");
/** The form with line `n` (1-based) replaced by `replacement` (or removed). */
function withLine(n: number, ...replacement: string[]): string {
  return [...lines.slice(0, n - 1), ...replacement, ...lines.slice(n)].join("\n");
}

describe("importForm on the real 2026 form", () => {
  const result = importForm(FORM_TEXT, "form.txt");

  it("the fixture is the shared form", () => {
    if (existsSync(SHARED_FORM_PATH)) expect(readFileSync(SHARED_FORM_PATH, "utf8")).toBe(FORM_TEXT);
  });

  it("finds every row, values identical, with its line", () => {
    expect(result.problems).toEqual([]);
    const rows = formRows();
    expect(result.indicators).toHaveLength(63);
    expect(result.indicators.map((i) => [i.name, i.half.text, i.full.text])).toEqual(
      rows.map((r) => [r.name, r.half, r.full]),
    );
    expect(result.lines).toEqual(rows.map((r) => r.line));
    expect(result.indicators.every((i) => i.binding.source === "manual")).toBe(true);
  });

  it("groups by block: 决策 then 过程, 履职, 效益 then 满意度", () => {
    const groups = result.indicators.map((i) => i.group);
    expect(groups).toEqual([
      ...Array<string>(8).fill("decision"),
      ...Array<string>(24).fill("process"),
      ...Array<string>(24).fill("output"),
      ...Array<string>(5).fill("outcome"),
      ...Array<string>(2).fill("satisfaction"),
    ]);
  });

  it("has the same keys, groups and levels as config/targets-2026.yaml where the export tells them", () => {
    const file = loadTargets(TARGETS_2026_PATH);
    if (!file.ok) throw new Error(file.errors.join("\n"));
    expect(result.indicators.map((i) => [i.key, i.group, i.level1])).toEqual(
      file.indicators.map((i) => [i.key, i.group, i.level1]),
    );
    file.indicators.forEach((expected, n) => {
      const got = result.indicators[n];
      if (got?.level2 !== "") expect(got?.level2).toBe(expected.level2);
    });
    // The 二级指标 of 决策/过程 and of 满意度 come from the export's structure tables.
    expect(result.indicators.slice(0, 32).every((i) => i.level2 !== "")).toBe(true);
    expect(Object.keys(KNOWN_KEYS)).toEqual(file.indicators.map((i) => i.name));
  });

  it("round-trips: import → render → loadTargets keeps every name and value as on the form", () => {
    const yaml = renderTargetsYaml(result.indicators, 2026, "form.txt");
    const loaded = parseTargets(yaml);
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    expect(loaded.year).toBe(2026);
    // The targets file adds each row's 分值 (agent/form/points.ts); the form's export has none.
    expect(loaded.indicators.map(({ scoring: _scoring, ...row }) => row)).toEqual(result.indicators);
    expect(loaded.indicators.map((i) => [i.name, i.half.text, i.full.text])).toEqual(
      formRows().map((r) => [r.name, r.half, r.full]),
    );
    const file = loadTargets(TARGETS_2026_PATH);
    if (!file.ok) throw new Error(file.errors.join("\n"));
    expect(loaded.indicators.map((i) => [i.name, i.half, i.full])).toEqual(
      file.indicators.map((i) => [i.name, i.half, i.full]),
    );
    expect(yaml).toContain("# TODO: 二级指标");
    expect(yaml).toContain('half: ">12.8万人次"'.replace("half", "full"));
  });

  it("renders a file prettier leaves alone", async () => {
    const options = (await resolveConfig(TARGETS_2026_PATH)) ?? {};
    const yaml = renderTargetsYaml(result.indicators, 2026, "form.txt");
    expect(await check(yaml, { ...options, parser: "yaml" })).toBe(true);
  });

  it("accepts CRLF line ends and a byte-order mark", () => {
    const crlf = importForm(`\uFEFF${FORM_TEXT.replace(/\n/g, "\r\n")}`, "form.txt");
    expect(crlf.problems).toEqual([]);
    expect(crlf.indicators.map((i) => i.half.text)).toEqual(result.indicators.map((i) => i.half.text));
  });

  it("gives an unknown row a placeholder key marked TODO", () => {
    const text = withLine(98, "全新指标\t=1个\t=2个");
    const imported = importForm(text, "form.txt");
    expect(imported.problems).toEqual([]);
    expect(imported.indicators[32]?.key).toBe("indicator_33");
    const yaml = renderTargetsYaml(imported.indicators, 2027);
    expect(yaml).toContain("  - key: indicator_33 # TODO: a readable English key");
    expect(parseTargets(yaml).ok).toBe(true);
  });
});

describe("importForm rejects a malformed export with line numbers", () => {
  it("a row with 2 cells", () => {
    const result = importForm(withLine(105, "故障响应及时性\t及时"), "form.txt");
    expect(result.indicators).toEqual([]);
    expect(describeImportProblems("form.txt", result.problems)).toEqual([
      'form.txt:105: expected 3 tab-separated cells (三级指标, 半年指标值, 全年指标值), found 2: "故障响应及时性\\t及时"',
    ]);
  });

  it("a missing header", () => {
    const result = importForm(withLine(97), "form.txt");
    expect(result.indicators).toEqual([]);
    expect(result.problems).toEqual([
      {
        line: undefined,
        reason:
          'form.txt: expected 3 tables of third-level rows (each after a line "三级指标\\t半年指标值\\t全年指标值": 决策/过程, 履职, 效益/满意度), found 2 (header lines 63, 122)',
      },
    ]);
  });

  it("a damaged header, bad values, a unit mismatch, a duplicate row, a nameless row", () => {
    let text = withLine(123, "三级指标\t半年指标\t全年指标值");
    text = text.replace("设备检修\t=2次\t=4次", "设备检修\t=2台\t≈4次");
    text = text.replace("运营考核服务\t=6次\t=12次", "运营考核服务\t=6%\t=12次");
    text = text.replace("活动参与率\t≥97%\t≥97%", "专题活动\t≥97%\t≥97%");
    text = text.replace("客户服务\t完成\t完成", "\t完成\t完成");
    const problems = describeImportProblems("f", importForm(text, "f").problems);
    expect(problems).toEqual([
      expect.stringContaining("found 2 (header lines 63, 97)"),
      'f:100: row without a name (三级指标): "\\t完成\\t完成"',
      'f:106: 运营考核服务: half "=6%" and full "=12次" use different units',
      'f:107: 设备检修: 半年指标值: unknown unit "台" in "=2台" (expected % 个 人 次 场 份 条 题 人次, optionally after 万); 全年指标值: unknown operator "≈" in "≈4次" (expected = ≥ ≤ > < >= <=)',
      "f:117: 专题活动: duplicate row (already on line 98)",
      'f:123: header line "三级指标\\t半年指标\\t全年指标值": expected "三级指标\\t半年指标值\\t全年指标值"',
    ]);
  });

  it("an empty file or one without rows", () => {
    expect(importForm("", "f").problems).toHaveLength(1);
    const headersOnly = [
      "三级指标\t半年指标值\t全年指标值",
      "",
      "三级指标\t半年指标值\t全年指标值",
      "三级指标\t半年指标值\t全年指标值",
    ];
    expect(describeImportProblems("f", importForm(headersOnly.join("\n"), "f").problems)).toEqual([
      "f:1: table header with no rows after it",
      "f:3: table header with no rows after it",
      "f:4: table header with no rows after it",
    ]);
  });
});
