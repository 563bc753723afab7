/**
 * Everything incidents need while the agent runs: the detector fed by every finished run, the
 * notifier told of each open / acknowledgement / resolution, the metrics refreshed on a timer,
 * the helpdesk pull on its schedule, and the API routes. A store failure here (disk full) is
 * logged and never stops a collector.
 */
import type { Config } from "../../config/schema.js";
import type { Clock } from "../clock.js";
import type { PatternRoutes, Routes } from "../http.js";
import type { Logger } from "../log.js";
import type { AgentMetrics } from "../metrics.js";
import { notificationMetrics } from "../notify/metrics.js";
import { Notifier, type NotifierHooks } from "../notify/notifier.js";
import type { RunOutcome } from "../runner.js";
import type { StoredIncident } from "../store/incident-store.js";
import type { SqliteStore } from "../store/sqlite.js";
import { parseTicketsJson } from "../tickets/parse-json.js";
import { pullTickets } from "../tickets/pull.js";
import { incidentRoutes } from "./api.js";
import { IncidentDetector, type IncidentChange } from "./detector.js";
import { IncidentMetrics } from "./metrics.js";
import { importTickets } from "./tickets.js";

export interface IncidentServiceDeps {
  store: SqliteStore;
  clock: Clock;
  log: Logger;
  metrics: AgentMetrics;
  /** Is the target (by name) inside a maintenance window at this time? */
  inMaintenance: (targetName: string, time: Date) => boolean;
}

export class IncidentService {
  private detector: IncidentDetector;
  private notifier: Notifier;
  private readonly hooks: NotifierHooks;
  private readonly incidentMetrics: IncidentMetrics;
  private pullTimer: NodeJS.Timeout | undefined;
  private pulling: AbortController | undefined;

  constructor(
    private config: Config,
    private readonly deps: IncidentServiceDeps,
  ) {
    this.hooks = notificationMetrics(
      deps.metrics.registry,
      config.incidents.notifications.channels.map((c) => c.name),
    );
    this.notifier = this.createNotifier(config);
    this.detector = this.createDetector(config);
    this.incidentMetrics = new IncidentMetrics(
      deps.metrics.registry,
      deps.store.incidents,
      () => this.config.incidents,
      deps.clock,
      () => this.config.timezone,
    );
  }

  start(): void {
    this.refresh();
    this.schedulePull();
  }

  /** A finished run: probe faults open and resolve incidents. */
  observe(outcome: RunOutcome): void {
    try {
      this.detector.observe(outcome);
    } catch (error) {
      this.deps.log.error(
        { err: error, collector: outcome.collector },
        "incident detection failed for this run",
      );
    }
  }

  refresh(): void {
    try {
      this.incidentMetrics.refresh();
    } catch (error) {
      this.deps.log.error({ err: error }, "incident figures could not be computed; will retry");
    }
  }

  routes(): { routes: Routes; patterns: PatternRoutes } {
    return incidentRoutes({
      store: this.deps.store.incidents,
      config: () => this.config.incidents,
      clock: this.deps.clock,
      log: this.deps.log,
      timeZone: () => this.config.timezone,
      changed: (kind, incident, actor) => this.tell(kind, incident, this.deps.clock.now(), actor),
    });
  }

  /** A new config (already validated): new notifier, detector settings and pull schedule. */
  async reload(config: Config): Promise<void> {
    let notifier: Notifier;
    try {
      notifier = this.createNotifier(config);
    } catch (error) {
      this.deps.log.error({ err: error }, "new notification settings rejected; the running ones are kept");
      return;
    }
    const old = this.notifier;
    this.notifier = notifier;
    this.config = config;
    this.detector = this.createDetector(config);
    this.schedulePull();
    await old.close();
  }

  async close(): Promise<void> {
    clearInterval(this.pullTimer);
    this.pulling?.abort(new Error("agent shutting down"));
    await this.notifier.close();
  }

  private createNotifier(config: Config): Notifier {
    return new Notifier({
      config: config.incidents.notifications,
      log: this.deps.log,
      hooks: this.hooks,
      clock: this.deps.clock,
      timeZone: config.timezone,
    });
  }

  private createDetector(config: Config): IncidentDetector {
    return new IncidentDetector(
      this.deps.store.incidents,
      config.incidents,
      this.deps.inMaintenance,
      (change: IncidentChange) =>
        this.tell(change.kind === "reopen" ? "open" : change.kind, change.incident, change.at, "agent"),
    );
  }

  private tell(kind: "open" | "ack" | "resolve", incident: StoredIncident, at: Date, actor: string): void {
    this.deps.log.info(
      { incident: incident.id, kind, category: incident.category, target: incident.target },
      `incident ${kind}`,
    );
    this.notifier.notify({ kind, incident, at, actor });
    // The figures follow at once (a few hundred incidents a year: one cheap query).
    this.refresh();
  }

  private schedulePull(): void {
    clearInterval(this.pullTimer);
    this.pullTimer = undefined;
    const tickets = this.config.incidents.tickets;
    if (tickets?.pull === undefined) return;
    const run = () => void this.pullOnce();
    this.pullTimer = setInterval(run, tickets.pull.every);
    run();
  }

  /** One helpdesk pull: new and changed tickets stored, bad items reported, nothing notified. */
  private async pullOnce(): Promise<void> {
    const tickets = this.config.incidents.tickets;
    if (tickets?.pull === undefined || this.pulling !== undefined) return;
    const controller = (this.pulling = new AbortController());
    try {
      const pulled = await pullTickets(tickets.pull, controller.signal);
      const parsed = parseTicketsJson(pulled.items, tickets);
      const counts = importTickets(
        this.deps.store.incidents,
        parsed.tickets,
        "ticket pull",
        this.deps.clock.now(),
      );
      if (parsed.problems.length > 0) {
        this.deps.log.warn(
          { problems: parsed.problems.slice(0, 20), count: parsed.problems.length },
          "tickets pull: some items were not taken",
        );
      }
      this.deps.log.info({ ...counts, pages: pulled.pages, truncated: pulled.truncated }, "tickets pulled");
    } catch (error) {
      if (!controller.signal.aborted)
        this.deps.log.error({ err: (error as Error).message }, "tickets pull failed; will retry");
    } finally {
      this.pulling = undefined;
    }
  }
}
