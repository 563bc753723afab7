/**
 * The incident HTTP API and the Alertmanager receiver. Both are off (404) until
 * `incidents.api_token` is configured; every request then needs `Authorization: Bearer <token>`,
 * compared in constant time (SHA-256 of both sides, so lengths never leak either). A request
 * without or with a wrong token is 401 and changes nothing; a body that is not JSON or not the
 * expected shape is 400 with the reason, and nothing is stored.
 *
 *   GET  /api/incidents?status=&category=&source=&limit=   list, newest first
 *   GET  /api/incidents/{id}                               one, with its events and SLA verdict
 *   POST /api/incidents/{id}/ack      {"by": "…", "note": "…"?}
 *   POST /api/incidents/{id}/resolve  {"by": "…", "note": "…"?}
 *   POST /api/incidents/{id}/note     {"by": "…", "text": "…"}
 *   GET  /api/timeliness?window=month|half_year|year_to_date
 *   POST /api/alertmanager            Alertmanager webhook payload (version 4), up to 10,000
 *                                     alerts, stored whole or not at all (alertmanager-ingest.ts)
 *
 * Times are ISO 8601 in the configured zone with its offset and milliseconds
 * ("2026-11-30T08:00:00.000+08:00"): what the operator compares with the console and the chat
 * message, and still the exact instant for a script (response_seconds is computed from it).
 */
import type { IncomingMessage } from "node:http";
import * as z from "zod";
import type { IncidentsConfig } from "../../config/incidents.js";
import { bearerGuard } from "../api-auth.js";
import type { Clock } from "../clock.js";
import { json, readBody, type HttpResponse, type PatternRoutes, type Routes } from "../http.js";
import { isoWithOffset } from "../local-time.js";
import type { Logger } from "../log.js";
import type { IncidentStore } from "../store/incident-store.js";
import { NoSuchIncidentError, type StoredIncident } from "../store/incident-store-types.js";
import { ALERTMANAGER_MAX_BODY_BYTES } from "./alertmanager.js";
import type { IngestOutcome } from "./alertmanager-ingest.js";
import { judgeResponse } from "./sla.js";
import { incidentTimeliness, type TimelinessWindow } from "./timeliness-report.js";
import { CATEGORIES, type IncidentEvent } from "./types.js";

export interface IncidentApiDeps {
  store: IncidentStore;
  config: () => IncidentsConfig;
  clock: Clock;
  log: Logger;
  timeZone: () => string;
  /** Called after a change an operator made (notifications, metrics). */
  changed: (kind: "open" | "ack" | "resolve", incident: StoredIncident, actor: string) => void;
  /**
   * An Alertmanager payload (the parsed body): refused, or stored whole with its changes told
   * (notifications) and the figures computed once, when the promise resolves.
   */
  alertmanager: (body: string) => Promise<IngestOutcome>;
}

const actor = z.string().trim().min(1).max(100);
const ackBody = z.object({ by: actor, note: z.string().max(2000).optional() }).strict();
const noteBody = z.object({ by: actor, text: z.string().trim().min(1).max(2000) }).strict();

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(body)"}: ${i.message}`)
    .join("; ");
}

async function jsonBody(request: IncomingMessage): Promise<{ value: unknown } | { error: string }> {
  const text = await readBody(request);
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: `body is not JSON: ${(err as Error).message}` };
  }
}

function iso(at: Date, timeZone: string): string {
  return isoWithOffset(at, timeZone, "milliseconds");
}

function view(incident: StoredIncident, config: IncidentsConfig, now: Date, timeZone: string) {
  const judged = judgeResponse(incident, config.sla, now);
  const at = (d: Date | undefined) => (d === undefined ? null : iso(d, timeZone));
  return {
    id: incident.id,
    source: incident.source,
    category: incident.category,
    priority: incident.priority,
    title: incident.title,
    target: incident.target,
    status: incident.status,
    started_at: iso(incident.startedAt, timeZone),
    acknowledged_at: at(incident.acknowledgedAt),
    acknowledged_by: incident.acknowledgedBy ?? null,
    resolved_at: at(incident.resolvedAt),
    resolved_by: incident.resolvedBy ?? null,
    response_seconds: judged.responseMs === undefined ? null : judged.responseMs / 1000,
    resolution_seconds: judged.resolutionMs === undefined ? null : judged.resolutionMs / 1000,
    sla_bound_seconds: judged.boundMs / 1000,
    sla: judged.verdict,
  };
}

function eventView(e: IncidentEvent, timeZone: string) {
  return { at: iso(e.at, timeZone), kind: e.kind, actor: e.actor, text: e.text ?? null };
}

export function incidentRoutes(deps: IncidentApiDeps): { routes: Routes; patterns: PatternRoutes } {
  const refuse = bearerGuard(() => deps.config().api_token, "incident API");

  const withId =
    (handle: (id: number, request: IncomingMessage) => Promise<HttpResponse> | HttpResponse) =>
    async (request: IncomingMessage, params: readonly string[]): Promise<HttpResponse> => {
      const refused = refuse(request);
      if (refused) return refused;
      const id = Number(params[0]);
      try {
        return await handle(id, request);
      } catch (err) {
        if (err instanceof NoSuchIncidentError) return json(404, { error: err.message });
        throw err;
      }
    };

  const change = (kind: "ack" | "resolve" | "note") =>
    withId(async (id, request) => {
      const body = await jsonBody(request);
      if ("error" in body) return json(400, { error: body.error });
      const parsed = (kind === "note" ? noteBody : ackBody).safeParse(body.value);
      if (!parsed.success) return json(400, { error: issues(parsed.error) });
      const now = deps.clock.now();
      const config = deps.config();
      const timeZone = deps.timeZone();
      const data = parsed.data as { by: string; note?: string; text?: string };
      if (kind === "note") {
        return json(200, view(deps.store.note(id, data.by, now, data.text as string), config, now, timeZone));
      }
      const result =
        kind === "ack"
          ? deps.store.acknowledge(id, data.by, now, data.note)
          : deps.store.resolve(id, data.by, now, data.note);
      if (result.first) deps.changed(kind, result.incident, data.by);
      return json(200, { ...view(result.incident, config, now, timeZone), changed: result.first });
    });

  const routes: Routes = {
    "/api/incidents": {
      GET: (request) => {
        const refused = refuse(request);
        if (refused) return refused;
        const q = new URL(request.url ?? "/", "http://agent").searchParams;
        const query = z
          .object({
            status: z.enum(["open", "acknowledged", "resolved", "unresolved"]).optional(),
            category: z.enum(CATEGORIES).optional(),
            source: z.enum(["probe", "alertmanager", "ticket"]).optional(),
            limit: z.coerce.number().int().min(1).max(10_000).default(500),
          })
          .safeParse(Object.fromEntries(q));
        if (!query.success) return json(400, { error: issues(query.error) });
        const now = deps.clock.now();
        const config = deps.config();
        const timeZone = deps.timeZone();
        return json(
          200,
          deps.store.list(query.data).map((i) => view(i, config, now, timeZone)),
        );
      },
    },
    "/api/timeliness": {
      GET: (request) => {
        const refused = refuse(request);
        if (refused) return refused;
        const window = new URL(request.url ?? "/", "http://agent").searchParams.get("window") ?? "month";
        if (!["month", "half_year", "year_to_date"].includes(window)) {
          return json(400, { error: `window: expected month, half_year or year_to_date, got "${window}"` });
        }
        return json(
          200,
          incidentTimeliness(
            deps.store,
            deps.config().sla,
            deps.clock.now(),
            deps.timeZone(),
            window as TimelinessWindow,
          ),
        );
      },
    },
    "/api/alertmanager": {
      POST: async (request) => {
        const refused = refuse(request);
        if (refused) return refused;
        // Parsed there, in steps: JSON.parse of 10,000 alerts at once would hold the event loop.
        const outcome = await deps.alertmanager(await readBody(request, ALERTMANAGER_MAX_BODY_BYTES));
        if ("refused" in outcome) return json(400, { error: outcome.refused });
        return json(200, outcome.counts);
      },
    },
  };

  const patterns: PatternRoutes = [
    {
      pattern: /^\/api\/incidents\/(\d{1,15})$/,
      route: {
        GET: withId((id) => {
          const incident = deps.store.get(id);
          if (incident === undefined) throw new NoSuchIncidentError(id);
          const now = deps.clock.now();
          const timeZone = deps.timeZone();
          return json(200, {
            ...view(incident, deps.config(), now, timeZone),
            events: deps.store.events(id).map((e) => eventView(e, timeZone)),
          });
        }),
      },
    },
    { pattern: /^\/api\/incidents\/(\d{1,15})\/ack$/, route: { POST: change("ack") } },
    { pattern: /^\/api\/incidents\/(\d{1,15})\/resolve$/, route: { POST: change("resolve") } },
    { pattern: /^\/api\/incidents\/(\d{1,15})\/note$/, route: { POST: change("note") } },
  ];
  return { routes, patterns };
}
