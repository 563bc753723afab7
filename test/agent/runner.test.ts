import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ManualClock } from "../../agent/clock.js";
import { silentLogger } from "../../agent/log.js";
import { AgentMetrics } from "../../agent/metrics.js";
import { RunRecorder } from "../../agent/recorder.js";
import { CollectorInstance } from "../../agent/runner.js";
import { LatestState } from "../../agent/store/latest.js";
import { definePlugin, type Collector, type CollectContext, type Sample } from "../../collectors/types.js";

const target = { key: "t:1", kind: "application", name: "platform" };
const plugin = definePlugin({
  type: "fake",
  description: "test double",
  schema: z.object({}).strict(),
  metrics: { fake_up: { help: "up", type: "gauge" } },
  create: () => ({ collect: async () => [] }),
});

/** A collector whose runs the test finishes by hand. */
class ControlledCollector implements Collector {
  readonly calls: { ctx: CollectContext; resolve: (s: Sample[]) => void; reject: (e: Error) => void }[] = [];
  collect(ctx: CollectContext): Promise<Sample[]> {
    return new Promise((resolve, reject) => this.calls.push({ ctx, resolve, reject }));
  }
}

function setup(options: { timeoutMs?: number; jitterMs?: number } = {}) {
  const clock = new ManualClock("2026-05-01T08:00:00+08:00");
  const latest = new LatestState();
  const metrics = new AgentMetrics({
    site: "test",
    version: "test",
    latest,
    descriptors: new Map(Object.entries(plugin.metrics)),
    databaseSizeBytes: () => undefined,
  });
  const recorder = new RunRecorder(latest, silentLogger, undefined, metrics);
  const collector = new ControlledCollector();
  const shutdown = new AbortController();
  const instance = new CollectorInstance({
    name: "fake",
    plugin,
    collector,
    timeoutMs: options.timeoutMs ?? 10_000,
    jitterMs: options.jitterMs ?? 0,
    clock,
    log: silentLogger,
    sink: recorder,
    shutdown: shutdown.signal,
    random: () => 0.5,
  });
  // The agent's own metrics live in the prom-client registry; collector metrics (opsagent_fake_up)
  // are written by the agent's exposition writer, so those are read back from text().
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const matches = (l: Partial<Record<string, string | number>>) =>
      Object.entries(labels).every(([k, v]) => l[k] === v);
    const own = metrics.registry.getSingleMetric(name);
    if (own) return (await own.get()).values.find((v) => matches(v.labels))?.value;
    for (const line of (await metrics.text()).split("\n")) {
      const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      const l = Object.fromEntries(
        [...m[2]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((p) => [p[1]!, p[2]!]),
      );
      if (matches(l)) return Number(m[3]);
    }
    return undefined;
  };
  return { clock, latest, recorder, collector, instance, shutdown, value };
}

const up = (v: number): Sample => ({ target, metric: "fake_up", value: v, up: v === 1 });

describe("collector runs", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("skips a tick while the previous run is still going, and counts it", async () => {
    const { instance, collector, value } = setup();
    const first = instance.tick();
    expect(first).toBeDefined();
    await vi.advanceTimersByTimeAsync(0);
    expect(instance.tick()).toBeUndefined();
    expect(instance.tick()).toBeUndefined();
    expect(collector.calls).toHaveLength(1);
    expect(await value("opsagent_collector_ticks_skipped_total", { collector: "fake" })).toBe(2);
    collector.calls[0]!.resolve([up(1)]);
    expect((await first)!.status).toBe("ok");
    expect(instance.tick()).toBeDefined(); // free again
  });

  it("aborts a run at its timeout, records it as a timeout and makes the targets unknown", async () => {
    const { instance, collector, latest, recorder, value } = setup({ timeoutMs: 5_000 });
    const good = instance.tick()!;
    await vi.advanceTimersByTimeAsync(0);
    collector.calls[0]!.resolve([up(1)]);
    await good;
    expect(latest.of("fake")).toHaveLength(1);

    const hung = instance.tick()!;
    await vi.advanceTimersByTimeAsync(4_999);
    expect(collector.calls[1]!.ctx.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(collector.calls[1]!.ctx.signal.aborted).toBe(true);
    const outcome = await hung; // the collector never answers: the agent does not wait for it
    expect(outcome).toMatchObject({ status: "timeout", error: "timed out after 5000 ms", samples: [] });
    expect(latest.of("fake")).toBeUndefined();
    expect(recorder.status.get("fake")).toMatchObject({ lastStatus: "timeout" });
    expect(await value("opsagent_collector_runs_total", { result: "timeout" })).toBe(1);
    expect(await value("opsagent_collector_up")).toBe(0);
  });

  it("records a run that throws as failed; the next good run makes the targets known again", async () => {
    const { instance, collector, latest, value } = setup();
    const failing = instance.tick()!;
    await vi.advanceTimersByTimeAsync(0);
    collector.calls[0]!.reject(new Error("manager unreachable"));
    expect(await failing).toMatchObject({ status: "failed", error: "manager unreachable" });
    expect(latest.of("fake")).toBeUndefined();
    expect(await value("opsagent_collector_up")).toBe(0);

    const good = instance.tick()!;
    await vi.advanceTimersByTimeAsync(0);
    collector.calls[1]!.resolve([up(0)]);
    expect((await good).status).toBe("ok");
    expect(latest.of("fake")?.[0]).toMatchObject({ value: 0, up: false });
    expect(await value("opsagent_collector_up")).toBe(1);
    expect(await value("opsagent_fake_up", { target: "platform" })).toBe(0);
  });

  it("fails a run whose collector returns a metric it did not declare", async () => {
    const { instance, collector } = setup();
    const run = instance.tick()!;
    await vi.advanceTimersByTimeAsync(0);
    collector.calls[0]!.resolve([{ target, metric: "made_up", value: 1 }]);
    expect(await run).toMatchObject({
      status: "failed",
      error: 'collector returned undeclared metric "made_up"',
    });
  });

  it("waits a jitter before starting, and the shutdown signal aborts a run", async () => {
    const { instance, collector, shutdown } = setup({ jitterMs: 10_000 });
    const run = instance.tick()!;
    await vi.advanceTimersByTimeAsync(4_999);
    expect(collector.calls).toHaveLength(0); // random() = 0.5 → 5 s of jitter
    await vi.advanceTimersByTimeAsync(1);
    expect(collector.calls).toHaveLength(1);
    shutdown.abort(new Error("agent shutting down"));
    expect(await run).toMatchObject({ status: "failed", error: "agent shutting down" });
  });
});
