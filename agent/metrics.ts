/**
 * Prometheus metrics, from three writers:
 *  - the agent's own health (run durations, failures, skipped ticks, samples written, database
 *    size), kept by prom-client counters, gauges and histograms;
 *  - the availability figures (metrics-availability.ts), rendered once per availability refresh
 *    (90,000 series at 10,000 applications: prom-client would rebuild them on every scrape);
 *  - what the collectors measured (opsagent_target_info and every declared plugin metric), read
 *    from LatestState at scrape time by the agent's own exposition writer (exposition.ts), which
 *    renders a collector's lines once after each run that replaced its state and otherwise only
 *    concatenates them; a collector whose last run failed simply has no series (unknown), never a
 *    stale or false value.
 * Every name has the opsagent_ prefix, base units, _total for counters and _ratio for 0–1.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { MetricDescriptor } from "../collectors/types.js";
import type { ActiveWindow } from "./maintenance.js";
import type { AvailabilitySnapshot } from "./kpi/availability-report.js";
import { CollectorExposition } from "./exposition.js";
import { AvailabilityExposition } from "./metrics-availability.js";
import type { BodyPiece } from "./metrics-body.js";
import type { LatestState } from "./store/latest.js";

export { labelName } from "./exposition.js";

export const METRIC_PREFIX = "opsagent_";

export interface MetricsOptions {
  site: string;
  version: string;
  latest: LatestState;
  /** Every metric any configured plugin may emit, by unprefixed name. */
  descriptors: ReadonlyMap<string, MetricDescriptor>;
  databaseSizeBytes: () => number | undefined;
}

export class AgentMetrics {
  readonly registry = new Registry();
  readonly runDuration: Histogram<"collector" | "type">;
  readonly runs: Counter<"collector" | "type" | "result">;
  readonly ticksSkipped: Counter<"collector">;
  readonly samplesWritten: Counter<"collector">;
  readonly storeWriteErrors: Counter<"collector">;
  readonly lastSuccess: Gauge<"collector">;
  readonly collectorUp: Gauge<"collector">;
  readonly collectorInterval: Gauge<"collector">;
  /** Requests answered by the HTTP server's last-resort path (agent/http.ts). */
  readonly httpFailures: Counter<"stage">;
  /** Promise rejections nobody handled, logged and survived (agent/cli/run.ts). */
  readonly unhandledRejections: Counter;
  /** The collector-measured families, rendered by the agent and cached per collector. */
  readonly exposition: CollectorExposition;
  /** The availability families, once trackAvailability() was called. */
  private availability: AvailabilityExposition | undefined;
  private readonly site: string;

  constructor(options: MetricsOptions) {
    this.site = options.site;
    const registers = [this.registry];
    this.registry.setDefaultLabels({ site: options.site });
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool
    // check metrics rejects them); the handle and request counts are not worth a renamed copy.
    for (const name of [
      "nodejs_active_handles_total",
      "nodejs_active_requests_total",
      "nodejs_active_resources_total",
    ]) {
      this.registry.removeSingleMetric(`${METRIC_PREFIX}${name}`);
    }
    new Gauge({
      name: `${METRIC_PREFIX}build_info`,
      help: "Always 1; the agent's version and Node.js version as labels.",
      labelNames: ["version", "nodejs"],
      registers,
    }).set({ version: options.version, nodejs: process.versions.node }, 1);
    this.runDuration = new Histogram({
      name: `${METRIC_PREFIX}collector_run_duration_seconds`,
      help: "Wall time of each collector run, from its start (after jitter) to its samples being handed over.",
      labelNames: ["collector", "type"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.runs = new Counter({
      name: `${METRIC_PREFIX}collector_runs_total`,
      help: "Collector runs by result: ok, failed (the collector threw) or timeout.",
      labelNames: ["collector", "type", "result"],
      registers,
    });
    this.ticksSkipped = new Counter({
      name: `${METRIC_PREFIX}collector_ticks_skipped_total`,
      help: "Scheduled ticks skipped because the previous run of the same collector was still going.",
      labelNames: ["collector"],
      registers,
    });
    this.samplesWritten = new Counter({
      name: `${METRIC_PREFIX}store_samples_written_total`,
      help: "Samples written to the store.",
      labelNames: ["collector"],
      registers,
    });
    this.storeWriteErrors = new Counter({
      name: `${METRIC_PREFIX}store_write_errors_total`,
      help: "Batches the store could not write (disk full, I/O error); their samples are lost.",
      labelNames: ["collector"],
      registers,
    });
    this.lastSuccess = new Gauge({
      name: `${METRIC_PREFIX}collector_last_success_timestamp_seconds`,
      help: "Unix time of the collector's last successful run.",
      labelNames: ["collector"],
      registers,
    });
    this.collectorUp = new Gauge({
      name: `${METRIC_PREFIX}collector_up`,
      help: "1 when the collector's last run succeeded, 0 when it failed or timed out (its targets are then unknown).",
      labelNames: ["collector"],
      registers,
    });
    this.collectorInterval = new Gauge({
      name: `${METRIC_PREFIX}collector_interval_seconds`,
      help: "Seconds between the collector's scheduled runs (for a cron schedule, the gap between its next two): what staleness is judged against.",
      labelNames: ["collector"],
      registers,
    });
    this.httpFailures = new Counter({
      name: `${METRIC_PREFIX}http_failures_total`,
      help: 'HTTP requests answered 500 because an error escaped: stage="handler" from a route, "response" while answering. Any increase is a bug to report.',
      labelNames: ["stage"],
      registers,
    });
    for (const stage of ["handler", "response"]) this.httpFailures.inc({ stage }, 0);
    this.unhandledRejections = new Counter({
      name: `${METRIC_PREFIX}unhandled_rejections_total`,
      help: "Promise rejections no code handled; each is logged and the agent keeps serving. Any increase is a bug to report.",
      registers,
    });
    new Gauge({
      name: `${METRIC_PREFIX}store_database_size_bytes`,
      help: "Size of the SQLite database on disk, including its write-ahead log.",
      registers,
      collect() {
        const size = options.databaseSizeBytes();
        if (size !== undefined) this.set(size);
      },
    });
    this.exposition = new CollectorExposition({
      prefix: METRIC_PREFIX,
      site: options.site,
      latest: options.latest,
      descriptors: options.descriptors,
    });
    // One family name, one writer: a plugin metric may not shadow one of the agent's own.
    const own = this.ownFamilyNames();
    for (const name of this.exposition.familyNames) {
      if (own.has(name)) throw new Error(`metric ${name} is already one of the agent's own metrics`);
    }
  }

  /** Every family name (and histogram / summary sample name) prom-client writes. */
  private ownFamilyNames(): Set<string> {
    const own = new Set<string>();
    for (const metric of this.registry.getMetricsAsArray()) {
      // prom-client's typings call `type` a numeric enum; at run time it is "histogram" etc.
      const { name, type } = metric as unknown as { name: string; type: string };
      own.add(name);
      if (type === "histogram" || type === "summary")
        for (const suffix of type === "histogram" ? ["_bucket", "_sum", "_count"] : ["_sum", "_count"])
          own.add(`${name}${suffix}`);
    }
    return own;
  }

  /** opsagent_maintenance_active: 1 per open maintenance window and application ("*" = all). */
  trackMaintenance(active: () => readonly ActiveWindow[]): void {
    new Gauge({
      name: `${METRIC_PREFIX}maintenance_active`,
      help: '1 for each maintenance window open now, per application it covers ("*": every application).',
      labelNames: ["window", "application"],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const w of active()) {
          for (const application of w.applications ?? ["*"]) this.set({ window: w.name, application }, 1);
        }
      },
    });
  }

  /**
   * Availability per application and window, the education-application mean, coverage, budget:
   * rendered by the agent once per availability snapshot (metrics-availability.ts), not by
   * prom-client on every scrape.
   */
  trackAvailability(snapshot: () => AvailabilitySnapshot): void {
    const writer = new AvailabilityExposition({ prefix: METRIC_PREFIX, site: this.site, snapshot });
    const own = this.ownFamilyNames();
    for (const name of writer.familyNames) {
      if (own.has(name) || this.exposition.familyNames.includes(name))
        throw new Error(`metric ${name} is already exported`);
    }
    this.availability = writer;
  }

  /** Forget the label sets of collectors no longer configured, so they stop being exported. */
  forgetCollector(collector: string): void {
    for (const metric of [this.lastSuccess, this.collectorUp, this.ticksSkipped, this.collectorInterval])
      metric.remove({ collector });
  }

  /** The agent's own metrics (prom-client), availability, then what the collectors measured. */
  async text(): Promise<string> {
    return (await this.registry.metrics()) + (this.availability?.text() ?? "") + this.exposition.text();
  }

  /**
   * The same exposition as text(), as pieces for the HTTP server to write one after the other:
   * prom-client's part (small, new each scrape), then the availability and collector parts as
   * UTF-8 (and gzip, on demand) kept from their last change (metrics-body.ts). A scrape then
   * neither joins nor re-encodes nor re-compresses megabytes.
   */
  async body(): Promise<BodyPiece[]> {
    const own = await this.registry.metrics();
    const pieces: BodyPiece[] = [own];
    if (this.availability) pieces.push(this.availability.piece());
    pieces.push(this.exposition.piece());
    return pieces;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
