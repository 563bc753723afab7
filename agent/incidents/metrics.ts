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
 *  - opsagent_incident_figures_refreshes_total: how often the figures above were computed (a
 *    timer, and once after each change or Alertmanager payload).
 * The open counts are the store's own (kept per change; a scrape reads no incident); the rest are
 * computed from the store on a timer (like availability), so CLI acks and imports count too.
 * Computing reads the year's incidents a page at a time with the event loop free in between, and
 * the figures change at once when it is done.
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { IncidentsConfig } from "../../config/incidents.js";
import type { Clock } from "../clock.js";
import { periodAt } from "../kpi/periods.js";
import { BucketCalendar } from "../store/buckets.js";
import type { IncidentStore } from "../store/incident-store.js";
import type { StartCursor } from "../store/incident-store-types.js";
import { judgeResponse, timelinessRule, TimelinessTally } from "./sla.js";
import { TIMELINESS_WINDOWS, type TimelinessReport, type TimelinessWindow } from "./timeliness-report.js";
import type { Category } from "./types.js";

const PREFIX = "opsagent_";
/** Minutes that matter to the SLA bounds: 1, 5, 10, 15, 30 min, 1, 2, 4, 8, 24 h. */
const BUCKETS = [60, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];
/** Incidents read per step of a refresh: a few milliseconds of the event loop. */
const PAGE = 250;

export class IncidentMetrics {
  private reports: TimelinessReport[] = [];
  private readonly responses: Histogram<"category">;
  private readonly refreshes: Counter;

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
        for (const c of incidents.unresolvedCounts())
          this.set({ category: c.category, severity: c.priority }, c.count);
      },
    });
    this.refreshes = new Counter({
      name: `${PREFIX}incident_figures_refreshes_total`,
      help: "Times the incident figures (response times, timeliness) were computed from the store: on a timer, and once after each change or Alertmanager payload.",
      registers,
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

  /** Computes the figures from the year's incidents, a page at a time; they change when it is done. */
  async refresh(): Promise<void> {
    const now = this.clock.now();
    const sla = this.config().sla;
    const calendar = new BucketCalendar(this.timeZone());
    const windows = TIMELINESS_WINDOWS.map((window) => {
      const period = periodAt(window, now, calendar);
      return { window, from: period.from * 1000, to: period.to * 1000, tally: new TimelinessTally(sla) };
    });
    // Every window lies within the year to date.
    const yearFrom = new Date(Math.min(...windows.map((w) => w.from)));
    const responses = new Map<Category, number[]>();
    let after: StartCursor | undefined;
    for (;;) {
      const page = this.store.timesStartedBetween(yearFrom, now, after, PAGE);
      for (const incident of page) {
        const judged = judgeResponse(incident, sla, now);
        const start = incident.startedAt.getTime();
        for (const w of windows) if (start >= w.from && start < w.to) w.tally.add(incident.category, judged);
        if (judged.responseMs === undefined) continue;
        let list = responses.get(incident.category);
        if (list === undefined) responses.set(incident.category, (list = []));
        list.push(judged.responseMs / 1000);
      }
      const last = page.at(-1);
      if (page.length < PAGE || last === undefined) break;
      after = { startedAt: last.startedAt.getTime(), id: last.id };
      await yieldToLoop();
    }
    const rule = timelinessRule(sla);
    this.reports = windows.map((w): TimelinessReport => ({
      window: w.window as TimelinessWindow,
      from: new Date(w.from).toISOString(),
      to: new Date(w.to).toISOString(),
      rule,
      categories: w.tally.result(),
    }));
    this.responses.reset();
    for (const [category, seconds] of responses) {
      const child = this.responses.labels({ category });
      for (const s of seconds) child.observe(s);
    }
    this.refreshes.inc();
  }
}
