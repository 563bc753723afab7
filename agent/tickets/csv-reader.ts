/**
 * An incremental RFC 4180 CSV reader for helpdesk exports: text goes in piece by piece (a file
 * read in chunks), records come out as soon as they end, so a file of any size is read in the
 * memory of one record. The grammar, line numbers and messages are those of the inventory's reader
 * (collectors/inventory/csv.ts): comma-separated fields, double-quoted fields that may hold commas,
 * line breaks and doubled quotes, a byte-order mark at the very start, CRLF, LF or CR line ends,
 * spaces around a quoted field; anything else next to a quote is a syntax error, not a guess.
 *
 * One bound the whole-text reader did not need: a record longer than MAX_RECORD_CHARS is an
 * error (a quoted field never closed would otherwise pull the rest of the file into memory).
 */
import { CsvSyntaxError, type CsvRecord } from "../../collectors/inventory/csv.js";

/** Far above any ticket row (a title is cut at 200 characters), far below a memory problem. */
export const MAX_RECORD_CHARS = 1_000_000;

type State = "field" | "quoted" | "quoted_quote" | "after_quote" | "after_cr";

export class CsvRecordReader {
  private state: State = "field";
  private started = false;
  private line = 1;
  private recordLine = 1;
  private openedOn = 1;
  private fields: string[] = [];
  private field = "";
  /** Characters of the current record so far (fields done plus the current one). */
  private recordChars = 0;
  /** True until the current field has a character (or was quoted). */
  private fresh = true;
  /** A CR inside a quoted field: a line break unless an LF follows. */
  private quotedCr = false;

  constructor(private readonly emit: (record: CsvRecord) => void) {}

  /** Reads the next piece of text; throws CsvSyntaxError. */
  push(text: string): void {
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    const n = text.length;
    while (i < n) {
      const c = text[i] as string;
      switch (this.state) {
        case "quoted": {
          if (this.quotedCr) {
            this.quotedCr = false;
            if (c !== "\n") this.line++;
          }
          if (c === '"') {
            this.state = "quoted_quote";
            i++;
            continue;
          }
          // Copy the run up to the next quote or CR at once (most of a quoted field).
          let end = i;
          while (end < n && text[end] !== '"' && text[end] !== "\r") {
            if (text[end] === "\n") this.line++;
            end++;
          }
          if (end === i) {
            // A CR: whether it is a line break depends on the next character, maybe in the next piece.
            this.quotedCr = true;
            end = i + 1;
          }
          this.append(text.slice(i, end));
          i = end;
          continue;
        }
        case "quoted_quote":
          if (c === '"') {
            this.append('"');
            this.state = "quoted";
            i++;
            continue;
          }
          this.fresh = false;
          this.state = "after_quote";
          continue;
        case "after_quote":
          if (c === " " || c === "\t") {
            i++;
            continue;
          }
          if (c !== "," && c !== "\n" && c !== "\r") {
            throw new CsvSyntaxError(
              this.line,
              'text after a closing quote: inside a quoted field write a quote as two quotes ("")',
            );
          }
          this.state = "field";
          continue;
        case "after_cr":
          this.state = "field";
          if (c === "\n") {
            i++;
            continue;
          }
          continue;
        case "field": {
          if (c === '"' && /^[ \t]*$/.test(this.field)) {
            // A quoted field (spaces before the opening quote are dropped).
            this.recordChars -= this.field.length;
            this.field = "";
            this.openedOn = this.line;
            this.state = "quoted";
            i++;
            continue;
          }
          if (c === ",") {
            this.fields.push(this.field);
            this.field = "";
            this.fresh = true;
            i++;
            continue;
          }
          if (c === "\n" || c === "\r") {
            this.endRecord();
            this.state = c === "\r" ? "after_cr" : "field";
            i++;
            continue;
          }
          if (c === '"') {
            throw new CsvSyntaxError(
              this.line,
              'a quote inside an unquoted field: quote the whole field and write the quote as two quotes ("a ""b"" c")',
            );
          }
          // Copy the run of plain characters at once.
          let end = i + 1;
          while (end < n) {
            const d = text[end];
            if (d === "," || d === "\n" || d === "\r" || d === '"') break;
            end++;
          }
          this.append(text.slice(i, end));
          this.fresh = false;
          i = end;
          continue;
        }
      }
    }
  }

  /** The end of the text: the last record, or the error of a quoted field left open. */
  end(): void {
    if (this.state === "quoted") {
      throw new CsvSyntaxError(this.openedOn, "a quoted field opened on this line is never closed");
    }
    if (this.state === "quoted_quote") this.fresh = false;
    if (this.state === "after_cr") return;
    if (!this.fresh || this.field !== "" || this.fields.length > 0) {
      this.fields.push(this.field);
      this.emit({ line: this.recordLine, fields: this.fields });
    }
  }

  private append(text: string): void {
    this.field += text;
    this.recordChars += text.length;
    if (this.recordChars > MAX_RECORD_CHARS) {
      throw new CsvSyntaxError(
        this.state === "quoted" ? this.openedOn : this.recordLine,
        `a record of more than ${MAX_RECORD_CHARS} characters${this.state === "quoted" ? " (a quoted field opened on this line that is never closed?)" : ""}`,
      );
    }
  }

  private endRecord(): void {
    this.fields.push(this.field);
    this.emit({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.field = "";
    this.recordChars = 0;
    this.fresh = true;
    this.line++;
    this.recordLine = this.line;
  }
}

/** Every record of a whole text (the reader fed once). */
export function readCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const reader = new CsvRecordReader((r) => records.push(r));
  reader.push(text);
  reader.end();
  return records;
}
