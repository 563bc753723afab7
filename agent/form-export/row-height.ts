/**
 * Row heights for wrapped text. Neither Excel nor LibreOffice grows a row for wrapped text in a
 * file they did not lay out themselves (and never for merged cells), so a long 偏差原因分析 would
 * be cut off or run into the next row. The height is estimated from the text: a CJK or full-width
 * character takes about two column-width units (a column's width counts the default font's "0"),
 * anything else about one; each line takes LINE_HEIGHT points at the sheet's 10 pt font. The
 * estimate errs tall: checked by rendering through LibreOffice (test/form-export/render.test.ts).
 */

/** Points per line of 10 pt CJK text (Noto Sans CJK's line gap is about 1.45 em), with margin. */
export const LINE_HEIGHT = 15.5;
/** Cell padding above and below. */
export const ROW_PADDING = 5;
export const MIN_ROW_HEIGHT = 20;

// CJK ideographs and punctuation, full-width forms, kana/hangul: two units wide.
const WIDE =
  /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u3000-\u303F]/u;

/** How many units a string is wide (approximately, for a 10 pt font). */
export function textWidth(text: string): number {
  let units = 0;
  for (const ch of text) units += WIDE.test(ch) ? 2.1 : 1.15;
  return units;
}

/** Lines the text wraps to in a column `width` units wide (explicit line breaks kept). */
export function wrappedLines(text: string, width: number): number {
  if (text === "") return 1;
  // Cell margins take about a unit and a half; a line breaks before a character that would not fit.
  const usable = Math.max(1, width - 1.5);
  let lines = 0;
  for (const paragraph of text.split("\n")) {
    let line = 0;
    let count = 1;
    for (const ch of paragraph) {
      const w = WIDE.test(ch) ? 2.1 : 1.15;
      if (line + w > usable) {
        count += 1;
        line = w;
      } else line += w;
    }
    lines += count;
  }
  return lines;
}

/** The height (points) a row needs for the texts in it, each with its column's (or merge's) width. */
export function heightFor(cells: readonly { text: string; width: number }[]): number {
  const lines = Math.max(1, ...cells.map((c) => wrappedLines(c.text, c.width)));
  return Math.max(MIN_ROW_HEIGHT, Math.ceil(lines * LINE_HEIGHT + ROW_PADDING));
}
