/**
 * Incidents and their event log in the store: the changes (open, acknowledge, resolve, reopen,
 * note, the external upserts); the reads are in incident-queries.ts, which this class extends.
 * Every change is one transaction that updates the incident row and appends its event, so the log
 * and the row never disagree. The first acknowledgement is the response time and is never
 * overwritten; later ones are notes.
 *
 * A whole Alertmanager payload (up to 10,000 alerts) is one transaction too, written a step at a
 * time with the event loop free in between (upsertExternalAll). The unresolved counts /metrics
 * shows are kept beside the table (incident-counts.ts), so a scrape never reads it.
 */
import type Database from "better-sqlite3";
import { performance } from "node:perf_hooks";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { toWellFormedText } from "../well-formed-text.js";
import type { CountedState } from "./incident-counts.js";
import { IncidentQueries } from "./incident-queries.js";
import { counted, countedRow, ms, toIncident, type Row } from "./incident-rows.js";
import type {
  ExternalIncident,
  ExternalUpsert,
  NewIncident,
  StoredIncident,
} from "./incident-store-types.js";
import { mendSpec, mendText } from "./mend-incident-text.js";

/** How long one step of a payload's transaction may hold the event loop, by default. */
const DEFAULT_STEP_MS = 5;

export class IncidentStore extends IncidentQueries {
  private readonly insert: Database.Statement;
  private readonly byKey: Database.Statement;
  private readonly addEvent: Database.Statement;
  private readonly updateExternal: Database.Statement;
  /** The payload transaction running or queued last: payloads are written one after the other. */
  private batchTail: Promise<unknown> = Promise.resolve();

  constructor(db: Database.Database) {
    super(db);
    this.insert = db.prepare(
      `INSERT INTO incidents (source, source_key, subject, category, priority, title, target, started_at,
         acknowledged_at, acknowledged_by, resolved_at, resolved_by, updated_at)
       VALUES (@source, @sourceKey, @subject, @category, @priority, @title, @target, @startedAt,
         @acknowledgedAt, @acknowledgedBy, @resolvedAt, @resolvedBy, @updatedAt)`,
    );
    this.byKey = db.prepare("SELECT * FROM incidents WHERE source = ? AND source_key = ?");
    this.addEvent = db.prepare(
      "INSERT INTO incident_events (incident_id, ts, kind, actor, text) VALUES (?, ?, ?, ?, ?)",
    );
    this.updateExternal = db.prepare(
      `UPDATE incidents SET category = @category, priority = @priority, title = @title, target = @target,
         started_at = @startedAt, acknowledged_at = @acknowledgedAt, acknowledged_by = @acknowledgedBy,
         resolved_at = @resolvedAt, resolved_by = @resolvedBy, updated_at = @updatedAt WHERE id = @id`,
    );
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
}
