/**
 * Signals tied to the agent's long-lived shutdown signal leave nothing on it once the work is done:
 * a listener or a dependant left behind per run was the soak's memory growth (every run's samples
 * stayed reachable from the shutdown signal).
 */
import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { abortableSleep, abortRejection, linkedSignal } from "../../collectors/shared/abort.js";
import { ManualClock } from "../../agent/clock.js";
import { silentLogger } from "../../agent/log.js";
import { CollectorInstance, type RunSink } from "../../agent/runner.js";
import { definePlugin, type Sample } from "../../collectors/types.js";

const listeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

describe("linkedSignal", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("aborts with the parent's reason, and says it was not the timeout", () => {
    const parent = new AbortController();
    const link = linkedSignal(parent.signal, { ms: 1_000, reason: () => new Error("timeout") });
    parent.abort(new Error("shutting down"));
    expect(link.signal.aborted).toBe(true);
    expect((link.signal.reason as Error).message).toBe("shutting down");
    expect(link.timedOut()).toBe(false);
    link.dispose();
  });

  it("aborts at its timeout with the given reason", async () => {
    const parent = new AbortController();
    const link = linkedSignal(parent.signal, { ms: 1_000, reason: () => new Error("timeout") });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(link.signal.aborted).toBe(true);
    expect(link.timedOut()).toBe(true);
    expect((link.signal.reason as Error).message).toBe("timeout");
    link.dispose();
    expect(parent.signal.aborted).toBe(false);
  });

  it("is aborted at once when the parent already is", () => {
    const parent = new AbortController();
    parent.abort(new Error("gone"));
    const link = linkedSignal(parent.signal);
    expect(link.signal.aborted).toBe(true);
    link.dispose();
  });

  it("leaves no listener and no timer behind once disposed", () => {
    const parent = new AbortController();
    for (let i = 0; i < 5; i++) linkedSignal(parent.signal, { ms: 1_000, reason: () => i }).dispose();
    expect(listeners(parent.signal)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("abortRejection and abortableSleep", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("abortRejection rejects on abort, and release removes its listener", async () => {
    const controller = new AbortController();
    const first = abortRejection(controller.signal);
    first.release();
    expect(listeners(controller.signal)).toBe(0);
    const second = abortRejection(controller.signal);
    controller.abort(new Error("stop"));
    await expect(second.promise).rejects.toThrow("stop");
  });

  it("abortableSleep ends at its time or at abort, with no listener left", async () => {
    const controller = new AbortController();
    const slept = abortableSleep(1_000, controller.signal);
    await vi.advanceTimersByTimeAsync(1_000);
    await slept;
    expect(listeners(controller.signal)).toBe(0);
    const cut = abortableSleep(60_000, controller.signal);
    controller.abort();
    await cut;
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("collector runs and the shutdown signal", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("a finished run (ok, failed, after jitter) leaves no listener on the shutdown signal", async () => {
    const target = { key: "t:1", kind: "application", name: "platform" };
    const plugin = definePlugin({
      type: "fake",
      description: "test double",
      schema: z.object({}).strict(),
      metrics: { fake_up: { help: "up", type: "gauge" } },
      create: () => ({ collect: async () => [] }),
    });
    let fail = false;
    const shutdown = new AbortController();
    const sink: RunSink = { runFinished: () => {}, tickSkipped: () => {} };
    const instance = new CollectorInstance({
      name: "fake",
      plugin,
      collector: {
        collect: async (): Promise<Sample[]> => {
          if (fail) throw new Error("peer down");
          return [{ target, metric: "fake_up", value: 1, up: true }];
        },
      },
      timeoutMs: 10_000,
      jitterMs: 1_000,
      clock: new ManualClock("2026-05-01T08:00:00+08:00"),
      log: silentLogger,
      sink,
      shutdown: shutdown.signal,
      random: () => 0.5,
    });
    for (let i = 0; i < 4; i++) {
      fail = i % 2 === 1;
      const run = instance.tick()!;
      await vi.advanceTimersByTimeAsync(1_000);
      expect((await run).status).toBe(fail ? "failed" : "ok");
    }
    expect(listeners(shutdown.signal)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
