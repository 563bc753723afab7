/**
 * The streamed tickets import (agent/tickets/import-file.ts, csv-reader.ts, decode-stream.ts) reads
 * a file chunk by chunk; the whole-file parser (parse-csv.ts parseTicketsCsv, and the inventory's
 * parseCsv) is the reference. For any text cut at any points, and any bytes read in chunks of any
 * size, the streamed reading says exactly what the whole-file one says: the same records or the
 * same syntax error (line and message), the same encoding or decode error, the same tickets and
 * the same problems on the same lines.
 */
import fc from "fast-check";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv, type CsvRecord } from "../../collectors/inventory/csv.js";
import type { IncidentStore } from "../../agent/store/incident-store.js";
import type { ExternalIncident } from "../../agent/store/incident-store-types.js";
import { CsvRecordReader } from "../../agent/tickets/csv-reader.js";
import { importTicketsFile } from "../../agent/tickets/import-file.js";
import { parseTicketsCsv } from "../../agent/tickets/parse-csv.js";
import { MAX_LISTED_PROBLEMS } from "../../agent/tickets/ticket.js";
import { fuzzParameters } from "../helpers/fuzz.js";
import { tempDir } from "../helpers/tmp.js";
import { config as ticketsConfig } from "../tickets/helpers.js";

const FIXTURES = "test/tickets/fixtures";
const CSV_FILES = ["tickets-utf8.csv", "tickets-gbk.csv", "tickets-utf8-bom.csv", "tickets-bad-rows.csv"].map(
  (f) => readFileSync(`${FIXTURES}/${f}`),
);
const CONFIGS = (["auto", "utf-8", "gbk"] as const).map((encoding) => ticketsConfig({ encoding }));

type Outcome = { records: CsvRecord[] } | { error: { line: number; message: string } };

function outcome(read: () => CsvRecord[]): Outcome {
  try {
    return { records: read() };
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { error: { line: error.line, message: error.message } };
    throw error;
  }
}

/** The text in pieces cut at `cuts` (positions taken modulo its length). */
function pieces(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => (text.length === 0 ? 0 : c % text.length)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const c of at) {
    out.push(text.slice(from, c));
    from = c;
  }
  out.push(text.slice(from));
  return out;
}

const csvText = fc
  .array(fc.constantFrom("a", "分类", ",", '"', "\n", "\r", "\r\n", " ", "\t", "\ufeff", "x y"), {
    maxLength: 60,
  })
  .map((parts) => parts.join(""));

/** A fixture export with bytes flipped, inserted, removed, or lines cut and repeated. */
const mangledCsv = fc
  .tuple(
    fc.nat({ max: CSV_FILES.length - 1 }),
    fc.array(
      fc.record({
        at: fc.nat(),
        action: fc.constantFrom("flip", "insert", "delete", "quote", "comma", "newline", "repeat"),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
      { maxLength: 6 },
    ),
  )
  .map(([file, edits]) => {
    const bytes = [...(CSV_FILES[file] as Buffer)];
    for (const { at, action, byte } of edits) {
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      if (action === "flip") bytes[i] = byte;
      else if (action === "insert") bytes.splice(i, 0, byte);
      else if (action === "delete") bytes.splice(i, 1);
      else if (action === "quote") bytes.splice(i, 0, 0x22);
      else if (action === "comma") bytes.splice(i, 0, 0x2c);
      else if (action === "newline") bytes.splice(i, 0, 0x0a);
      else bytes.push(...bytes.slice(i, i + 200));
    }
    return Uint8Array.from(bytes);
  });

/** An incident store that only records what it is given (the parsing is what is compared). */
function recordingStore(): { store: IncidentStore; given: ExternalIncident[] } {
  const given: ExternalIncident[] = [];
  const store = {
    upsertExternal: (spec: ExternalIncident) => {
      given.push(spec);
      return { incident: {}, change: "created", resolvedNow: false };
    },
    inOneTransaction: <T>(write: () => T): T => write(),
  } as unknown as IncidentStore;
  return { store, given };
}

describe("fuzz: the streamed tickets import against the whole-file parser", () => {
  it("the incremental CSV reader, fed in any pieces, reads what parseCsv reads", () => {
    fc.assert(
      fc.property(csvText, fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const whole = outcome(() => parseCsv(text));
        const streamed = outcome(() => {
          const records: CsvRecord[] = [];
          const reader = new CsvRecordReader((r) => records.push(r));
          for (const piece of pieces(text, cuts)) reader.push(piece);
          reader.end();
          return records;
        });
        expect(streamed).toEqual(whole);
      }),
      fuzzParameters(71, 1000),
    );
  });

  it("a file read in chunks of any size gives parseTicketsCsv's tickets, problems and encoding", async () => {
    const dir = tempDir();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(mangledCsv, fc.uint8Array({ maxLength: 300 })),
        fc.nat({ max: 2 }),
        fc.integer({ min: 1, max: 64 }),
        async (bytes, configIndex, chunkBytes) => {
          const config = CONFIGS[configIndex]!;
          const file = join(dir, `t${run++}.csv`);
          writeFileSync(file, bytes);
          const whole = parseTicketsCsv(bytes, config, file);
          const { store, given } = recordingStore();
          const streamed = await importTicketsFile(file, config, store, {
            actor: "fuzz",
            now: new Date(0),
            maxBytes: 2 ** 30,
            chunkBytes,
          });
          expect(streamed.encoding).toEqual(whole.encoding);
          expect(streamed.problemCount).toBe(whole.problems.length);
          expect(streamed.problems).toEqual(whole.problems.slice(0, MAX_LISTED_PROBLEMS));
          expect(
            given.map((g) => [
              g.sourceKey,
              g.category,
              g.priority,
              g.title,
              g.startedAt,
              g.acknowledgedAt,
              g.resolvedAt,
            ]),
          ).toEqual(
            whole.tickets.map((t) => [
              t.id,
              t.category,
              t.priority,
              t.title ?? `ticket ${t.id}`,
              t.createdAt,
              t.firstResponseAt,
              t.resolvedAt,
            ]),
          );
        },
      ),
      fuzzParameters(72, 200),
    );
  }, 120_000);
});
