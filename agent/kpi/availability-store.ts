/**
 * Availability of the applications over a period, read from the rollups: daily rows for the
 * period's whole days, hourly rows for the day still running — never raw samples, so a year to
 * date is a few hundred rows per application.
 */
import type { Config } from "../../config/schema.js";
import { nominalPeriodMs } from "../schedule-spec.js";
import type { SqliteStore } from "../store/sqlite.js";
import { emptyCells, type RollupCells } from "../store/rollups.js";
import {
  applicationAvailability,
  type ApplicationAvailability,
  type AvailabilityPolicy,
} from "./availability.js";
import type { Period } from "./periods.js";

export interface ApplicationSpec {
  /** The target name of the application (its http probe target). */
  application: string;
  /** The probe interval: one expected sample per interval. */
  intervalSeconds: number;
}

export const AVAILABILITY_METRIC = "http_probe_up";

/** The applications the form counts: every target of the enabled http collectors, at their schedule's period. */
export function applicationsOf(config: Config): ApplicationSpec[] {
  const out: ApplicationSpec[] = [];
  for (const c of config.collectors) {
    if (c.type !== "http" || !c.enabled) continue;
    const periodMs = nominalPeriodMs(
      c.cron !== undefined ? { cron: c.cron } : { every: c.every ?? 60_000 },
      config.timezone,
    );
    // The config union is built from the plugin registry, so narrow by the http plugin's shape.
    for (const t of (c as unknown as { targets: { name: string; every?: number }[] }).targets) {
      // A target with its own every is probed on the collector's runs, the first one at or after it.
      const every = t.every === undefined ? periodMs : Math.ceil(t.every / periodMs - 0.5) * periodMs;
      out.push({ application: t.name, intervalSeconds: Math.max(periodMs, every) / 1000 });
    }
  }
  return out;
}

export function availabilityForPeriod(
  store: SqliteStore,
  period: Period,
  applications: readonly ApplicationSpec[],
  policy: AvailabilityPolicy,
): ApplicationAvailability[] {
  const today = store.calendar.dayStart(Math.max(period.from, period.to - 1));
  // Summed per series inside SQLite: whole days from the daily rollups, the running day hourly.
  const rows = [
    ...store.sumRollupCounts({
      resolution: "day",
      from: period.from,
      to: Math.max(period.from, today),
      metric: AVAILABILITY_METRIC,
    }),
    ...store.sumRollupCounts({
      resolution: "hour",
      from: Math.max(period.from, today),
      to: period.to,
      metric: AVAILABILITY_METRIC,
    }),
  ].map((r) => ({ ...emptyCells(), ...r }));
  const seriesOf = new Map<number, string>();
  for (const s of store.listSeries(AVAILABILITY_METRIC)) seriesOf.set(s.seriesId, s.targetName);
  const firstSeen = new Map(
    store.listTargets().map((t) => [t.name, Math.floor(t.firstSeen.getTime() / 1000)]),
  );
  const byApplication = new Map<string, RollupCells[]>();
  for (const row of rows) {
    const name = seriesOf.get(row.seriesId);
    if (name === undefined) continue;
    let list = byApplication.get(name);
    if (!list) byApplication.set(name, (list = []));
    list.push(row);
  }
  return applications.map((app) => {
    // An application first seen during the period is expected from then on, not before.
    const since = Math.max(period.from, firstSeen.get(app.application) ?? period.to);
    const expected = Math.max(0, Math.floor((period.to - since) / app.intervalSeconds));
    return applicationAvailability(
      app.application,
      byApplication.get(app.application) ?? [],
      expected,
      policy,
    );
  });
}
