/**
 * The SQLite store, the agent's one way into its data: every SQL statement lives in agent/store/
 * (this file: opening, batched sample writes, runs, retention; catalogue.ts: targets and series;
 * rollup-store.ts: incremental hourly and daily rollups; queries.ts: the read side). A year is
 * read from the rollups, never from raw rows.
 */
import type Database from "better-sqlite3";
import { statSync } from "node:fs";
import { dirname } from "node:path";
import type { Clock } from "../clock.js";
import type { Sample } from "../../collectors/types.js";
import { BucketCalendar } from "./buckets.js";
import { AgentLock } from "./lock.js";
import { Catalogue } from "./catalogue.js";
import { InventoryLog, type InventoryRecord } from "./inventory-log.js";
import { IncidentStore } from "./incident-store.js";
import { ManualRecordStore } from "./manual-records.js";
import { ReportNoteStore } from "./report-notes.js";
import { ConsoleSessionStore } from "./console-sessions.js";
import { ReportLog } from "./report-log.js";
import {
  MaintenanceStore,
  type RemovedMaintenanceWindow,
  type StoredMaintenanceWindow,
} from "./maintenance-store.js";
import type { InventoryEntry } from "../inventory-changes.js";
import { migrations } from "./migrations.js";
import * as queries from "./queries.js";
import type { EventRow, LastRun, RawSample, RollupQuery, SeriesInfo, TargetRow } from "./queries.js";
import { ensureDataDirectory, openDatabaseFile } from "./open.js";
import { RawChunks } from "./raw-chunks.js";
import { FreshRollups } from "./fresh-rollups.js";
import { RollupStore, type CountedRow } from "./rollup-store.js";
import { type RollupRow, sampleFlags } from "./rollups.js";

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

export {
  DuplicateWindowError,
  type RemovedMaintenanceWindow,
  type StoredMaintenanceWindow,
} from "./maintenance-store.js";
export type { EventRow, LastRun, RawSample, RollupQuery, SeriesInfo, TargetRow } from "./queries.js";

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

/** Rows per multi-row INSERT: 5 parameters each, far below SQLite's 32,766-parameter limit. */
const INSERT_CHUNK = 100;

type Statement = Database.Statement;

/** A raw row about to be inserted: what the rollups count, plus its failure reason. */
interface SampleRow extends CountedRow {
  reasonId: number | null;
}

export class SqliteStore {
  readonly path: string;
  readonly calendar: BucketCalendar;
  private readonly db: Database.Database;
  private readonly lock: AgentLock | undefined;
  private readonly clock: Clock;
  private readonly multiInsertStatements = new Map<number, Statement>();
  private readonly stmt: ReturnType<SqliteStore["prepareStatements"]>;
  private readonly rollups: RollupStore;
  /** Closed hours of raw samples, compacted (the samples table keeps the recent ones). */
  private readonly chunks: RawChunks;
  private readonly catalogue: Catalogue;
  private readonly inventoryLog: InventoryLog;
  private readonly maintenanceWindows: MaintenanceStore;
  /** Incidents and their event log (probe faults, Alertmanager alerts, helpdesk tickets). */
  readonly incidents: IncidentStore;
  /** Values of the form's indicators entered by people, with their corrections. */
  readonly records: ManualRecordStore;
  /** The web console's logins (agent/console/). */
  readonly consoleSessions: ConsoleSessionStore;
  /** Generated reports and form exports (each counted once per kind, period and format). */
  readonly reports: ReportLog;
  /** Operators' text for the monthly reports' sections (`ops-agent report note`). */
  readonly reportNotes: ReportNoteStore;
  private closed = false;
  /** Readers only: the not-yet-flushed hours of a running agent, overlaid on the stored rollups. */
  private readonly fresh: FreshRollups | undefined;

  static open(options: StoreOptions): SqliteStore {
    ensureDataDirectory(dirname(options.path));
    const lock =
      options.role === "agent"
        ? AgentLock.acquire(options.path, options.clock.now(), options.timeZone)
        : undefined;
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
    migrate(db);
    this.stmt = this.prepareStatements();
    this.catalogue = new Catalogue(db, this.clock);
    this.inventoryLog = new InventoryLog(db);
    this.maintenanceWindows = new MaintenanceStore(db);
    this.incidents = new IncidentStore(db);
    this.records = new ManualRecordStore(db);
    this.consoleSessions = new ConsoleSessionStore(db);
    this.reports = new ReportLog(db);
    this.reportNotes = new ReportNoteStore(db);
    this.chunks = new RawChunks(db, this.calendar, () => this.catalogue.reasonCodes());
    this.rollups = new RollupStore(
      db,
      this.chunks,
      this.calendar,
      options.rollupFlushIntervalMs ?? 10 * 60_000,
      this.clock.now().getTime(),
    );
    if (options.role === "agent") this.rollups.repair();
    else this.fresh = new FreshRollups(db, this.rollups);
  }

  private prepareStatements() {
    const db = this.db;
    return {
      insertSample: db.prepare(
        "INSERT OR IGNORE INTO samples (ts, series_id, value, flags, reason_id) VALUES (?, ?, ?, ?, ?)",
      ),
      savepoint: db.prepare("SAVEPOINT sample_chunk"),
      release: db.prepare("RELEASE sample_chunk"),
      rollbackTo: db.prepare("ROLLBACK TO sample_chunk"),
      insertRun: db.prepare(
        `INSERT INTO collector_runs (collector, type, started_at, finished_at, status, error, samples)
         VALUES (@collector, @type, @startedAt, @finishedAt, @status, @error, @samples)`,
      ),
      healthProbe: db.prepare(
        "INSERT INTO meta (key, value) VALUES ('health_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ),
    };
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
    // A reader never flushes rollup deltas (that is the agent's, and would clear its dirty marks):
    // samples it wrote would be missing from the rollups. Only the agent writes samples.
    if (this.fresh !== undefined)
      throw new Error("a reader store does not write samples (open it with role agent)");
    const defaultTs = Math.floor(defaultTime.getTime() / 1000);
    const inserted: SampleRow[] = [];
    let lastMarkedHour = Number.NaN;
    const transaction = this.db.transaction(() => {
      const rows: SampleRow[] = samples.map((sample) => {
        const ts = sample.time ? Math.floor(sample.time.getTime() / 1000) : defaultTs;
        return {
          ts,
          hour: this.calendar.hourStart(ts),
          seriesId: this.catalogue.seriesIdFor(collector, sample),
          value: sample.value === null || Number.isFinite(sample.value) ? sample.value : null,
          flags: sampleFlags(sample.up, sample.maintenance ?? false),
          reasonId: sample.reason === undefined ? null : this.catalogue.reasonIdFor(sample.reason),
        };
      });
      // Samples of an hour already compacted (a clock step back) are checked against its chunk.
      const fresh = this.chunks.notInChunks(rows);
      for (let start = 0; start < fresh.length; start += INSERT_CHUNK) {
        this.insertChunk(fresh.slice(start, start + INSERT_CHUNK), inserted);
      }
      lastMarkedHour = this.rollups.markHours(inserted);
    });
    try {
      transaction();
    } catch (error) {
      // Targets, series or reasons created in the rolled-back transaction are gone again: forget
      // the ids cached for them.
      this.catalogue.reload();
      throw error;
    }
    // Only rows that are now committed count in the rollups.
    this.rollups.count(inserted, lastMarkedHour, this.clock.now().getTime());
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

  /**
   * Make the rollups exact before a query: the agent adds its pending deltas to the stored rows; a
   * reader (which has none, and must not clear the agent's dirty marks) overlays the hours the
   * agent has not flushed yet, rebuilt from raw (fresh-rollups.ts).
   */
  flushRollups(): void {
    if (this.fresh !== undefined) this.fresh.refresh();
    else this.rollups.flush(this.clock.now().getTime());
  }

  /** A good inventory run's VM list: its differences from the last one become events. */
  recordInventory(collector: string, entries: readonly InventoryEntry[], time: Date): InventoryRecord {
    return this.inventoryLog.record(collector, entries, time);
  }

  /** A maintenance window from the command line; a name already taken is a DuplicateWindowError. */
  addMaintenanceWindow(window: StoredMaintenanceWindow): void {
    this.maintenanceWindows.add(window);
  }

  listMaintenanceWindows(): StoredMaintenanceWindow[] {
    return this.maintenanceWindows.list();
  }

  /** Takes a window out of force, recording who and when; false when none of that name is in force. */
  removeMaintenanceWindow(name: string, by: string, at: Date): boolean {
    return this.maintenanceWindows.remove(name, by, at);
  }

  listRemovedMaintenanceWindows(): RemovedMaintenanceWindow[] {
    return this.maintenanceWindows.removed();
  }

  listEvents(from: Date, to: Date): EventRow[] {
    return queries.listEvents(this.db, from.getTime(), to.getTime());
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
    return queries.lastRuns(this.db);
  }

  /** Rollup rows for a time range. Pending deltas are flushed first, so figures are exact. */
  queryRollups(query: RollupQuery): RollupRow[] {
    this.flushRollups();
    return queries.queryRollups(this.db, query);
  }

  /** Days in [from, to) with any sample of these collectors (any at all when left out); pending deltas flushed first. */
  dataDays(collectors: readonly string[] | undefined, from: number, to: number): number {
    this.flushRollups();
    return queries.dataDays(this.db, collectors, from, to);
  }

  /** One metric's rollup counts summed per series over a range; pending deltas flushed first. */
  sumRollupCounts(query: { resolution: "hour" | "day"; from: number; to: number; metric: string }) {
    this.flushRollups();
    return queries.sumRollupCounts(this.db, query);
  }

  /**
   * Raw samples of one series, ascending (for outage detail and tests); bounded by the raw
   * retention. Compacted hours and the head both.
   */
  querySamples(seriesId: number, from: number, to: number): RawSample[] {
    return this.chunks.samples(seriesId, from, to);
  }

  /** How many raw samples are stored (head and compacted). */
  rawSampleCount(): number {
    return this.chunks.totalCount();
  }

  /**
   * The periodic housekeeping in one call: compact every closed hour, then delete what is older
   * than the retention (the daemon does the same in steps, see compactRaw). Returns what was
   * compacted and deleted.
   */
  applyRetention(cutoffs: { rawBefore: number; hourBefore: number; dayBefore: number }): {
    compacted: number;
    raw: number;
    hour: number;
    day: number;
  } {
    const { moved } = this.compactRaw();
    return { compacted: moved, ...this.deleteOlderThan(cutoffs) };
  }

  /**
   * Compact the raw samples of hours that closed over an hour ago (the head keeps the current and
   * the previous hour as plain rows), slice by slice until `deadline` (performance.now() ms):
   * `done` is false when some are left for the next call.
   */
  compactRaw(deadline = Number.POSITIVE_INFINITY): { moved: number; done: boolean } {
    const nowSec = Math.floor(this.clock.now().getTime() / 1000);
    return this.chunks.compactBefore(this.calendar.hourStart(nowSec) - 3600, deadline);
  }

  listSeries(metric?: string): SeriesInfo[] {
    return queries.listSeries(this.db, metric);
  }

  listTargets(): TargetRow[] {
    return queries.listTargets(this.db);
  }

  /**
   * Delete what is older than the retention: raw samples (head and chunks) and run records before
   * rawBefore, hourly rollups before hourBefore, daily rollups before dayBefore (unix seconds).
   * The run log is raw detail too — only the latest run of each collector is ever read — so it
   * follows the raw retention (kept 1,100 days it was a third of a gigabyte a year). Raw is
   * deleted an hour at a time so the writer is never held for long. Rollups are flushed first: a
   * raw sample is only deleted once it is counted in the rollups.
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
    raw += this.chunks.deleteBefore(cutoffs.rawBefore);
    const hour = this.db
      .prepare("DELETE FROM main.rollup_hour WHERE bucket < ?")
      .run(cutoffs.hourBefore).changes;
    const day = this.db
      .prepare("DELETE FROM main.rollup_day WHERE bucket < ?")
      .run(cutoffs.dayBefore).changes;
    this.db.prepare("DELETE FROM collector_runs WHERE started_at < ?").run(cutoffs.rawBefore * 1000);
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

  /**
   * SQLite's online backup of this connection's database into `destination`, `pagesPerStep` pages
   * a step with the event loop free between steps (agent/backup/schedule.ts). Through the agent's
   * own connection: its writes during the copy go into the copy too, where another connection's
   * would restart it.
   */
  backup(destination: string, pagesPerStep: number): Promise<unknown> {
    return this.db.backup(destination, { progress: () => pagesPerStep });
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
