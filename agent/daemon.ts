/**
 * The running agent: the store, the scheduler and its collector instances, the HTTP endpoint and
 * the retention job, wired from one config. Reload swaps the collectors (and the log level and
 * listen address) without losing the store; stop drains runs in flight and closes cleanly.
 */
import type { IncomingMessage } from "node:http";
import { plugins } from "../collectors/index.js";
import type { MetricDescriptor } from "../collectors/types.js";
import type { Config } from "../config/schema.js";
import { databasePath } from "../config/load.js";
import type { Clock } from "./clock.js";
import { computeHealth } from "./health.js";
import { isInventoryType, LatestInventory } from "./inventory.js";
import { AgentHttpServer, json, requestPath, type PatternRoutes, type Routes } from "./http.js";
import type { ConsoleUserConfig } from "../config/console.js";
import type { ConsoleApp } from "./console/app.js";
import { CONSOLE_PATH } from "./console/paths.js";
import { IncidentService } from "./incidents/service.js";
import { KpiService } from "./kpi/kpi-service.js";
import { availabilityCacheFor } from "./kpi/availability-cache.js";
import { ReportSchedule } from "./report/schedule.js";
import { FormExportSchedule } from "./form-export/schedule.js";
import { BackupSchedule } from "./backup/schedule.js";
import { buildInstances, type ConfiguredInstance } from "./instances.js";
import { AvailabilityReport } from "./kpi/availability-report.js";
import type { Logger } from "./log.js";
import { AgentMetrics } from "./metrics.js";
import { RunRecorder } from "./recorder.js";
import type { RunSink } from "./runner.js";
import { Scheduler } from "./scheduler.js";
import { LatestState } from "./store/latest.js";
import { Housekeeping } from "./housekeeping.js";
import { LiveMaintenanceCalendar } from "./live-maintenance-calendar.js";
import { SqliteStore } from "./store/sqlite.js";
import { VERSION } from "./version.js";

export class Agent {
  private readonly startedAt: Date;
  private readonly latest = new LatestState();
  private readonly inventory = new LatestInventory(
    this.latest,
    () =>
      this.configured
        .filter((c) => isInventoryType(c.instance.type))
        .map((c) => ({ name: c.instance.name, type: c.instance.type })),
    (ambiguous) => {
      if (ambiguous.length === 0) this.log.info("inventory: no static entry is ambiguous any more");
      else
        this.log.warn(
          { ambiguous },
          "inventory: static entries whose name several hypervisor VMs carry are left out (ambiguous_name); give them a bios_uuid",
        );
    },
  );
  private readonly metrics: AgentMetrics;
  /** The config's maintenance windows plus those added from the command line. */
  private readonly maintenance: LiveMaintenanceCalendar;
  private readonly availability: AvailabilityReport;
  private availabilityTimer: NodeJS.Timeout | undefined;
  private readonly recorder: RunRecorder;
  private readonly incidents: IncidentService;
  /** The performance-target form: kpi metrics and the manual-records API. */
  private readonly kpi: KpiService;
  /** The monthly operations report, written on schedule. */
  private readonly reports: ReportSchedule;
  /** The self-evaluation export (绩效自评表) on July 1 and January 1. */
  private readonly formExports: FormExportSchedule;
  /** The scheduled backup of the database (`backup:`), off by default. */
  private readonly backups: BackupSchedule;
  /** Where finished runs go: the recorder (store, latest state, metrics), then incident detection. */
  private readonly sink: RunSink;
  private http: AgentHttpServer;
  private readonly shutdown = new AbortController();
  private scheduler: Scheduler;
  private configured: ConfiguredInstance[] = [];
  private readonly housekeeping: Housekeeping;
  private stopping: Promise<void> | undefined;
  /** The web console, imported on the first request to one of its pages (its memory is paid then). */
  private consoleApp: Promise<ConsoleApp> | undefined;

  private constructor(
    private config: Config,
    private readonly store: SqliteStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: AgentOptions = {},
  ) {
    this.startedAt = clock.now();
    this.metrics = new AgentMetrics({
      site: config.site,
      version: VERSION,
      latest: this.latest,
      descriptors: allMetricDescriptors(),
      databaseSizeBytes: () => this.store.sizeBytes(),
    });
    this.maintenance = new LiveMaintenanceCalendar(store, log);
    this.maintenance.refresh(config, true);
    this.recorder = new RunRecorder(this.latest, log, store, this.metrics, () => this.maintenance.current);
    this.incidents = new IncidentService(config, {
      store,
      clock,
      log,
      metrics: this.metrics,
      inMaintenance: (target, time) => this.maintenance.current.covers(target, time),
    });
    this.kpi = new KpiService(config, store, clock, log, this.metrics.registry);
    this.housekeeping = new Housekeeping(store, clock, log, () => this.config.store);
    this.reports = new ReportSchedule(store, clock, log);
    this.formExports = new FormExportSchedule(store, clock, log);
    this.backups = new BackupSchedule(store, clock, log, this.metrics.registry);
    this.sink = {
      runFinished: (outcome) => {
        this.recorder.runFinished(outcome);
        this.incidents.observe(outcome);
      },
      tickSkipped: (collector) => this.recorder.tickSkipped(collector),
    };
    this.metrics.trackMaintenance(() => this.maintenance.current.active(this.clock.now()));
    this.availability = new AvailabilityReport(store, clock, () => this.config);
    this.metrics.trackAvailability(() => this.availability.current);
    this.http = this.newHttpServer();
    this.scheduler = new Scheduler(config.timezone);
  }

  /** Opens the store (one agent per database), starts the collectors and the HTTP endpoint. */
  static async start(config: Config, clock: Clock, log: Logger, options: AgentOptions = {}): Promise<Agent> {
    const store = SqliteStore.open({
      path: databasePath(config),
      clock,
      timeZone: config.timezone,
      role: "agent",
      integrityCheck: config.store.integrity_check,
      rollupFlushIntervalMs: config.store.rollup_flush_interval,
    });
    const agent = new Agent(config, store, clock, log, options);
    try {
      await agent.http.listen(config.http.listen.host, config.http.listen.port);
    } catch (error) {
      store.close();
      throw new Error(
        `cannot listen on ${config.http.listen.host}:${config.http.listen.port}: ${(error as Error).message}; ` +
          "set http.listen to a free address",
      );
    }
    try {
      agent.startCollectors(agent.buildCollectors(config));
    } catch (error) {
      await agent.http.close();
      store.close();
      throw error;
    }
    agent.housekeeping.start(config.store.retention_interval);
    agent.refreshAvailability();
    agent.incidents.start();
    agent.kpi.refresh();
    agent.reports.start(config);
    agent.formExports.start(config, config.form_export);
    agent.backups.start(config);
    agent.availabilityTimer = setInterval(() => agent.refreshFigures(), config.availability.refresh);
    agent.maintenance.startRefreshing(() => agent.config);
    log.info(
      {
        version: VERSION,
        database: store.path,
        listen: agent.http.address,
        collectors: agent.configured.map((c) => c.instance.name),
      },
      "ops-agent started",
    );
    return agent;
  }

  get listenAddress() {
    return this.http.address;
  }

  private buildCollectors(config: Config): ConfiguredInstance[] {
    return buildInstances(config.collectors, {
      clock: this.clock,
      log: this.log,
      sink: this.sink,
      shutdown: this.shutdown.signal,
      timeZone: config.timezone,
      inventory: this.inventory,
      latest: this.latest,
    });
  }

  private startCollectors(configured: ConfiguredInstance[]): void {
    this.configured = configured;
    this.scheduler = new Scheduler(this.config.timezone);
    for (const c of configured) {
      this.scheduler.add(c.instance, c.schedule);
      this.metrics.collectorInterval.set({ collector: c.instance.name }, c.periodMs / 1000);
    }
    this.scheduler.start({ isInventory: (instance) => isInventoryType(instance.type) });
  }

  /** Routes with an id in the path (the incident API). */
  private patternRoutes(): PatternRoutes {
    return [...this.incidents.routes().patterns, { pattern: CONSOLE_PATH, route: this.consoleRoute() }];
  }

  /** The web console's pages (agent/console/), loaded lazily; off (404) with console.enabled: false. */
  private consoleRoute() {
    const handle = async (request: IncomingMessage) => {
      const path = requestPath(request.url) ?? "/";
      if (!this.config.console.enabled) return json(404, { error: `no such endpoint: ${path}` });
      this.consoleApp ??= import("./console/app.js").then(
        ({ ConsoleApp }) =>
          new ConsoleApp({
            config: () => this.config,
            store: this.store,
            clock: this.clock,
            log: this.log,
            indicators: () => this.kpi.indicatorList,
            lookups: () => availabilityCacheFor(this.store, this.clock),
            latest: () => this.configured.flatMap((c) => this.latest.of(c.instance.name) ?? []),
            changeIncident: (kind, id, by, text) => this.incidents.operatorChange(kind, id, by, text),
            extraUsers: () => this.options.consoleUsers ?? [],
          }),
      );
      return (await this.consoleApp).handle(request, path);
    };
    return { GET: handle, POST: handle };
  }

  private newHttpServer(): AgentHttpServer {
    return new AgentHttpServer(this.routes(), this.log, this.patternRoutes(), (stage) =>
      this.metrics.httpFailures.inc({ stage }),
    );
  }

  /** A promise rejection nobody handled (agent/cli/run.ts logs it): counted, the agent serves on. */
  noteUnhandledRejection(): void {
    this.metrics.unhandledRejections.inc();
  }

  private routes(): Routes {
    return {
      ...this.incidents.routes().routes,
      ...this.kpi.routes(),
      "/metrics": {
        GET: async () => ({
          status: 200,
          contentType: this.metrics.contentType,
          body: await this.metrics.body(),
        }),
      },
      "/healthz": {
        GET: () => {
          const report = computeHealth({
            now: this.clock.now(),
            startedAt: this.startedAt,
            timeZone: this.config.timezone,
            staleAfterPeriods: this.config.stale_after_periods,
            collectors: this.configured.map((c) => ({
              name: c.instance.name,
              periodMs: c.periodMs,
              timeoutMs: c.timeoutMs,
              status: this.recorder.status.get(c.instance.name),
            })),
            probeDatabase: () => this.store.probeWritable(),
            databaseSizeBytes: () => this.store.sizeBytes(),
          });
          return json(report.status === "ok" ? 200 : 503, report);
        },
      },
    };
  }

  /**
   * The periodic refresh of the figures: availability, incidents, the form's indicators, each in
   * its own turn of the event loop — at 10,000 applications each one holds the loop for a while,
   * and a scrape or a probe's callback then waits for one of them, not for all three.
   */
  private refreshFigures(): void {
    this.refreshAvailability();
    setImmediate(() => {
      if (this.stopping) return;
      this.incidents.refresh();
      setImmediate(() => {
        if (!this.stopping) this.kpi.refresh();
      });
    });
  }

  private refreshAvailability(): void {
    try {
      this.availability.refresh();
    } catch (error) {
      this.log.error({ err: error }, "availability figures could not be computed; will retry");
    }
  }

  /**
   * A new config from SIGHUP (already validated). The new collectors are built first: if one
   * cannot be created (say, an unreadable CA file) the running configuration is kept. Runs in
   * flight of the old collectors finish and are recorded. The store and time zone need a restart.
   */
  async reload(next: Config): Promise<void> {
    if (databasePath(next) !== databasePath(this.config) || next.timezone !== this.config.timezone) {
      this.log.warn("store.path, data_dir and timezone changes take effect at the next restart");
    }
    const config: Config = {
      ...next,
      store: this.config.store,
      timezone: this.config.timezone,
      data_dir: this.config.data_dir,
    };
    let configured: ConfiguredInstance[];
    try {
      configured = this.buildCollectors(config);
    } catch (error) {
      this.log.error({ err: error }, "new configuration rejected; the running one is kept");
      return;
    }
    const listenChanged =
      config.http.listen.host !== this.config.http.listen.host ||
      config.http.listen.port !== this.config.http.listen.port;
    if (listenChanged) {
      // Listen on the new address before letting go of the old one.
      const server = this.newHttpServer();
      try {
        await server.listen(config.http.listen.host, config.http.listen.port);
      } catch (error) {
        await Promise.allSettled(configured.map((c) => c.instance.close()));
        this.log.error(
          { err: error },
          "cannot listen on the new http.listen; the running configuration is kept",
        );
        return;
      }
      const old = this.http;
      this.http = server;
      await old.close();
    }
    this.log.level = config.log.level;
    this.maintenance.refresh(config, true);
    await this.incidents.reload(config);
    this.kpi.reload(config);
    this.reports.start(config);
    this.formExports.start(config, config.form_export);
    this.backups.start(config);
    const oldScheduler = this.scheduler;
    const oldConfigured = this.configured;
    await oldScheduler.stop();
    this.config = config;
    this.startCollectors(configured);
    const names = new Set(configured.map((c) => c.instance.name));
    this.latest.retain(names);
    for (const c of oldConfigured)
      if (!names.has(c.instance.name)) this.metrics.forgetCollector(c.instance.name);
    void oldScheduler.drain(config.shutdown_grace).then(async () => {
      // A run of a removed collector that finished after the swap must not leave its state behind.
      this.latest.retain(new Set(this.configured.map((c) => c.instance.name)));
      await Promise.allSettled(oldConfigured.map((c) => c.instance.close()));
    });
    this.log.info({ collectors: [...names] }, "configuration reloaded");
  }

  /** Stop new runs, let runs in flight finish (up to the grace period), flush and close. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.log.info(
      { grace_ms: this.config.shutdown_grace },
      "stopping: no new runs; waiting for runs in flight",
    );
    await this.housekeeping.stop();
    clearInterval(this.availabilityTimer);
    this.maintenance.stopRefreshing();
    await this.scheduler.stop();
    const stillRunning = await this.scheduler.drain(this.config.shutdown_grace);
    if (stillRunning.length > 0) {
      this.log.warn({ collectors: stillRunning }, "grace period over; aborting runs in flight");
      this.shutdown.abort(new Error("agent shutting down"));
      await this.scheduler.drain(2_000);
    }
    await Promise.allSettled(this.configured.map((c) => c.instance.close()));
    await this.http.close();
    await this.incidents.close();
    await this.reports.stop();
    await this.formExports.stop();
    // A backup in flight copies through the store's connection: it finishes before the store closes.
    await this.backups.stop();
    this.maintenance.close();
    this.store.close();
    this.log.info("stopped; database closed");
  }
}

export interface AgentOptions {
  /** Console accounts that exist only in this process (the demo's one-time login). */
  consoleUsers?: readonly ConsoleUserConfig[];
}

function allMetricDescriptors(): Map<string, MetricDescriptor> {
  const out = new Map<string, MetricDescriptor>();
  for (const plugin of Object.values(plugins)) {
    for (const [name, descriptor] of Object.entries(plugin.metrics)) out.set(name, descriptor);
  }
  return out;
}
