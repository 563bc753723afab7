/**
 * Prometheus metrics. Two kinds:
 *  - the agent's own health (run durations, failures, skipped ticks, samples written, database
 *    size), kept by prom-client counters, gauges and histograms;
 *  - what the collectors measured, read from LatestState at scrape time (the prom-client
 *    `collect`-at-scrape idea): nothing is copied on every run, and a collector whose last run
 *    failed simply has no series (unknown), never a stale or false value.
 * Every name has the opsagent_ prefix, base units, _total for counters and _ratio for 0–1.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { MetricDescriptor } from "../collectors/types.js";
import type { LatestState, LatestValue } from "./store/latest.js";

export const METRIC_PREFIX = "opsagent_";

export interface MetricsOptions {
  site: string;
  version: string;
  latest: LatestState;
  /** Every metric any configured plugin may emit, by unprefixed name. */
  descriptors: ReadonlyMap<string, MetricDescriptor>;
  databaseSizeBytes: () => number | undefined;
}

/** Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*; anything else becomes "_". */
export function labelName(key: string): string {
  const cleaned = key.replace(/[^a-zA-Z0-9_]/g, "_");
  return /^[a-zA-Z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
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

  constructor(options: MetricsOptions) {
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
    new Gauge({
      name: `${METRIC_PREFIX}store_database_size_bytes`,
      help: "Size of the SQLite database on disk, including its write-ahead log.",
      registers,
      collect() {
        const size = options.databaseSizeBytes();
        if (size !== undefined) this.set(size);
      },
    });
    this.registry.registerMetric(new TargetInfoMetric(options.latest) as never);
    for (const [name, descriptor] of options.descriptors) {
      this.registry.registerMetric(new SnapshotMetric(name, descriptor, options.latest) as never);
    }
  }

  /** Forget the label sets of collectors no longer configured, so they stop being exported. */
  forgetCollector(collector: string): void {
    for (const metric of [this.lastSuccess, this.collectorUp, this.ticksSkipped])
      metric.remove({ collector });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
}

/** One collector metric, its values read from LatestState when Prometheus scrapes. */
class SnapshotMetric {
  readonly name: string;
  readonly type: "gauge" | "counter";
  readonly aggregator = "sum";
  constructor(
    private readonly metric: string,
    private readonly descriptor: MetricDescriptor,
    private readonly latest: LatestState,
  ) {
    this.name = `${METRIC_PREFIX}${metric}`;
    this.type = descriptor.type;
  }
  get help(): string {
    return this.descriptor.help;
  }
  reset(): void {}
  async get() {
    const values: MetricValue[] = (this.latest.byMetric().get(this.metric) ?? []).map((v: LatestValue) => {
      const labels: Record<string, string> = { collector: v.collector, target: v.target.name };
      for (const [key, value] of Object.entries(v.labels)) labels[labelName(key)] = value;
      return { value: v.value, labels };
    });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

/**
 * opsagent_target_info: one series per known target with its kind and descriptive labels
 * (system, owner, …), so dashboards can join on (collector, target) instead of every metric
 * carrying every label.
 */
class TargetInfoMetric {
  readonly name = `${METRIC_PREFIX}target_info`;
  readonly help =
    "Always 1: each target a collector currently measures, with its kind and descriptive labels.";
  readonly type = "gauge";
  readonly aggregator = "sum";
  constructor(private readonly latest: LatestState) {}
  reset(): void {}
  async get() {
    const seen = new Map<string, MetricValue>();
    for (const list of this.latest.byMetric().values()) {
      for (const v of list) {
        const key = `${v.collector}\u0000${v.target.key}`;
        if (seen.has(key)) continue;
        const labels: Record<string, string> = {};
        for (const [k, value] of Object.entries(v.target.labels ?? {})) labels[labelName(k)] = value;
        Object.assign(labels, { collector: v.collector, target: v.target.name, kind: v.target.kind });
        seen.set(key, { value: 1, labels });
      }
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...seen.values()],
    };
  }
}
