/**
 * From CSV records to ticket rows, record by record: the header is found among the first
 * HEADER_SEARCH non-empty records (exports often start with a title line), then every later
 * non-empty record becomes a row with the mapped columns' values. Only the records before the
 * header is found are held, so a file of any size goes through in the memory of a few records.
 *
 * A problem with the header (a mapped column missing or doubled, no records at all) is a problem
 * with the whole file: it comes back as `fileProblem` and no row is given.
 */
import { show } from "../../collectors/inventory/parse.js";
import type { CsvRecord } from "../../collectors/inventory/csv.js";
import { normalizeLabel, type TicketsConfig } from "./config.js";
import { mappedFields, type RawRow } from "./check-rows.js";
import type { TicketField } from "./ticket.js";

/** How many non-empty records at the top may precede the header (a title line, an export note). */
const HEADER_SEARCH = 10;

export interface FileProblem {
  line: number | undefined;
  reason: string;
}

const isEmpty = (fields: readonly string[]): boolean => fields.every((f) => f.trim() === "");

export class TicketCsvRows {
  private readonly wanted: { field: TicketField; name: string }[];
  /** Non-empty records seen while the header is not found yet. */
  private pending: CsvRecord[] = [];
  private header: { line: number; width: number; index: Map<TicketField, number> } | undefined;
  private problem: FileProblem | undefined;

  constructor(
    config: TicketsConfig,
    private readonly emit: (row: RawRow) => void,
    /** How the file was read, for the missing-column message ("read as gbk"). */
    private readonly readAs: string,
  ) {
    this.wanted = mappedFields(config);
  }

  /** The whole-file problem, once found: then no more rows come. */
  get fileProblem(): FileProblem | undefined {
    return this.problem;
  }

  /** The mapped fields as they are named in messages (`column "创建时间"`). */
  columnName(field: TicketField): string {
    const name = this.wanted.find((w) => w.field === field)?.name;
    return name === undefined ? field : `column ${show(name)}`;
  }

  push(record: CsvRecord): void {
    if (this.problem !== undefined || isEmpty(record.fields)) return;
    if (this.header !== undefined) {
      this.emit(this.rowOf(record));
      return;
    }
    this.pending.push(record);
    if (this.hasAll(record.fields) || this.pending.length >= HEADER_SEARCH) this.settleHeader();
  }

  end(): void {
    if (this.problem !== undefined || this.header !== undefined) return;
    if (this.pending.length === 0) {
      this.problem = {
        line: undefined,
        reason: "the file is empty (expected a header line and ticket rows)",
      };
      return;
    }
    this.settleHeader();
  }

  private columnsOf(fields: readonly string[]): Map<string, number[]> {
    const columns = new Map<string, number[]>();
    fields.forEach((f, i) => {
      const key = normalizeLabel(f);
      columns.set(key, [...(columns.get(key) ?? []), i]);
    });
    return columns;
  }

  private hasAll(fields: readonly string[]): boolean {
    const columns = this.columnsOf(fields);
    return this.wanted.every((w) => columns.has(normalizeLabel(w.name)));
  }

  private settleHeader(): void {
    const pending = this.pending;
    this.pending = [];
    const header = pending.find((r) => this.hasAll(r.fields)) ?? (pending[0] as CsvRecord);
    const columns = this.columnsOf(header.fields);
    const missing = this.wanted.filter((w) => !columns.has(normalizeLabel(w.name)));
    if (missing.length > 0) {
      const found = header.fields.map((f) => f.trim()).filter((f) => f !== "");
      this.problem = {
        line: header.line,
        reason: `missing column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `${show(m.name)} (mapping.${m.field})`).join(", ")}; the header has ${found.map((f) => show(f)).join(", ")} (read as ${this.readAs}); no rows taken`,
      };
      return;
    }
    const doubled = this.wanted.filter((w) => (columns.get(normalizeLabel(w.name)) as number[]).length > 1);
    if (doubled.length > 0) {
      this.problem = {
        line: header.line,
        reason: `${doubled.map((d) => `column ${show(d.name)} (mapping.${d.field})`).join(", ")} appears more than once in the header; no rows taken`,
      };
      return;
    }
    this.header = {
      line: header.line,
      width: header.fields.length,
      index: new Map(
        this.wanted.map((w) => [w.field, (columns.get(normalizeLabel(w.name)) as number[])[0] as number]),
      ),
    };
    for (const record of pending) if (record.line > header.line) this.emit(this.rowOf(record));
  }

  private rowOf(record: CsvRecord): RawRow {
    const { width, index } = this.header as NonNullable<typeof this.header>;
    const row: RawRow = { pos: record.line, values: {}, reasons: [] };
    const n = record.fields.length;
    if (n < width || (n > width && !isEmpty(record.fields.slice(width)))) {
      row.reasons.push(`${n} fields, but the header has ${width}`);
    }
    for (const [field, i] of index) row.values[field] = record.fields[i];
    return row;
  }
}
