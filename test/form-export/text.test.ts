/** The export's text rules: CSV fields quoted and formula starts neutralised (OWASP), cells XML-safe. */
import { describe, expect, it } from "vitest";
import { cellText, csvField, csvLine, MAX_CELL_CHARS } from "../../agent/form-export/text.js";
import { runs } from "../../agent/form-export/render-xlsx.js";

describe("CSV fields", () => {
  it.each([
    ["plain", "plain"],
    ["中文，逗号", "中文，逗号"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["line\nbreak", '"line\nbreak"'],
    // Formula starts become their full-width forms (text.ts says why): no visible apostrophe.
    ["=1+2", "＝1+2"],
    ["=253个", "＝253个"],
    ["+1", "＋1"],
    ["-1", "－1"],
    ["@SUM(A1)", "＠SUM(A1)"],
    // A tab or CR a spreadsheet skips is dropped, then the sign is made full-width.
    ["\tTAB", "TAB"],
    ["\rCR", "CR"],
    ["\t=1+2", "＝1+2"],
    ['=HYPERLINK("http://x","y")', '"＝HYPERLINK(""http://x"",""y"")"'],
    ["a=b", "a=b"],
    ["≥95%", "≥95%"],
    [" padded ", '" padded "'],
    ["", ""],
  ])("%j → %j", (input, output) => {
    expect(csvField(input)).toBe(output);
  });

  it("ends a line with CRLF", () => {
    expect(csvLine(["a", "=b"])).toBe("a,＝b\r\n");
  });
});

describe("cell text", () => {
  it("keeps tabs, newlines and Chinese, replaces what XML 1.0 cannot carry", () => {
    expect(cellText("\t说明\r\n第二行")).toBe("\t说明\r\n第二行");
    expect(cellText("a\u0000b\u0007c\u001Fd\uFFFEe")).toBe("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe");
    expect(cellText("lone \uD800 surrogate")).toBe("lone \uFFFD surrogate");
    expect(cellText("emoji 😀 ok")).toBe("emoji 😀 ok");
  });

  it("cuts to Excel's cell limit", () => {
    const long = cellText("x".repeat(MAX_CELL_CHARS + 10));
    expect(long).toHaveLength(MAX_CELL_CHARS);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("merged runs", () => {
  it("finds the runs longer than one row", () => {
    expect(runs(["a", "a", "b", "c", "c", "c"])).toEqual([
      [0, 1],
      [3, 5],
    ]);
    expect(runs([])).toEqual([]);
    expect(runs(["a", "b"])).toEqual([]);
  });
});
