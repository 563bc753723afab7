/**
 * `ops-agent tickets import FILE`, streamed: the file is read in chunks (twice: once to decide the
 * encoding, once to parse), each row is checked as it comes and parked in a scratch SQLite
 * database on disk, and only when the whole file has been read — a problem with the whole file
 * (encoding, CSV quoting, the header) takes no rows — are the duplicate rule applied (by SQL over
 * the scratch rows) and the tickets written to the store, a batch at a time. Memory stays that of
 * a chunk, a record, a batch and the scratch database's page cache, whatever the file's size
 * (bench/tickets-import.ts measures it); a file above `max_file_size` is refused before reading.
 *
 * The rules are parse-csv.ts's (the same reader, header search, row checks and duplicate rule).
 */
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { CsvSyntaxError } from "../../collectors/inventory/csv.js";
import { importTickets, type TicketImportCounts } from "../incidents/tickets.js";
import type { IncidentStore } from "../store/incident-store.js";
import type { TicketsConfig } from "./config.js";
import { duplicateKey, duplicateReason, rowChecker, rowId, type RawRow } from "./check-rows.js";
import { CsvRecordReader } from "./csv-reader.js";
import { TicketCsvRows } from "./csv-rows.js";
import { decodeChunks, detectEncoding, type ChunkSource } from "./decode-stream.js";
import { DecodeError, type TextEncoding } from "./decode.js";
import { MAX_LISTED_PROBLEMS, type Ticket, type TicketProblem } from "./ticket.js";

/** Rows per scratch transaction and tickets per store batch. */
const BATCH = 1000;
/** Read size: one chunk and the one before it are all of the file ever held. */
const CHUNK_BYTES = 256 * 1024;

export class TicketsFileTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(
      `${file} is ${mib(size)}, over the import limit of ${mib(limit)}: split the export (by date range) ` +
        "or raise incidents.tickets.max_file_size in the config",
    );
    this.name = "TicketsFileTooLargeError";
  }
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} bytes)`;

export interface TicketsFileImport {
  source: string;
  encoding: TextEncoding | undefined;
  counts: TicketImportCounts;
  /** The first MAX_LISTED_PROBLEMS problems, in line order. */
  problems: TicketProblem[];
  /** Every problem, listed or not. */
  problemCount: number;
}

interface StoredRow {
  pos: number;
  id: string | null;
  ticket: string | null;
  reasons: string | null;
  conflict: number;
}

/** A ticket through JSON and back (dates as milliseconds). */
function ticketJson(t: Ticket): string {
  return JSON.stringify({
    ...t,
    createdAt: t.createdAt.getTime(),
    firstResponseAt: t.firstResponseAt?.getTime(),
    resolvedAt: t.resolvedAt?.getTime(),
  });
}

function ticketOf(json: string): Ticket {
  const o = JSON.parse(json) as Omit<Ticket, "createdAt" | "firstResponseAt" | "resolvedAt"> & {
    createdAt: number;
    firstResponseAt?: number;
    resolvedAt?: number;
  };
  const t: Ticket = {
    id: o.id,
    category: o.category,
    priority: o.priority,
    createdAt: new Date(o.createdAt),
  };
  if (o.title !== undefined) t.title = o.title;
  if (o.firstResponseAt !== undefined) t.firstResponseAt = new Date(o.firstResponseAt);
  if (o.resolvedAt !== undefined) t.resolvedAt = new Date(o.resolvedAt);
  return t;
}

/** The scratch database: an anonymous file SQLite deletes when it is closed. */
function openScratch(): Database.Database {
  const db = new Database("");
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -8000");
  db.exec(`CREATE TABLE rows (pos INTEGER PRIMARY KEY, id TEXT, dkey BLOB, ticket TEXT, reasons TEXT)`);
  return db;
}

export async function importTicketsFile(
  file: string,
  config: TicketsConfig,
  store: IncidentStore,
  options: { actor: string; now: Date; maxBytes: number; chunkBytes?: number },
): Promise<TicketsFileImport> {
  const size = statSync(file).size;
  if (size > options.maxBytes) throw new TicketsFileTooLargeError(file, size, options.maxBytes);
  const open: ChunkSource = () =>
    createReadStream(file, { highWaterMark: options.chunkBytes ?? CHUNK_BYTES });
  const none: TicketImportCounts = { created: 0, updated: 0, unchanged: 0 };
  const fail = (line: number | undefined, reason: string, encoding?: TextEncoding): TicketsFileImport => ({
    source: file,
    encoding,
    counts: none,
    problems: [{ line, reason }],
    problemCount: 1,
  });

  let how;
  try {
    how = await detectEncoding(open, config.encoding);
  } catch (err) {
    if (err instanceof DecodeError) return fail(undefined, `cannot read the file: ${err.message}`);
    throw err;
  }
  const scratch = openScratch();
  try {
    const insert = scratch.prepare(
      "INSERT INTO rows (pos, id, dkey, ticket, reasons) VALUES (?, ?, ?, ?, ?)",
    );
    let pending: RawRow[] = [];
    const rowsOf = new TicketCsvRows(config, (row) => pending.push(row), how.encoding);
    const check = rowChecker(config, { name: (f) => rowsOf.columnName(f), where: (pos) => `line ${pos}` });
    const flush = scratch.transaction((rows: RawRow[]) => {
      for (const row of rows) {
        const result = check(row);
        const dkey = createHash("sha1").update(duplicateKey(row)).digest();
        const ok = !Array.isArray(result);
        insert.run(
          row.pos,
          rowId(row) ?? null,
          dkey,
          ok ? ticketJson(result) : null,
          ok ? null : JSON.stringify(result),
        );
      }
    });
    const reader = new CsvRecordReader((record) => rowsOf.push(record));
    try {
      for await (const text of decodeChunks(open, how)) {
        reader.push(text);
        if (pending.length >= BATCH) {
          flush(pending);
          pending = [];
        }
      }
      reader.end();
    } catch (err) {
      if (err instanceof CsvSyntaxError)
        return fail(err.line, `not valid CSV, no rows taken: ${err.message}`, how.encoding);
      if (err instanceof DecodeError)
        return fail(undefined, `cannot read the file: ${err.message}`, how.encoding);
      throw err;
    }
    rowsOf.end();
    flush(pending);
    pending = [];
    const problem = rowsOf.fileProblem;
    if (problem !== undefined) return fail(problem.line, problem.reason, how.encoding);
    return applyRows(scratch, store, file, how.encoding, options);
  } finally {
    scratch.close();
  }
}

/**
 * check-rows.ts's duplicate rule over the scratch rows: ids whose rows differ are conflicts (every
 * such row reported, none taken); of identical rows the first is taken (or reported) once.
 */
function applyRows(
  scratch: Database.Database,
  store: IncidentStore,
  file: string,
  encoding: TextEncoding,
  options: { actor: string; now: Date },
): TicketsFileImport {
  scratch.exec(`
    CREATE INDEX rows_id ON rows (id, dkey, pos);
    CREATE TABLE conflicts (id TEXT PRIMARY KEY);
    INSERT INTO conflicts SELECT id FROM rows WHERE id IS NOT NULL GROUP BY id HAVING count(DISTINCT dkey) > 1;
  `);
  const page = scratch.prepare(`
    SELECT r.pos, r.id, r.ticket, r.reasons, c.id IS NOT NULL AS conflict
    FROM rows r LEFT JOIN conflicts c ON c.id = r.id
    WHERE r.pos > ?
      AND (c.id IS NOT NULL OR r.id IS NULL
           OR r.pos = (SELECT min(pos) FROM rows d WHERE d.id = r.id AND d.dkey = r.dkey))
    ORDER BY r.pos LIMIT ${BATCH}`);
  const others = scratch.prepare("SELECT pos FROM rows WHERE id = ? AND pos != ? ORDER BY pos").pluck();
  const counts: TicketImportCounts = { created: 0, updated: 0, unchanged: 0 };
  const problems: TicketProblem[] = [];
  let problemCount = 0;
  let after = 0;
  for (;;) {
    const rows = page.all(after) as StoredRow[];
    if (rows.length === 0) break;
    const tickets: Ticket[] = [];
    for (const row of rows) {
      const reasons = row.reasons === null ? [] : (JSON.parse(row.reasons) as string[]);
      if (row.conflict === 1) {
        const places = (others.all(row.id, row.pos) as number[]).map((pos) => `line ${pos}`);
        reasons.push(duplicateReason(row.id as string, places));
      }
      if (reasons.length > 0) {
        problemCount++;
        if (problems.length < MAX_LISTED_PROBLEMS)
          problems.push({ line: row.pos, reason: reasons.join("; ") });
      } else tickets.push(ticketOf(row.ticket as string));
    }
    const batch = importTickets(store, tickets, options.actor, options.now);
    counts.created += batch.created;
    counts.updated += batch.updated;
    counts.unchanged += batch.unchanged;
    after = (rows[rows.length - 1] as StoredRow).pos;
  }
  return { source: file, encoding, counts, problems, problemCount };
}
