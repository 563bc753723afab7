/**
 * Helpdesk tickets from a CSV export (`ops-agent incident import`): every row that cannot be used
 * is reported with its line and the reason, and the good rows are still taken (check-rows.ts). A
 * problem with the whole file (wrong encoding, broken CSV quoting, a mapped column missing) takes
 * no rows: then nothing about any row can be trusted.
 *
 * The header is the first non-empty line that has every mapped column (up to 10 lines down:
 * exports often start with a title line); columns that are not mapped are ignored; column names,
 * categories and priorities are compared ignoring case, full/half width and surrounding spaces.
 *
 * Re-imports are idempotent by construction: a ticket is identified by its id alone, so the
 * store upserts on it.
 */
import { CsvSyntaxError, type CsvRecord } from "../../collectors/inventory/csv.js";
import type { TicketsConfig } from "./config.js";
import { checkRows, type RawRow } from "./check-rows.js";
import { CsvRecordReader } from "./csv-reader.js";
import { TicketCsvRows } from "./csv-rows.js";
import { DecodeError, decodeText, type TextEncoding } from "./decode.js";
import type { CsvTickets } from "./ticket.js";

/**
 * Parses a helpdesk CSV export. `source` names the file in messages. Never throws for bad input:
 * problems with the whole file come back as one problem with `line` undefined (or the header's line).
 */
export function parseTicketsCsv(bytes: Uint8Array, config: TicketsConfig, source: string): CsvTickets {
  const fail = (line: number | undefined, reason: string, encoding?: TextEncoding): CsvTickets => ({
    source,
    tickets: [],
    problems: [{ line, reason }],
    encoding,
  });
  let text: string;
  let encoding: TextEncoding;
  try {
    ({ text, encoding } = decodeText(bytes, config.encoding));
  } catch (err) {
    if (err instanceof DecodeError) return fail(undefined, `cannot read the file: ${err.message}`);
    throw err;
  }
  const rows: RawRow[] = [];
  const rowsOf = new TicketCsvRows(config, (row) => rows.push(row), encoding);
  try {
    const reader = new CsvRecordReader((record: CsvRecord) => rowsOf.push(record));
    reader.push(text);
    reader.end();
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      return fail(err.line, `not valid CSV, no rows taken: ${err.message}`, encoding);
    throw err;
  }
  rowsOf.end();
  const problem = rowsOf.fileProblem;
  if (problem !== undefined) return fail(problem.line, problem.reason, encoding);
  const checked = checkRows(
    rows,
    { name: (f) => rowsOf.columnName(f), where: (pos) => `line ${pos}` },
    config,
  );
  return {
    source,
    tickets: checked.tickets.map(({ pos, ticket }) => ({ ...ticket, line: pos })),
    problems: checked.problems.map(({ pos, reason }) => ({ line: pos, reason })),
    encoding,
  };
}
