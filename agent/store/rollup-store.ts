/**
 * Keeping the stored rollups equal to the raw samples, incrementally. Deltas of committed rows
 * wait in memory and are added to rollup_hour / rollup_day in one transaction per flush interval
 * (queries flush first). Each raw batch marks its hours in rollup_dirty in the same transaction,
 * and a flush clears the marks, so after a crash exactly the hours whose deltas were lost are
 * rebuilt from raw at the next start.
 */
import type Database from "better-sqlite3";
import type { BucketCalendar } from "./buckets.js";
import type { RawChunks } from "./raw-chunks.js";
import { fromStoredRow, type StoredRollupRow } from "./queries.js";
import { RollupAccumulator, type RollupRow } from "./rollups.js";

/** A committed raw row, as the rollups need it. */
export interface CountedRow {
  ts: number;
  hour: number;
  seriesId: number;
  value: number | null;
  flags: number;
}

const MAX_PENDING_ROLLUP_ROWS = 200_000;

/** The rollup upsert; exported for the benchmark that plants a year of rows the same way. */
export function upsertSql(table: string): string {
  return `
    INSERT INTO ${table} (series_id, bucket, n, n_up, n_down, n_maint, n_value, sum, min, max, last, last_ts)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (bucket, series_id) DO UPDATE SET
      n = n + excluded.n, n_up = n_up + excluded.n_up, n_down = n_down + excluded.n_down,
      n_maint = n_maint + excluded.n_maint, n_value = n_value + excluded.n_value,
      sum = CASE WHEN sum IS NULL THEN excluded.sum WHEN excluded.sum IS NULL THEN sum ELSE sum + excluded.sum END,
      min = CASE WHEN min IS NULL THEN excluded.min WHEN excluded.min IS NULL THEN min ELSE min(min, excluded.min) END,
      max = CASE WHEN max IS NULL THEN excluded.max WHEN excluded.max IS NULL THEN max ELSE max(max, excluded.max) END,
      last = CASE WHEN excluded.last_ts IS NOT NULL AND (last_ts IS NULL OR excluded.last_ts >= last_ts)
                  THEN excluded.last ELSE last END,
      last_ts = CASE WHEN excluded.last_ts IS NOT NULL AND (last_ts IS NULL OR excluded.last_ts >= last_ts)
                  THEN excluded.last_ts ELSE last_ts END`;
}

export function rollupParams(row: RollupRow): (number | null)[] {
  return [
    row.seriesId,
    row.bucket,
    row.n,
    row.nUp,
    row.nDown,
    row.nMaint,
    row.nValue,
    row.sum,
    row.min,
    row.max,
    row.last,
    row.lastTs,
  ];
}

export class RollupStore {
  private readonly hourDeltas = new RollupAccumulator();
  private readonly dayDeltas = new RollupAccumulator();
  private readonly upsertHour: Database.Statement;
  private readonly upsertDay: Database.Statement;
  private readonly markDirty: Database.Statement;
  private readonly clearDirty: Database.Statement;
  /** The last hour marked since the last flush: saves a statement per batch. */
  private lastMarkedHour = Number.NaN;
  private lastFlushMs: number;

  constructor(
    private readonly db: Database.Database,
    private readonly chunks: RawChunks,
    private readonly calendar: BucketCalendar,
    private readonly flushIntervalMs: number,
    nowMs: number,
  ) {
    // main.: on a reader's connection rollup_hour and rollup_day are views (fresh-rollups.ts).
    this.upsertHour = db.prepare(upsertSql("main.rollup_hour"));
    this.upsertDay = db.prepare(upsertSql("main.rollup_day"));
    this.markDirty = db.prepare("INSERT OR IGNORE INTO rollup_dirty (bucket) VALUES (?)");
    this.clearDirty = db.prepare("DELETE FROM rollup_dirty");
    this.lastFlushMs = nowMs;
  }

  /**
   * Inside the raw batch's transaction: mark the hours of its rows. Returns the last hour marked,
   * to hand to `count` once the transaction has committed.
   */
  markHours(rows: readonly CountedRow[]): number {
    let marked = this.lastMarkedHour;
    for (const r of rows) {
      if (r.hour !== marked) {
        this.markDirty.run(r.hour);
        marked = r.hour;
      }
    }
    return marked;
  }

  /** After the batch committed: count its rows, and flush when the interval is up. */
  count(rows: readonly CountedRow[], lastMarkedHour: number, nowMs: number): void {
    this.lastMarkedHour = lastMarkedHour;
    for (const r of rows) {
      this.hourDeltas.addSample(r.seriesId, r.hour, r.ts, r.value, r.flags);
      this.dayDeltas.addSample(r.seriesId, this.calendar.dayStart(r.ts), r.ts, r.value, r.flags);
    }
    if (
      nowMs - this.lastFlushMs >= this.flushIntervalMs ||
      this.hourDeltas.size + this.dayDeltas.size > MAX_PENDING_ROLLUP_ROWS
    ) {
      this.flush(nowMs);
    }
  }

  /** Add the pending deltas to the stored rollups; afterwards no hour is dirty. */
  flush(nowMs: number): void {
    const hours = this.hourDeltas.drain();
    const days = this.dayDeltas.drain();
    this.db.transaction(() => {
      for (const row of hours) this.upsertHour.run(rollupParams(row));
      for (const row of days) this.upsertDay.run(rollupParams(row));
      this.clearDirty.run();
    })();
    this.lastMarkedHour = Number.NaN;
    this.lastFlushMs = nowMs;
  }

  /** The hours marked dirty: those whose deltas the agent holds in memory (or lost in a crash). */
  dirtyHours(): number[] {
    return (
      this.db.prepare("SELECT bucket FROM rollup_dirty ORDER BY bucket").all() as { bucket: number }[]
    ).map((r) => r.bucket);
  }

  /**
   * What the rollups of these hours, and of their days, are once every raw sample is counted:
   * the hours rebuilt from raw (the head, and the chunk of an hour that was compacted before a
   * late sample dirtied it again), each day merged from its stored hours with the rebuilt ones in
   * place of the dirty ones. Read-only: repair() stores it; a reader beside a running agent
   * shows it (fresh-rollups.ts).
   */
  rebuild(dirty: readonly number[]): { hours: RollupRow[]; days: RollupRow[] } {
    const readHour = this.db.prepare(
      "SELECT series_id, ts, value, flags FROM samples WHERE ts >= ? AND ts < ?",
    );
    const readDayHours = this.db.prepare("SELECT * FROM main.rollup_hour WHERE bucket >= ? AND bucket < ?");
    const dirtySet = new Set(dirty);
    const hourAcc = new RollupAccumulator();
    const days = new Set<number>();
    for (const hour of dirty) {
      for (const s of this.chunks.hourSamples(hour))
        hourAcc.addSample(s.seriesId, hour, s.ts, s.value, s.flags);
      for (const s of readHour.iterate(hour, hour + 3600) as Iterable<{
        series_id: number;
        ts: number;
        value: number | null;
        flags: number;
      }>) {
        hourAcc.addSample(s.series_id, hour, s.ts, s.value, s.flags);
      }
      days.add(this.calendar.dayStart(hour));
    }
    const hours = hourAcc.drain();
    const dayAcc = new RollupAccumulator();
    for (const day of days) {
      for (const row of readDayHours.all(day, this.calendar.nextDayStart(day)) as StoredRollupRow[]) {
        if (!dirtySet.has(row.bucket)) dayAcc.merge(row.series_id, day, fromStoredRow(row));
      }
    }
    for (const row of hours) dayAcc.merge(row.seriesId, this.calendar.dayStart(row.bucket), row);
    return { hours, days: dayAcc.drain() };
  }

  /** At start: store the rebuilt rollups of the hours marked dirty (see rebuild). */
  repair(): void {
    const dirty = this.dirtyHours();
    if (dirty.length === 0) return;
    const deleteHour = this.db.prepare("DELETE FROM main.rollup_hour WHERE bucket = ?");
    const deleteDay = this.db.prepare("DELETE FROM main.rollup_day WHERE bucket = ?");
    this.db.transaction(() => {
      const { hours, days } = this.rebuild(dirty);
      for (const hour of dirty) deleteHour.run(hour);
      for (const day of new Set(dirty.map((h) => this.calendar.dayStart(h)))) deleteDay.run(day);
      for (const row of hours) this.upsertHour.run(rollupParams(row));
      for (const row of days) this.upsertDay.run(rollupParams(row));
      this.clearDirty.run();
    })();
  }
}
