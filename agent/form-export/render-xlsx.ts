/**
 * The self-evaluation as an XLSX workbook (exceljs, loaded only when an export is written), laid
 * out like the finance bureau's 绩效自评表 and printable on A4 landscape:
 *  - sheet 绩效自评表: title, a line with the unit, the period and when it was generated, the
 *    header (frozen, repeated on every printed page), the form's rows in order with 一级指标 and
 *    二级指标 merged over their group, a 小计 line after each 一级指标, the 合计, and the notes
 *    (where the 分值 come from, the scoring rule, the time zone);
 *  - sheet 评分依据: per row, met or not, how the score was reached, where the value came from and
 *    the notes recorded with it;
 *  - sheet 佐证: the computation behind every automatic figure and the period's monthly reports.
 * Every figure comes from build.ts; nothing is computed here. Every text is a string cell (never a
 * formula), cleaned for XML (text.ts). Row heights are set for the wrapped text (row-height.ts).
 */
import type { Borders, Cell, Fill, Workbook, Worksheet } from "exceljs";
import type { FormExport, FormExportRow, ScoreTotal, StatusText } from "./build.js";
import { scoringNotes } from "./notes.js";
import { heightFor } from "./row-height.js";
import { cellText } from "./text.js";
import { writeEvidenceFiles } from "./evidence-files.js";

export const MAIN_SHEET = "绩效自评表";
export const BASIS_SHEET = "评分依据";
export const EVIDENCE_SHEET = "佐证";

/** The main sheet's columns (the finance bureau's); the target column is named for the period. */
export function mainHeaders(exp: Pick<FormExport, "targetHeader">): string[] {
  return [
    "一级指标",
    "二级指标",
    "三级指标",
    exp.targetHeader,
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析",
    "改进措施",
  ];
}

const MAIN_WIDTHS = [8, 18, 22, 11, 15, 7, 7, 48, 34];
export const BASIS_HEADERS = [
  "一级指标",
  "重点工作",
  "三级指标",
  "指标代码",
  "是否达成",
  "分值",
  "得分",
  "计分说明",
  "数据来源",
  "记录说明",
];
const BASIS_WIDTHS = [8, 20, 22, 18, 9, 7, 7, 30, 42, 30];
export const EVIDENCE_HEADERS = [
  "三级指标",
  "统计期间",
  "分子",
  "分母",
  "计量单位",
  "实际完成值",
  "数据覆盖率",
  "计算说明",
  "口径",
];
const EVIDENCE_WIDTHS = [26, 24, 11, 11, 22, 12, 10, 48, 48];
export const REPORT_HEADERS = ["月份", "格式", "文件名", "生成时间", "SHA-256"];

/** The first data row of the main sheet (1: title, 2: unit and period, 3: header). */
export const FIRST_ROW = 4;
export const HEADER_ROW = 3;

const STATUS_STYLE: Readonly<Record<StatusText, { fill: string; font: string } | undefined>> = {
  达成: { fill: "FFC6EFCE", font: "FF006100" },
  预计达成: { fill: "FFC6EFCE", font: "FF006100" },
  未达成: { fill: "FFFFC7CE", font: "FF9C0006" },
  有风险: { fill: "FFFFEB9C", font: "FF9C5700" },
  无数据: { fill: "FFEDEDED", font: "FF595959" },
  "—": undefined,
};

const THIN: Partial<Borders> = {
  top: { style: "thin" },
  left: { style: "thin" },
  bottom: { style: "thin" },
  right: { style: "thin" },
};
const HEADER_FILL: Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9E1F2" } };
const TOTAL_FILL: Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFF2F2F2" } };
const FONT = "等线";
const SIZE = 10;
/** 分值 and 得分 as the finance bureau writes them. */
const SCORE_FORMAT = "0.00";
/** Two ideographic spaces between the parts of the line under the title. */
const WIDE_GAP = "\u3000\u3000";

/** A string cell; an empty string leaves the cell empty. */
function text(cell: Cell, value: string): void {
  if (value !== "") cell.value = cellText(value);
}

function headerRow(ws: Worksheet, row: number, headers: readonly string[], widths: readonly number[]): void {
  headers.forEach((h, i) => {
    const cell = ws.getCell(row, i + 1);
    text(cell, h);
    cell.font = { name: FONT, size: SIZE, bold: true };
    cell.fill = HEADER_FILL;
    cell.border = THIN;
    cell.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
  });
  ws.getRow(row).height = heightFor(headers.map((h, i) => ({ text: h, width: widths[i] ?? 10 })));
}

/** Runs of equal keys: [first index, last index] for every run longer than one row. */
export function runs(keys: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= keys.length; i++) {
    if (i === keys.length || keys[i] !== keys[start]) {
      if (i - 1 > start) out.push([start, i - 1]);
      start = i;
    }
  }
  return out;
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

/** A line of the main sheet: one of the form's rows, or a 小计 / 合计. */
type Line = { row: FormExportRow } | { total: ScoreTotal; grand: boolean };

export async function renderXlsx(exp: FormExport): Promise<Buffer> {
  const ExcelJS = (await import("exceljs")).default;
  const wb: Workbook = new ExcelJS.Workbook();
  wb.creator = "ops-agent";
  wb.created = exp.generatedAt;
  wb.modified = exp.generatedAt;
  mainSheet(wb.addWorksheet(MAIN_SHEET), exp);
  basisSheet(wb.addWorksheet(BASIS_SHEET), exp);
  evidenceSheet(wb.addWorksheet(EVIDENCE_SHEET), exp);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function printSetup(ws: Worksheet, titleRows: string): void {
  ws.pageSetup = {
    orientation: "landscape",
    paperSize: 9,
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
  };
  ws.pageSetup.printTitlesRow = titleRows;
  ws.headerFooter = { oddFooter: "第 &P 页，共 &N 页" };
}

/** The 实际完成值 cell: the value, and whether it meets the target when that is not the value itself. */
function valueCell(r: FormExportRow): string {
  return r.status === r.value || r.status === "—" ? r.value : `${r.value}\n${r.status}`;
}

function totalText(t: ScoreTotal): string {
  const parts = [`达成${t.met}项`, `未达成${t.notMet}项`, ...(t.noData > 0 ? [`无数据${t.noData}项`] : [])];
  return `共${t.rows}项：${parts.join("，")}`;
}

function mainSheet(ws: Worksheet, exp: FormExport): void {
  const headers = mainHeaders(exp);
  const columns = headers.length;
  ws.columns = MAIN_WIDTHS.map((width) => ({ width }));
  ws.views = [{ state: "frozen", xSplit: 0, ySplit: HEADER_ROW }];
  printSetup(ws, `${HEADER_ROW}:${HEADER_ROW}`);

  text(ws.getCell(1, 1), exp.title);
  ws.getCell(1, 1).font = { name: FONT, bold: true, size: 16 };
  ws.getCell(1, 1).alignment = { vertical: "middle", horizontal: "center" };
  ws.mergeCells(1, 1, 1, columns);
  ws.getRow(1).height = 30;
  text(
    ws.getCell(2, 1),
    `填报单位：${exp.organisation}${WIDE_GAP}评价期间：${exp.periodText}${WIDE_GAP}生成时间：${exp.generatedAtText}`,
  );
  ws.getCell(2, 1).font = { name: FONT, size: SIZE };
  ws.getCell(2, 1).alignment = { vertical: "middle", horizontal: "left" };
  ws.mergeCells(2, 1, 2, columns);
  ws.getRow(2).height = 20;
  headerRow(ws, HEADER_ROW, headers, MAIN_WIDTHS);

  const lines: Line[] = [];
  for (const group of exp.groups) {
    for (const row of exp.rows) if (row.level1 === group.level1) lines.push({ row });
    lines.push({ total: group, grand: false });
  }
  lines.push({ total: exp.total, grand: true });

  const heights: number[] = [];
  lines.forEach((line, i) => {
    const row = FIRST_ROW + i;
    if ("row" in line) {
      const r = line.row;
      const values: (string | number | null)[] = [
        r.level1,
        r.level2,
        r.name,
        r.target,
        valueCell(r),
        r.points,
        r.score ?? "无数据",
        r.reason,
        r.measure,
      ];
      values.forEach((v, c) => {
        const cell = ws.getCell(row, c + 1);
        if (typeof v === "number") {
          cell.value = v;
          cell.numFmt = SCORE_FORMAT;
        } else if (v !== null) text(cell, v);
        cell.font = { name: FONT, size: SIZE };
        cell.border = THIN;
        cell.alignment = {
          // 一级/二级指标 are merged over their group, which may cross a printed page: at the top,
          // their text stays on the group's first page instead of under the next page's header.
          vertical: c <= 1 ? "top" : "middle",
          wrapText: true,
          horizontal: c >= 3 && c <= 6 ? "center" : c <= 1 ? "center" : "left",
          // Left-aligned text keeps off the border.
          ...(c === 2 || c >= 7 ? { indent: 1 } : {}),
        };
      });
      const style = STATUS_STYLE[r.status];
      if (style !== undefined) {
        const cell = ws.getCell(row, 5);
        cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: style.fill } };
        cell.font = { name: FONT, size: SIZE, color: { argb: style.font } };
      }
      // 一级指标 and 二级指标 are merged over their group: their height is settled below.
      heights.push(
        heightFor(
          [r.name, r.target, valueCell(r), r.reason, r.measure].map((t, k) => ({
            text: t,
            width: MAIN_WIDTHS[[2, 3, 4, 7, 8][k] as number] as number,
          })),
        ),
      );
    } else {
      const t = line.total;
      const label = line.grand ? "合计" : `${t.level1}小计`;
      text(ws.getCell(row, 1), label);
      ws.getCell(row, 6).value = t.points;
      ws.getCell(row, 7).value = t.score;
      text(ws.getCell(row, 8), totalText(t));
      for (let c = 1; c <= columns; c++) {
        const cell = ws.getCell(row, c);
        cell.font = { name: FONT, size: SIZE, bold: true };
        cell.border = THIN;
        cell.fill = TOTAL_FILL;
        cell.alignment = { vertical: "middle", horizontal: c === 8 ? "left" : "center", wrapText: true };
        if (c === 6 || c === 7) cell.numFmt = SCORE_FORMAT;
      }
      ws.mergeCells(row, 1, row, 5);
      ws.mergeCells(row, 8, row, 9);
      heights.push(heightFor([{ text: totalText(t), width: MAIN_WIDTHS[7]! + MAIN_WIDTHS[8]! }]));
    }
  });

  // The form's grouping: 一级指标, then 二级指标 within it, over the form's rows (not the 小计).
  const key1 = lines.map((l, i) => ("row" in l ? l.row.level1 : `\u0001${i}`));
  const key2 = lines.map((l, i) => ("row" in l ? `${l.row.level1}\u0000${l.row.level2}` : `\u0001${i}`));
  // 一级指标 and 二级指标 read as one cell over their group, as on the finance bureau's sheet, but
  // are not merged: the name is in the group's first row (tall enough for it) and the rows below
  // are empty cells without a border between them. A merged cell that crosses a printed page is
  // drawn differently by each viewer (LibreOffice paints its text again under the next page's
  // repeated header, over the header's own text); unmerged cells cannot overlap anything.
  for (const [column, keys] of [key1, key2].entries()) {
    for (const [a, b] of runs(keys)) {
      for (let i = a; i <= b; i++) {
        const cell = ws.getCell(FIRST_ROW + i, column + 1);
        if (i > a) cell.value = null;
        cell.border = {
          left: THIN.left,
          right: THIN.right,
          ...(i === a ? { top: THIN.top } : {}),
          ...(i === b ? { bottom: THIN.bottom } : {}),
        } as Partial<Borders>;
      }
    }
    for (let i = 0; i < lines.length; i++) {
      const need = heightFor([{ text: cellOf(lines[i], column), width: MAIN_WIDTHS[column] as number }]);
      const first = i === 0 || keys[i - 1] !== keys[i];
      if (first && need > (heights[i] as number)) heights[i] = need;
    }
  }
  heights.forEach((h, i) => {
    ws.getRow(FIRST_ROW + i).height = h;
  });

  let noteRow = FIRST_ROW + lines.length + 1;
  const width = sum(MAIN_WIDTHS);
  for (const [i, note] of scoringNotes(exp).entries()) {
    const cell = ws.getCell(noteRow, 1);
    text(cell, note);
    cell.alignment = { wrapText: true, vertical: "top" };
    cell.font = { name: FONT, size: SIZE, ...(i === 0 ? { bold: true } : { color: { argb: "FF404040" } }) };
    ws.mergeCells(noteRow, 1, noteRow, columns);
    ws.getRow(noteRow).height = heightFor([{ text: note, width }]);
    noteRow += 1;
  }
}

/** The text of a group column (0: 一级指标, 1: 二级指标) on a line; "" for a 小计. */
function cellOf(line: Line | undefined, column: number): string {
  if (line === undefined || !("row" in line)) return "";
  return column === 0 ? line.row.level1 : line.row.level2;
}

function basisSheet(ws: Worksheet, exp: FormExport): void {
  ws.columns = BASIS_WIDTHS.map((width) => ({ width }));
  ws.views = [{ state: "frozen", xSplit: 0, ySplit: 1 }];
  printSetup(ws, "1:1");
  headerRow(ws, 1, BASIS_HEADERS, BASIS_WIDTHS);
  exp.rows.forEach((r, i) => {
    const row = 2 + i;
    const values: (string | number)[] = [
      r.level1,
      r.task,
      r.name,
      r.key,
      r.status,
      r.points,
      r.score ?? "无数据",
      r.scoreHow,
      r.source,
      r.notes,
    ];
    values.forEach((v, c) => {
      const cell = ws.getCell(row, c + 1);
      if (typeof v === "number") {
        cell.value = v;
        cell.numFmt = SCORE_FORMAT;
      } else text(cell, v);
      cell.font = { name: FONT, size: SIZE };
      cell.border = THIN;
      cell.alignment = {
        vertical: "middle",
        wrapText: true,
        ...(c >= 4 && c <= 6 ? { horizontal: "center" } : {}),
      };
    });
    const style = STATUS_STYLE[r.status];
    if (style !== undefined) {
      const cell = ws.getCell(row, 5);
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: style.fill } };
      cell.font = { name: FONT, size: SIZE, bold: true, color: { argb: style.font } };
    }
    ws.getRow(row).height = heightFor(
      values.map((v, c) => ({
        text: typeof v === "number" ? String(v) : v,
        width: BASIS_WIDTHS[c] as number,
      })),
    );
  });
}

function evidenceSheet(ws: Worksheet, exp: FormExport): void {
  ws.columns = EVIDENCE_WIDTHS.map((width) => ({ width }));
  ws.views = [{ state: "frozen", xSplit: 0, ySplit: 1 }];
  printSetup(ws, "1:1");
  headerRow(ws, 1, EVIDENCE_HEADERS, EVIDENCE_WIDTHS);
  let row = 2;
  let texts: { text: string; width: number }[] = [];
  const put = (r: number, c: number, v: string | number | null, numFmt?: string) => {
    const cell = ws.getCell(r, c);
    if (typeof v === "number") {
      cell.value = v;
      if (numFmt !== undefined) cell.numFmt = numFmt;
    } else if (v !== null) text(cell, v);
    cell.border = THIN;
    cell.font = { name: FONT, size: SIZE };
    cell.alignment = { vertical: "top", wrapText: true };
    texts.push({ text: typeof v === "string" ? v : String(v ?? ""), width: EVIDENCE_WIDTHS[c - 1] ?? 10 });
  };
  const endRow = (r: number) => {
    ws.getRow(r).height = heightFor(texts);
    texts = [];
  };
  // Whole numbers as such, others to at most four decimals (build.ts tidied them).
  const NUMBER = "#,##0.####";
  for (const e of exp.evidence) {
    put(row, 1, e.name);
    put(row, 2, e.period);
    put(row, 3, e.numerator, NUMBER);
    put(row, 4, e.denominator, NUMBER);
    put(row, 5, e.unit);
    put(row, 6, e.value);
    put(row, 7, e.coverage, "0.0%");
    put(row, 8, e.how);
    put(row, 9, e.rule);
    endRow(row);
    row += 1;
    for (const p of e.parts) {
      put(row, 1, `└ ${p.label}`);
      put(row, 2, e.period);
      put(row, 3, p.numerator, NUMBER);
      put(row, 4, p.denominator, NUMBER);
      put(row, 5, p.unit);
      put(row, 6, p.value);
      for (const c of [7, 8, 9]) put(row, c, null);
      endRow(row);
      row += 1;
    }
  }
  row += 1;
  text(ws.getCell(row, 1), `本期月度运营报告（${new Set(exp.reports.map((r) => r.month)).size}个月份）`);
  ws.getCell(row, 1).font = { name: FONT, size: SIZE, bold: true };
  row += 1;
  // The reports' table spans the evidence columns: [first, last] column of each of its fields.
  const spans: [number, number][] = [
    [1, 1],
    [2, 2],
    [3, 4],
    [5, 7],
    [8, 9],
  ];
  const spanWidths = spans.map(([a, b]) => sum(EVIDENCE_WIDTHS.slice(a - 1, b)));
  const spanRow = (r: number, values: readonly string[], header: boolean) => {
    values.forEach((v, k) => {
      const [a, b] = spans[k] as [number, number];
      const cell = ws.getCell(r, a);
      text(cell, v);
      for (let c = a; c <= b; c++) ws.getCell(r, c).border = THIN;
      cell.font = { name: FONT, size: SIZE, bold: header };
      cell.alignment = { vertical: "middle", wrapText: true, ...(header ? { horizontal: "center" } : {}) };
      if (header) cell.fill = HEADER_FILL;
      if (b > a) ws.mergeCells(r, a, r, b);
    });
    ws.getRow(r).height = heightFor(values.map((v, k) => ({ text: v, width: spanWidths[k] as number })));
  };
  spanRow(row, REPORT_HEADERS, true);
  row += 1;
  if (exp.reports.length === 0) spanRow(row, ["期间内无月度运营报告", "", "", "", ""], false);
  for (const r of exp.reports) {
    spanRow(row, [r.month, r.format, r.file, r.generatedAt, r.sha256], false);
    row += 1;
  }
  // The manual records' evidence files (evidence-files.ts), after the reports.
  writeEvidenceFiles(
    ws,
    row,
    exp.evidenceFiles,
    (w, r, h) => headerRow(w, r, h, EVIDENCE_WIDTHS),
    put,
    (cell, t) => {
      text(cell, t);
      cell.font = { name: FONT, bold: true };
    },
  );
}
