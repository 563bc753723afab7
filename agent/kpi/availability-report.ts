/**
 * The availability figures the agent exports: per application and window (day, month, half-year,
 * year to date), with data coverage and the error budget left against the full-year target, and
 * the education-application availability (mean over the applications). Recomputed from the
 * rollups on a timer, not per scrape: a year-to-date figure costs a rollup query.
 */
import type { Config } from "../../config/schema.js";
import type { Clock } from "../clock.js";
import { availabilityFigure } from "../figures/availability.js";
import type { SqliteStore } from "../store/sqlite.js";
import { errorBudget } from "./availability.js";
import { availabilityCacheFor } from "./availability-cache.js";
import { applicationsOf } from "./availability-store.js";
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
    /** The running config: the applications, weights and policy come from it via the read model. */
    private readonly config: () => Config,
  ) {}

  get current(): AvailabilitySnapshot {
    return this.snapshot;
  }

  /** Every window's figures from the read model (agent/figures/availability.ts), as the KPI reads them. */
  refresh(): AvailabilitySnapshot {
    const config = this.config();
    const now = this.clock.now();
    const figures: AvailabilityFigure[] = [];
    const overall: AvailabilitySnapshot["overall"] = [];
    // The catalogue and past days' sums from the agent's cache (availability-cache.ts).
    const ctx = {
      store: this.store,
      config,
      lookups: availabilityCacheFor(this.store, this.clock),
      applications: applicationsOf(config),
    };
    const policy = { unknownAsDown: config.availability.unknown_as_down };
    for (const window of WINDOWS) {
      const period = periodAt(window, now, this.store.calendar);
      const figure = availabilityFigure(ctx, period);
      if (figure.specs.length === 0) break;
      // Each application's interval by name (a search of the list per figure was quadratic:
      // seconds of blocked event loop at 10,000 applications).
      const intervalOf = new Map(figure.specs.map((app) => [app.application, app.intervalSeconds]));
      for (const a of figure.applications) {
        const entry: AvailabilityFigure = {
          application: a.application,
          window,
          ratio: a.ratio,
          coverage: a.coverage,
        };
        if (window === "year_to_date")
          entry.budgetLeftMinutes = errorBudget(
            FULL_YEAR_TARGET,
            period.end - period.from,
            intervalOf.get(a.application) ?? 60,
            a,
            policy,
          ).leftMinutes;
        figures.push(entry);
      }
      overall.push({ window, ratio: figure.value });
    }
    this.snapshot = { figures, overall };
    return this.snapshot;
  }
}
