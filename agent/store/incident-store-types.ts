/**
 * What the incident store takes and gives back, and its one error: kept apart from the store so
 * its reads (incident-queries.ts) and its changes (incident-store.ts) share them without importing
 * each other.
 */
import type { Category, Incident, IncidentSource, IncidentStatus, Priority } from "../incidents/types.js";

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
