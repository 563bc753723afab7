/**
 * The availability figures the agent exports: per application and window (day, month, half-year,
 * year to date), with data coverage and the error budget left against the full-year target, and
 * the education-application availability (mean over the applications). Recomputed from the
 * rollups on a timer, not per scrape: a year-to-date figure costs a rollup query.
 */
import type { Clock } from "../clock.js";
import type { SqliteStore } from "../store/sqlite.js";
import { errorBudget, overallAvailability, type AvailabilityPolicy } from "./availability.js";
import { availabilityCacheFor } from "./availability-cache.js";
import { availabilityForPeriod, type ApplicationSpec } from "./availability-store.js";
import { periodAt, type PeriodKind } from "./periods.js";

export const WINDOWS: readonly PeriodKind[] = ["day", "month", "half_year", "year_to_date"];

/** The form's full-year value for 教育应用运行可用率 (≥95%): the error budget is measured against it. */
export const FULL_YEAR_TARGET = 0.95;

export interface AvailabilityFigure {
  application: string;
  window: PeriodKind;
  ratio: number | null;
  coverage: number;
  /** Year to date only: minutes of down time the full-year target still allows. */
  budgetLeftMinutes?: number;
}

export interface AvailabilitySnapshot {
  figures: AvailabilityFigure[];
  overall: { window: PeriodKind; ratio: number | null }[];
}

export class AvailabilityReport {
  private snapshot: AvailabilitySnapshot = { figures: [], overall: [] };

  constructor(
    private readonly store: SqliteStore,
    private readonly clock: Clock,
    private readonly applications: () => readonly ApplicationSpec[],
    private readonly policy: () => AvailabilityPolicy & { weights: Readonly<Record<string, number>> },
  ) {}

  get current(): AvailabilitySnapshot {
    return this.snapshot;
  }

  refresh(): AvailabilitySnapshot {
    const apps = this.applications();
    const policy = this.policy();
    const now = this.clock.now();
    const figures: AvailabilityFigure[] = [];
    const overall: AvailabilitySnapshot["overall"] = [];
    if (apps.length > 0) {
      // The catalogue and past days' sums from the agent's cache (availability-cache.ts), and each
      // application's interval by name (a search of the list per figure was quadratic: seconds of
      // blocked event loop at 10,000 applications).
      const lookups = availabilityCacheFor(this.store, this.clock);
      const intervalOf = new Map<string, number>();
      for (const app of apps) intervalOf.set(app.application, app.intervalSeconds);
      for (const window of WINDOWS) {
        const period = periodAt(window, now, this.store.calendar);
        const results = availabilityForPeriod(this.store, period, apps, policy, lookups);
        for (const a of results) {
          const figure: AvailabilityFigure = {
            application: a.application,
            window,
            ratio: a.ratio,
            coverage: a.coverage,
          };
          if (window === "year_to_date")
            figure.budgetLeftMinutes = errorBudget(
              FULL_YEAR_TARGET,
              period.end - period.from,
              intervalOf.get(a.application) ?? 60,
              a,
              policy,
            ).leftMinutes;
          figures.push(figure);
        }
        overall.push({ window, ratio: overallAvailability(results, policy.weights) });
      }
    }
    this.snapshot = { figures, overall };
    return this.snapshot;
  }
}
