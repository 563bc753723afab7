/**
 * The form evaluated for one period from the store: the shared entry point of `ops-agent kpi`,
 * the kpi metrics, the monthly report and the form export.
 */
import type { Config } from "../../config/schema.js";
import { loadTargets } from "../form/targets-file.js";
import type { Indicator } from "../form/types.js";
import { BucketCalendar } from "../store/buckets.js";
import type { SqliteStore } from "../store/sqlite.js";
import { evaluate, type IndicatorResult, type KpiStatus } from "./evaluate.js";
import { parseKpiPeriod, type KpiPeriod } from "./kpi-period.js";
import type { AvailabilityLookups } from "./availability-store.js";
import { Figures } from "../figures/index.js";

export interface KpiReport {
  period: KpiPeriod;
  results: IndicatorResult[];
}

/** How many rows of the form have each status (达成 N, 有风险 N…): the console's 总览 prints this tally. */
export function statusCounts(results: readonly IndicatorResult[]): Map<KpiStatus, number> {
  const counts = new Map<KpiStatus, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return counts;
}

export class TargetsFileError extends Error {
  constructor(
    readonly path: string,
    readonly errors: readonly string[],
  ) {
    super(`targets file ${path} is invalid:\n${errors.join("\n")}`);
    this.name = "TargetsFileError";
  }
}

/** The config's targets file, loaded and checked; throws TargetsFileError listing every problem. */
export function indicatorsOf(config: Config): Indicator[] {
  const loaded = loadTargets(config.targets_file);
  if (!loaded.ok) throw new TargetsFileError(config.targets_file, loaded.errors);
  return loaded.indicators;
}

/** "YYYY-MM" of a unix time in the calendar's time zone. */
export function monthLabel(ts: number, calendar: BucketCalendar): string {
  const local = new Date((ts + calendar.offsetAt(ts)) * 1000);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, "0")}`;
}

export function kpiReport(
  store: SqliteStore,
  config: Config,
  indicators: readonly Indicator[],
  periodText: string,
  now: Date,
  /** The running agent's availability cache (kpi-service.ts); others read the store. */
  lookups?: AvailabilityLookups,
): KpiReport | { error: string } {
  const calendar = new BucketCalendar(config.timezone);
  const period = parseKpiPeriod(periodText, now, calendar);
  if ("error" in period) return period;
  const results = evaluate({
    indicators,
    period,
    now,
    figures: new Figures({ store, config, ...(lookups === undefined ? {} : { lookups }) }),
    records: (key, from, to) => store.records.effective(key, from, to),
    monthOf: (ts) => monthLabel(ts, calendar),
  });
  return { period, results };
}
