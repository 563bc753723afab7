/**
 * Raw samples in two places: the samples table holds the recent ones as plain rows (the "head":
 * cheap to append, and where a crash repair or a duplicate check looks first), and closed hours
 * are compacted into sample_chunks, one blob per series and hour (chunk-codec.ts), at a tenth of
 * the size. Everything that reads raw samples goes through here and sees both.
 *
 * Compaction goes a slice of series of one hour at a time, each slice in one transaction with the
 * deletion of its head rows, so a crash leaves every sample in exactly one place, and the daemon
 * can yield to the probes between slices (a whole hour at the default scale is ~100,000 rows, a
 * second of work: long enough to inflate the timings of probes in flight). A sample that arrives
 * for an hour already compacted (the clock stepped back) goes into the head, and the next
 * compaction merges it into that hour's chunk. Readers and the crash repair read both places, so
 * no ordering with the rollup flush is needed.
 */
import type Database from "better-sqlite3";
import type { BucketCalendar } from "./buckets.js";
import { type ChunkRow, decodeChunk, encodeChunk } from "./chunk-codec.js";
import { querySamples as queryHead, type RawSample } from "./queries.js";

const HOUR = 3600;
/** Series per compaction transaction: ~12,000 rows of a one-minute hour, tens of milliseconds. */
const SLICE_SERIES = 200;

/** A raw sample with its series, as the rollup repair and the readers need it. */
export interface SeriesChunkRow extends ChunkRow {
  seriesId: number;
}

interface HeadRow {
  series_id: number;
  ts: number;
  value: number | null;
  flags: number;
  reason_id: number | null;
}

export class RawChunks {
  private readonly stmt;
  /** The newest compacted hour; samples after it cannot duplicate a chunk. */
  private compactedThrough: number;

  /** Reason codes by id, read again only for an id not seen yet (one the agent added since). */
  private reasons = new Map<number, string>();

  constructor(
    private readonly db: Database.Database,
    private readonly calendar: BucketCalendar,
    /** The reasons table, by id (the catalogue reads it). */
    private readonly readReasons: () => Map<number, string>,
  ) {
    this.stmt = {
      headSlice: db.prepare(
        `SELECT series_id, ts, value, flags, reason_id FROM samples
          WHERE ts >= ? AND ts < ? AND series_id >= ? AND series_id < ?`,
      ),
      firstSeries: db.prepare(
        "SELECT min(series_id) AS id FROM samples WHERE ts >= ? AND ts < ? AND series_id >= ?",
      ),
      oldestHeadBefore: db.prepare("SELECT min(ts) AS ts FROM samples WHERE ts < ?"),
      deleteSlice: db.prepare(
        "DELETE FROM samples WHERE ts >= ? AND ts < ? AND series_id >= ? AND series_id < ?",
      ),
      chunk: db.prepare("SELECT data FROM sample_chunks WHERE bucket = ? AND series_id = ?"),
      put: db.prepare(
        "INSERT OR REPLACE INTO sample_chunks (bucket, series_id, n, data) VALUES (?, ?, ?, ?)",
      ),
      seriesRange: db.prepare(
        "SELECT bucket, data FROM sample_chunks WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket",
      ),
      hour: db.prepare("SELECT series_id, data FROM sample_chunks WHERE bucket = ?"),
      countBefore: db.prepare("SELECT coalesce(sum(n), 0) AS n FROM sample_chunks WHERE bucket < ?"),
      deleteBefore: db.prepare("DELETE FROM sample_chunks WHERE bucket < ?"),
      newest: db.prepare("SELECT max(bucket) AS bucket FROM sample_chunks"),
      count: db.prepare("SELECT coalesce(sum(n), 0) AS n FROM sample_chunks"),
      headCount: db.prepare("SELECT count(*) AS n FROM samples"),
    };
    this.compactedThrough =
      (this.stmt.newest.get() as { bucket: number | null }).bucket ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * Move head rows before `before` (an hour's start) into chunks, a slice of series per
   * transaction, until none is left or `deadline` (performance.now() milliseconds) has passed.
   */
  compactBefore(before: number, deadline = Number.POSITIVE_INFINITY): { moved: number; done: boolean } {
    let moved = 0;
    for (;;) {
      const oldest = (this.stmt.oldestHeadBefore.get(before) as { ts: number | null }).ts;
      if (oldest === null) return { moved, done: true };
      // At least one slice a call, so a short budget still makes progress.
      if (moved > 0 && performance.now() >= deadline) return { moved, done: false };
      const hour = this.calendar.hourStart(oldest);
      const first = (this.stmt.firstSeries.get(hour, hour + HOUR, 0) as { id: number }).id;
      moved += this.db.transaction(() => this.compactSlice(hour, first, first + SLICE_SERIES))();
    }
  }

  private compactSlice(hour: number, fromSeries: number, toSeries: number): number {
    const bySeries = new Map<number, ChunkRow[]>();
    const rows = this.stmt.headSlice.all(hour, hour + HOUR, fromSeries, toSeries) as HeadRow[];
    for (const r of rows) {
      let list = bySeries.get(r.series_id);
      if (!list) bySeries.set(r.series_id, (list = []));
      list.push({ ts: r.ts, value: r.value, flags: r.flags, reasonId: r.reason_id });
    }
    for (const [seriesId, head] of bySeries) {
      // The head is in (ts, series) order, so each series' rows are already ascending.
      const merged = hour <= this.compactedThrough ? this.mergeWithStored(seriesId, hour, head) : head;
      const data = encodeChunk(hour, merged);
      this.stmt.put.run(
        hour,
        seriesId,
        merged.length,
        Buffer.from(data.buffer, data.byteOffset, data.length),
      );
    }
    this.stmt.deleteSlice.run(hour, hour + HOUR, fromSeries, toSeries);
    if (hour > this.compactedThrough) this.compactedThrough = hour;
    return rows.length;
  }

  /** A late head row never replaces a stored sample of the same second (the write path skips those). */
  private mergeWithStored(seriesId: number, hour: number, head: readonly ChunkRow[]): ChunkRow[] {
    const stored = this.read(seriesId, hour);
    if (stored.length === 0) return [...head];
    const seen = new Set(stored.map((r) => r.ts));
    return [...stored, ...head.filter((r) => !seen.has(r.ts))].sort((a, b) => a.ts - b.ts);
  }

  private read(seriesId: number, hour: number): ChunkRow[] {
    const row = this.stmt.chunk.get(hour, seriesId) as { data: Buffer } | undefined;
    return row ? decodeChunk(hour, row.data, describe(seriesId, hour)) : [];
  }

  /**
   * Which of these rows are not already in a chunk: the duplicate check for samples written into
   * an hour that was compacted (a retried write after a clock step). Rows of later hours pass.
   */
  notInChunks<T extends { ts: number; hour: number; seriesId: number }>(rows: readonly T[]): T[] {
    if (!rows.some((r) => r.hour <= this.compactedThrough)) return [...rows];
    const stored = new Map<string, Set<number>>();
    return rows.filter((r) => {
      if (r.hour > this.compactedThrough) return true;
      const key = `${r.seriesId}:${r.hour}`;
      let seconds = stored.get(key);
      if (!seconds) stored.set(key, (seconds = new Set(this.read(r.seriesId, r.hour).map((c) => c.ts))));
      if (seconds.has(r.ts)) return false;
      seconds.add(r.ts); // a second copy in the same batch is a duplicate too
      return true;
    });
  }

  /** One series' raw samples with from ≤ ts < to, ascending: the compacted hours and the head. */
  samples(seriesId: number, from: number, to: number): RawSample[] {
    const compacted = this.seriesSamples(seriesId, from, to);
    const head = queryHead(this.db, seriesId, from, to);
    if (compacted.length === 0) return head;
    const out: RawSample[] = compacted.map((r) => ({
      seriesId,
      ts: r.ts,
      value: r.value,
      flags: r.flags,
      reason: r.reasonId === null ? null : this.reasonCode(r.reasonId),
    }));
    return head.length === 0 ? out : out.concat(head).sort((a, b) => a.ts - b.ts);
  }

  private reasonCode(id: number): string | null {
    if (!this.reasons.has(id)) this.reasons = this.readReasons();
    return this.reasons.get(id) ?? null;
  }

  /** Raw samples stored, head and compacted. */
  totalCount(): number {
    return (this.stmt.headCount.get() as { n: number }).n + this.count();
  }

  /** One series' compacted samples with from ≤ ts < to, ascending. */
  private seriesSamples(seriesId: number, from: number, to: number): ChunkRow[] {
    const out: ChunkRow[] = [];
    const chunks = this.stmt.seriesRange.all(seriesId, this.calendar.hourStart(from), to) as {
      bucket: number;
      data: Buffer;
    }[];
    for (const c of chunks) {
      for (const r of decodeChunk(c.bucket, c.data, describe(seriesId, c.bucket))) {
        if (r.ts >= from && r.ts < to) out.push(r);
      }
    }
    return out;
  }

  /** Every compacted sample of one hour (the rollup repair rebuilds an hour from these and the head). */
  hourSamples(hour: number): SeriesChunkRow[] {
    const out: SeriesChunkRow[] = [];
    for (const c of this.stmt.hour.all(hour) as { series_id: number; data: Buffer }[]) {
      for (const r of decodeChunk(hour, c.data, describe(c.series_id, hour)))
        out.push({ ...r, seriesId: c.series_id });
    }
    return out;
  }

  /** Drop the chunks of hours before `before`; returns the samples they held. */
  deleteBefore(before: number): number {
    const n = (this.stmt.countBefore.get(before) as { n: number }).n;
    if (n > 0) this.stmt.deleteBefore.run(before);
    return n;
  }

  /** Samples held in chunks. */
  private count(): number {
    return (this.stmt.count.get() as { n: number }).n;
  }
}

function describe(seriesId: number, hour: number): string {
  return `raw chunk of series ${seriesId}, hour ${new Date(hour * 1000).toISOString()}`;
}
