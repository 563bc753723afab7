/**
 * Incidents and their event log in the store. Every change is one transaction that updates the
 * incident row and appends its event, so the log and the row never disagree. The first
 * acknowledgement is the response time and is never overwritten; later ones are notes.
 *
 * A whole Alertmanager payload (up to 10,000 alerts) is one transaction too, written a step at a
 * time with the event loop free in between (upsertExternalAll). The unresolved counts /metrics
 * shows are kept beside the table (incident-counts.ts), so a scrape never reads it.
 */
import type Database from "better-sqlite3";
import { performance } from "node:perf_hooks";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type {
  Category,
  Incident,
  IncidentEvent,
  IncidentSource,
  IncidentStatus,
  Priority,
} from "../incidents/types.js";
import { toWellFormedText } from "../well-formed-text.js";
import { OpenIncidentCounts, type CountedState, type OpenCount } from "./incident-counts.js";

export interface NewIncident {
  source: IncidentSource;
  sourceKey: string;
  subject: string;
  category: Category;
  priority: Priority;
  title: string;
  target: string;
  startedAt: Date;
}

/** A ticket or an alert as its source last described it: the store keeps the row equal to it. */
export interface ExternalIncident extends NewIncident {
  acknowledgedAt?: Date;
  acknowledgedBy?: string;
  resolvedAt?: Date;
  resolvedBy?: string;
}

export interface IncidentQuery {
  /** Incidents that started before `to` and were not resolved before `from` (ms bounds). */
  from?: Date;
  to?: Date;
  status?: IncidentStatus | "unresolved";
  category?: Category;
  source?: IncidentSource;
  limit?: number;
}

export class NoSuchIncidentError extends Error {
  constructor(readonly id: number) {
    super(`no incident #${id}`);
    this.name = "NoSuchIncidentError";
  }
}

interface Row {
  id: number;
  source: IncidentSource;
  source_key: string;
  subject: string;
  category: Category;
  priority: Priority;
  title: string;
  target: string;
  started_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
}

function toIncident(r: Row): Incident & { subject: string } {
  return {
    id: r.id,
    source: r.source,
    sourceKey: r.source_key,
    subject: r.subject,
    category: r.category,
    priority: r.priority,
    title: r.title,
    target: r.target,
    startedAt: new Date(r.started_at),
    ...(r.acknowledged_at === null ? {} : { acknowledgedAt: new Date(r.acknowledged_at) }),
    ...(r.acknowledged_by === null ? {} : { acknowledgedBy: r.acknowledged_by }),
    ...(r.resolved_at === null ? {} : { resolvedAt: new Date(r.resolved_at) }),
    ...(r.resolved_by === null ? {} : { resolvedBy: r.resolved_by }),
    status: r.resolved_at !== null ? "resolved" : r.acknowledged_at !== null ? "acknowledged" : "open",
  };
}

const ms = (d: Date | undefined): number | null => (d === undefined ? null : d.getTime());

export type StoredIncident = Incident & { subject: string };

export interface ExternalUpsert {
  incident: StoredIncident;
  change: "created" | "updated" | "unchanged";
  resolvedNow: boolean;
}

/** What the response-time figures need of an incident (sla.ts judgeResponse), nothing more. */
export type IncidentTimes = Pick<
  Incident,
  "id" | "category" | "priority" | "startedAt" | "acknowledgedAt" | "resolvedAt"
>;

/** Where a page of incidents by start ends: the next page starts after it. */
export interface StartCursor {
  startedAt: number;
  id: number;
}

/** How long one step of a payload's transaction may hold the event loop, by default. */
const DEFAULT_STEP_MS = 5;

function counted(i: { category: Category; priority: Priority; resolvedAt?: Date | null }): CountedState {
  return { category: i.category, priority: i.priority, unresolved: i.resolvedAt == null };
}

function countedRow(r: Row): CountedState {
  return { category: r.category, priority: r.priority, unresolved: r.resolved_at === null };
}

/**
 * Text from outside (Alertmanager labels, API bodies, tickets) may carry lone UTF-16 surrogates
 * ("\ud800" in JSON): SQLite would store them as bytes that are not UTF-8. Every text column and
 * event text is mended here, at the one door into the incident tables (U+FFFD, as a decoder would).
 */
function mendSpec<T extends object>(spec: T): T {
  const out = { ...spec } as Record<string, unknown>;
  for (const [key, value] of Object.entries(out))
    if (typeof value === "string") out[key] = toWellFormedText(value);
  return out as T;
}

const mendText = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : toWellFormedText(text);

export class IncidentStore {
  private readonly insert: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly byKey: Database.Statement;
  private readonly latestOfSubject: Database.Statement;
  private readonly addEvent: Database.Statement;
  private readonly eventsOf: Database.Statement;
  private readonly updateExternal: Database.Statement;
  private readonly startedPage: Database.Statement;
  private readonly counts: OpenIncidentCounts;
  /** The payload transaction running or queued last: payloads are written one after the other. */
  private batchTail: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO incidents (source, source_key, subject, category, priority, title, target, started_at,
         acknowledged_at, acknowledged_by, resolved_at, resolved_by, updated_at)
       VALUES (@source, @sourceKey, @subject, @category, @priority, @title, @target, @startedAt,
         @acknowledgedAt, @acknowledgedBy, @resolvedAt, @resolvedBy, @updatedAt)`,
    );
    this.byId = db.prepare("SELECT * FROM incidents WHERE id = ?");
    this.byKey = db.prepare("SELECT * FROM incidents WHERE source = ? AND source_key = ?");
    this.latestOfSubject = db.prepare(
      "SELECT * FROM incidents WHERE source = ? AND subject = ? ORDER BY started_at DESC, id DESC LIMIT 1",
    );
    this.addEvent = db.prepare(
      "INSERT INTO incident_events (incident_id, ts, kind, actor, text) VALUES (?, ?, ?, ?, ?)",
    );
    this.eventsOf = db.prepare(
      "SELECT incident_id, ts, kind, actor, text FROM incident_events WHERE incident_id = ? ORDER BY ts, id",
    );
    this.updateExternal = db.prepare(
      `UPDATE incidents SET category = @category, priority = @priority, title = @title, target = @target,
         started_at = @startedAt, acknowledged_at = @acknowledgedAt, acknowledged_by = @acknowledgedBy,
         resolved_at = @resolvedAt, resolved_by = @resolvedBy, updated_at = @updatedAt WHERE id = @id`,
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

  open(rawSpec: NewIncident, rawActor: string, rawText?: string): StoredIncident {
    const spec = mendSpec(rawSpec);
    const actor = toWellFormedText(rawActor);
    const text = mendText(rawText);
    const incident = this.db.transaction(() => {
      const info = this.insert.run({
        ...spec,
        startedAt: spec.startedAt.getTime(),
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedAt: null,
        resolvedBy: null,
        updatedAt: spec.startedAt.getTime(),
      });
      const id = Number(info.lastInsertRowid);
      this.addEvent.run(id, spec.startedAt.getTime(), "open", actor, text ?? null);
      return this.get(id) as StoredIncident;
    })();
    this.counts.change(undefined, counted(incident));
    return incident;
  }

  /**
   * The first acknowledgement sets the response time; a later one only adds a note. Returns
   * whether this call was the first.
   */
  acknowledge(
    id: number,
    rawBy: string,
    at: Date,
    rawText?: string,
  ): { incident: StoredIncident; first: boolean } {
    const by = toWellFormedText(rawBy);
    const text = mendText(rawText);
    return this.db.transaction(() => {
      const incident = this.mustGet(id);
      const first = incident.acknowledgedAt === undefined;
      if (first) {
        this.db
          .prepare(
            "UPDATE incidents SET acknowledged_at = ?, acknowledged_by = ?, updated_at = ? WHERE id = ?",
          )
          .run(at.getTime(), by, at.getTime(), id);
      }
      this.addEvent.run(
        id,
        at.getTime(),
        first ? "ack" : "note",
        by,
        first ? (text ?? null) : `acknowledged again${text ? `: ${text}` : ""}`,
      );
      return { incident: this.mustGet(id), first };
    })();
  }

  /** Resolves an open incident; resolving a resolved one changes nothing (returns first false). */
  resolve(
    id: number,
    rawBy: string,
    at: Date,
    rawText?: string,
  ): { incident: StoredIncident; first: boolean } {
    const by = toWellFormedText(rawBy);
    const text = mendText(rawText);
    const result = this.db.transaction(() => {
      const incident = this.mustGet(id);
      if (incident.resolvedAt !== undefined) return { incident, first: false };
      this.db
        .prepare("UPDATE incidents SET resolved_at = ?, resolved_by = ?, updated_at = ? WHERE id = ?")
        .run(at.getTime(), by, at.getTime(), id);
      this.addEvent.run(id, at.getTime(), "resolve", by, text ?? null);
      return { incident: this.mustGet(id), first: true };
    })();
    if (result.first)
      this.counts.change({ ...counted(result.incident), unresolved: true }, counted(result.incident));
    return result;
  }

  /** A resolved incident failing again soon after (flapping): open again, same start and response. */
  reopen(id: number, rawActor: string, at: Date, rawText?: string): StoredIncident {
    const actor = toWellFormedText(rawActor);
    const text = mendText(rawText);
    const { before, incident } = this.db.transaction(() => {
      const before = counted(this.mustGet(id));
      this.db
        .prepare("UPDATE incidents SET resolved_at = NULL, resolved_by = NULL, updated_at = ? WHERE id = ?")
        .run(at.getTime(), id);
      this.addEvent.run(id, at.getTime(), "reopen", actor, text ?? null);
      return { before, incident: this.mustGet(id) };
    })();
    this.counts.change(before, counted(incident));
    return incident;
  }

  note(id: number, rawBy: string, at: Date, rawText: string): StoredIncident {
    const by = toWellFormedText(rawBy);
    const text = toWellFormedText(rawText);
    return this.db.transaction(() => {
      this.mustGet(id);
      this.addEvent.run(id, at.getTime(), "note", by, text);
      return this.mustGet(id);
    })();
  }

  /**
   * Runs `write` in one transaction (a savepoint inside one already open): a batch of ticket
   * upserts commits once instead of once per ticket — a 200 MB export is 1.4 million tickets.
   */
  inOneTransaction<T>(write: () => T): T {
    try {
      return this.db.transaction(write)();
    } catch (error) {
      // The counts were adjusted per upsert as if each had committed: recount after a rollback.
      this.counts.invalidate();
      throw error;
    }
  }

  /**
   * An incident as an outside source (Alertmanager, the helpdesk) describes it now: created the
   * first time, updated when something changed, left alone (no event) when nothing did — so a
   * re-delivery or a re-import changes nothing.
   */
  upsertExternal(
    spec: ExternalIncident,
    actor: string,
    now: Date,
    /**
     * Whether the source knows the first response (a helpdesk ticket does; Alertmanager does not:
     * there an operator's acknowledgement through the API or CLI is kept as it is).
     */
    ownsAcknowledgement = true,
  ): ExternalUpsert {
    const one = this.db.transaction(() => this.upsertOne(spec, actor, now, ownsAcknowledgement))();
    this.counts.change(one.before, one.after);
    return one.result;
  }

  /**
   * Many incidents as their source describes them (an Alertmanager payload), as upsertExternal
   * would take them one by one, in one transaction: all stored, or on any failure none. The
   * transaction is written a step of `stepMs` at a time with the event loop free in between — a
   * payload of 10,000 alerts is about a second of work, and /metrics and the probes' callbacks must
   * not wait for it. What other parts of the agent write during those pauses (a finished run's
   * samples, an operator's acknowledgement) goes through the same connection, so into the same
   * transaction, and commits with it. Payloads are written one after the other.
   */
  upsertExternalAll(
    specs: readonly ExternalIncident[],
    actor: string,
    now: Date,
    ownsAcknowledgement: boolean,
    stepMs = DEFAULT_STEP_MS,
  ): Promise<ExternalUpsert[]> {
    const write = () => this.writeAll(specs, actor, now, ownsAcknowledgement, stepMs);
    const run = this.batchTail.then(write, write);
    this.batchTail = run.catch(() => undefined);
    return run;
  }

  private async writeAll(
    specs: readonly ExternalIncident[],
    actor: string,
    now: Date,
    ownsAcknowledgement: boolean,
    stepMs: number,
  ): Promise<ExternalUpsert[]> {
    // IMMEDIATE: the write lock from the start, so no other connection commits while the payload
    // is written and the counts settled here stay the committed ones.
    this.db.exec("BEGIN IMMEDIATE");
    const results: ExternalUpsert[] = [];
    const changes: [CountedState | undefined, CountedState][] = [];
    try {
      this.counts.current();
      let next = 0;
      while (next < specs.length) {
        const deadline = performance.now() + stepMs;
        do {
          const one = this.upsertOne(specs[next] as ExternalIncident, actor, now, ownsAcknowledgement);
          results.push(one.result);
          changes.push([one.before, one.after]);
          next += 1;
        } while (next < specs.length && performance.now() < deadline);
        if (next < specs.length) {
          await yieldToLoop();
          // SQLite ends the whole transaction when a write fails with SQLITE_FULL or an I/O
          // error — possibly another part of the agent's write during the pause. Going on would
          // store the rest of the payload without the first part.
          if (!this.db.inTransaction)
            throw new Error(
              "the payload's transaction was rolled back by SQLite during a pause; nothing of it is stored",
            );
        }
      }
      this.db.exec("COMMIT");
    } catch (error) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      // Deltas other writers added during the pauses were rolled back too.
      this.counts.invalidate();
      throw error;
    }
    for (const [before, after] of changes) this.counts.change(before, after);
    return results;
  }

  /** One upsertExternal inside the caller's transaction, with the incident's counted state before and after. */
  private upsertOne(
    rawSpec: ExternalIncident,
    rawActor: string,
    now: Date,
    ownsAcknowledgement: boolean,
  ): { result: ExternalUpsert; before: CountedState | undefined; after: CountedState } {
    const spec = mendSpec(rawSpec);
    const actor = toWellFormedText(rawActor);
    const row = this.byKey.get(spec.source, spec.sourceKey) as Row | undefined;
    const ackAt = ownsAcknowledgement ? ms(spec.acknowledgedAt) : (row?.acknowledged_at ?? null);
    const ackBy = ownsAcknowledgement
      ? spec.acknowledgedAt === undefined
        ? null
        : (spec.acknowledgedBy ?? actor)
      : (row?.acknowledged_by ?? null);
    const values = {
      ...spec,
      startedAt: spec.startedAt.getTime(),
      acknowledgedAt: ackAt,
      acknowledgedBy: ackBy,
      resolvedAt: ms(spec.resolvedAt),
      resolvedBy: spec.resolvedAt === undefined ? null : (spec.resolvedBy ?? actor),
    };
    // The row as it is after this change, built here rather than read back (one query less per alert).
    const stored = (id: number): Row => ({
      id,
      source: spec.source,
      source_key: spec.sourceKey,
      subject: row?.subject ?? spec.subject,
      category: values.category,
      priority: values.priority,
      title: values.title,
      target: values.target,
      started_at: values.startedAt,
      acknowledged_at: values.acknowledgedAt,
      acknowledged_by: values.acknowledgedBy,
      resolved_at: values.resolvedAt,
      resolved_by: values.resolvedBy,
    });
    if (row === undefined) {
      const at = Math.max(values.startedAt, values.acknowledgedAt ?? 0, values.resolvedAt ?? 0);
      const id = Number(this.insert.run({ ...values, updatedAt: at }).lastInsertRowid);
      this.addEvent.run(id, values.startedAt, "open", actor, null);
      if (values.acknowledgedAt !== null)
        this.addEvent.run(id, values.acknowledgedAt, "ack", values.acknowledgedBy, null);
      if (values.resolvedAt !== null)
        this.addEvent.run(id, values.resolvedAt, "resolve", values.resolvedBy, null);
      const created = stored(id);
      return {
        result: { incident: toIncident(created), change: "created", resolvedNow: values.resolvedAt !== null },
        before: undefined,
        after: countedRow(created),
      };
    }
    const changed: string[] = [];
    const compare: [keyof Row, string | number | null][] = [
      ["category", values.category],
      ["priority", values.priority],
      ["title", values.title],
      ["target", values.target],
      ["started_at", values.startedAt],
      ["acknowledged_at", values.acknowledgedAt],
      ["resolved_at", values.resolvedAt],
    ];
    for (const [column, value] of compare) if (row[column] !== value) changed.push(column);
    if (changed.length === 0) {
      const same = countedRow(row);
      return {
        result: { incident: toIncident(row), change: "unchanged", resolvedNow: false },
        before: same,
        after: same,
      };
    }
    const at = now.getTime();
    this.updateExternal.run({ ...values, updatedAt: at, id: row.id });
    if (row.acknowledged_at === null && values.acknowledgedAt !== null) {
      this.addEvent.run(row.id, values.acknowledgedAt, "ack", values.acknowledgedBy, null);
    }
    if (row.resolved_at === null && values.resolvedAt !== null) {
      this.addEvent.run(row.id, values.resolvedAt, "resolve", values.resolvedBy, null);
    } else if (row.resolved_at !== null && values.resolvedAt === null) {
      this.addEvent.run(row.id, at, "reopen", actor, null);
    }
    this.addEvent.run(row.id, at, "update", actor, `changed: ${changed.join(", ")}`);
    const updated = stored(row.id);
    return {
      result: {
        incident: toIncident(updated),
        change: "updated",
        resolvedNow: row.resolved_at === null && values.resolvedAt !== null,
      },
      before: countedRow(row),
      after: countedRow(updated),
    };
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
    }) as Pick<Row, "id" | "category" | "priority" | "started_at" | "acknowledged_at" | "resolved_at">[];
    return rows.map((r) => ({
      id: r.id,
      category: r.category,
      priority: r.priority,
      startedAt: new Date(r.started_at),
      ...(r.acknowledged_at === null ? {} : { acknowledgedAt: new Date(r.acknowledged_at) }),
      ...(r.resolved_at === null ? {} : { resolvedAt: new Date(r.resolved_at) }),
    }));
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
    return (
      this.eventsOf.all(id) as {
        incident_id: number;
        ts: number;
        kind: IncidentEvent["kind"];
        actor: string;
        text: string | null;
      }[]
    ).map((e) => ({
      incidentId: e.incident_id,
      at: new Date(e.ts),
      kind: e.kind,
      actor: e.actor,
      ...(e.text === null ? {} : { text: e.text }),
    }));
  }

  private mustGet(id: number): StoredIncident {
    const incident = this.get(id);
    if (incident === undefined) throw new NoSuchIncidentError(id);
    return incident;
  }
}
