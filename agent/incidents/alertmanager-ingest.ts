/**
 * One Alertmanager webhook payload, from the body's text to stored incidents, without holding
 * the event loop: a payload may carry 10,000 alerts (one alert group in a storm), and parsing,
 * checking and storing them is about a second of work. The body is taken apart a step at a time
 * (webhook-json.ts), the alerts are parsed, checked and turned into incidents a step at a time, then stored in one transaction, also a step at a time (IncidentStore.upsertExternalAll):
 * a payload is stored whole or, when anything fails, not at all — Alertmanager then sends it again.
 *
 * opsagent_alertmanager_alerts_pending counts the alerts of payloads received and not yet stored or
 * refused: what an alert storm has queued in the agent.
 */
import { performance } from "node:perf_hooks";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { Gauge, type Registry } from "prom-client";
import type * as z from "zod";
import type { IncidentsConfig } from "../../config/incidents.js";
import type { IncidentStore } from "../store/incident-store.js";
import type { ExternalIncident, ExternalUpsert } from "../store/incident-store-types.js";
import { alertmanagerAlert, alertmanagerEnvelope, incidentFromAlert, MAX_ALERTS } from "./alertmanager.js";
import { parseWebhookBody } from "./webhook-json.js";

/** How long one step may hold the event loop. */
const STEP_MS = 5;
/** Problems named in a refusal at most (the first ones, in the order of the alerts). */
const MAX_PROBLEMS = 10;

/** What refuses a payload: the body is not JSON, or not a version 4 payload (with the reasons). */
const NOT_A_PAYLOAD = "not an Alertmanager webhook payload (version 4): ";

export type IngestOutcome =
  /** The whole message for the 400. */
  | { refused: string }
  | {
      status: "firing" | "resolved";
      results: ExternalUpsert[];
      counts: { created: number; updated: number; unchanged: number };
    };

function describe(issues: readonly z.core.$ZodIssue[], prefix: (string | number)[] = []): string[] {
  return issues.map((i) => {
    const path = [...prefix, ...i.path.map((p) => String(p))];
    return `${path.length > 0 ? path.join(".") : "(body)"}: ${i.message}`;
  });
}

export class AlertmanagerIngest {
  private readonly pending: Gauge;

  constructor(
    registry: Registry,
    private readonly store: IncidentStore,
    private readonly config: () => IncidentsConfig["alertmanager"],
  ) {
    this.pending = new Gauge({
      name: "opsagent_alertmanager_alerts_pending",
      help: "Alerts of Alertmanager webhook payloads received and not yet stored or refused.",
      registers: [registry],
    });
  }

  /** A webhook body: refused with the reasons, or stored whole. */
  async ingest(text: string, now: Date): Promise<IngestOutcome> {
    const parsed = await parseWebhookBody(text, STEP_MS);
    if ("error" in parsed) return { refused: parsed.error };
    const envelope = alertmanagerEnvelope.safeParse(parsed.body.envelope);
    if (!envelope.success)
      return { refused: NOT_A_PAYLOAD + describe(envelope.error.issues).slice(0, MAX_PROBLEMS).join("; ") };
    // The envelope was parsed with its alerts array left empty; the alerts are the pieces.
    const alerts = parsed.body.alerts ?? envelope.data.alerts;
    if (alerts.length > MAX_ALERTS) {
      return {
        refused: `${NOT_A_PAYLOAD}alerts: ${alerts.length} alerts, at most ${MAX_ALERTS} in one payload`,
      };
    }
    this.pending.inc(alerts.length);
    try {
      const specs = await this.incidentsOf(alerts);
      if ("refused" in specs) return specs;
      const results = await this.store.upsertExternalAll(specs, "alertmanager", now, false);
      const counts = { created: 0, updated: 0, unchanged: 0 };
      for (const r of results) counts[r.change] += 1;
      return { status: envelope.data.status, results, counts };
    } finally {
      this.pending.dec(alerts.length);
    }
  }

  /**
   * Each alert (a piece of the body's text, or already parsed) parsed, checked and turned into its
   * incident, a step at a time; any problem refuses the payload.
   */
  private async incidentsOf(alerts: readonly unknown[]): Promise<ExternalIncident[] | { refused: string }> {
    const config = this.config();
    const specs: ExternalIncident[] = [];
    const problems: string[] = [];
    let deadline = performance.now() + STEP_MS;
    for (let i = 0; i < alerts.length; i++) {
      let value = alerts[i];
      if (typeof value === "string") {
        try {
          value = JSON.parse(value) as unknown;
        } catch (error) {
          return { refused: `body is not JSON: alerts.${i}: ${(error as Error).message}` };
        }
      }
      const parsed = alertmanagerAlert.safeParse(value);
      if (!parsed.success) {
        problems.push(...describe(parsed.error.issues, ["alerts", i]));
        if (problems.length >= MAX_PROBLEMS) break;
      } else if (problems.length === 0) specs.push(incidentFromAlert(parsed.data, config));
      if (performance.now() >= deadline) {
        await yieldToLoop();
        deadline = performance.now() + STEP_MS;
      }
    }
    if (problems.length > 0) return { refused: NOT_A_PAYLOAD + problems.slice(0, MAX_PROBLEMS).join("; ") };
    return specs;
  }
}
