import { describe, expect, it } from "vitest";
import { z } from "zod";
import { systemClock } from "../../agent/clock.js";
import { silentLogger } from "../../agent/log.js";
import { CollectorInstance, type RunOutcome } from "../../agent/runner.js";
import { everyToCron, nominalPeriodMs } from "../../agent/schedule-spec.js";
import { Scheduler, cronExpressionFor } from "../../agent/scheduler.js";
import { definePlugin, noInventory } from "../../collectors/types.js";

describe("schedule specs", () => {
  it("turns even periods into cron expressions and refuses the others", () => {
    expect(everyToCron(15_000)).toBe("*/15 * * * * *");
    expect(everyToCron(60_000)).toBe("0 * * * * *");
    expect(everyToCron(5 * 60_000)).toBe("0 */5 * * * *");
    expect(everyToCron(3_600_000)).toBe("0 0 * * * *");
    expect(everyToCron(6 * 3_600_000)).toBe("0 0 */6 * * *");
    expect(everyToCron(86_400_000)).toBe("0 0 0 * * *");
    expect(everyToCron(7_000)).toBeUndefined();
    expect(everyToCron(90_000)).toBeUndefined();
    expect(everyToCron(7 * 60_000)).toBeUndefined();
  });

  it("knows the period of a cron expression", () => {
    expect(nominalPeriodMs({ cron: "*/5 * * * *" })).toBe(300_000);
    expect(nominalPeriodMs({ every: 30_000 })).toBe(30_000);
    expect(cronExpressionFor({ cron: "0 8 1 * *" })).toBe("0 8 1 * *");
  });
});

describe("scheduler", () => {
  it("fires on node-cron's schedule, runs at once on start, and stops firing after stop()", async () => {
    const runs: RunOutcome[] = [];
    const plugin = definePlugin({
      type: "counting",
      description: "test",
      schema: z.object({}).strict(),
      metrics: {},
      create: () => ({ collect: async () => [] }),
    });
    const instance = new CollectorInstance({
      name: "counting",
      plugin,
      collector: plugin.create({}, { clock: systemClock, log: silentLogger, inventory: noInventory }),
      timeoutMs: 1000,
      jitterMs: 0,
      clock: systemClock,
      log: silentLogger,
      sink: { runFinished: (o) => runs.push(o), tickSkipped: () => undefined },
      shutdown: new AbortController().signal,
    });
    const scheduler = new Scheduler("Asia/Shanghai");
    scheduler.add(instance, { every: 1000 });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 2_600));
    await scheduler.stop();
    const count = runs.length;
    expect(count).toBeGreaterThanOrEqual(3); // one at start + one per second
    await new Promise((r) => setTimeout(r, 1_200));
    expect(runs.length).toBe(count);
    expect(await scheduler.drain(100)).toEqual([]);
  });

  it("first runs: inventory collectors, then the rest, then the collectors that combine others' results", async () => {
    const order: string[] = [];
    const instance = (
      name: string,
      flags: { usesInventory?: boolean; readsLatest?: boolean },
      ms: number,
    ) => {
      const plugin = definePlugin({
        type: name,
        description: "test",
        schema: z.object({}).strict(),
        metrics: {},
        ...flags,
        create: () => ({
          collect: async () => {
            order.push(`${name} start`);
            await new Promise((r) => setTimeout(r, ms));
            order.push(`${name} end`);
            return [];
          },
        }),
      });
      return new CollectorInstance({
        name,
        plugin,
        collector: plugin.create({}, { clock: systemClock, log: silentLogger, inventory: noInventory }),
        timeoutMs: 5000,
        jitterMs: 0,
        clock: systemClock,
        log: silentLogger,
        sink: { runFinished: () => undefined, tickSkipped: () => undefined },
        shutdown: new AbortController().signal,
      });
    };
    const scheduler = new Scheduler("Asia/Shanghai");
    scheduler.add(instance("videoconf", { readsLatest: true }, 1), { every: 3_600_000 });
    scheduler.add(instance("icmp", { usesInventory: true }, 50), { every: 3_600_000 });
    scheduler.add(instance("http", {}, 150), { every: 3_600_000 });
    scheduler.add(instance("vcenter", {}, 20), { every: 3_600_000 });
    scheduler.start({ isInventory: (i) => i.name === "vcenter" });
    await new Promise((r) => setTimeout(r, 600));
    await scheduler.stop();
    expect(order.indexOf("icmp start")).toBeGreaterThan(order.indexOf("vcenter end"));
    expect(order.indexOf("videoconf start")).toBeGreaterThan(order.indexOf("http end"));
    expect(order.indexOf("videoconf start")).toBeGreaterThan(order.indexOf("icmp end"));
    expect(order.indexOf("http start")).toBeLessThan(order.indexOf("vcenter end"));
  });
});
