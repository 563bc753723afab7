/**
 * /healthz: is the agent doing its job? The database must take a write, and every enabled
 * collector must have had a good run recently — within `stale_after_periods` of its schedule's
 * period (plus its timeout), counted from the agent's start for one that has not run yet.
 * Times are ISO 8601 in the configured zone with its offset and milliseconds
 * ("2026-06-01T18:00:00.000+08:00"): the local time the person checking the agent reads, the exact
 * instant for a monitor's script.
 */
import { isoWithOffset } from "./local-time.js";
import type { CollectorStatus } from "./recorder.js";

export interface CollectorHealthInput {
  name: string;
  periodMs: number;
  timeoutMs: number;
  status: CollectorStatus | undefined;
}

export interface CollectorHealth {
  name: string;
  healthy: boolean;
  last_status: string;
  last_success: string | null;
  last_success_age_seconds: number | null;
  stale_after_seconds: number;
  last_error?: string;
}

export interface HealthReport {
  status: "ok" | "unhealthy";
  time: string;
  started: string;
  database: { writable: boolean; error?: string; size_bytes?: number };
  collectors: CollectorHealth[];
}

export interface HealthInput {
  now: Date;
  startedAt: Date;
  /** The agent's `timezone`, for the times in the report. */
  timeZone: string;
  staleAfterPeriods: number;
  collectors: readonly CollectorHealthInput[];
  /** Throws when the database does not take a write. */
  probeDatabase: () => void;
  databaseSizeBytes: () => number | undefined;
}

export function computeHealth(input: HealthInput): HealthReport {
  const iso = (at: Date) => isoWithOffset(at, input.timeZone, "milliseconds");
  let database: HealthReport["database"];
  try {
    input.probeDatabase();
    const size = input.databaseSizeBytes();
    database = { writable: true, ...(size === undefined ? {} : { size_bytes: size }) };
  } catch (error) {
    database = { writable: false, error: (error as Error).message };
  }
  const collectors = input.collectors.map((c): CollectorHealth => {
    const staleAfterMs = input.staleAfterPeriods * c.periodMs + c.timeoutMs;
    const lastSuccess = c.status?.lastSuccessAt;
    const reference = lastSuccess ?? input.startedAt;
    // A reference in the future (the clock stepped back) counts as age 0, not as a head start.
    const healthy = Math.max(0, input.now.getTime() - reference.getTime()) <= staleAfterMs;
    return {
      name: c.name,
      healthy,
      last_status: c.status?.lastStatus ?? "not run yet",
      last_success: lastSuccess === undefined ? null : iso(lastSuccess),
      // Never negative: after the clock steps back, the last success is "just now", not in the future.
      last_success_age_seconds: lastSuccess
        ? Math.max(0, Math.round((input.now.getTime() - lastSuccess.getTime()) / 1000))
        : null,
      stale_after_seconds: Math.round(staleAfterMs / 1000),
      ...(c.status?.lastError === undefined ? {} : { last_error: c.status.lastError }),
    };
  });
  const ok = database.writable && collectors.every((c) => c.healthy);
  return {
    status: ok ? "ok" : "unhealthy",
    time: iso(input.now),
    started: iso(input.startedAt),
    database,
    collectors,
  };
}
