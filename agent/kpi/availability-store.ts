/**
 * Availability of the applications over a period, read from the rollups: daily rows for the
 * period's whole days, hourly rows for the day still running — never raw samples, so a year to
 * date is a few hundred rows per application.
 */
import type { Config } from "../../config/schema.js";
import { pluginFor } from "../../collectors/index.js";
import { HTTP_AVAILABILITY_METRIC } from "../../collectors/http/availability.js";
import { targetIntervalMs } from "../../collectors/shared/due.js";
import { nominalPeriodMs } from "../schedule-spec.js";
import type { SqliteStore } from "../store/sqlite.js";
import type { SeriesCounts } from "../store/queries.js";
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

/** The probe metric the availability figure counts (the http plugin's, typed from its metric map). */
export const AVAILABILITY_METRIC = HTTP_AVAILABILITY_METRIC;

/**
 * The applications the form counts: the targets each enabled collector's plugin declares as
 * counted (CollectorPlugin.availability), at the interval they are really probed at.
 */
export function applicationsOf(config: Config): ApplicationSpec[] {
  const out: ApplicationSpec[] = [];
  for (const c of config.collectors) {
    const source = pluginFor(c.type)?.availability;
    if (source === undefined || !c.enabled) continue;
    const periodMs = nominalPeriodMs(
      c.cron !== undefined ? { cron: c.cron } : { every: c.every ?? 60_000 },
      config.timezone,
    );
    for (const t of source.applications(c, config.http.listen)) {
      out.push({ application: t.name, intervalSeconds: targetIntervalMs(periodMs, t.every) / 1000 });
    }
  }
  return out;
}

/**
 * What availabilityForPeriod needs from the catalogue besides the period's rollup sums: which
 * application each http_probe_up series belongs to, and when each application was first seen.
 */
export interface AvailabilityCatalogue {
  seriesOf: ReadonlyMap<number, string>;
  /** Unix seconds. */
  firstSeen: ReadonlyMap<string, number>;
}

/**
 * Where availabilityForPeriod reads the catalogue and the daily sums: straight from the store by
 * default; the running agent passes a cache (availability-cache.ts), since at 10,000
 * applications reading every target and series and summing a year of daily rows, several times
 * a minute, was most of the time its refreshes held the event loop.
 */
export interface AvailabilityLookups {
  catalogue(applications: readonly ApplicationSpec[]): AvailabilityCatalogue;
  /** Per series, the daily rollups' counts over [from, to) (whole days). */
  daySums(from: number, to: number): readonly SeriesCounts[];
  /** Per series, the hourly rollups' counts over [from, to) (the running day). */
  hourSums(from: number, to: number): readonly SeriesCounts[];
}

export function availabilityCatalogue(store: SqliteStore): AvailabilityCatalogue {
  const seriesOf = new Map<number, string>();
  for (const s of store.listSeries(AVAILABILITY_METRIC)) seriesOf.set(s.seriesId, s.targetName);
  const firstSeen = new Map<string, number>();
  for (const t of store.listTargets()) firstSeen.set(t.name, Math.floor(t.firstSeen.getTime() / 1000));
  return { seriesOf, firstSeen };
}

/** The lookups read from the store each time (the CLI, the reports). */
export function storeLookups(store: SqliteStore): AvailabilityLookups {
  return {
    catalogue: () => availabilityCatalogue(store),
    daySums: (from, to) =>
      store.sumRollupCounts({ resolution: "day", from, to, metric: AVAILABILITY_METRIC }),
    hourSums: (from, to) =>
      store.sumRollupCounts({ resolution: "hour", from, to, metric: AVAILABILITY_METRIC }),
  };
}

export function availabilityForPeriod(
  store: SqliteStore,
  period: Period,
  applications: readonly ApplicationSpec[],
  policy: AvailabilityPolicy,
  lookups: AvailabilityLookups = storeLookups(store),
): ApplicationAvailability[] {
  const today = store.calendar.dayStart(Math.max(period.from, period.to - 1));
  // Summed per series inside SQLite: whole days from the daily rollups, the running day hourly.
  const rows = [
    ...lookups.daySums(period.from, Math.max(period.from, today)),
    ...lookups.hourSums(Math.max(period.from, today), period.to),
  ];
  const catalogue = lookups.catalogue(applications);
  const { seriesOf, firstSeen } = catalogue;
  const byApplication = new Map<string, SeriesCounts[]>();
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
