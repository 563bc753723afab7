/**
 * The form evaluated for one console period: kpiReport (agent/kpi/kpi-report.ts), the entry point
 * `ops-agent kpi`, /metrics, the report and the self-evaluation share; the console only formats it.
 */
import { kpiReport, type KpiReport } from "../kpi/kpi-report.js";
import type { ConsoleDeps } from "./deps.js";
import { periodLabel, type ConsolePeriod } from "./periods.js";

export function formStatus(
  deps: ConsoleDeps,
  period: ConsolePeriod,
  now: Date,
): KpiReport | { error: string; targetsFile?: string } {
  const config = deps.config();
  const indicators = deps.indicators();
  if (indicators.length === 0)
    return {
      error: `targets file ${config.targets_file} is not loaded; see the agent's log`,
      targetsFile: config.targets_file,
    };
  const lookups = deps.lookups();
  return kpiReport(
    deps.store,
    config,
    indicators,
    periodLabel(period, now, config.timezone),
    now,
    ...(lookups === undefined ? [] : [lookups]),
  );
}
