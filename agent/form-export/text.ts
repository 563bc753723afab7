/**
 * Text as the export writes it. Everything from outside (notes, VM and application names, incident
 * titles) is data, never markup or a formula:
 *  - XLSX: written as string cells (exceljs never turns a string into a formula), with the
 *    characters XML 1.0 cannot carry replaced by U+FFFD and cut to Excel's 32,767-character limit,
 *    so the file always opens;
 *  - CSV: RFC 4180 quoting, and a field starting with = + - @ tab or carriage return gets a
 *    leading single quote (OWASP, "CSV Injection"), so Excel and WPS show it instead of
 *    evaluating it. That includes the form's own targets ("=253个" is written '=253个).
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

/** The first characters a spreadsheet reads as the start of a formula (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: formula starts neutralised with a leading ', quoted when it must be. */
export function csvField(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || /^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A CSV line (CRLF-terminated, as RFC 4180 and Excel expect). */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

/** The byte order mark that makes Excel on Chinese Windows read a CSV as UTF-8. */
export const UTF8_BOM = "\uFEFF";
