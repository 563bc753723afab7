/**
 * The measurements behind the form's automatic indicators, read from the store for a period:
 * availability (DESIGN.md), the VM count and antivirus coverage from their rollups, fault
 * response timeliness from the incidents, and the monthly reports the agent generated. Each comes
 * with its data coverage and a sentence saying how it was computed.
 */
import type { Config } from "../../config/schema.js";
import { timeliness } from "../incidents/sla.js";
import type { Category } from "../incidents/types.js";
import type { SqliteStore } from "../store/sqlite.js";
import { overallAvailability } from "./availability.js";
import { applicationsOf, availabilityForPeriod, type AvailabilityLookups } from "./availability-store.js";

export interface Measured<V> {
  value: V | null;
  /** 0–1: how much of the period the measurement covers; null when coverage has no meaning. */
  coverage: number | null;
  how: string;
  /** The computation behind `value` as numbers (the form export's 佐证 sheet); `how` in figures. */
  evidence?: Evidence;
}

/**
 * The figures behind a measurement: value = numerator ÷ denominator (denominator null for a
 * plain count or level, e.g. VMs in scope). `unit` says what is counted; `parts` gives the
 * per-application fractions when the value is a (weighted) mean of fractions.
 */
export interface Evidence {
  numerator: number;
  denominator: number | null;
  unit: string;
  parts?: { label: string; numerator: number; denominator: number; unit: string }[];
}

export interface KpiSources {
  availability(from: number, to: number): Measured<number>;
  vmCount(from: number, to: number): Measured<number>;
  antivirusCoverage(from: number, to: number): Measured<number>;
  /** value: the period is timely (及时); share in `how`. */
  faultTimeliness(category: Category, from: number, to: number, asOf: Date): Measured<boolean>;
  /** Distinct months with a generated monthly report, between two YYYY-MM labels (inclusive). */
  monthlyReports(fromMonth: string, toMonth: string): Measured<number>;
}

/** Months from one YYYY-MM label to another, inclusive ("2026-01" … "2026-06" → 6); 0 when reversed. */
export function monthsBetween(fromMonth: string, toMonth: string): number {
  const index = (label: string) => Number(label.slice(0, 4)) * 12 + Number(label.slice(5, 7)) - 1;
  return Math.max(0, index(toMonth) - index(fromMonth) + 1);
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

export class StoreKpiSources implements KpiSources {
  constructor(
    private readonly store: SqliteStore,
    private readonly config: Config,
    /** The running agent's cache; the CLI and the reports read the store directly. */
    private readonly lookups?: AvailabilityLookups,
  ) {}

  availability(from: number, to: number): Measured<number> {
    const apps = applicationsOf(this.config);
    if (apps.length === 0)
      return { value: null, coverage: null, how: "no http collector targets configured" };
    const results = availabilityForPeriod(
      this.store,
      { kind: "year_to_date", from, to, end: to },
      apps,
      { unknownAsDown: this.config.availability.unknown_as_down },
      this.lookups,
    );
    const value = overallAvailability(results, this.config.availability.weights);
    const coverage = results.reduce((sum, r) => sum + r.coverage, 0) / results.length;
    const up = results.reduce((s, r) => s + r.up, 0);
    const down = results.reduce((s, r) => s + r.down, 0);
    const maintenance = results.reduce((s, r) => s + r.maintenance, 0);
    const unknownAsDown = this.config.availability.unknown_as_down;
    const judgedOf = (r: (typeof results)[number]) => r.up + r.down + (unknownAsDown ? r.unknown : 0);
    const weighted = results.filter((r) => r.ratio !== null);
    const weightOf = (application: string) => this.config.availability.weights[application] ?? 1;
    const evidence: Evidence = {
      numerator: weighted.reduce((s, r) => s + (r.ratio as number) * weightOf(r.application), 0),
      denominator: weighted.reduce((s, r) => s + weightOf(r.application), 0),
      unit: "weighted application ratios",
      parts: results.map((r) => ({
        label: r.application,
        numerator: r.up,
        denominator: judgedOf(r),
        unit: "samples",
      })),
    };
    return {
      value,
      coverage,
      evidence,
      how:
        `mean over ${results.length} applications of up ÷ (all − maintenance) samples ` +
        `(${up} up, ${down} down, ${maintenance} in maintenance; DESIGN.md, Availability)`,
    };
  }

  vmCount(from: number, to: number): Measured<number> {
    const series = this.dailySeries("vms_in_scope", from, to);
    if (series.days === 0) return { value: null, coverage: 0, how: "no VM inventory samples in the period" };
    return {
      value: series.lastSum,
      coverage: series.days / series.daysInPeriod,
      evidence: { numerator: series.lastSum, denominator: null, unit: "VMs in scope" },
      how:
        `VMs in scope in the last inventory of the period (sum over ${series.seriesCount} inventory source(s)); ` +
        `lowest ${series.min}, highest ${series.max} in the period`,
    };
  }

  antivirusCoverage(from: number, to: number): Measured<number> {
    const series = this.dailySeries("antivirus_coverage_ratio", from, to);
    if (series.days === 0 || series.count === 0) {
      return {
        value: null,
        coverage: 0,
        how: "no antivirus coverage samples in the period (source unknown)",
      };
    }
    const mean = series.sum / series.count;
    return {
      value: mean,
      coverage: series.days / series.daysInPeriod,
      evidence: {
        numerator: series.sum,
        denominator: series.count,
        unit: "coverage measurements (sum of ratios)",
      },
      how:
        `mean of ${series.count} coverage measurements (protected running VMs ÷ running VMs in scope); ` +
        `lowest ${pct(series.min)}`,
    };
  }

  faultTimeliness(category: Category, from: number, to: number, asOf: Date): Measured<boolean> {
    const incidents = this.store.incidents.list({ to: new Date(to * 1000) });
    const [row] = timeliness(
      incidents,
      this.config.incidents.sla,
      new Date(from * 1000),
      new Date(to * 1000),
      asOf,
    ).filter((t) => t.category === category);
    if (row === undefined) return { value: null, coverage: null, how: "no timeliness figure" };
    const bound = `${(this.config.incidents.sla.timely_share * 100).toFixed(0)}%`;
    return {
      value: row.timely,
      coverage: null,
      evidence: {
        numerator: row.within,
        denominator: row.within + row.late,
        unit: `${category} faults within SLA`,
      },
      how: row.noData
        ? `no ${category} faults decided in the period (${row.pending} pending): timely, no data behind it`
        : `${row.within} of ${row.within + row.late} ${category} faults answered within SLA ` +
          `(${pct(row.share ?? 0)}, timely at ≥ ${bound}; ${row.pending} pending; DESIGN.md, Fault response timeliness)`,
    };
  }

  monthlyReports(fromMonth: string, toMonth: string): Measured<number> {
    const months = this.store.reports.periods("monthly_report", fromMonth, toMonth);
    return {
      value: months.length,
      coverage: null,
      evidence: {
        numerator: months.length,
        denominator: monthsBetween(fromMonth, toMonth),
        unit: "months with a report",
      },
      how: `monthly operations reports generated for ${months.length === 0 ? "no month" : months.join(", ")}`,
    };
  }

  /** Per-day rollups of one metric over [from, to): count, sum, min, max, and the last day's last values. */
  private dailySeries(metric: string, from: number, to: number) {
    const rows = this.store.queryRollups({ resolution: "day", from, to, metric });
    const days = new Set<number>();
    let sum = 0;
    let count = 0;
    let min = Infinity;
    let max = -Infinity;
    const lastBySeries = new Map<number, { bucket: number; last: number }>();
    for (const r of rows) {
      if (r.nValue === 0) continue;
      days.add(r.bucket);
      sum += r.sum ?? 0;
      count += r.nValue;
      if (r.min !== null) min = Math.min(min, r.min);
      if (r.max !== null) max = Math.max(max, r.max);
      const known = lastBySeries.get(r.seriesId);
      if (r.last !== null && (known === undefined || r.bucket > known.bucket)) {
        lastBySeries.set(r.seriesId, { bucket: r.bucket, last: r.last });
      }
    }
    // The latest day of any series: sources that stopped reporting earlier are not summed in.
    const lastDay = Math.max(...[...lastBySeries.values()].map((v) => v.bucket));
    const lastSum = [...lastBySeries.values()]
      .filter((v) => v.bucket === lastDay)
      .reduce((s, v) => s + v.last, 0);
    return {
      days: days.size,
      daysInPeriod: Math.max(1, Math.ceil((to - from) / 86_400)),
      seriesCount: lastBySeries.size,
      sum,
      count,
      min,
      max,
      lastSum,
    };
  }
}
