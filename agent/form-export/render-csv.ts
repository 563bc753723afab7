/**
 * The self-evaluation as CSV, for machines and for a quick look in a spreadsheet: one line per
 * row of the form (no 小计/合计 lines: a total among rows breaks every import; the totals are in
 * the XLSX), the main sheet's columns plus 是否达成, the scoring, the source, the record notes and
 * the row's id (指标代码). UTF-8 with a byte order mark (Excel on Chinese Windows reads it as UTF-8
 * then), CRLF line ends. The group columns are repeated on every line (a CSV cannot merge cells;
 * repeated, every line filters on its own). A field a spreadsheet would take for a formula starts
 * with the full-width sign instead ("=253个" → "＝253个"; text.ts says why).
 */
import type { FormExport } from "./build.js";
import { pointsText } from "./score.js";
import { csvLine, UTF8_BOM } from "./text.js";
import { cellText } from "./text.js";

export function csvHeaders(exp: Pick<FormExport, "targetHeader">): string[] {
  return [
    "一级指标",
    "二级指标",
    "重点工作",
    "三级指标",
    exp.targetHeader,
    "实际完成值",
    "是否达成",
    "分值",
    "得分",
    "偏差原因分析",
    "改进措施",
    "计分说明",
    "数据来源",
    "记录说明",
    "指标代码",
  ];
}

export function renderCsv(exp: FormExport): Buffer {
  const lines = [
    csvLine(csvHeaders(exp)),
    ...exp.rows.map((r) =>
      csvLine(
        [
          r.level1,
          r.level2,
          r.task,
          r.name,
          r.target,
          r.value,
          r.status,
          pointsText(r.points),
          r.score === null ? "无数据" : pointsText(r.score),
          r.reason,
          r.measure,
          r.scoreHow,
          r.source,
          r.notes,
          r.key,
        ].map(cellText),
      ),
    ),
  ];
  return Buffer.from(UTF8_BOM + lines.join(""), "utf8");
}
