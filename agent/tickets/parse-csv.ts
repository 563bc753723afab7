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
import { show } from "../../collectors/inventory/parse.js";
import { CsvSyntaxError, parseCsv } from "../../collectors/inventory/csv.js";
import { normalizeLabel, type TicketsConfig } from "./config.js";
import { checkRows, mappedFields, type RawRow } from "./check-rows.js";
import { DecodeError, decodeText, type TextEncoding } from "./decode.js";
import type { CsvTickets } from "./ticket.js";

/** How many non-empty records at the top may precede the header (a title line, an export note). */
const HEADER_SEARCH = 10;

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
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      return fail(err.line, `not valid CSV, no rows taken: ${err.message}`, encoding);
    throw err;
  }
  const isEmpty = (fields: string[]): boolean => fields.every((f) => f.trim() === "");
  const nonEmpty = records.filter((r) => !isEmpty(r.fields));
  if (nonEmpty.length === 0)
    return fail(undefined, "the file is empty (expected a header line and ticket rows)", encoding);

  const wanted = mappedFields(config);
  const columnsOf = (fields: string[]): Map<string, number[]> => {
    const columns = new Map<string, number[]>();
    fields.forEach((f, i) => {
      const key = normalizeLabel(f);
      columns.set(key, [...(columns.get(key) ?? []), i]);
    });
    return columns;
  };
  const hasAll = (fields: string[]): boolean => {
    const columns = columnsOf(fields);
    return wanted.every((w) => columns.has(normalizeLabel(w.name)));
  };
  const header =
    nonEmpty.slice(0, HEADER_SEARCH).find((r) => hasAll(r.fields)) ??
    (nonEmpty[0] as (typeof nonEmpty)[number]);
  const columns = columnsOf(header.fields);
  const missing = wanted.filter((w) => !columns.has(normalizeLabel(w.name)));
  if (missing.length > 0) {
    const found = header.fields.map((f) => f.trim()).filter((f) => f !== "");
    return fail(
      header.line,
      `missing column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `${show(m.name)} (mapping.${m.field})`).join(", ")}; the header has ${found.map((f) => show(f)).join(", ")} (read as ${encoding}); no rows taken`,
      encoding,
    );
  }
  const doubled = wanted.filter((w) => (columns.get(normalizeLabel(w.name)) as number[]).length > 1);
  if (doubled.length > 0) {
    return fail(
      header.line,
      `${doubled.map((d) => `column ${show(d.name)} (mapping.${d.field})`).join(", ")} appears more than once in the header; no rows taken`,
      encoding,
    );
  }
  const index = new Map(
    wanted.map((w) => [w.field, (columns.get(normalizeLabel(w.name)) as number[])[0] as number]),
  );
  const width = header.fields.length;
  const rows: RawRow[] = [];
  for (const record of records) {
    if (record.line <= header.line || isEmpty(record.fields)) continue;
    const row: RawRow = { pos: record.line, values: {}, reasons: [] };
    const n = record.fields.length;
    if (n < width || (n > width && !isEmpty(record.fields.slice(width)))) {
      row.reasons.push(`${n} fields, but the header has ${width}`);
    }
    for (const [field, i] of index) row.values[field] = record.fields[i];
    rows.push(row);
  }
  const nameOf = new Map(wanted.map((w) => [w.field, `column ${show(w.name)}`]));
  const checked = checkRows(rows, { name: (f) => nameOf.get(f) ?? f, where: (pos) => `line ${pos}` }, config);
  return {
    source,
    tickets: checked.tickets.map(({ pos, ticket }) => ({ ...ticket, line: pos })),
    problems: checked.problems.map(({ pos, reason }) => ({ line: pos, reason })),
    encoding,
  };
}
