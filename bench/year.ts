/**
 * The benchmarks over a generated year share one generation (it takes minutes at the default
 * scale): `kpi` (bench/kpi-year.ts), `report` (bench/monthly-report.ts) and `disk`
 * (bench/disk-year.ts), in that order, on the same store; then the store is deleted.
 */
import { measureDiskYear } from "./disk-year.js";
import { measureKpiYear } from "./kpi-year.js";
import { generateYear, type KpiYearOptions } from "./year-generate.js";
import { measureMonthlyReport } from "./monthly-report.js";
import type { BenchResult } from "./types.js";

export interface YearOptions extends KpiYearOptions {
  kpi: boolean;
  report: boolean;
  disk: boolean;
  /** Timed monthly reports after one warm-up (default 3). */
  reportIterations?: number;
}

export async function runYear(options: YearOptions): Promise<BenchResult[]> {
  const year = generateYear(options);
  try {
    const results: BenchResult[] = [];
    if (options.kpi) results.push(measureKpiYear(year));
    if (options.report)
      results.push(
        await measureMonthlyReport(year, {
          ...(options.reportIterations === undefined ? {} : { iterations: options.reportIterations }),
        }),
      );
    if (options.disk) results.push(measureDiskYear(year));
    return results;
  } finally {
    year.close();
  }
}
