/**
 * The incidents and incident_events tables' rows as SQLite gives them (snake_case, ms numbers,
 * NULLs) and their translation into the store's objects, in one place so the reads and the
 * changes build an incident from a row the same way.
 */
import type { Category, IncidentEvent, IncidentSource, Priority } from "../incidents/types.js";
import type { CountedState } from "./incident-counts.js";
import type { IncidentTimes, StoredIncident } from "./incident-store-types.js";

export interface Row {
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

/** The columns the response-time figures read (timesStartedBetween), nothing more. */
export type TimesRow = Pick<
  Row,
  "id" | "category" | "priority" | "started_at" | "acknowledged_at" | "resolved_at"
>;

export interface EventRow {
  incident_id: number;
  ts: number;
  kind: IncidentEvent["kind"];
  actor: string;
  text: string | null;
}

export function toIncident(r: Row): StoredIncident {
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

export function toIncidentTimes(r: TimesRow): IncidentTimes {
  return {
    id: r.id,
    category: r.category,
    priority: r.priority,
    startedAt: new Date(r.started_at),
    ...(r.acknowledged_at === null ? {} : { acknowledgedAt: new Date(r.acknowledged_at) }),
    ...(r.resolved_at === null ? {} : { resolvedAt: new Date(r.resolved_at) }),
  };
}

export function toEvent(e: EventRow): IncidentEvent {
  return {
    incidentId: e.incident_id,
    at: new Date(e.ts),
    kind: e.kind,
    actor: e.actor,
    ...(e.text === null ? {} : { text: e.text }),
  };
}

/** A Date as the ms number (or NULL) its column holds. */
export const ms = (d: Date | undefined): number | null => (d === undefined ? null : d.getTime());

/** What the unresolved counts (incident-counts.ts) track of an incident. */
export function counted(i: {
  category: Category;
  priority: Priority;
  resolvedAt?: Date | null;
}): CountedState {
  return { category: i.category, priority: i.priority, unresolved: i.resolvedAt == null };
}

/** What the unresolved counts track of a row, without building the incident first. */
export function countedRow(r: Row): CountedState {
  return { category: r.category, priority: r.priority, unresolved: r.resolved_at === null };
}
