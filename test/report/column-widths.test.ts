/**
 * The DOCX tables' column widths (agent/report/docx/column-widths.ts): a browser's automatic table
 * layout in short. The rendered result (8 A4 pages, no overlapping text) is checked through
 * LibreOffice by test/documents; these pin the rule itself.
 */
import { describe, expect, it } from "vitest";
import { columnWidths } from "../../agent/report/docx/column-widths.js";
import { textWidth } from "../../agent/form-export/row-height.js";

const TOTAL = 10206; // the A4 text width in twips (wordml.ts)
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe("DOCX column widths", () => {
  it("fill the text width, in proportion to the text when every line fits", () => {
    const widths = columnWidths(
      [
        ["系统", "智慧教育大平台"],
        ["可用率", "99.86%"],
        ["判定", "达成"],
      ],
      TOTAL,
    );
    expect(sum(widths)).toBeLessThanOrEqual(TOTAL);
    expect(sum(widths)).toBeGreaterThan(TOTAL - widths.length);
    expect(widths[0]).toBeGreaterThan(widths[1] ?? 0);
    expect(widths[1]).toBeGreaterThan(widths[2] ?? 0);
  });

  it("when the lines cannot all fit: a number or a time keeps its width, the long Chinese column wraps", () => {
    // The appendix's summary: 指标 beside three periods of 实际值 / 目标值 / 判定.
    const periods = [0, 1, 2].flatMap(() => [
      ["实际值", "98.79%", "253个", "及时"],
      ["目标值", "≥95%", "=253个", "及时"],
      ["判定", "达成", "未达成", "有风险"],
    ]);
    const names = ["指标", "运行状态虚拟机无代理杀毒覆盖率", "日常维护信息系统所使用的虚拟机数量"];
    const widths = columnWidths([names, ...periods], TOTAL);
    expect(sum(widths)).toBeLessThanOrEqual(TOTAL);
    // 90 twips a unit, 160 of cell margins: every value column holds its widest value on one line.
    periods.forEach((texts, i) => {
      const widest = Math.max(...texts.map(textWidth));
      expect(((widths[i + 1] ?? 0) - 160) / 90, texts[1]).toBeGreaterThanOrEqual(widest);
    });
    // The names take what is left: wider than any value column, narrower than their longest line.
    expect(widths[0]).toBeGreaterThan(Math.max(...widths.slice(1)));
    expect(((widths[0] ?? 0) - 160) / 90).toBeLessThan(textWidth(names[2] ?? ""));
  });

  it("a time breaks only at its spaces; one CJK character is the least a Chinese column gets", () => {
    const time = "2026-11-22 00:06 +08:00";
    const long = "很".repeat(200);
    const widths = columnWidths(
      [
        ["开始时间", time],
        ["说明", long],
        ["x", long],
      ],
      TOTAL,
    );
    expect(((widths[0] ?? 0) - 160) / 90).toBeGreaterThanOrEqual(textWidth("2026-11-22"));
    expect(sum(widths)).toBeLessThanOrEqual(TOTAL);
    expect(Math.min(...widths)).toBeGreaterThan(160 + 90 * textWidth("很"));
  });
});
