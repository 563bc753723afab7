/**
 * Helpdesk tickets into incidents: one incident per ticket id (source "ticket"), its category,
 * priority, creation (the start), first response (the acknowledgement) and resolution as the
 * helpdesk recorded them. Importing the same export again updates changed tickets and leaves the
 * rest alone; the store keeps an event for every change.
 */
import type { IncidentStore } from "../store/incident-store.js";
import type { StoredIncident } from "../store/incident-store-types.js";
import type { Ticket } from "../tickets/ticket.js";

export interface TicketImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export function importTickets(
  store: IncidentStore,
  tickets: readonly Ticket[],
  actor: string,
  now: Date,
  changed: (kind: "open" | "resolve", incident: StoredIncident) => void = () => undefined,
): TicketImportCounts {
  const counts: TicketImportCounts = { created: 0, updated: 0, unchanged: 0 };
  const told: { kind: "open" | "resolve"; incident: StoredIncident }[] = [];
  // One commit for the batch; the changes are told once it is stored.
  store.inOneTransaction(() => {
    for (const t of tickets) importOne(t);
  });
  for (const t of told) changed(t.kind, t.incident);
  return counts;

  function importOne(t: Ticket): void {
    const result = store.upsertExternal(
      {
        source: "ticket",
        sourceKey: t.id,
        subject: t.id,
        category: t.category,
        priority: t.priority,
        title: t.title ?? `ticket ${t.id}`,
        target: t.id,
        startedAt: t.createdAt,
        ...(t.firstResponseAt === undefined
          ? {}
          : { acknowledgedAt: t.firstResponseAt, acknowledgedBy: "helpdesk" }),
        ...(t.resolvedAt === undefined ? {} : { resolvedAt: t.resolvedAt, resolvedBy: "helpdesk" }),
      },
      actor,
      now,
    );
    counts[result.change] += 1;
    if (result.change === "created") told.push({ kind: "open", incident: result.incident });
    if (result.resolvedNow) told.push({ kind: "resolve", incident: result.incident });
  }
}
