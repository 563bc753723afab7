/**
 * Text as the export writes it. Everything from outside (notes, VM and application names, incident
 * titles) is data, never markup or a formula:
 *  - XLSX: written as string cells (exceljs never turns a string into a formula), with the
 *    characters XML 1.0 cannot carry replaced by U+FFFD and cut to Excel's 32,767-character limit,
 *    so the file always opens;
 *  - CSV: RFC 4180 quoting, and a field that a spreadsheet would take for a formula (OWASP, "CSV
 *    Injection": starting with = + - @, or with a tab or carriage return before one) starts
 *    instead with the full-width form of its first character: ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D,
 *    U+FF20), leading tabs and carriage returns dropped. Why not the usual leading ': Excel hides
 *    the ' only when it types the cell itself; from a CSV, Excel, WPS and LibreOffice show it, so
 *    the form's own target "=253个" read '=253个. The full-width sign is what Chinese text
 *    writes anyway, no spreadsheet evaluates it, and NFKC maps it back: a machine reading the CSV
 *    gets the original with one normalisation (the targets parser already applies NFKC, so
 *    "＝253个" parses as "=253个"). A zero-width character was rejected: invisible, and NFKC keeps it.
 */

/** Excel's limit of characters in one cell. */
export const MAX_CELL_CHARS = 32_767;

// Control characters other than tab, LF and CR, U+FFFE/U+FFFF, and lone surrogates.
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A string that XML 1.0 can carry and a cell can hold. */
export function cellText(text: string): string {
  const clean = text.replace(NOT_XML, "\uFFFD");
  return clean.length > MAX_CELL_CHARS ? `${clean.slice(0, MAX_CELL_CHARS - 1)}…` : clean;
}

/** Tabs and carriage returns a spreadsheet skips before it looks for a formula sign. */
const LEADING_CONTROL = /^[\t\r]+/;
/** The characters that start a formula (OWASP), and their full-width forms. */
const FULL_WIDTH: Readonly<Record<string, string>> = {
  "=": "\uFF1D",
  "+": "\uFF0B",
  "-": "\uFF0D",
  "@": "\uFF20",
};

/** A field no spreadsheet takes for a formula: "=253个" → "＝253个" (see above). */
export function formulaSafe(text: string): string {
  const trimmed = LEADING_CONTROL.test(text) ? text.replace(LEADING_CONTROL, "") : text;
  const first = trimmed.charAt(0);
  const wide = FULL_WIDTH[first];
  return wide === undefined ? trimmed : `${wide}${trimmed.slice(1)}`;
}

/** One CSV field: formula starts neutralised (formulaSafe), quoted when it must be. */
export function csvField(text: string): string {
  const safe = formulaSafe(text);
  return /[",\r\n]/.test(safe) || /^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A CSV line (CRLF-terminated, as RFC 4180 and Excel expect). */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

/** The byte order mark that makes Excel on Chinese Windows read a CSV as UTF-8. */
export const UTF8_BOM = "\uFEFF";
