/**
 * Generic webhook: POST application/json
 *   { "event": "open"|"ack"|"resolve", "at": ISO time, "actor"?: name,
 *     "incident": { id, source, source_key, category, category_name, priority, title, target,
 *                   status, started_at, acknowledged_at?, acknowledged_by?, resolved_at?, resolved_by? },
 *     "text": the formatted message }
 * `ops-agent notify test` sends { "event": "test", "at", "text" } (no incident).
 * Any 2xx is success. This shape is ours (no outside document); it is the one the centre's
 * helpdesk bridge reads, and the same text the robots get. Times are ISO 8601 in the configured
 * zone with its offset and milliseconds ("2026-11-30T08:05:00.000+08:00"): the local time a person
 * reading the body compares with the message, the exact instant for a script.
 */
import type { HttpAnswer } from "../../../collectors/shared/request.js";
import { CATEGORY_NAMES } from "../../incidents/types.js";
import { isoWithOffset } from "../../local-time.js";
import { cleanText, LIMITS } from "../message.js";
import { checkStatus, JSON_HEADERS, type ChannelDriver, type ChannelPayload } from "./common.js";

export function webhookBody(payload: ChannelPayload, now: Date, timeZone: string): Record<string, unknown> {
  const iso = (at: Date) => isoWithOffset(at, timeZone, "milliseconds");
  const { event } = payload;
  if (event === undefined) return { event: "test", at: iso(now), text: payload.text };
  const i = event.incident;
  const incident: Record<string, unknown> = {
    id: i.id,
    source: i.source,
    source_key: cleanText(i.sourceKey, LIMITS.sourceKey),
    category: i.category,
    category_name: CATEGORY_NAMES[i.category],
    priority: i.priority,
    title: cleanText(i.title, LIMITS.title),
    target: cleanText(i.target, LIMITS.target),
    status: i.status,
    started_at: iso(i.startedAt),
  };
  if (i.acknowledgedAt !== undefined) incident.acknowledged_at = iso(i.acknowledgedAt);
  if (i.acknowledgedBy !== undefined) incident.acknowledged_by = cleanText(i.acknowledgedBy, LIMITS.actor);
  if (i.resolvedAt !== undefined) incident.resolved_at = iso(i.resolvedAt);
  if (i.resolvedBy !== undefined) incident.resolved_by = cleanText(i.resolvedBy, LIMITS.actor);
  const body: Record<string, unknown> = { event: event.kind, at: iso(event.at) };
  if (event.actor !== undefined) body.actor = cleanText(event.actor, LIMITS.actor);
  body.incident = incident;
  body.text = payload.text;
  return body;
}

export function webhookChannel(url: string, timeZone: string): ChannelDriver {
  return {
    build: (payload, now) => ({
      url: new URL(url),
      headers: { ...JSON_HEADERS },
      body: JSON.stringify(webhookBody(payload, now, timeZone)),
    }),
    check: (answer: HttpAnswer) => checkStatus(answer),
  };
}
