/**
 * The running agent's availability lookups, kept between refreshes. Every minute the agent
 * recomputes four windows (availability-report.ts) and the form's half-year and year (kpi-service.ts);
 * at 10,000 applications each computation read every target and series and summed up to a year
 * of daily rollups, and that held the event loop — and /metrics — for most of a second.
 *
 *  - The catalogue (series → application, first seen) only grows: it is read again when an
 *    application is missing from it (a new target) or when it is older than MAX_AGE_MS.
 *  - The sums of a range in the past (whole past days; the hours of an ended half-year's last
 *    day) change only when a late sample lands there (a run that began before midnight), so they
 *    are kept for MAX_AGE_MS once the range has ended SETTLE_MS ago. Those of the running day
 *    are reused only within RECENT_MS: the windows of one refresh ask for the same hours.
 *
 * One cache per store, shared by the availability report and the kpi metrics (their half-year
 * and year-to-date are the same sums). The CLI and the reports read the store directly.
 */
import type { Clock } from "../clock.js";
import type { SeriesCounts } from "../store/queries.js";
import type { SqliteStore } from "../store/sqlite.js";
import {
  AVAILABILITY_METRIC,
  availabilityCatalogue,
  type ApplicationSpec,
  type AvailabilityCatalogue,
  type AvailabilityLookups,
} from "./availability-store.js";

/** How long a cached catalogue or day sum is used before it is read again. */
export const MAX_AGE_MS = 10 * 60_000;
/** Sums of a range ending less than this before now are kept only RECENT_MS: samples still land. */
export const SETTLE_MS = 60 * 60_000;
/** How long the sums of a recent range are reused: the windows of one refresh ask for the same. */
export const RECENT_MS = 1_000;

interface Entry<T> {
  value: T;
  at: number;
}

export class AvailabilityCache implements AvailabilityLookups {
  private catalogueEntry: Entry<AvailabilityCatalogue> | undefined;
  private readonly sums = new Map<string, Entry<readonly SeriesCounts[]>>();

  constructor(
    private readonly store: SqliteStore,
    private readonly clock: Clock,
  ) {}

  catalogue(applications: readonly ApplicationSpec[]): AvailabilityCatalogue {
    const now = this.clock.now().getTime();
    const entry = this.catalogueEntry;
    if (entry !== undefined && this.fresh(entry, now) && covers(entry.value, applications))
      return entry.value;
    const value = availabilityCatalogue(this.store);
    this.catalogueEntry = { value, at: now };
    return value;
  }

  daySums(from: number, to: number): readonly SeriesCounts[] {
    return this.sum("day", from, to);
  }

  hourSums(from: number, to: number): readonly SeriesCounts[] {
    return this.sum("hour", from, to);
  }

  private sum(resolution: "day" | "hour", from: number, to: number): readonly SeriesCounts[] {
    const now = this.clock.now().getTime();
    const key = `${resolution}:${from}:${to}`;
    const entry = this.sums.get(key);
    if (entry !== undefined && this.fresh(entry, now, this.maxAge(to, now))) return entry.value;
    const value = this.store.sumRollupCounts({ resolution, from, to, metric: AVAILABILITY_METRIC });
    // Entries for other ranges are from earlier days (or windows no longer asked for): dropped.
    for (const [k, e] of this.sums) if (!this.fresh(e, now, MAX_AGE_MS)) this.sums.delete(k);
    this.sums.set(key, { value, at: now });
    return value;
  }

  /**
   * A range that ended at least SETTLE_MS ago is kept MAX_AGE_MS; one that ends later (the running
   * day, now) only RECENT_MS — enough for the windows of one refresh, which share it.
   */
  private maxAge(to: number, now: number): number {
    return now - to * 1000 >= SETTLE_MS ? MAX_AGE_MS : RECENT_MS;
  }

  /** Not older than maxAge, and not from the future (the clock stepped back). */
  private fresh(entry: Entry<unknown>, now: number, maxAge = MAX_AGE_MS): boolean {
    return now >= entry.at && now - entry.at < maxAge;
  }
}

/** Every application has a first-seen time and a series in the catalogue. */
function covers(catalogue: AvailabilityCatalogue, applications: readonly ApplicationSpec[]): boolean {
  const named = namesOf(catalogue);
  for (const app of applications) {
    if (!catalogue.firstSeen.has(app.application) || !named.has(app.application)) return false;
  }
  return true;
}

const seriesNames = new WeakMap<AvailabilityCatalogue, ReadonlySet<string>>();

function namesOf(catalogue: AvailabilityCatalogue): ReadonlySet<string> {
  let names = seriesNames.get(catalogue);
  if (names === undefined) seriesNames.set(catalogue, (names = new Set(catalogue.seriesOf.values())));
  return names;
}

const shared = new WeakMap<SqliteStore, AvailabilityCache>();

/** The one cache of a store (the agent's), made on first use. */
export function availabilityCacheFor(store: SqliteStore, clock: Clock): AvailabilityCache {
  let cache = shared.get(store);
  if (cache === undefined) shared.set(store, (cache = new AvailabilityCache(store, clock)));
  return cache;
}
