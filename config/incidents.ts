/**
 * The `incidents:` section: how the agent's own probes open and resolve incidents, the SLA
 * bounds that make a fault response timely, the token that turns the incident API and the
 * Alertmanager receiver on, and how Alertmanager labels map onto category and priority.
 */
import * as z from "zod";
import { CATEGORIES, PRIORITIES } from "../agent/incidents/types.js";
import { notificationsConfig } from "../agent/notify/config.js";
import { ticketsConfig } from "../agent/tickets/config.js";
import { duration } from "./duration.js";
import { secretRef } from "./secret.js";

const category = z.enum(CATEGORIES);
const priority = z.enum(PRIORITIES);

/** Response-time bounds per priority (first acknowledgement − start). */
const responseBounds = z
  .object({
    P1: duration({ min: 60_000 }).optional(),
    P2: duration({ min: 60_000 }).optional(),
    P3: duration({ min: 60_000 }).optional(),
    P4: duration({ min: 60_000 }).optional(),
  })
  .strict();

/** Which probe faults open incidents, and as what: the first rule matching a target applies. */
const detectionRule = z
  .object({
    /** Collector instance name; any when left out. */
    collector: z.string().min(1).optional(),
    /** Target name; any when left out. */
    target: z.string().min(1).optional(),
    /** Target kind (application, mcu, videoconf-system, endpoint, host, vm, …); any when left out. */
    kind: z.string().min(1).optional(),
    /** false: these targets never open incidents. */
    enabled: z.boolean().default(true),
    category: category.optional(),
    priority: priority.optional(),
    open_after: z.number().int().min(1).max(1000).optional(),
    resolve_after: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const incidentsSchema = z
  .object({
    /** Open incidents from the agent's own probes. */
    detect: z.boolean().default(true),
    /** Consecutive failed probes of a target that open an incident (its start = the first of them). */
    open_after: z.number().int().min(1).max(1000).default(3),
    /** Consecutive good probes that resolve it (its end = the first of them). */
    resolve_after: z.number().int().min(1).max(1000).default(2),
    /** Flapping damping: failing again this soon after resolving reopens the same incident. 0s: never. */
    reopen_within: duration({ min: 0, max: 7 * 86_400_000 }).prefault("15m"),
    /** Target kinds that never open incidents: school meeting rooms are switched off after class. */
    ignore_kinds: z.array(z.string().min(1)).default(() => ["endpoint"]),
    rules: z.array(detectionRule).default(() => []),
    sla: z
      .object({
        /** Response bounds per priority; the defaults are the centre's helpdesk commitments. */
        response: responseBounds.prefault({}).transform((r) => ({
          P1: r.P1 ?? 15 * 60_000,
          P2: r.P2 ?? 30 * 60_000,
          P3: r.P3 ?? 2 * 3_600_000,
          P4: r.P4 ?? 8 * 3_600_000,
        })),
        /** Per-category overrides, e.g. { videoconf: { P1: 10m } }. */
        categories: z.partialRecord(category, responseBounds).default(() => ({})),
        /** A period is timely (及时) when at least this share of its faults was answered within the bound. */
        timely_share: z.number().min(0).max(1).default(0.95),
      })
      .strict()
      .prefault({}),
    /**
     * Bearer token for the incident API and the Alertmanager receiver (a secret reference). Without
     * it both are off: 404, nothing accepted.
     */
    api_token: secretRef().optional(),
    alertmanager: z
      .object({
        /** The alert label giving the category (its value one of the categories, or mapped below). */
        category_label: z.string().min(1).default("category"),
        category_map: z.record(z.string(), category).default(() => ({})),
        default_category: category.default("machine_room"),
        /** The alert label giving the priority, and how its values map (severity: critical → P1, …). */
        priority_label: z.string().min(1).default("severity"),
        priority_map: z
          .record(z.string(), priority)
          .default((): Record<string, "P1" | "P2" | "P3" | "P4"> => ({
            critical: "P1",
            page: "P1",
            error: "P2",
            major: "P2",
            warning: "P3",
            minor: "P3",
            info: "P4",
          })),
        default_priority: priority.default("P3"),
      })
      .strict()
      .prefault({}),
    /** The helpdesk's tickets: `ops-agent tickets import FILE` and the optional periodic pull. */
    tickets: ticketsConfig.optional(),
    /** Chat robots and webhooks told when an incident opens, is acknowledged and is resolved. */
    notifications: notificationsConfig.prefault({}),
  })
  .strict();

export type IncidentsConfig = z.output<typeof incidentsSchema>;
export type DetectionRule = z.output<typeof detectionRule>;
