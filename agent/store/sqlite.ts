/**
 * The SQLite store: the one place the agent's data SQL lives. Raw samples go in batched
 * transactions; hourly and daily rollups are kept up to date incrementally (see rollups.ts and
 * the rollup_dirty table) so a year is read from rollups, never from raw rows.
 */
import type Database from "better-sqlite3";
import { statSync } from "node:fs";
import { dirname } from "node:path";
import type { Clock } from "../clock.js";
import type { Labels, Sample } from "../../collectors/types.js";
import { BucketCalendar } from "./buckets.js";
import { AgentLock } from "./lock.js";
import { migrations } from "./migrations.js";
import { ensureDataDirectory, openDatabaseFile } from "./open.js";
import { RollupAccumulator, type RollupRow, sampleFlags, emptyCells } from "./rollups.js";

export type IntegrityCheck = "full" | "quick" | "off";

export interface StoreOptions {
  path: string;
  clock: Clock;
  timeZone: string;
  /** "agent" takes the one-agent lock; "reader" (CLI commands beside a running agent) does not. */
  role: "agent" | "reader";
  integrityCheck?: IntegrityCheck;
  /** How long rollup deltas may wait in memory before being added to the stored rollups. */
  rollupFlushIntervalMs?: number;
}

/** A sample on its way into the store: maintenance marking is decided by the runner. */
export type StoredSample = Sample & { maintenance?: boolean };

export interface RunRecord {
  collector: string;
  type: string;
  startedAt: Date;
  finishedAt: Date;
  status: "ok" | "failed" | "timeout";
  error?: string;
  samples: number;
}

export interface WriteResult {
  written: number;
  duplicates: number;
}

export interface TargetRow {
  id: number;
  key: string;
  kind: string;
  name: string;
  labels: Labels;
  collector: string;
  firstSeen: Date;
}

export interface SeriesInfo {
  seriesId: number;
  targetKey: string;
  targetName: string;
  metric: string;
  labels: Labels;
}

export interface RollupQuery {
  resolution: "hour" | "day";
  /** Unix seconds, inclusive. */
  from: number;
  /** Unix seconds, exclusive. */
  to: number;
  metric?: string;
  seriesIds?: readonly number[];
}

export interface RawSample {
  seriesId: number;
  ts: number;
  value: number | null;
  flags: number;
  reason: string | null;
}

export interface LastRun {
  collector: string;
  lastStartedAt: Date;
  lastStatus: RunRecord["status"];
  lastError: string | null;
  lastSuccessAt: Date | null;
}

const MAX_PENDING_ROLLUP_ROWS = 200_000;
/** Rows per multi-row INSERT: 5 parameters each, far below SQLite's 32,766-parameter limit. */
const INSERT_CHUNK = 100;

type Statement = Database.Statement;

interface SampleRow {
  ts: number;
  hour: number;
  seriesId: number;
  value: number | null;
  flags: number;
  reasonId: number | null;
}

function rollupParams(row: RollupRow): (number | null)[] {
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

export class SqliteStore {
  readonly path: string;
  readonly calendar: BucketCalendar;
  private readonly db: Database.Database;
  private readonly lock: AgentLock | undefined;
  private readonly clock: Clock;
  private readonly flushIntervalMs: number;
  private readonly hourDeltas = new RollupAccumulator();
  private readonly dayDeltas = new RollupAccumulator();
  private lastRollupFlush: number;
  private readonly targetIds = new Map<string, { id: number; fingerprint: string }>();
  private readonly seriesIds = new Map<string, number>();
  private readonly reasonIds = new Map<string, number>();
  /** Targets already resolved, by the TargetRef object a collector handed over (treated as immutable). */
  private resolvedTargets = new WeakMap<object, { collector: string; id: number }>();
  private readonly multiInsertStatements = new Map<number, Statement>();
  /** The last hour marked dirty in this flush interval; saves a statement per sample. */
  private lastDirtyHour = Number.NaN;
  private readonly stmt: ReturnType<SqliteStore["prepareStatements"]>;
  private closed = false;

  static open(options: StoreOptions): SqliteStore {
    ensureDataDirectory(dirname(options.path));
    const lock = options.role === "agent" ? AgentLock.acquire(options.path, options.clock.now()) : undefined;
    try {
      const db = openDatabaseFile(options.path, options.integrityCheck ?? "full");
      return new SqliteStore(db, lock, options);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  private constructor(db: Database.Database, lock: AgentLock | undefined, options: StoreOptions) {
    this.db = db;
    this.lock = lock;
    this.path = options.path;
    this.clock = options.clock;
    this.calendar = new BucketCalendar(options.timeZone);
    this.flushIntervalMs = options.rollupFlushIntervalMs ?? 10 * 60_000;
    this.lastRollupFlush = this.clock.now().getTime();
    migrate(db);
    this.stmt = this.prepareStatements();
    this.loadCaches();
    if (options.role === "agent") this.repairDirtyRollups();
  }

  private prepareStatements() {
    const db = this.db;
    const upsertRollup = (table: string) =>
      db.prepare(`
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
                      THEN excluded.last_ts ELSE last_ts END`);
    return {
      insertTarget: db.prepare(
        `INSERT INTO targets (key, kind, name, labels, collector, first_seen, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, name = excluded.name, labels = excluded.labels,
           collector = excluded.collector, updated_at = excluded.updated_at
         RETURNING id`,
      ),
      insertSeries: db.prepare(
        `INSERT INTO series (target_id, metric, labels) VALUES (?, ?, ?)
         ON CONFLICT (target_id, metric, labels) DO UPDATE SET metric = excluded.metric RETURNING id`,
      ),
      insertReason: db.prepare(
        `INSERT INTO reasons (code) VALUES (?) ON CONFLICT (code) DO UPDATE SET code = excluded.code RETURNING id`,
      ),
      insertSample: db.prepare(
        "INSERT OR IGNORE INTO samples (ts, series_id, value, flags, reason_id) VALUES (?, ?, ?, ?, ?)",
      ),
      markDirty: db.prepare("INSERT OR IGNORE INTO rollup_dirty (bucket) VALUES (?)"),
      savepoint: db.prepare("SAVEPOINT sample_chunk"),
      release: db.prepare("RELEASE sample_chunk"),
      rollbackTo: db.prepare("ROLLBACK TO sample_chunk"),
      clearDirty: db.prepare("DELETE FROM rollup_dirty"),
      upsertHour: upsertRollup("rollup_hour"),
      upsertDay: upsertRollup("rollup_day"),
      insertRun: db.prepare(
        `INSERT INTO collector_runs (collector, type, started_at, finished_at, status, error, samples)
         VALUES (@collector, @type, @startedAt, @finishedAt, @status, @error, @samples)`,
      ),
      healthProbe: db.prepare(
        "INSERT INTO meta (key, value) VALUES ('health_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ),
    };
  }

  private reloadCaches(): void {
    this.targetIds.clear();
    this.seriesIds.clear();
    this.reasonIds.clear();
    this.resolvedTargets = new WeakMap();
    this.loadCaches();
  }

  private loadCaches(): void {
    for (const row of this.db.prepare("SELECT id, key, kind, name, labels, collector FROM targets").all() as {
      id: number;
      key: string;
      kind: string;
      name: string;
      labels: string;
      collector: string;
    }[]) {
      this.targetIds.set(row.key, {
        id: row.id,
        fingerprint: targetFingerprint(row.kind, row.name, row.labels, row.collector),
      });
    }
    for (const row of this.db.prepare("SELECT id, target_id, metric, labels FROM series").all() as {
      id: number;
      target_id: number;
      metric: string;
      labels: string;
    }[]) {
      this.seriesIds.set(seriesCacheKey(row.target_id, row.metric, row.labels), row.id);
    }
    for (const row of this.db.prepare("SELECT id, code FROM reasons").all() as {
      id: number;
      code: string;
    }[]) {
      this.reasonIds.set(row.code, row.id);
    }
  }

  /**
   * Write one batch of samples in one transaction. A sample whose series already has a sample at
   * the same second is a duplicate (a retried write): it is ignored and not counted twice.
   *
   * Rows go in with multi-row INSERTs of up to INSERT_CHUNK rows (one statement per row costs more
   * than the row itself). A chunk in which some row was a duplicate is rolled back to its
   * savepoint and written row by row, so the rollups count exactly the rows stored.
   */
  writeSamples(collector: string, samples: readonly StoredSample[], defaultTime: Date): WriteResult {
    const defaultTs = Math.floor(defaultTime.getTime() / 1000);
    const inserted: SampleRow[] = [];
    let markedHour = this.lastDirtyHour;
    const transaction = this.db.transaction(() => {
      const rows: SampleRow[] = samples.map((sample) => {
        const ts = sample.time ? Math.floor(sample.time.getTime() / 1000) : defaultTs;
        return {
          ts,
          hour: this.calendar.hourStart(ts),
          seriesId: this.seriesIdFor(collector, sample),
          value: sample.value === null || Number.isFinite(sample.value) ? sample.value : null,
          flags: sampleFlags(sample.up, sample.maintenance ?? false),
          reasonId: sample.reason === undefined ? null : this.reasonIdFor(sample.reason),
        };
      });
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        this.insertChunk(rows.slice(start, start + INSERT_CHUNK), inserted);
      }
      // Committed with the rows: after a crash, these hours are rebuilt from raw (repairDirtyRollups).
      for (const r of inserted) {
        if (r.hour !== markedHour) {
          this.stmt.markDirty.run(r.hour);
          markedHour = r.hour;
        }
      }
    });
    try {
      transaction();
    } catch (error) {
      // Targets, series or reasons created in the rolled-back transaction are gone again: forget
      // the ids cached for them.
      this.reloadCaches();
      throw error;
    }
    // Only rows that are now committed count in the rollups.
    this.lastDirtyHour = markedHour;
    for (const r of inserted) {
      this.hourDeltas.addSample(r.seriesId, r.hour, r.ts, r.value, r.flags);
      this.dayDeltas.addSample(r.seriesId, this.calendar.dayStart(r.ts), r.ts, r.value, r.flags);
    }
    const now = this.clock.now().getTime();
    if (
      now - this.lastRollupFlush >= this.flushIntervalMs ||
      this.hourDeltas.size + this.dayDeltas.size > MAX_PENDING_ROLLUP_ROWS
    ) {
      this.flushRollups();
    }
    return { written: inserted.length, duplicates: samples.length - inserted.length };
  }

  private insertChunk(rows: readonly SampleRow[], inserted: SampleRow[]): void {
    const params: (number | null)[] = [];
    for (const r of rows) params.push(r.ts, r.seriesId, r.value, r.flags, r.reasonId);
    this.stmt.savepoint.run();
    if (this.multiInsert(rows.length).run(params).changes === rows.length) {
      this.stmt.release.run();
      inserted.push(...rows);
      return;
    }
    this.stmt.rollbackTo.run();
    this.stmt.release.run();
    for (const r of rows) {
      if (this.stmt.insertSample.run(r.ts, r.seriesId, r.value, r.flags, r.reasonId).changes === 1)
        inserted.push(r);
    }
  }

  private multiInsert(rowCount: number): Statement {
    let statement = this.multiInsertStatements.get(rowCount);
    if (!statement) {
      const values = Array.from({ length: rowCount }, () => "(?, ?, ?, ?, ?)").join(", ");
      statement = this.db.prepare(
        `INSERT OR IGNORE INTO samples (ts, series_id, value, flags, reason_id) VALUES ${values}`,
      );
      this.multiInsertStatements.set(rowCount, statement);
    }
    return statement;
  }

  /** Add the pending deltas to the stored rollups; afterwards no hour is dirty. */
  flushRollups(): void {
    const hours = this.hourDeltas.drain();
    const days = this.dayDeltas.drain();
    this.db.transaction(() => {
      for (const row of hours) this.stmt.upsertHour.run(rollupParams(row));
      for (const row of days) this.stmt.upsertDay.run(rollupParams(row));
      this.stmt.clearDirty.run();
    })();
    this.lastDirtyHour = Number.NaN;
    this.lastRollupFlush = this.clock.now().getTime();
  }

  /**
   * After a crash, deltas that were still in memory are lost while their raw samples were
   * committed. Every such hour is marked dirty: rebuild those hours from raw, then their days
   * from the hours.
   */
  private repairDirtyRollups(): void {
    const dirty = (
      this.db.prepare("SELECT bucket FROM rollup_dirty ORDER BY bucket").all() as { bucket: number }[]
    ).map((r) => r.bucket);
    if (dirty.length === 0) return;
    const readHour = this.db.prepare(
      "SELECT series_id, ts, value, flags FROM samples WHERE ts >= ? AND ts < ?",
    );
    const readDayHours = this.db.prepare("SELECT * FROM rollup_hour WHERE bucket >= ? AND bucket < ?");
    this.db.transaction(() => {
      const days = new Set<number>();
      for (const hour of dirty) {
        this.db.prepare("DELETE FROM rollup_hour WHERE bucket = ?").run(hour);
        const acc = new RollupAccumulator();
        for (const s of readHour.iterate(hour, hour + 3600) as Iterable<{
          series_id: number;
          ts: number;
          value: number | null;
          flags: number;
        }>) {
          acc.addSample(s.series_id, hour, s.ts, s.value, s.flags);
        }
        for (const row of acc.drain()) this.stmt.upsertHour.run(rollupParams(row));
        days.add(this.calendar.dayStart(hour));
      }
      for (const day of days) {
        this.db.prepare("DELETE FROM rollup_day WHERE bucket = ?").run(day);
        const acc = new RollupAccumulator();
        for (const row of readDayHours.all(day, this.calendar.nextDayStart(day)) as StoredRollupRow[]) {
          acc.merge(row.series_id, day, fromStoredRow(row));
        }
        for (const row of acc.drain()) this.stmt.upsertDay.run(rollupParams(row));
      }
      this.stmt.clearDirty.run();
    })();
  }

  private seriesIdFor(collector: string, sample: StoredSample): number {
    const targetId = this.targetIdFor(collector, sample);
    const labels = canonicalLabels(sample.labels);
    const key = seriesCacheKey(targetId, sample.metric, labels);
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      id = (this.stmt.insertSeries.get(targetId, sample.metric, labels) as { id: number }).id;
      this.seriesIds.set(key, id);
    }
    return id;
  }

  private targetIdFor(collector: string, sample: StoredSample): number {
    const t = sample.target;
    const resolved = this.resolvedTargets.get(t);
    if (resolved && resolved.collector === collector) return resolved.id;
    const id = this.resolveTarget(collector, t);
    this.resolvedTargets.set(t, { collector, id });
    return id;
  }

  private resolveTarget(collector: string, t: StoredSample["target"]): number {
    const labels = JSON.stringify(sortedLabels(t.labels));
    const fingerprint = targetFingerprint(t.kind, t.name, labels, collector);
    const known = this.targetIds.get(t.key);
    if (known && known.fingerprint === fingerprint) return known.id;
    const now = this.clock.now().getTime();
    const { id } = this.stmt.insertTarget.get(t.key, t.kind, t.name, labels, collector, now, now) as {
      id: number;
    };
    this.targetIds.set(t.key, { id, fingerprint });
    return id;
  }

  private reasonIdFor(code: string): number {
    let id = this.reasonIds.get(code);
    if (id === undefined) {
      id = (this.stmt.insertReason.get(code) as { id: number }).id;
      this.reasonIds.set(code, id);
    }
    return id;
  }

  recordRun(run: RunRecord): void {
    this.stmt.insertRun.run({
      collector: run.collector,
      type: run.type,
      startedAt: run.startedAt.getTime(),
      finishedAt: run.finishedAt.getTime(),
      status: run.status,
      error: run.error ?? null,
      samples: run.samples,
    });
  }

  lastRuns(): LastRun[] {
    const rows = this.db
      .prepare(
        `SELECT r.collector, r.started_at, r.status, r.error,
           (SELECT max(started_at) FROM collector_runs s WHERE s.collector = r.collector AND s.status = 'ok') AS last_ok
         FROM collector_runs r
         WHERE r.id = (SELECT max(id) FROM collector_runs x WHERE x.collector = r.collector)
         ORDER BY r.collector`,
      )
      .all() as {
      collector: string;
      started_at: number;
      status: RunRecord["status"];
      error: string | null;
      last_ok: number | null;
    }[];
    return rows.map((r) => ({
      collector: r.collector,
      lastStartedAt: new Date(r.started_at),
      lastStatus: r.status,
      lastError: r.error,
      lastSuccessAt: r.last_ok === null ? null : new Date(r.last_ok),
    }));
  }

  /** Rollup rows for a time range. Pending deltas are flushed first, so figures are exact. */
  queryRollups(query: RollupQuery): RollupRow[] {
    this.flushRollups();
    const table = query.resolution === "hour" ? "rollup_hour" : "rollup_day";
    const where = ["r.bucket >= ?", "r.bucket < ?"];
    const params: (string | number)[] = [query.from, query.to];
    if (query.metric !== undefined) {
      where.push("s.metric = ?");
      params.push(query.metric);
    }
    if (query.seriesIds !== undefined) {
      where.push(`r.series_id IN (${query.seriesIds.map(() => "?").join(",") || "NULL"})`);
      params.push(...query.seriesIds);
    }
    const rows = this.db
      .prepare(
        `SELECT r.* FROM ${table} r JOIN series s ON s.id = r.series_id WHERE ${where.join(" AND ")} ORDER BY r.series_id, r.bucket`,
      )
      .all(...params) as StoredRollupRow[];
    return rows.map((row) => ({ seriesId: row.series_id, bucket: row.bucket, ...fromStoredRow(row) }));
  }

  /** Raw samples of one series (for outage detail and tests); bounded by the raw retention. */
  querySamples(seriesId: number, from: number, to: number): RawSample[] {
    return (
      this.db
        .prepare(
          `SELECT s.series_id, s.ts, s.value, s.flags, r.code AS reason FROM samples s LEFT JOIN reasons r ON r.id = s.reason_id
           WHERE s.ts >= ? AND s.ts < ? AND s.series_id = ? ORDER BY s.ts`,
        )
        .all(from, to, seriesId) as {
        series_id: number;
        ts: number;
        value: number | null;
        flags: number;
        reason: string | null;
      }[]
    ).map((r) => ({ seriesId: r.series_id, ts: r.ts, value: r.value, flags: r.flags, reason: r.reason }));
  }

  listSeries(metric?: string): SeriesInfo[] {
    const rows = this.db
      .prepare(
        `SELECT s.id, t.key, t.name, s.metric, s.labels FROM series s JOIN targets t ON t.id = s.target_id
         ${metric === undefined ? "" : "WHERE s.metric = ?"} ORDER BY s.id`,
      )
      .all(...(metric === undefined ? [] : [metric])) as {
      id: number;
      key: string;
      name: string;
      metric: string;
      labels: string;
    }[];
    return rows.map((r) => ({
      seriesId: r.id,
      targetKey: r.key,
      targetName: r.name,
      metric: r.metric,
      labels: r.labels === "" ? {} : (JSON.parse(r.labels) as Labels),
    }));
  }

  listTargets(): TargetRow[] {
    return (
      this.db.prepare("SELECT * FROM targets ORDER BY key").all() as {
        id: number;
        key: string;
        kind: string;
        name: string;
        labels: string;
        collector: string;
        first_seen: number;
      }[]
    ).map((r) => ({
      id: r.id,
      key: r.key,
      kind: r.kind,
      name: r.name,
      labels: JSON.parse(r.labels) as Labels,
      collector: r.collector,
      firstSeen: new Date(r.first_seen),
    }));
  }

  /**
   * Delete what is older than the retention: raw samples before rawBefore, hourly rollups before
   * hourBefore, daily rollups and run records before dayBefore (unix seconds). Raw is deleted an
   * hour at a time so the writer is never held for long. Rollups are flushed first: a raw sample is
   * only deleted once it is counted in the rollups.
   */
  deleteOlderThan(cutoffs: { rawBefore: number; hourBefore: number; dayBefore: number }): {
    raw: number;
    hour: number;
    day: number;
  } {
    this.flushRollups();
    const oldest = (this.db.prepare("SELECT min(ts) AS ts FROM samples").get() as { ts: number | null }).ts;
    let raw = 0;
    const deleteRaw = this.db.prepare("DELETE FROM samples WHERE ts >= ? AND ts < ?");
    for (let from = oldest ?? cutoffs.rawBefore; from < cutoffs.rawBefore; from += 3600) {
      raw += deleteRaw.run(from, Math.min(from + 3600, cutoffs.rawBefore)).changes;
    }
    const hour = this.db.prepare("DELETE FROM rollup_hour WHERE bucket < ?").run(cutoffs.hourBefore).changes;
    const day = this.db.prepare("DELETE FROM rollup_day WHERE bucket < ?").run(cutoffs.dayBefore).changes;
    this.db.prepare("DELETE FROM collector_runs WHERE started_at < ?").run(cutoffs.dayBefore * 1000);
    return { raw, hour, day };
  }

  /** Proves the database still takes writes (for /healthz). */
  probeWritable(): void {
    this.stmt.healthProbe.run(this.clock.now().toISOString());
  }

  /** Bytes on disk: the database file plus its write-ahead log. */
  sizeBytes(): number {
    let total = 0;
    for (const file of [this.path, `${this.path}-wal`]) {
      try {
        total += statSync(file).size;
      } catch {
        // The WAL may not exist between checkpoints.
      }
    }
    return total;
  }

  schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.lock) this.flushRollups();
    this.db.close();
    this.lock?.release();
  }
}

interface StoredRollupRow {
  series_id: number;
  bucket: number;
  n: number;
  n_up: number;
  n_down: number;
  n_maint: number;
  n_value: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  last: number | null;
  last_ts: number | null;
}

function fromStoredRow(row: StoredRollupRow) {
  const cells = emptyCells();
  cells.n = row.n;
  cells.nUp = row.n_up;
  cells.nDown = row.n_down;
  cells.nMaint = row.n_maint;
  cells.nValue = row.n_value;
  cells.sum = row.sum;
  cells.min = row.min;
  cells.max = row.max;
  cells.last = row.last;
  cells.lastTs = row.last_ts;
  return cells;
}

function migrate(db: Database.Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

function sortedLabels(labels: Labels | undefined): Labels {
  if (!labels) return {};
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Series labels as canonical JSON ('' for none) so the same labels always find the same series. */
export function canonicalLabels(labels: Labels | undefined): string {
  if (!labels || Object.keys(labels).length === 0) return "";
  return JSON.stringify(sortedLabels(labels));
}

function seriesCacheKey(targetId: number, metric: string, labels: string): string {
  return `${targetId}\u0000${metric}\u0000${labels}`;
}

function targetFingerprint(kind: string, name: string, labels: string, collector: string): string {
  return `${kind}\u0000${name}\u0000${labels}\u0000${collector}`;
}
