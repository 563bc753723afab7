/**
 * 运行状态虚拟机无代理杀毒覆盖率: the mean of every coverage measurement of the span, over every
 * antivirus source (DESIGN.md, The form: measured rows). The KPI row, the report's 网络安全
 * section and the export read this one figure (the report once took the first source's mean only).
 */
import type { AntivirusMetric } from "../../collectors/antivirus/metrics.js";
import { foldDaily } from "./daily-series.js";
import type { FigureContext } from "./context.js";
import type { Figure, Span } from "./types.js";

export const COVERAGE_METRIC = "antivirus_coverage_ratio" satisfies AntivirusMetric;

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

export interface CoverageFigure extends Figure<number> {
  /** Lowest single measurement in the span. */
  lowest: number | null;
}

export function antivirusCoverage(ctx: FigureContext, span: Span): CoverageFigure {
  const fold = foldDaily(ctx.store, COVERAGE_METRIC, span);
  if (fold.days === 0 || fold.count === 0) {
    return {
      value: null,
      coverage: 0,
      lowest: null,
      how: "no antivirus coverage measurement in the period (the manager or the inventory was unknown)",
    };
  }
  return {
    value: fold.sum / fold.count,
    coverage: fold.days / fold.daysInPeriod,
    lowest: fold.min,
    evidence: { numerator: fold.sum, denominator: fold.count, unit: "coverage measurements (sum of ratios)" },
    ...(fold.lastMeasuredAt === undefined ? {} : { lastMeasuredAt: fold.lastMeasuredAt }),
    how:
      `mean of ${fold.count} coverage measurements over ${fold.lastBySeries.size} antivirus source(s) ` +
      `(protected running VMs ÷ running VMs in scope); lowest ${pct(fold.min)}`,
  };
}
