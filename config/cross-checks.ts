/**
 * Rules that relate several fields. They read the raw YAML (not the parsed config) so they are
 * reported together with every other error, even when some field elsewhere is invalid — a person
 * fixing a config should see all of its problems at once.
 */
import { formatDuration, parseDuration } from "./duration.js";
import { targetIntervalMs } from "../collectors/shared/due.js";

const DEFAULT_RAW_RETENTION = "35d";
const DEFAULT_HOURLY_RETENTION = "93d";

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function crossFieldErrors(input: unknown): string[] {
  const root = record(input);
  if (!root) return [];
  const errors: string[] = [];
  const collectors = Array.isArray(root.collectors) ? root.collectors : [];
  const seen = new Map<string, number>();
  collectors.forEach((raw, index) => {
    const collector = record(raw);
    if (!collector) return;
    if (collector.every !== undefined && collector.cron !== undefined) {
      errors.push(`collectors[${index}].cron: give either every: or cron:, not both`);
    }
    errors.push(...targetIntervalErrors(collector, index));
    const name = collector.name ?? collector.type;
    if (typeof name !== "string") return;
    const first = seen.get(name);
    if (first !== undefined) {
      errors.push(
        `collectors[${index}].name: duplicate collector name "${name}" (also collectors[${first}]); give each instance its own name:`,
      );
    } else seen.set(name, index);
  });
  errors.push(...managementWebErrors(collectors));
  const store = record(root.store) ?? {};
  const rawText = store.raw_retention ?? DEFAULT_RAW_RETENTION;
  const hourlyText = store.hourly_retention ?? DEFAULT_HOURLY_RETENTION;
  const raw = typeof rawText === "string" ? parseDuration(rawText) : undefined;
  const hourly = typeof hourlyText === "string" ? parseDuration(hourlyText) : undefined;
  if (raw !== undefined && hourly !== undefined && hourly < raw) {
    errors.push(
      `store.hourly_retention: ${formatDuration(hourly)} is shorter than store.raw_retention (${formatDuration(raw)}); ` +
        "rollups must outlive the raw samples they summarise",
    );
  }
  return errors;
}

/**
 * A target's own `every` is served by the collector's runs, so it must be a multiple of the
 * collector's every (a cron schedule has no fixed period to check against: its runs serve it as
 * they come).
 */
function targetIntervalErrors(collector: Record<string, unknown>, index: number): string[] {
  const targets = Array.isArray(collector.targets) ? collector.targets : [];
  const periodText = collector.every ?? (collector.cron === undefined ? "60s" : undefined);
  const period = typeof periodText === "string" ? parseDuration(periodText) : undefined;
  if (period === undefined) return [];
  const errors: string[] = [];
  targets.forEach((raw, t) => {
    const every = record(raw)?.every;
    const ms = typeof every === "string" ? parseDuration(every) : undefined;
    if (ms === undefined) return;
    if (targetIntervalMs(period, ms) !== ms) {
      errors.push(
        `collectors[${index}].targets[${t}].every: ${every} is not a multiple of the collector's every (${formatDuration(period)}); ` +
          `the target is probed on the collector's runs: use e.g. ${formatDuration(period * Math.max(2, Math.round(ms / period)))}`,
      );
    }
  });
  return errors;
}

/** A videoconf system's management_web must name a configured http collector and one of its targets. */
function managementWebErrors(collectors: readonly unknown[]): string[] {
  const httpTargets = new Map<string, string[]>();
  for (const raw of collectors) {
    const c = record(raw);
    if (c?.type !== "http") continue;
    const name = typeof c.name === "string" ? c.name : "http";
    const targets = Array.isArray(c.targets) ? c.targets : [];
    httpTargets.set(
      name,
      targets.map((t) => record(t)?.name).filter((n): n is string => typeof n === "string"),
    );
  }
  const errors: string[] = [];
  collectors.forEach((raw, index) => {
    const c = record(raw);
    if (c?.type !== "videoconf" || !Array.isArray(c.systems)) return;
    c.systems.forEach((rawSystem, s) => {
      const web = record(record(rawSystem)?.management_web);
      if (!web || typeof web.collector !== "string" || typeof web.target !== "string") return;
      const path = `collectors[${index}].systems[${s}].management_web`;
      const targets = httpTargets.get(web.collector);
      if (targets === undefined) {
        const known = [...httpTargets.keys()];
        errors.push(
          `${path}.collector: no http collector named "${web.collector}"${known.length > 0 ? ` (http collectors: ${known.join(", ")})` : "; add one that probes the management web"}`,
        );
      } else if (!targets.includes(web.target)) {
        errors.push(
          `${path}.target: http collector "${web.collector}" has no target "${web.target}" (its targets: ${targets.join(", ")})`,
        );
      }
    });
  });
  return errors;
}
