/**
 * A DOCX table's column widths, from its text. LibreOffice lays a table out from its grid (Word
 * widens columns to fit its text anyway), so an even grid squeezed a column of long Chinese names
 * to the width of a column of 达成: the appendix's 指标 names wrapped over four lines and a normal
 * month's report ran onto a ninth page. This is a browser's automatic table layout, in short:
 * every column gets at least its longest unbreakable piece (a number, a time, one CJK character),
 * and the room left is shared out by how much more each column's widest line wants.
 */
import { textWidth } from "../../form-export/row-height.js";

/** Twips per textWidth unit at the tables' 9 pt (a CJK character, 2.1 units, is about 9 pt wide). */
const TWIPS_PER_UNIT = 90;
/** The cells' left and right margins (80 twips each, TABLE_PROPS in wordml.ts) in units, and 1.5 more: "%", "W" and "≥" are wider than textWidth counts. */
const PADDING_UNITS = 160 / TWIPS_PER_UNIT + 1.5;

const CJK = /[\u2E80-\uA4CF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\u3000-\u303F]/u;

/** The widest piece a line may not be broken inside: a run of non-space, non-CJK characters or one CJK character. */
function unbreakable(text: string): number {
  let widest = 0;
  let run = "";
  for (const ch of text) {
    if (/\s/.test(ch) || CJK.test(ch)) {
      widest = Math.max(widest, textWidth(run), CJK.test(ch) ? textWidth(ch) : 0);
      run = "";
    } else run += ch;
  }
  return Math.max(widest, textWidth(run));
}

/** The widest line of a cell's text. */
function widestLine(text: string): number {
  return Math.max(0, ...text.split("\n").map(textWidth));
}

/** Widths in twips for columns whose texts (header and cells, per column) are given, filling `total`. */
export function columnWidths(columns: readonly (readonly string[])[], total: number): number[] {
  const available = total / TWIPS_PER_UNIT;
  const natural = columns.map((texts) => Math.max(...texts.map(widestLine)) + PADDING_UNITS);
  const least = columns.map((texts) => Math.max(...texts.map(unbreakable)) + PADDING_UNITS);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  let units: number[];
  if (sum(natural) <= available) {
    // Everything fits on one line: widen each column in proportion to its text.
    units = natural.map((n) => (n * available) / sum(natural));
  } else if (sum(least) >= available) {
    units = least.map((m) => (m * available) / sum(least));
  } else {
    const spare = available - sum(least);
    const wants = natural.map((n, i) => n - (least[i] ?? 0));
    units = least.map((m, i) => m + (spare * (wants[i] ?? 0)) / sum(wants));
  }
  return units.map((u) => Math.floor(u * TWIPS_PER_UNIT));
}
