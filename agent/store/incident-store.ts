/**
 * Incidents and their event log in the store. Every change is one transaction that updates the
 * incident row and appends its event, so the log and the row never disagree. The first
 * acknowledgement is the response time and is never overwritten; later ones are notes.
 */
import type Database from "better-sqlite3";
import type {
  Category,
  Incident,
  IncidentEvent,
  IncidentSource,
  IncidentStatus,
  Priority,
} from "../incidents/types.js";

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

export class IncidentStore {
  private readonly insert: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly byKey: Database.Statement;
  private readonly latestOfSubject: Database.Statement;
  private readonly addEvent: Database.Statement;
  private readonly eventsOf: Database.Statement;

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

  open(spec: NewIncident, actor: string, text?: string): StoredIncident {
    return this.db.transaction(() => {
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
  }

  /**
   * The first acknowledgement sets the response time; a later one only adds a note. Returns
   * whether this call was the first.
   */
  acknowledge(id: number, by: string, at: Date, text?: string): { incident: StoredIncident; first: boolean } {
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
  resolve(id: number, by: string, at: Date, text?: string): { incident: StoredIncident; first: boolean } {
    return this.db.transaction(() => {
      const incident = this.mustGet(id);
      if (incident.resolvedAt !== undefined) return { incident, first: false };
      this.db
        .prepare("UPDATE incidents SET resolved_at = ?, resolved_by = ?, updated_at = ? WHERE id = ?")
        .run(at.getTime(), by, at.getTime(), id);
      this.addEvent.run(id, at.getTime(), "resolve", by, text ?? null);
      return { incident: this.mustGet(id), first: true };
    })();
  }

  /** A resolved incident failing again soon after (flapping): open again, same start and response. */
  reopen(id: number, actor: string, at: Date, text?: string): StoredIncident {
    return this.db.transaction(() => {
      this.mustGet(id);
      this.db
        .prepare("UPDATE incidents SET resolved_at = NULL, resolved_by = NULL, updated_at = ? WHERE id = ?")
        .run(at.getTime(), id);
      this.addEvent.run(id, at.getTime(), "reopen", actor, text ?? null);
      return this.mustGet(id);
    })();
  }

  note(id: number, by: string, at: Date, text: string): StoredIncident {
    return this.db.transaction(() => {
      this.mustGet(id);
      this.addEvent.run(id, at.getTime(), "note", by, text);
      return this.mustGet(id);
    })();
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
  ): { incident: StoredIncident; change: "created" | "updated" | "unchanged"; resolvedNow: boolean } {
    return this.db.transaction(() => {
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
      if (row === undefined) {
        const at = Math.max(values.startedAt, values.acknowledgedAt ?? 0, values.resolvedAt ?? 0);
        const id = Number(this.insert.run({ ...values, updatedAt: at }).lastInsertRowid);
        this.addEvent.run(id, values.startedAt, "open", actor, null);
        if (values.acknowledgedAt !== null)
          this.addEvent.run(id, values.acknowledgedAt, "ack", values.acknowledgedBy, null);
        if (values.resolvedAt !== null)
          this.addEvent.run(id, values.resolvedAt, "resolve", values.resolvedBy, null);
        return {
          incident: this.get(id) as StoredIncident,
          change: "created" as const,
          resolvedNow: values.resolvedAt !== null,
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
        return { incident: toIncident(row), change: "unchanged" as const, resolvedNow: false };
      }
      const at = now.getTime();
      this.db
        .prepare(
          `UPDATE incidents SET category = @category, priority = @priority, title = @title, target = @target,
             started_at = @startedAt, acknowledged_at = @acknowledgedAt, acknowledged_by = @acknowledgedBy,
             resolved_at = @resolvedAt, resolved_by = @resolvedBy, updated_at = @updatedAt WHERE id = @id`,
        )
        .run({ ...values, updatedAt: at, id: row.id });
      if (row.acknowledged_at === null && values.acknowledgedAt !== null) {
        this.addEvent.run(row.id, values.acknowledgedAt, "ack", values.acknowledgedBy, null);
      }
      if (row.resolved_at === null && values.resolvedAt !== null) {
        this.addEvent.run(row.id, values.resolvedAt, "resolve", values.resolvedBy, null);
      } else if (row.resolved_at !== null && values.resolvedAt === null) {
        this.addEvent.run(row.id, at, "reopen", actor, null);
      }
      this.addEvent.run(row.id, at, "update", actor, `changed: ${changed.join(", ")}`);
      return {
        incident: this.get(row.id) as StoredIncident,
        change: "updated" as const,
        resolvedNow: row.resolved_at === null && values.resolvedAt !== null,
      };
    })();
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
