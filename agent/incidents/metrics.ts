/**
 * The incident metrics:
 *  - opsagent_incidents_open{category,severity}: unresolved incidents now (severity = priority);
 *  - opsagent_fault_response_seconds{category}: the response times of this year's incidents so
 *    far (first acknowledgement, or resolution when that came first), rebuilt at each refresh —
 *    a year-to-date distribution for histogram_quantile, not a counter to rate();
 *  - opsagent_fault_response_within_sla_ratio{category,window}: within ÷ (within + late) for the
 *    month, the half-year and the year to date (category "all": every category); absent while
 *    no incident of the window is decided;
 *  - opsagent_fault_response_timely{category,window}: 1 when that share meets timely_share (or
 *    the window had no faults), else 0 — the form's 及时.
 * Computed from the store on a timer (like availability), so CLI acks and imports count too.
 */
import { Gauge, Histogram, type Registry } from "prom-client";
import type { IncidentsConfig } from "../../config/incidents.js";
import type { Clock } from "../clock.js";
import type { IncidentStore } from "../store/incident-store.js";
import { judgeResponse } from "./sla.js";
import { incidentTimeliness, TIMELINESS_WINDOWS, type TimelinessReport } from "./timeliness-report.js";
import { CATEGORIES, PRIORITIES } from "./types.js";

const PREFIX = "opsagent_";
/** Minutes that matter to the SLA bounds: 1, 5, 10, 15, 30 min, 1, 2, 4, 8, 24 h. */
const BUCKETS = [60, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];

export class IncidentMetrics {
  private reports: TimelinessReport[] = [];
  private readonly responses: Histogram<"category">;

  constructor(
    registry: Registry,
    private readonly store: IncidentStore,
    private readonly config: () => IncidentsConfig,
    private readonly clock: Clock,
    private readonly timeZone: () => string,
  ) {
    const registers = [registry];
    const incidents = this.store;
    new Gauge({
      name: `${PREFIX}incidents_open`,
      help: "Unresolved incidents now, by category and severity (the priority P1–P4).",
      labelNames: ["category", "severity"],
      registers,
      collect() {
        this.reset();
        for (const category of CATEGORIES)
          for (const severity of PRIORITIES) this.set({ category, severity }, 0);
        for (const i of incidents.list({ status: "unresolved" }))
          this.inc({ category: i.category, severity: i.priority });
      },
    });
    this.responses = new Histogram({
      name: `${PREFIX}fault_response_seconds`,
      help: "Response times (first acknowledgement − start) of this year's incidents so far, by category; rebuilt from the store at each refresh.",
      labelNames: ["category"],
      buckets: BUCKETS,
      registers,
    });
    const reports = () => this.reports;
    new Gauge({
      name: `${PREFIX}fault_response_within_sla_ratio`,
      help: 'Share of the window\'s decided incidents answered within their SLA bound (category "all": every category).',
      labelNames: ["category", "window"],
      registers,
      collect() {
        this.reset();
        for (const r of reports())
          for (const c of r.categories)
            if (c.share !== null) this.set({ category: c.category, window: r.window }, c.share);
      },
    });
    new Gauge({
      name: `${PREFIX}fault_response_timely`,
      help: "1 when the window's share within SLA meets incidents.sla.timely_share (or it had no decided incident), else 0: the form's 及时.",
      labelNames: ["category", "window"],
      registers,
      collect() {
        this.reset();
        for (const r of reports())
          for (const c of r.categories)
            this.set({ category: c.category, window: r.window }, c.timely ? 1 : 0);
      },
    });
  }

  refresh(): void {
    const now = this.clock.now();
    const sla = this.config().sla;
    this.reports = TIMELINESS_WINDOWS.map((w) =>
      incidentTimeliness(this.store, sla, now, this.timeZone(), w),
    );
    const year = this.reports.find((r) => r.window === "year_to_date");
    this.responses.reset();
    if (year === undefined) return;
    const from = new Date(year.from);
    for (const incident of this.store.list({ to: now })) {
      if (incident.startedAt < from) continue;
      const judged = judgeResponse(incident, sla, now);
      if (judged.responseMs !== undefined)
        this.responses.observe({ category: incident.category }, judged.responseMs / 1000);
    }
  }
}
