/**
 * Everything incidents need while the agent runs: the detector fed by every finished run, the
 * notifier told of each open / acknowledgement / resolution, the metrics refreshed on a timer,
 * the helpdesk pull on its schedule, and the API routes. A store failure here (disk full) is
 * logged and never stops a collector.
 *
 * The figures are computed once per change, and once per Alertmanager payload however many alerts
 * it carries; requests that come while they are being computed are served by one more run after it.
 */
import { performance } from "node:perf_hooks";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Config } from "../../config/schema.js";
import type { Clock } from "../clock.js";
import type { PatternRoutes, Routes } from "../http.js";
import type { Logger } from "../log.js";
import type { AgentMetrics } from "../metrics.js";
import { notificationMetrics } from "../notify/metrics.js";
import { Notifier, type NotifierHooks } from "../notify/notifier.js";
import type { RunOutcome } from "../runner.js";
import type { StoredIncident } from "../store/incident-store-types.js";
import type { SqliteStore } from "../store/sqlite.js";
import { parseTicketsJson } from "../tickets/parse-json.js";
import { pullTickets } from "../tickets/pull.js";
import { AlertmanagerIngest, type IngestOutcome } from "./alertmanager-ingest.js";
import { incidentRoutes } from "./api.js";
import { IncidentDetector, type IncidentChange } from "./detector.js";
import { IncidentMetrics } from "./metrics.js";
import { importTickets } from "./tickets.js";

/** How long telling a payload's changes (log, notifications) may hold the event loop at a time. */
const TELL_STEP_MS = 5;
/**
 * Incident changes of one Alertmanager payload logged one by one, at most; the rest are counted in
 * one line (a storm of 10,000 alerts wrote 10,000 lines, a fifth of the payload's time). Each is
 * still notified and kept in the incident's event log.
 */
const LOGGED_PER_PAYLOAD = 20;

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
  private readonly alertmanager: AlertmanagerIngest;
  /** The figures being computed, and the one more run requested meanwhile. */
  private refreshing: Promise<void> | undefined;
  private refreshQueued: Promise<void> | undefined;
  /** Payloads being stored and told: close() waits for them before the store closes. */
  private readonly receiving = new Set<Promise<unknown>>();

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
    this.alertmanager = new AlertmanagerIngest(
      deps.metrics.registry,
      deps.store.incidents,
      () => this.config.incidents.alertmanager,
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

  /** The incident figures computed again (a step at a time); a failure is logged and retried on the timer. */
  refresh(): void {
    void this.refreshed();
  }

  /** Resolves once figures computed after this call are in place (never rejects). */
  private refreshed(): Promise<void> {
    if (this.refreshQueued !== undefined) return this.refreshQueued;
    if (this.refreshing !== undefined) {
      this.refreshQueued = this.refreshing.then(() => {
        this.refreshQueued = undefined;
        return this.refreshed();
      });
      return this.refreshQueued;
    }
    this.refreshing = this.incidentMetrics
      .refresh()
      .catch((error: unknown) => {
        this.deps.log.error({ err: error }, "incident figures could not be computed; will retry");
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** An Alertmanager payload: stored whole, each change told, then the figures computed once. */
  private async receiveAlerts(body: string): Promise<IngestOutcome> {
    const now = this.deps.clock.now();
    const receiving = this.alertmanager.ingest(body, now).then(async (outcome) => {
      if ("refused" in outcome) return outcome;
      // Logged before anything else can run (only promise callbacks since the commit): whoever
      // sees the incidents can also find the log line.
      this.deps.log.info({ ...outcome.counts, status: outcome.status }, "alertmanager webhook received");
      // The commit ends a step of its own: when the write-ahead log has grown past SQLite's
      // auto-checkpoint size, the checkpoint runs inside it (25–50 ms measured at 10,000 alerts).
      await yieldToLoop();
      let deadline = performance.now() + TELL_STEP_MS;
      let told = 0;
      for (const r of outcome.results) {
        const kinds = [
          ...(r.change === "created" ? ["open" as const] : []),
          ...(r.resolvedNow ? ["resolve" as const] : []),
        ];
        for (const kind of kinds)
          this.tell(kind, r.incident, now, "alertmanager", false, told++ < LOGGED_PER_PAYLOAD);
        if (performance.now() >= deadline) {
          await yieldToLoop();
          deadline = performance.now() + TELL_STEP_MS;
        }
      }
      if (told > LOGGED_PER_PAYLOAD)
        this.deps.log.info(
          { changes: told, logged: LOGGED_PER_PAYLOAD },
          "alertmanager payload: more incident changes than logged one by one",
        );
      if (outcome.counts.created + outcome.counts.updated > 0) await this.refreshed();
      return outcome;
    });
    this.receiving.add(receiving);
    try {
      return await receiving;
    } finally {
      this.receiving.delete(receiving);
    }
  }

  /**
   * An operator's acknowledgement, resolution or note from the web console: the store calls the
   * API makes (api.ts), then the same notification and figure refresh on a first ack/resolve.
   */
  operatorChange(
    kind: "ack" | "resolve" | "note",
    id: number,
    by: string,
    text: string | undefined,
  ): StoredIncident {
    const store = this.deps.store.incidents;
    const now = this.deps.clock.now();
    if (kind === "note") return store.note(id, by, now, text ?? "");
    const result = kind === "ack" ? store.acknowledge(id, by, now, text) : store.resolve(id, by, now, text);
    if (result.first) this.tell(kind, result.incident, now, by);
    return result.incident;
  }

  routes(): { routes: Routes; patterns: PatternRoutes } {
    return incidentRoutes({
      store: this.deps.store.incidents,
      config: () => this.config.incidents,
      clock: this.deps.clock,
      log: this.deps.log,
      timeZone: () => this.config.timezone,
      changed: (kind, incident, actor) => this.tell(kind, incident, this.deps.clock.now(), actor),
      alertmanager: (body) => this.receiveAlerts(body),
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
    await Promise.allSettled([...this.receiving]);
    await this.refreshQueued;
    await this.refreshing;
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

  private tell(
    kind: "open" | "ack" | "resolve",
    incident: StoredIncident,
    at: Date,
    actor: string,
    refresh = true,
    log = true,
  ): void {
    if (log)
      this.deps.log.info(
        { incident: incident.id, kind, category: incident.category, target: incident.target },
        `incident ${kind}`,
      );
    this.notifier.notify({ kind, incident, at, actor });
    // The figures follow (a payload's changes refresh them once, after the last one).
    if (refresh) this.refresh();
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
