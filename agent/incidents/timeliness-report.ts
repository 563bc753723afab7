/** Fault response timeliness for a window of the current year, from the store, with its rule. */
import type { IncidentStore } from "../store/incident-store.js";
import { BucketCalendar } from "../store/buckets.js";
import { periodAt } from "../kpi/periods.js";
import { isoWithOffset } from "../local-time.js";
import { timeliness, timelinessRule, type SlaPolicy, type Timeliness } from "./sla.js";

export type TimelinessWindow = "month" | "half_year" | "year_to_date";
export const TIMELINESS_WINDOWS: readonly TimelinessWindow[] = ["month", "half_year", "year_to_date"];

export interface TimelinessReport {
  window: TimelinessWindow;
  from: string;
  to: string;
  rule: string;
  categories: Timeliness[];
}

export function incidentTimeliness(
  store: IncidentStore,
  sla: SlaPolicy,
  now: Date,
  timeZone: string,
  window: TimelinessWindow,
): TimelinessReport {
  const period = periodAt(window, now, new BucketCalendar(timeZone));
  const from = new Date(period.from * 1000);
  const to = new Date(period.to * 1000);
  const incidents = store.list({ to });
  return {
    window,
    // In the centre's zone with its offset (the same instants): the window's bounds are local midnights.
    from: isoWithOffset(from, timeZone),
    to: isoWithOffset(to, timeZone),
    rule: timelinessRule(sla),
    categories: timeliness(incidents, sla, from, to, now),
  };
}
