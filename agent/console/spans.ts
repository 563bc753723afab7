/** The span (unix seconds) of a console period, for the figures read model. */
import { parseKpiPeriod, type KpiPeriod } from "../kpi/kpi-period.js";
import { BucketCalendar } from "../store/buckets.js";
import { periodLabel, type ConsolePeriod } from "./periods.js";

export function spanOf(period: ConsolePeriod, now: Date, timeZone: string): KpiPeriod {
  const parsed = parseKpiPeriod(periodLabel(period, now, timeZone), now, new BucketCalendar(timeZone));
  // The current month, half-year and year have always begun: a parse error is a bug.
  if ("error" in parsed) throw new Error(`console period ${period}: ${parsed.error}`);
  return parsed;
}
