/**
 * The Alertmanager receiver: the webhook payload (webhook_config, payload version "4", as the
 * Alertmanager configuration docs give it: https://prometheus.io/docs/alerting/latest/configuration/#webhook_config)
 * parsed strictly enough to refuse what is not one, each alert turned into an incident keyed by
 * its fingerprint and start. Re-deliveries (Alertmanager repeats a group every repeat_interval,
 * and after a restart) change nothing; a resolved alert resolves its incident at endsAt.
 */
import * as z from "zod";
import type { IncidentsConfig } from "../../config/incidents.js";
import type { ExternalIncident } from "../store/incident-store-types.js";
import { CATEGORIES, type Category, type Priority } from "./types.js";

const labels = z.record(z.string(), z.string());

/** Alerts in one payload at most (Alertmanager sends a whole group unless max_alerts is set). */
export const MAX_ALERTS = 10_000;

/**
 * The largest webhook body taken: 10,000 alerts with a handful of labels, a summary and a
 * generatorURL each are 5–8 MB; the agent's other APIs keep http.ts's 1 MiB.
 */
export const ALERTMANAGER_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** One alert of the payload, checked on its own (a payload of 10,000 is checked a step at a time). */
export const alertmanagerAlert = z.object({
  status: z.enum(["firing", "resolved"]),
  labels,
  annotations: labels.default(() => ({})),
  startsAt: z.iso.datetime({ offset: true }),
  /** "0001-01-01T00:00:00Z" while firing; the resolution time once resolved. */
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, "expected a hexadecimal fingerprint"),
});

export const alertmanagerPayload = z.object({
  version: z.literal("4"),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string().optional(),
  groupKey: z.string().optional(),
  alerts: z.array(alertmanagerAlert).max(MAX_ALERTS),
});

/** The payload around its alerts, which are then checked one by one with alertmanagerAlert. */
export const alertmanagerEnvelope = alertmanagerPayload.extend({ alerts: z.array(z.unknown()) });

export type AlertmanagerPayload = z.output<typeof alertmanagerPayload>;
export type AlertmanagerAlert = z.output<typeof alertmanagerAlert>;
type Alert = AlertmanagerAlert;

const MAX_TEXT = 200;

function bound(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
  // At most MAX_TEXT UTF-16 units is at most MAX_TEXT characters: no array of them to build (a
  // payload of 10,000 alerts built 20,000).
  if (clean.length <= MAX_TEXT) return clean;
  const chars = Array.from(clean);
  return chars.length <= MAX_TEXT ? clean : `${chars.slice(0, MAX_TEXT - 1).join("")}…`;
}

function categoryOf(a: Alert, config: IncidentsConfig["alertmanager"]): Category {
  const value = a.labels[config.category_label];
  if (value === undefined) return config.default_category;
  // Label values come from outside: only the map's own keys count ("constructor" is not one).
  if (Object.hasOwn(config.category_map, value)) return config.category_map[value] as Category;
  return (CATEGORIES as readonly string[]).includes(value) ? (value as Category) : config.default_category;
}

function priorityOf(a: Alert, config: IncidentsConfig["alertmanager"]): Priority {
  const value = a.labels[config.priority_label];
  if (value === undefined) return config.default_priority;
  if (Object.hasOwn(config.priority_map, value)) return config.priority_map[value] as Priority;
  return /^P[1-4]$/.test(value) ? (value as Priority) : config.default_priority;
}

/** The incident each alert describes. A resolved alert's endsAt is its resolution. */
export function incidentsFromPayload(
  payload: AlertmanagerPayload,
  config: IncidentsConfig["alertmanager"],
): ExternalIncident[] {
  return payload.alerts.map((a) => incidentFromAlert(a, config));
}

/** The incident one alert describes. */
export function incidentFromAlert(a: Alert, config: IncidentsConfig["alertmanager"]): ExternalIncident {
  const startedAt = new Date(a.startsAt);
  const name = a.labels.alertname ?? "alert";
  const ends = a.endsAt === undefined ? NaN : Date.parse(a.endsAt);
  const resolvedAt =
    a.status === "resolved"
      ? new Date(Number.isFinite(ends) && ends >= startedAt.getTime() ? ends : startedAt.getTime())
      : undefined;
  return {
    source: "alertmanager",
    sourceKey: `${a.fingerprint}|${startedAt.getTime()}`,
    subject: a.fingerprint,
    category: categoryOf(a, config),
    priority: priorityOf(a, config),
    title: bound(a.annotations.summary ?? a.annotations.description ?? name),
    target: bound(a.labels.instance ?? a.labels.target ?? a.labels.job ?? name),
    startedAt,
    ...(resolvedAt === undefined ? {} : { resolvedAt, resolvedBy: "alertmanager" }),
  };
}
