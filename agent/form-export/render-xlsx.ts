/**
 * The self-evaluation as an XLSX workbook (exceljs, loaded only when an export is written):
 * sheet 绩效自评表 laid out like the form — a title row, the header row (frozen), the form's rows
 * in order with 一级指标 / 二级指标 / 重点工作 merged over their group — and sheet 佐证 with the
 * computation behind every automatic figure and the period's monthly reports. Every text is a
 * string cell (never a formula), cleaned for XML (text.ts).
 */
import type { Borders, Cell, Fill, Worksheet } from "exceljs";
import type { FormExport, StatusText } from "./build.js";
import { cellText } from "./text.js";
import { writeEvidenceFiles } from "./evidence-files.js";

export const MAIN_SHEET = "绩效自评表";
export const EVIDENCE_SHEET = "佐证";

/** The main sheet's (and the CSV's) columns; the target column is named for the period. */
export function mainHeaders(exp: Pick<FormExport, "targetHeader">): string[] {
  return [
    "一级指标",
    "二级指标",
    "重点工作",
    "三级指标",
    exp.targetHeader,
    "实际完成值",
    "是否达成",
    "数据来源",
    "偏差原因",
  ];
}

const MAIN_WIDTHS = [12, 26, 30, 34, 13, 22, 11, 46, 64];
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
const EVIDENCE_WIDTHS = [34, 26, 14, 14, 26, 16, 12, 64, 64];
export const REPORT_HEADERS = ["月份", "格式", "文件名", "生成时间", "SHA-256"];

/** The first data row of the main sheet (row 1: title, row 2: header). */
export const FIRST_ROW = 3;

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
const FONT = "等线";

/** A string cell; an empty string leaves the cell empty. */
function text(cell: Cell, value: string): void {
  if (value !== "") cell.value = cellText(value);
}

function headerRow(ws: Worksheet, row: number, headers: readonly string[]): void {
  headers.forEach((h, i) => {
    const cell = ws.getCell(row, i + 1);
    text(cell, h);
    cell.font = { name: FONT, bold: true };
    cell.fill = HEADER_FILL;
    cell.border = THIN;
    cell.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
  });
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

export async function renderXlsx(exp: FormExport): Promise<Buffer> {
  const ExcelJS = (await import("exceljs")).default;
  const wb = new ExcelJS.Workbook();
  wb.creator = "ops-agent";
  wb.created = exp.generatedAt;
  wb.modified = exp.generatedAt;
  mainSheet(wb.addWorksheet(MAIN_SHEET), exp);
  evidenceSheet(wb.addWorksheet(EVIDENCE_SHEET), exp);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function mainSheet(ws: Worksheet, exp: FormExport): void {
  const headers = mainHeaders(exp);
  ws.columns = MAIN_WIDTHS.map((width) => ({ width }));
  ws.views = [{ state: "frozen", xSplit: 0, ySplit: 2 }];
  ws.pageSetup = { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 };
  ws.pageSetup.printTitlesRow = "2:2";

  text(ws.getCell(1, 1), exp.title);
  ws.getCell(1, 1).font = { name: FONT, bold: true, size: 14 };
  ws.getCell(1, 1).alignment = { vertical: "middle", horizontal: "center" };
  ws.mergeCells(1, 1, 1, headers.length);
  ws.getRow(1).height = 28;
  headerRow(ws, 2, headers);

  exp.rows.forEach((r, i) => {
    const row = FIRST_ROW + i;
    const values = [r.level1, r.level2, r.task, r.name, r.target, r.value, r.status, r.source, r.reason];
    values.forEach((v, c) => {
      const cell = ws.getCell(row, c + 1);
      text(cell, v);
      cell.font = { name: FONT };
      cell.border = THIN;
      cell.alignment = {
        vertical: "middle",
        wrapText: true,
        ...(c === 4 || c === 5 || c === 6 ? { horizontal: "center" as const } : {}),
      };
    });
    const style = STATUS_STYLE[r.status];
    if (style !== undefined) {
      const cell = ws.getCell(row, 7);
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: style.fill } };
      cell.font = { name: FONT, bold: true, color: { argb: style.font } };
    }
  });
  // The form's grouping: 一级指标, then 二级指标 within it, then 重点工作 within that.
  const level1 = exp.rows.map((r) => r.level1);
  const level2 = exp.rows.map((r) => `${r.level1}\u0000${r.level2}`);
  const task = exp.rows.map((r, i) => (r.task === "" ? `\u0001${i}` : `${level2[i]}\u0000${r.task}`));
  for (const [column, keys] of [level1, level2, task].entries()) {
    for (const [a, b] of runs(keys)) ws.mergeCells(FIRST_ROW + a, column + 1, FIRST_ROW + b, column + 1);
  }

  const noteRow = FIRST_ROW + exp.rows.length + 1;
  text(
    ws.getCell(noteRow, 1),
    `说明：由 ops-agent 于 ${exp.generatedAt.toISOString()} 生成（时区 ${exp.timeZone}）。自动指标的计算、分子分母、数据覆盖率与口径见“${EVIDENCE_SHEET}”表；人工指标取人工记录，偏差原因为记录时填写的说明。无数据的指标记为“无数据”，不记为0。`,
  );
  ws.getCell(noteRow, 1).alignment = { wrapText: true, vertical: "top" };
  ws.getCell(noteRow, 1).font = { name: FONT, italic: true, color: { argb: "FF595959" } };
  ws.mergeCells(noteRow, 1, noteRow, headers.length);
  ws.getRow(noteRow).height = 32;
}

function evidenceSheet(ws: Worksheet, exp: FormExport): void {
  ws.columns = EVIDENCE_WIDTHS.map((width) => ({ width }));
  ws.views = [{ state: "frozen", xSplit: 0, ySplit: 1 }];
  headerRow(ws, 1, EVIDENCE_HEADERS);
  let row = 2;
  const put = (r: number, c: number, v: string | number | null, numFmt?: string) => {
    const cell = ws.getCell(r, c);
    if (typeof v === "number") {
      cell.value = v;
      if (numFmt !== undefined) cell.numFmt = numFmt;
    } else if (v !== null) text(cell, v);
    cell.border = THIN;
    cell.font = { name: FONT };
    cell.alignment = { vertical: "top", wrapText: true };
  };
  for (const e of exp.evidence) {
    put(row, 1, e.name);
    put(row, 2, e.period);
    put(row, 3, e.numerator, "0.######");
    put(row, 4, e.denominator, "0.######");
    put(row, 5, e.unit);
    put(row, 6, e.value);
    put(row, 7, e.coverage, "0.0%");
    put(row, 8, e.how);
    put(row, 9, e.rule);
    row += 1;
    for (const p of e.parts) {
      put(row, 1, `└ ${p.label}`);
      put(row, 2, e.period);
      put(row, 3, p.numerator, "0.######");
      put(row, 4, p.denominator, "0.######");
      put(row, 5, p.unit);
      put(
        row,
        6,
        p.denominator === null
          ? p.numerator
          : p.denominator > 0
            ? `${((p.numerator / p.denominator) * 100).toFixed(2)}%`
            : "无数据",
      );
      for (const c of [7, 8, 9]) put(row, c, null);
      row += 1;
    }
  }
  row += 1;
  text(ws.getCell(row, 1), `本期月度运营报告（${new Set(exp.reports.map((r) => r.month)).size}个月份）`);
  ws.getCell(row, 1).font = { name: FONT, bold: true };
  row += 1;
  headerRow(ws, row, REPORT_HEADERS);
  row += 1;
  if (exp.reports.length === 0) put(row, 1, "期间内无月度运营报告");
  for (const r of exp.reports) {
    [r.month, r.format, r.file, r.generatedAt, r.sha256].forEach((v, c) => put(row, c + 1, v));
    row += 1;
  }
  // The manual records' evidence files (evidence-files.ts), after the reports.
  writeEvidenceFiles(ws, row, exp.evidenceFiles, headerRow, put, (cell, t) => {
    text(cell, t);
    cell.font = { name: FONT, bold: true };
  });
}
