/**
 * The store's read side: range queries over rollups and raw samples, and the catalogue of
 * targets, series and runs. SQL lives in agent/store/ only (here and in sqlite.ts).
 */
import type Database from "better-sqlite3";
import type { Labels } from "../../collectors/types.js";
import { emptyCells, type RollupCells, type RollupRow } from "./rollups.js";

export type RunStatus = "ok" | "failed" | "timeout";

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
  /** The collector instance that measures the series' target. */
  collector: string;
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
  lastStatus: RunStatus;
  lastError: string | null;
  lastSuccessAt: Date | null;
}

export interface StoredRollupRow {
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

export function fromStoredRow(row: StoredRollupRow): RollupCells {
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

export function lastRuns(db: Database.Database): LastRun[] {
  const rows = db
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
    status: RunStatus;
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

/** Rollup rows for a time range (the caller flushes pending deltas first). */
export function queryRollups(db: Database.Database, query: RollupQuery): RollupRow[] {
  const table = query.resolution === "hour" ? "rollup_hour" : "rollup_day";
  const where = ["r.bucket >= ?", "r.bucket < ?"];
  const params: (string | number)[] = [query.from, query.to];
  if (query.metric !== undefined) {
    // A subquery rather than a join: SQLite then reads the metric's few series through
    // rollup_day_by_series instead of every series of every day in the range.
    where.push("r.series_id IN (SELECT id FROM series WHERE metric = ?)");
    params.push(query.metric);
  }
  if (query.seriesIds !== undefined) {
    where.push(`r.series_id IN (${query.seriesIds.map(() => "?").join(",") || "NULL"})`);
    params.push(...query.seriesIds);
  }
  const rows = db
    .prepare(`SELECT r.* FROM ${table} r WHERE ${where.join(" AND ")} ORDER BY r.series_id, r.bucket`)
    .all(...params) as StoredRollupRow[];
  return rows.map((row) => ({ seriesId: row.series_id, bucket: row.bucket, ...fromStoredRow(row) }));
}

/** Per series: the probe counts (n, up, down, maintenance) of one metric's rollups over a range. */
export interface SeriesCounts {
  seriesId: number;
  n: number;
  nUp: number;
  nDown: number;
  nMaint: number;
}

/**
 * Local days in [from, to) on which any series of these collectors (of any collector when left
 * out) has a daily rollup row with samples.
 */
export function dataDays(
  db: Database.Database,
  collectors: readonly string[] | undefined,
  from: number,
  to: number,
): number {
  if (collectors === undefined)
    return db
      .prepare("SELECT COUNT(DISTINCT bucket) FROM rollup_day WHERE bucket >= ? AND bucket < ? AND n > 0")
      .pluck()
      .get(from, to) as number;
  if (collectors.length === 0) return 0;
  return db
    .prepare(
      `SELECT COUNT(DISTINCT r.bucket) FROM rollup_day r
       WHERE r.bucket >= ? AND r.bucket < ? AND r.n > 0 AND r.series_id IN (
         SELECT s.id FROM series s JOIN targets t ON t.id = s.target_id
         WHERE t.collector IN (${collectors.map(() => "?").join(", ")}))`,
    )
    .pluck()
    .get(from, to, ...collectors) as number;
}

/**
 * The rollup counts of one metric summed per series inside SQLite: a year of daily rows comes
 * back as one row per series (availability over a year to date stays a few milliseconds).
 */
export function sumRollupCounts(
  db: Database.Database,
  query: { resolution: "hour" | "day"; from: number; to: number; metric: string },
): SeriesCounts[] {
  const table = query.resolution === "hour" ? "rollup_hour" : "rollup_day";
  return db
    .prepare(
      `SELECT r.series_id AS seriesId, SUM(r.n) AS n, SUM(r.n_up) AS nUp, SUM(r.n_down) AS nDown,
         SUM(r.n_maint) AS nMaint
       FROM ${table} r
       WHERE r.bucket >= ? AND r.bucket < ? AND r.series_id IN (SELECT id FROM series WHERE metric = ?)
       GROUP BY r.series_id`,
    )
    .all(query.from, query.to, query.metric) as SeriesCounts[];
}

/** The head query, prepared once per connection: the report's outages call it thousands of times. */
const headSamples = new WeakMap<Database.Database, Database.Statement>();

/** Raw samples of one series in the head table (sqlite.ts adds the compacted hours). */
export function querySamples(db: Database.Database, seriesId: number, from: number, to: number): RawSample[] {
  let statement = headSamples.get(db);
  if (!statement) {
    statement = db.prepare(
      `SELECT s.series_id, s.ts, s.value, s.flags, r.code AS reason FROM samples s LEFT JOIN reasons r ON r.id = s.reason_id
         WHERE s.ts >= ? AND s.ts < ? AND s.series_id = ? ORDER BY s.ts`,
    );
    headSamples.set(db, statement);
  }
  return (
    statement.all(from, to, seriesId) as {
      series_id: number;
      ts: number;
      value: number | null;
      flags: number;
      reason: string | null;
    }[]
  ).map((r) => ({ seriesId: r.series_id, ts: r.ts, value: r.value, flags: r.flags, reason: r.reason }));
}

export function listSeries(db: Database.Database, metric?: string): SeriesInfo[] {
  const rows = db
    .prepare(
      `SELECT s.id, t.key, t.name, t.collector, s.metric, s.labels FROM series s JOIN targets t ON t.id = s.target_id
       ${metric === undefined ? "" : "WHERE s.metric = ?"} ORDER BY s.id`,
    )
    .all(...(metric === undefined ? [] : [metric])) as {
    id: number;
    key: string;
    name: string;
    collector: string;
    metric: string;
    labels: string;
  }[];
  return rows.map((r) => ({
    seriesId: r.id,
    targetKey: r.key,
    targetName: r.name,
    collector: r.collector,
    metric: r.metric,
    labels: r.labels === "" ? {} : (JSON.parse(r.labels) as Labels),
  }));
}

export function listTargets(db: Database.Database): TargetRow[] {
  return (
    db.prepare("SELECT * FROM targets ORDER BY key").all() as {
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

export interface EventRow {
  time: Date;
  targetKey: string | null;
  kind: string;
  detail: Record<string, unknown>;
}

/** Events (inventory changes, …) from `from` to `to` (unix ms, to exclusive), oldest first. */
export function listEvents(db: Database.Database, from: number, to: number): EventRow[] {
  return (
    db
      .prepare(
        `SELECT e.ts, t.key, e.kind, e.detail FROM events e LEFT JOIN targets t ON t.id = e.target_id
         WHERE e.ts >= ? AND e.ts < ? ORDER BY e.ts, e.id`,
      )
      .all(from, to) as { ts: number; key: string | null; kind: string; detail: string }[]
  ).map((r) => ({
    time: new Date(r.ts),
    targetKey: r.key,
    kind: r.kind,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}
