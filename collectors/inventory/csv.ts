/**
 * A small RFC 4180 CSV reader: comma-separated fields, double-quoted fields that may hold commas,
 * line breaks and doubled quotes (""), a UTF-8 byte-order mark at the start (Excel writes one),
 * and CRLF, LF or CR line ends. Spaces around a quoted field are allowed; anything else next to
 * a quote is a syntax error rather than a guess.
 */

export interface CsvRecord {
  /** The 1-based line the record starts on (a quoted line break makes a record span lines). */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(reason);
    this.name = "CsvSyntaxError";
  }
}

const isBlank = (text: string): boolean => /^[ \t]*$/.test(text);

/** Every record of `text`, empty lines included (as one empty field); throws CsvSyntaxError. */
export function parseCsv(text: string): CsvRecord[] {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const records: CsvRecord[] = [];
  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let field = "";
  /** True until the current field has a character (or was quoted). */
  let fresh = true;

  while (i < n) {
    const c = text[i] as string;
    if (c === '"' && isBlank(field)) {
      // A quoted field (spaces before the opening quote are dropped).
      const openedOn = line;
      field = "";
      i++;
      for (;;) {
        if (i >= n) {
          throw new CsvSyntaxError(openedOn, "a quoted field opened on this line is never closed");
        }
        const d = text[i] as string;
        if (d === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (d === "\n" || (d === "\r" && text[i + 1] !== "\n")) line++;
        field += d;
        i++;
      }
      while (i < n && (text[i] === " " || text[i] === "\t")) i++;
      if (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
        throw new CsvSyntaxError(
          line,
          'text after a closing quote: inside a quoted field write a quote as two quotes ("")',
        );
      }
      fresh = false;
      continue;
    }
    if (c === ",") {
      fields.push(field);
      field = "";
      fresh = true;
      i++;
      continue;
    }
    if (c === "\n" || c === "\r") {
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = "";
      fresh = true;
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (c === '"') {
      throw new CsvSyntaxError(
        line,
        'a quote inside an unquoted field: quote the whole field and write the quote as two quotes ("a ""b"" c")',
      );
    }
    field += c;
    fresh = false;
    i++;
  }
  if (!fresh || field !== "" || fields.length > 0) {
    fields.push(field);
    records.push({ line: recordLine, fields });
  }
  return records;
}
