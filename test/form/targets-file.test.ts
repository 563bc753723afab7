import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTargets, parseTargets } from "../../agent/form/targets-file.js";
import { tempDir } from "../helpers/tmp.js";
import { formRows, TARGETS_2026_PATH } from "./form-file.js";

const ROW = (key: string, name: string, half = "≥95%", full = "≥95%", extra = "") =>
  [
    `  - key: ${key}`,
    `    name: "${name}"`,
    "    group: output",
    '    level1: "履职"',
    '    level2: ""',
    `    half: "${half}"`,
    `    full: "${full}"`,
    ...(extra === "" ? [] : [extra]),
  ].join("\n");

const file = (...rows: string[]) => ["year: 2026", "indicators:", ...rows].join("\n") + "\n";

function errorsOf(text: string): string[] {
  const result = parseTargets(text);
  if (result.ok) throw new Error("expected errors");
  return result.errors;
}

describe("config/targets-2026.yaml", () => {
  const result = loadTargets(TARGETS_2026_PATH);

  it("loads", () => {
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("has exactly the form's rows, in order, with the values as written", () => {
    if (!result.ok) throw new Error(result.errors.join("\n"));
    expect(result.year).toBe(2026);
    expect(result.indicators.map((i) => [i.name, i.half.text, i.full.text])).toEqual(
      formRows().map((r) => [r.name, r.half, r.full]),
    );
  });

  it("groups the rows as the form's blocks do", () => {
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const count = (g: string) => result.indicators.filter((i) => i.group === g).length;
    expect([
      count("decision"),
      count("process"),
      count("output"),
      count("outcome"),
      count("satisfaction"),
    ]).toEqual([8, 24, 24, 5, 2]);
    const blocks = formRows().map((r) => r.block);
    result.indicators.forEach((ind, i) => {
      const block = blocks[i];
      const expected =
        block === 0 ? ["decision", "process"] : block === 1 ? ["output"] : ["outcome", "satisfaction"];
      expect(expected).toContain(ind.group);
    });
    for (const ind of result.indicators) {
      expect(ind.level2, ind.key).not.toBe("");
      if (ind.group === "output" && ind.level2 !== "AI赋能教育") expect(ind.task, ind.key).toBeTruthy();
    }
  });

  it("binds the rows the agent measures", () => {
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const bound = Object.fromEntries(
      result.indicators.filter((i) => i.binding.source !== "manual").map((i) => [i.key, i.binding]),
    );
    expect(bound).toEqual({
      vm_count: { source: "vm_count" },
      antivirus_coverage: { source: "antivirus_coverage" },
      availability: { source: "availability" },
      videoconf_fault_response: { source: "fault_timeliness", category: "videoconf" },
      platform_service_response: { source: "fault_timeliness", category: "platform" },
      monthly_reports: { source: "monthly_reports" },
    });
    const byKey = new Map(result.indicators.map((i) => [i.key, i]));
    expect(byKey.get("vm_count")?.name).toBe("日常维护信息系统所使用的虚拟机数量");
    expect(byKey.get("videoconf_fault_response")?.name).toBe("故障响应及时性");
    expect(byKey.get("platform_service_response")?.name).toBe("大平台服务响应及时性");
    expect(byKey.get("antivirus_interception_timeliness")?.binding).toEqual({ source: "manual" });
    expect(byKey.get("availability")?.half).toMatchObject({ op: "≥", value: 0.9 });
    expect(byKey.get("availability")?.full).toMatchObject({ op: "≥", value: 0.95 });
  });
});

describe("parseTargets", () => {
  it("accepts a minimal file; binding defaults to manual; short and long binding forms", () => {
    const result = parseTargets(
      file(
        ROW("a", "甲"),
        ROW("b", "乙", "及时", "及时", "    binding: { source: fault_timeliness, category: platform }"),
        ROW("c", "丙", "=6份", "=12份", "    binding: { source: monthly_reports }"),
        ROW("d", "丁", "=253个", "=253个", "    binding: vm_count"),
      ),
    );
    expect(result.ok ? result.indicators.map((i) => i.binding) : result.errors).toEqual([
      { source: "manual" },
      { source: "fault_timeliness", category: "platform" },
      { source: "monthly_reports" },
      { source: "vm_count" },
    ]);
  });

  it("names the line, the row and the text of a bad value", () => {
    expect(errorsOf(file(ROW("a", "甲"), ROW("vm_count", "乙", "=5台", "≈5个")))).toEqual([
      'line 15: indicators[1] (vm_count) half: unknown unit "台" in "=5台" (expected % 个 人 次 场 份 条 题 人次, optionally after 万)',
      'line 16: indicators[1] (vm_count) full: unknown operator "≈" in "≈5个" (expected = ≥ ≤ > < >= <=)',
    ]);
  });

  it("rejects duplicate keys and names", () => {
    expect(errorsOf(file(ROW("a", "甲"), ROW("a", "乙"), ROW("b", "甲")))).toEqual([
      'line 10: indicators[1] (a) key: duplicate key "a" (already indicators[0], line 3)',
      'line 18: indicators[2] (b) name: duplicate name "甲" (already indicators[0], line 4)',
    ]);
  });

  it("rejects a row whose half and full use different units", () => {
    expect(errorsOf(file(ROW("a", "甲", "≥95%", "=5个"), ROW("b", "乙", "及时", "≥95%")))).toEqual([
      'line 9: indicators[0] (a): half "≥95%" is "%" but full "=5个" is "个"; both must use the same unit',
      'line 16: indicators[1] (b): half "及时" is a word but full "≥95%" is "%"; both must use the same unit',
    ]);
  });

  it("rejects an unknown binding, a fault_timeliness without category, unknown fields", () => {
    const errors = errorsOf(
      file(
        ROW("a", "甲", "≥95%", "≥95%", "    binding: cpu_load"),
        ROW("b", "乙", "及时", "及时", "    binding: fault_timeliness"),
        ROW("c", "丙", "及时", "及时", "    binding: { source: fault_timeliness, category: printers }"),
        ROW("d", "丁", "及时", "及时", "    colour: red"),
      ),
    );
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(
      /^line 10: indicators\[0\] \(a\) binding: unknown binding "cpu_load": expected one of manual, vm_count/,
    );
    expect(errors[1]).toMatch(/^line 18: indicators\[1\] \(b\) binding: fault_timeliness needs a category/);
    expect(errors[2]).toMatch(
      /^line 26: indicators\[2\] \(c\) binding: fault_timeliness category: expected one of videoconf, platform/,
    );
    expect(errors[3]).toMatch(/^line 34: indicators\[3\] \(d\) colour: unknown field/);
  });

  it("rejects bad keys, groups and missing fields", () => {
    const text = file(
      ROW("VM-Count", "甲").replace("group: output", "group: outputs"),
      "  - key: b\n    name: 乙\n",
    );
    const errors = errorsOf(text);
    expect(errors).toEqual([
      'line 3: indicators[0] (VM-Count) key: expected a snake_case English key, e.g. vm_count, got "VM-Count"',
      'line 5: indicators[0] (VM-Count) group: expected one of "decision", "process", "output", "outcome", "satisfaction", got "outputs"',
      'line 10: indicators[1] (b) group: missing; expected one of "decision", "process", "output", "outcome", "satisfaction"',
      "line 10: indicators[1] (b) level1: missing; expected text",
      "line 10: indicators[1] (b) level2: missing; expected text",
      'line 10: indicators[1] (b) half: missing; expected the value as on the form, e.g. "≥95%" or "及时"',
      'line 10: indicators[1] (b) full: missing; expected the value as on the form, e.g. "≥95%" or "及时"',
    ]);
  });

  it("reports YAML syntax errors and a wrong shape with lines", () => {
    expect(errorsOf("year: 2026\nindicators:\n  - key: [a\n")[0]).toMatch(/^line \d+: not valid YAML/);
    expect(errorsOf("- a\n- b\n")).toEqual([
      'line 1: expected a mapping with year: and indicators:, got ["a","b"]',
    ]);
    expect(errorsOf("year: 1999\nindicators: []\n")).toEqual([
      "line 1: year: expected at least 2000, got 1999",
      "line 2: indicators: expected at least 1 item(s), got []",
    ]);
  });

  it("loadTargets reports an unreadable file", () => {
    const dir = tempDir();
    const result = loadTargets(join(dir, "missing.yaml"));
    expect(result.ok).toBe(false);
    const path = join(dir, "t.yaml");
    writeFileSync(path, file(ROW("a", "甲")));
    expect(loadTargets(path).ok).toBe(true);
  });
});
