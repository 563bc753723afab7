/**
 * Availability accounting, exactly as DESIGN.md writes it:
 *  - per application: up samples ÷ (samples − samples inside maintenance windows);
 *  - time without samples (agent down, collector failed) is unknown: not up, not down, reported
 *    as data coverage (observed ÷ expected samples); a policy switch counts it as down instead;
 *  - the education-application availability: the mean over the applications (weights optional).
 * Pure functions over rollup rows; the caller picks the rows of the period.
 */
import type { RollupCells } from "../store/rollups.js";

/** The rule in words, printed under every availability figure (DESIGN.md, Availability). */
export const ACCOUNTING_RULE =
  "availability = up samples ÷ (all samples − samples inside maintenance windows), per application; " +
  "the education-application figure is the mean over the applications (weights from availability.weights); " +
  "time without samples (agent down, collector failed) is unknown: shown as coverage, not counted up or down" +
  " (availability.unknown_as_down counts it as down).";

export interface AvailabilityPolicy {
  /** Count time with no samples as down (default false: it is reported as coverage). */
  unknownAsDown: boolean;
}

export interface ApplicationAvailability {
  application: string;
  up: number;
  down: number;
  maintenance: number;
  /** Samples the schedule should have produced in the period so far. */
  expected: number;
  /** Samples missing (agent down, collector failed): expected − all samples, never below 0. */
  unknown: number;
  /** All samples ÷ expected, 0–1. */
  coverage: number;
  /** null when nothing outside maintenance was observed (and unknown time is not counted as down). */
  ratio: number | null;
}

export function applicationAvailability(
  application: string,
  rows: readonly Pick<RollupCells, "nUp" | "nDown" | "nMaint">[],
  expected: number,
  policy: AvailabilityPolicy,
): ApplicationAvailability {
  let up = 0;
  let down = 0;
  let maintenance = 0;
  for (const r of rows) {
    up += r.nUp;
    down += r.nDown;
    maintenance += r.nMaint;
  }
  const observed = up + down + maintenance;
  const unknown = Math.max(0, expected - observed);
  const judged = up + down + (policy.unknownAsDown ? unknown : 0);
  return {
    application,
    up,
    down,
    maintenance,
    expected,
    unknown,
    coverage: expected > 0 ? Math.min(1, observed / expected) : 0,
    ratio: judged > 0 ? up / judged : null,
  };
}

/**
 * The mean over applications with a figure (weights default to 1). null when none has one.
 * An application without a figure is left out and named by the caller (its coverage is 0).
 */
export function overallAvailability(
  apps: readonly ApplicationAvailability[],
  weights: Readonly<Record<string, number>> = {},
): number | null {
  let sum = 0;
  let weight = 0;
  for (const a of apps) {
    if (a.ratio === null) continue;
    const w = weights[a.application] ?? 1;
    sum += a.ratio * w;
    weight += w;
  }
  return weight > 0 ? sum / weight : null;
}

export interface ErrorBudget {
  /** Down time the full-year target allows over the whole period, in minutes. */
  budgetMinutes: number;
  /** Down time so far (down samples × interval), in minutes. */
  spentMinutes: number;
  leftMinutes: number;
}

/**
 * The error budget of one application against a target ratio (0.95 for the form's full year):
 * the period's length outside maintenance × (1 − target), less the down time so far.
 */
export function errorBudget(
  target: number,
  periodSeconds: number,
  intervalSeconds: number,
  a: Pick<ApplicationAvailability, "down" | "maintenance" | "unknown">,
  policy: AvailabilityPolicy,
): ErrorBudget {
  const maintenanceSeconds = a.maintenance * intervalSeconds;
  const budgetMinutes = ((periodSeconds - maintenanceSeconds) * (1 - target)) / 60;
  const downSamples = a.down + (policy.unknownAsDown ? a.unknown : 0);
  const spentMinutes = (downSamples * intervalSeconds) / 60;
  return { budgetMinutes, spentMinutes, leftMinutes: budgetMinutes - spentMinutes };
}
