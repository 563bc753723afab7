/**
 * The agent's configuration: one YAML file, validated here. Unknown keys are errors everywhere
 * (a misspelt option must never silently fall back to a default). Durations are parsed to
 * milliseconds; secrets are references resolved at load time (see secret.ts). Rules that relate
 * several fields live in cross-checks.ts, so they are reported even when a field has an error.
 */
import * as z from "zod";
import { plugins } from "../collectors/index.js";
import { everyToCron, isValidCron } from "../agent/schedule-spec.js";
import { incidentsSchema } from "./incidents.js";
import { consoleSchema } from "./console.js";
import { reportSchema } from "./report.js";
import { backupSchema } from "./backup.js";
import { formExportSchema } from "../agent/form-export/config.js";
import { timeZoneSchema } from "./common.js";
import { duration } from "./duration.js";

const DAY = 86_400_000;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** "127.0.0.1:9464", "0.0.0.0:9464", "[::1]:9464" → host and port. */
const listenAddress = z.string().transform((text, ctx) => {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < 0 || port > 65535) {
    ctx.addIssue({ code: "custom", message: 'expected host:port like "127.0.0.1:9464" or "[::1]:9464"' });
    return z.NEVER;
  }
  return { host: (match[1] ?? match[2]) as string, port };
});

/** The options every collector instance has, around its plugin's own options. */
const commonCollectorOptions = {
  /** Instance name: the `collector` label in metrics, the key in the store. */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,62}$/, {
      message: "expected a name of lower-case letters, digits, '-' or '_', starting with a letter (max 63)",
    })
    .optional(),
  /** Run every this long ("30s", "1m", "5m"); must divide a minute, an hour or a day evenly. */
  every: duration({ min: 1000 })
    .refine((ms) => everyToCron(ms) !== undefined, {
      message:
        "expected a period that divides a minute, an hour or a day evenly (e.g. 15s, 1m, 5m, 1h); use cron: for others",
    })
    .optional(),
  /** Or a cron expression (5 fields, or 6 with seconds), in the agent's timezone. */
  cron: z
    .string()
    .refine(isValidCron, { message: 'expected a cron expression like "*/5 * * * *"' })
    .optional(),
  /** A run still going after this long is aborted and recorded as a timeout. */
  timeout: duration({ min: 100 }).prefault("30s"),
  /** Wait a random 0..jitter before each run, so many collectors do not all fire on the same second. */
  jitter: duration().prefault("0s"),
  enabled: z.boolean().default(true),
};

function collectorSchema<T extends string, S extends z.ZodObject>(type: T, options: S) {
  return z.object({ type: z.literal(type), ...commonCollectorOptions, ...options.shape }).strict();
}

const collectorEntry = z.discriminatedUnion(
  "type",
  Object.values(plugins).map((p) => collectorSchema(p.type, p.schema)) as unknown as [
    ReturnType<typeof collectorSchema>,
    ...ReturnType<typeof collectorSchema>[],
  ],
  {
    error: (issue) => {
      if (issue.code !== "invalid_union" || !issue.input || typeof issue.input !== "object") return undefined;
      const given = (issue.input as { type?: unknown }).type;
      const known = Object.keys(plugins).join(", ");
      return given === undefined
        ? `missing; every collector needs a type, one of: ${known}`
        : `unknown collector type ${JSON.stringify(given)}; expected one of: ${known}`;
    },
  },
);

/** An ISO 8601 time with its offset, e.g. "2026-12-05T22:00:00+08:00". */
const isoTime = z.string().transform((text, ctx) => {
  const ms = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({
      code: "custom",
      message: 'expected a time with its offset like "2026-12-05T22:00:00+08:00"',
    });
    return z.NEVER;
  }
  return new Date(ms);
});

/**
 * A maintenance window: one-off (start, end) or recurring (cron + duration, in `timezone`), for
 * every application or the named ones (target names). Samples inside are stored, marked, and left
 * out of availability.
 */
export const maintenanceWindow = z
  .object({
    name: z.string().min(1).max(100),
    applications: z.array(z.string().min(1)).min(1).optional(),
    cron: z
      .string()
      .refine(isValidCron, { message: 'expected a cron expression like "0 2 * * 6"' })
      .optional(),
    duration: duration({ min: 60_000, max: 31 * 86_400_000 }).optional(),
    start: isoTime.optional(),
    end: isoTime.optional(),
  })
  .strict()
  .superRefine((w, ctx) => {
    const recurring = w.cron !== undefined || w.duration !== undefined;
    const oneOff = w.start !== undefined || w.end !== undefined;
    if (recurring === oneOff) {
      ctx.addIssue({
        code: "custom",
        message: "give either cron: and duration: (recurring) or start: and end: (one-off)",
      });
    } else if (recurring && (w.cron === undefined || w.duration === undefined)) {
      ctx.addIssue({ code: "custom", message: "a recurring window needs both cron: and duration:" });
    } else if (oneOff && (w.start === undefined || w.end === undefined || w.end <= w.start)) {
      ctx.addIssue({
        code: "custom",
        path: ["end"],
        message: "a one-off window needs start: and an end: after it",
      });
    }
  });

const storeSchema = z
  .object({
    /** The SQLite file; default <data_dir>/ops-agent.db. */
    path: z.string().min(1).optional(),
    /** Raw samples are kept this long; reports and KPIs older than this read the rollups. */
    raw_retention: duration({ min: DAY }).prefault("35d"),
    /**
     * Hourly rollups are kept this long: a quarter, the monthly reports of the last three months at
     * hour detail. Older periods read the daily rollups (the form, the KPIs); a year of hourly rows
     * of every series would be most of the database.
     */
    hourly_retention: duration({ min: DAY }).prefault("93d"),
    /** Daily rollups: the form compares years, so at least two years are kept. */
    daily_retention: duration({ min: 730 * DAY }).prefault("1100d"),
    /** How often the retention runs. */
    retention_interval: duration({ min: 60_000 }).prefault("1h"),
    /** How long rollup increments may wait in memory before being written (queries flush them). */
    rollup_flush_interval: duration({ min: 1000, max: 3_600_000 }).prefault("10m"),
    /** PRAGMA integrity_check (full) or quick_check (quick) at start; "off" skips it. */
    integrity_check: z.enum(["full", "quick", "off"]).default("full"),
  })
  .strict();

export const configSchema = z
  .object({
    /** This agent's site label (machine room), attached to every metric: agents shard, Prometheus joins. */
    site: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: "expected letters, digits, '.', '_' or '-' (max 64)" })
      .default("default"),
    /** The centre's time zone: days, months, half-years and cron schedules follow it. */
    timezone: timeZoneSchema.default("Asia/Shanghai"),
    /** Where the database and generated reports live. */
    data_dir: z.string().min(1).default("./data"),
    /** The performance-target form's indicators (ops-agent targets import writes one from the form). */
    targets_file: z.string().min(1).default("config/targets-2026.yaml"),
    log: z
      .object({
        level: z.enum(LOG_LEVELS).default("info"),
        /** "auto": human-readable on a terminal, JSON otherwise. */
        format: z.enum(["auto", "json", "pretty"]).default("auto"),
      })
      .strict()
      .prefault({}),
    http: z
      .object({
        /** Address for /metrics and /healthz. Loopback by default: exposing it is a decision. */
        listen: listenAddress.prefault("127.0.0.1:9464"),
      })
      .strict()
      .prefault({}),
    store: storeSchema.prefault({}),
    /** On SIGTERM, runs in flight get this long to finish before they are aborted. */
    shutdown_grace: duration().prefault("30s"),
    /** /healthz reports a collector stale when its last good run is older than this many periods. */
    stale_after_periods: z.number().int().min(1).max(100).default(3),
    /** How availability is accounted (DESIGN.md): up ÷ (all − maintenance) per application. */
    availability: z
      .object({
        /** Count time without samples (agent down, collector failed) as down; default: report it as coverage. */
        unknown_as_down: z.boolean().default(false),
        /** Weights of applications (http target names) in the education-application mean; default 1 each. */
        weights: z.record(z.string(), z.number().positive()).default({}),
        /** How often the figures are recomputed from the rollups. */
        refresh: duration({ min: 10_000 }).prefault("1m"),
      })
      .strict()
      .prefault({}),
    /** Maintenance windows: samples inside are marked and left out of availability. */
    maintenance: z.array(maintenanceWindow).default([]),
    /** Incidents: probe-fault detection, SLA bounds, the incident API / Alertmanager token. */
    incidents: incidentsSchema.prefault({}),
    /** The monthly operations report (大平台月度运营报告): schedule, formats, where. */
    report: reportSchema.prefault({}),
    /** The half-year and year-end self-evaluation export (绩效自评表): schedule, formats, where. */
    form_export: formExportSchema.prefault({}),
    /** The scheduled backup of the database (ops-agent backup on a schedule): when, where, how many. */
    backup: backupSchema.prefault({}),
    /** The agent's own web console at / (users, roles, anonymous read). */
    console: consoleSchema.prefault({}),
    collectors: z.array(collectorEntry).default([]),
  })
  .strict();

export type MaintenanceWindowConfig = z.output<typeof maintenanceWindow>;
export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type CollectorConfig = Config["collectors"][number];
