/**
 * /metrics scrape cost: AgentMetrics.text() over a LatestState holding a host collector and an
 * http collector with many targets, using the plugins' real MetricDescriptors. The baseline, in
 * the same run and interleaved scrape by scrape, is prom-client's own Gauge with the same label
 * sets: set() once (as a runner would after each run), then registry.metrics() per scrape.
 *
 * The default-scale case (`defaultScale`) is not generated: it starts the simulated machine room
 * of bench/room.ts (253 VMs, 50 applications, 2 MCUs and 300 endpoints, antivirus,
 * vCenter, host), runs the collectors for a warm-up and one more cycle, and scrapes the LatestState
 * those real runs left — every sample of every collector, with every plugin's descriptors, as the
 * daemon builds them. "After replace()" there replaces the http collector's state.
 */
import { Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { performance } from "node:perf_hooks";
import { AgentMetrics, METRIC_PREFIX, labelName } from "../agent/metrics.js";
import { LatestState } from "../agent/store/latest.js";
import { hostMetrics } from "../collectors/host/metrics.js";
import { httpMetrics } from "../collectors/http/metrics.js";
import type { Labels, MetricDescriptor, Sample, TargetRef } from "../collectors/types.js";
import { probeTargets, prng } from "./generate.js";
import { roomUnavailable, startRoom, type RoomOptions } from "./room.js";
import { median, percentile } from "./stats.js";
import type { BenchResult, BenchRow } from "./types.js";

export interface ScrapeCase {
  name: string;
  /** Targets of the http collector; each has three series (up, duration, status code). */
  httpTargets: number;
  /** Target for the agent's median scrape, in ms (printed, never asserted). */
  targetMedianMs?: number;
}

/** A scrape of the LatestState a real default-scale cycle of the simulated machine room leaves. */
export interface DefaultScaleCase extends RoomOptions {
  targetMedianMs?: number;
}

export interface MetricsScrapeOptions {
  cases: readonly ScrapeCase[];
  /** Also scrape the state of the simulated machine room at the default scale (needs fping, openssl). */
  defaultScale?: DefaultScaleCase;
  iterations?: number;
  warmup?: number;
  log?: (line: string) => void;
}

/** Cases with about `series` collector series in all (the host's plus three per http target). */
export function caseForSeries(series: number, targetMedianMs?: number): ScrapeCase {
  const httpTargets = Math.max(1, Math.ceil((series - hostSamples(new Date(0)).length) / 3));
  return {
    name: `${series.toLocaleString("en-US")} series`,
    httpTargets,
    ...(targetMedianMs === undefined ? {} : { targetMedianMs }),
  };
}

const HOST: TargetRef = {
  key: "host:ops-01",
  kind: "host",
  name: "ops-01",
  labels: { site: "machine-room-1" },
};
const MOUNTS = ["/", "/boot", "/var", "/home", "/data", "/backup", "/srv", "/opt"];
const INTERFACES = ["eth0", "eth1", "bond0", "lo"];

function hostSamples(time: Date): Sample[] {
  const random = prng(7);
  const out: Sample[] = [];
  for (const [metric, descriptor] of Object.entries(hostMetrics) as [string, MetricDescriptor][]) {
    const labelSets: Labels[] =
      descriptor.labels?.includes("mount") === true
        ? MOUNTS.map((mount, i) => ({ mount, device: `/dev/sda${i + 1}`, fstype: "xfs" }))
        : descriptor.labels?.includes("interface") === true
          ? INTERFACES.map((i) => ({ interface: i }))
          : [{}];
    for (const labels of labelSets) out.push({ target: HOST, metric, labels, value: random() * 1e9, time });
  }
  return out;
}

function httpSamples(targets: readonly TargetRef[], time: Date): Sample[] {
  const random = prng(11);
  const out: Sample[] = [];
  for (const target of targets) {
    const up = random() > 0.02;
    out.push({
      target,
      metric: "http_probe_up",
      value: up ? 1 : 0,
      up,
      ...(up ? {} : { reason: "status", detail: "status 502, expected 200" }),
      time,
    });
    out.push({ target, metric: "http_probe_duration_seconds", value: 0.01 + random() * 0.2, time });
    out.push({ target, metric: "http_probe_status_code", value: up ? 200 : 502, time });
  }
  return out;
}

interface Fixture {
  latest: LatestState;
  agent: AgentMetrics;
  baseline: Registry;
  /** The collector whose state is replaced after each scrape, with these samples. */
  replaceCollector: string;
  http: Sample[];
  time: Date;
  series: number;
}

function descriptors(): Map<string, MetricDescriptor> {
  return new Map<string, MetricDescriptor>([...Object.entries(hostMetrics), ...Object.entries(httpMetrics)]);
}

function buildFixture(scrapeCase: ScrapeCase): Fixture {
  const time = new Date("2026-03-01T00:00:00+08:00");
  const latest = new LatestState();
  const host = hostSamples(time);
  const http = httpSamples(probeTargets(scrapeCase.httpTargets), time);
  latest.replace("host", host, time);
  latest.replace("http", http, time);
  return fixtureOf(latest, descriptors(), "http", http, time);
}

/** A fixture over an existing state: `replaceCollector`'s samples are put back after each scrape. */
function fixtureOf(
  latest: LatestState,
  metricDescriptors: ReadonlyMap<string, MetricDescriptor>,
  replaceCollector: string,
  replaceSamples: Sample[],
  time: Date,
): Fixture {
  const agent = new AgentMetrics({
    site: "bench",
    version: "0.0.0-bench",
    latest,
    descriptors: metricDescriptors,
    databaseSizeBytes: () => 123_456_789,
  });
  let series = 0;
  for (const list of latest.byMetric().values()) series += list.length;
  return {
    latest,
    agent,
    baseline: baselineRegistry(latest, metricDescriptors),
    replaceCollector,
    http: replaceSamples,
    time,
    series,
  };
}

/** The same series through prom-client's own Gauges (and its default metrics, as the agent has). */
function baselineRegistry(
  latest: LatestState,
  metricDescriptors: ReadonlyMap<string, MetricDescriptor>,
): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ site: "bench" });
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const infoLabels = new Set<string>();
  for (const [metric, descriptor] of metricDescriptors) {
    const values = latest.byMetric().get(metric) ?? [];
    const gauge = new Gauge({
      name: `${METRIC_PREFIX}${metric}`,
      help: descriptor.help,
      labelNames: ["collector", "target", ...(descriptor.labels ?? []).map(labelName)],
      registers: [registry],
    });
    for (const v of values) {
      const labels: Record<string, string> = { collector: v.collector, target: v.target.name };
      for (const [key, value] of Object.entries(v.labels)) labels[labelName(key)] = value;
      gauge.set(labels, v.value);
      for (const key of Object.keys(v.target.labels ?? {})) infoLabels.add(labelName(key));
    }
  }
  const info = new Gauge({
    name: `${METRIC_PREFIX}target_info`,
    help: "Always 1: each target a collector currently measures, with its kind and descriptive labels.",
    labelNames: [...infoLabels, "collector", "target", "kind"],
    registers: [registry],
  });
  for (const list of latest.byMetric().values()) {
    for (const v of list) {
      const labels: Record<string, string> = {};
      for (const [k, value] of Object.entries(v.target.labels ?? {})) labels[labelName(k)] = value;
      info.set({ ...labels, collector: v.collector, target: v.target.name, kind: v.target.kind }, 1);
    }
  }
  return registry;
}

async function timed(run: () => Promise<string>): Promise<{ ms: number; text: string }> {
  const t0 = performance.now();
  const text = await run();
  return { ms: performance.now() - t0, text };
}

function sampleLines(text: string): number {
  let n = 0;
  for (const line of text.split("\n")) if (line !== "" && !line.startsWith("#")) n += 1;
  return n;
}

export interface ScrapeFigures {
  name: string;
  series: number;
  agentMs: number[];
  baselineMs: number[];
  afterReplaceMs: number[];
  agentBytes: number;
  baselineBytes: number;
  agentLines: number;
  baselineLines: number;
}

export async function measureCase(
  scrapeCase: ScrapeCase,
  iterations: number,
  warmup: number,
): Promise<ScrapeFigures> {
  return measureFixture(scrapeCase.name, buildFixture(scrapeCase), iterations, warmup);
}

async function measureFixture(
  name: string,
  f: Fixture,
  iterations: number,
  warmup: number,
): Promise<ScrapeFigures> {
  const agentText = () => f.agent.text();
  const baselineText = () => f.baseline.metrics();
  let agentOut = "";
  let baselineOut = "";
  for (let i = 0; i < warmup; i++) {
    agentOut = await agentText();
    baselineOut = await baselineText();
  }
  const agentMs: number[] = [];
  const baselineMs: number[] = [];
  const afterReplaceMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    // Interleaved, alternating which goes first, so noise hits both.
    const pair = i % 2 === 0 ? [agentText, baselineText] : [baselineText, agentText];
    for (const run of pair) {
      const { ms, text } = await timed(run);
      if (run === agentText) {
        agentMs.push(ms);
        agentOut = text;
      } else {
        baselineMs.push(ms);
        baselineOut = text;
      }
    }
    // A scrape right after a collector run replaced its state (the by-metric index is rebuilt and
    // that collector's lines are rendered again).
    f.latest.replace(f.replaceCollector, f.http, f.time);
    afterReplaceMs.push((await timed(agentText)).ms);
  }
  return {
    name,
    series: f.series,
    agentMs,
    baselineMs,
    afterReplaceMs,
    agentBytes: Buffer.byteLength(agentOut),
    baselineBytes: Buffer.byteLength(baselineOut),
    agentLines: sampleLines(agentOut),
    baselineLines: sampleLines(baselineOut),
  };
}

export async function runMetricsScrape(options: MetricsScrapeOptions): Promise<BenchResult> {
  const iterations = options.iterations ?? 50;
  const warmup = options.warmup ?? 5;
  const b = "metrics scrape";
  const rows: BenchRow[] = [];
  const figures: ScrapeFigures[] = [];
  const skipped: string[] = [];
  const measured: { r: ScrapeFigures; targetMedianMs: number | undefined }[] = [];
  const defaultScale = options.defaultScale;
  if (defaultScale !== undefined) {
    const why = roomUnavailable();
    if (why !== undefined) skipped.push(`default scale: ${why}`);
    else {
      const room = await startRoom(defaultScale);
      try {
        await room.cycle(); // warm-up: videoconf then has the http collector's result to read
        const c = await room.cycle();
        const http = room.latest.of("platforms") ?? [];
        const name =
          `default scale (${c.vms} VMs, ${c.httpTargets} apps, ${c.endpoints} endpoints, antivirus, vCenter, host: ` +
          `real cycle's state)`;
        const f = fixtureOf(room.latest, room.descriptors, "platforms", [...http], new Date());
        measured.push({
          r: await measureFixture(name, f, iterations, warmup),
          targetMedianMs: defaultScale.targetMedianMs,
        });
      } finally {
        await room.close();
      }
    }
  }
  for (const scrapeCase of options.cases)
    measured.push({
      r: await measureCase(scrapeCase, iterations, warmup),
      targetMedianMs: scrapeCase.targetMedianMs,
    });
  for (const { r, targetMedianMs } of measured) {
    figures.push(r);
    options.log?.(
      `metrics ${r.name}: agent median ${median(r.agentMs).toFixed(2)} ms, baseline ${median(r.baselineMs).toFixed(2)} ms, ` +
        `${r.agentLines} vs ${r.baselineLines} sample lines`,
    );
    const at = `${r.name}`;
    rows.push(
      {
        benchmark: b,
        figure: `agent text() median, ${at}`,
        value: median(r.agentMs),
        unit: "ms",
        ...(targetMedianMs === undefined ? {} : { target: { kind: "max" as const, value: targetMedianMs } }),
      },
      { benchmark: b, figure: `agent text() p95, ${at}`, value: percentile(r.agentMs, 95), unit: "ms" },
      {
        benchmark: b,
        figure: `agent text() median after replace(), ${at}`,
        value: median(r.afterReplaceMs),
        unit: "ms",
      },
      {
        benchmark: b,
        figure: `prom-client Gauge baseline median, ${at}`,
        value: median(r.baselineMs),
        unit: "ms",
      },
      {
        benchmark: b,
        figure: `agent ÷ baseline (median), ${at}`,
        value: median(r.agentMs) / median(r.baselineMs),
        unit: "×",
      },
      { benchmark: b, figure: `series in the state, ${at}`, value: r.series, unit: "" },
      {
        benchmark: b,
        figure: `agent output, ${at} (${r.agentLines} sample lines)`,
        value: r.agentBytes / 1024,
        unit: "KiB",
      },
    );
  }
  for (const why of skipped)
    rows.push({ benchmark: b, figure: `skipped: ${why}`, value: Number.NaN, unit: "" });
  return { benchmark: b, rows, details: { iterations, warmup, cases: figures, skipped } };
}
