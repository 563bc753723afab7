/**
 * The incident store's reads: one incident, a subject's latest, a filtered list, an incident's
 * events, the response-time figures' pages and the unresolved counts. IncidentStore
 * (incident-store.ts) extends this with the changes, so one object still does both.
 */
import type Database from "better-sqlite3";
import type { IncidentEvent, IncidentSource } from "../incidents/types.js";
import { OpenIncidentCounts, type OpenCount } from "./incident-counts.js";
import {
  toEvent,
  toIncident,
  toIncidentTimes,
  type EventRow,
  type Row,
  type TimesRow,
} from "./incident-rows.js";
import {
  NoSuchIncidentError,
  type IncidentQuery,
  type IncidentTimes,
  type StartCursor,
  type StoredIncident,
} from "./incident-store-types.js";

export class IncidentQueries {
  private readonly byId: Database.Statement;
  private readonly latestOfSubject: Database.Statement;
  private readonly eventsOf: Database.Statement;
  private readonly startedPage: Database.Statement;
  /** Kept beside the table so a /metrics scrape never reads it; the changes adjust it. */
  protected readonly counts: OpenIncidentCounts;

  constructor(protected readonly db: Database.Database) {
    this.byId = db.prepare("SELECT * FROM incidents WHERE id = ?");
    this.latestOfSubject = db.prepare(
      "SELECT * FROM incidents WHERE source = ? AND subject = ? ORDER BY started_at DESC, id DESC LIMIT 1",
    );
    this.eventsOf = db.prepare(
      "SELECT incident_id, ts, kind, actor, text FROM incident_events WHERE incident_id = ? ORDER BY ts, id",
    );
    this.startedPage = db.prepare(
      `SELECT id, category, priority, started_at, acknowledged_at, resolved_at FROM incidents
         WHERE started_at >= @from AND started_at < @to
         AND (started_at, id) > (@afterStart, @afterId) ORDER BY started_at, id LIMIT @limit`,
    );
    this.counts = new OpenIncidentCounts(db);
  }

  /** Unresolved incidents by category and priority (every pair, zeros too), without reading the table. */
  unresolvedCounts(): OpenCount[] {
    return this.counts.current();
  }

  get(id: number): StoredIncident | undefined {
    const row = this.byId.get(id) as Row | undefined;
    return row === undefined ? undefined : toIncident(row);
  }

  /** The latest incident of a subject (open or not), for the detector's reopen damping. */
  latest(source: IncidentSource, subject: string): StoredIncident | undefined {
    const row = this.latestOfSubject.get(source, subject) as Row | undefined;
    return row === undefined ? undefined : toIncident(row);
  }

  /**
   * The times of the incidents that started in [from, to), in order of start, `limit` at a time:
   * the page after `after` (the first page without it). A year is read in pages so that nobody
   * holds the event loop for all of it, and only the columns the figures need (the garbage
   * collector's share of a 10,000-incident refresh was larger than the query's).
   */
  timesStartedBetween(from: Date, to: Date, after: StartCursor | undefined, limit: number): IncidentTimes[] {
    const rows = this.startedPage.all({
      from: from.getTime(),
      to: to.getTime(),
      afterStart: after?.startedAt ?? Number.MIN_SAFE_INTEGER,
      afterId: after?.id ?? 0,
      limit,
    }) as TimesRow[];
    return rows.map(toIncidentTimes);
  }

  list(query: IncidentQuery = {}): StoredIncident[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.to !== undefined) {
      where.push("started_at < ?");
      params.push(query.to.getTime());
    }
    if (query.from !== undefined) {
      where.push("(resolved_at IS NULL OR resolved_at >= ?)");
      params.push(query.from.getTime());
    }
    if (query.status === "resolved") where.push("resolved_at IS NOT NULL");
    else if (query.status === "unresolved") where.push("resolved_at IS NULL");
    else if (query.status === "acknowledged")
      where.push("resolved_at IS NULL AND acknowledged_at IS NOT NULL");
    else if (query.status === "open") where.push("resolved_at IS NULL AND acknowledged_at IS NULL");
    if (query.category !== undefined) {
      where.push("category = ?");
      params.push(query.category);
    }
    if (query.source !== undefined) {
      where.push("source = ?");
      params.push(query.source);
    }
    const sql = `SELECT * FROM incidents ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY started_at DESC, id DESC ${query.limit !== undefined ? `LIMIT ${Math.floor(query.limit)}` : ""}`;
    return (this.db.prepare(sql).all(...params) as Row[]).map(toIncident);
  }

  events(id: number): IncidentEvent[] {
    return (this.eventsOf.all(id) as EventRow[]).map(toEvent);
  }

  /** The incident, or NoSuchIncidentError: for the changes, which need one to change. */
  protected mustGet(id: number): StoredIncident {
    const incident = this.get(id);
    if (incident === undefined) throw new NoSuchIncidentError(id);
    return incident;
  }
}
