/**
 * Issue 17, point 3: when an inventory collector and the antivirus collector fire on the same
 * tick, the coverage is computed against that tick's inventory — never the previous one (which
 * showed 242 running VMs beside antivirus_running_vms 245). Real node-cron ticks every second,
 * the real antivirus collector (export source) and the agent's latest state and inventory view.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { systemClock } from "../../agent/clock.js";
import { LatestInventory } from "../../agent/inventory.js";
import { silentLogger } from "../../agent/log.js";
import { CollectorInstance, type RunOutcome } from "../../agent/runner.js";
import { Scheduler } from "../../agent/scheduler.js";
import { LatestState } from "../../agent/store/latest.js";
import { antivirusPlugin } from "../../collectors/antivirus/index.js";
import { definePlugin, type CollectorPlugin, type Deps, type Sample } from "../../collectors/types.js";
import { tempDir } from "../helpers/tmp.js";

describe("the same tick's inventory", () => {
  it("antivirus coverage due on an inventory collector's tick waits for that tick's inventory", async () => {
    const dir = tempDir();
    const exportFile = join(dir, "av.json");
    writeFileSync(
      exportFile,
      JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ name: `edu-vm-${i}`, protected: "yes" }))),
    );
    const latest = new LatestState();
    const inventory = new LatestInventory(latest, () => [{ name: "vcenter", type: "vcenter" }]);
    const deps: Deps = { clock: systemClock, log: silentLogger, inventory };
    const outcomes: RunOutcome[] = [];
    const sink = {
      runFinished: (o: RunOutcome) => {
        if (o.status === "ok") latest.replace(o.collector, o.samples, o.startedAt, o.kept);
        else latest.markUnknown(o.collector);
        outcomes.push(o);
      },
      tickSkipped: () => undefined,
    };
    // An inventory whose every run lists one more running VM, answering after 300 ms (vCenter's
    // list and per-VM calls take a while; the antivirus run would read the old list meanwhile).
    let listed = 0;
    const inventoryPlugin = definePlugin({
      type: "vcenter",
      description: "test inventory",
      schema: z.object({}).strict(),
      metrics: { vm_power_state: { help: "x", type: "gauge", labels: ["power_state"] } },
      create: () => ({
        collect: async (): Promise<Sample[]> => {
          const count = ++listed;
          await new Promise((r) => setTimeout(r, 300));
          return Array.from({ length: count }, (_, i) => ({
            target: { key: `vm:vm-${i}`, kind: "vm", name: `edu-vm-${i}`, vmId: `vm-${i}` },
            metric: "vm_power_state",
            labels: { power_state: "POWERED_ON" },
            value: 1,
          }));
        },
      }),
    });
    const instance = (name: string, plugin: CollectorPlugin, config: unknown) =>
      new CollectorInstance({
        name,
        plugin,
        collector: plugin.create(plugin.schema.parse(config), deps),
        timeoutMs: 5_000,
        jitterMs: 0,
        clock: systemClock,
        log: silentLogger,
        sink,
        shutdown: new AbortController().signal,
      });
    const scheduler = new Scheduler("Asia/Shanghai");
    // The antivirus collector is added first: node-cron fires it first on a shared tick.
    scheduler.add(
      instance("antivirus", antivirusPlugin, {
        source: {
          kind: "export",
          path: exportFile,
          format: "json",
          fields: { name: "name", protected: "protected" },
        },
      }),
      { every: 1_000 },
    );
    scheduler.add(instance("vcenter", inventoryPlugin, {}), { every: 1_000 });
    scheduler.start({ runNow: false, isInventory: (i) => i.name === "vcenter" });
    // Until three antivirus runs have finished (about 3.5 s on a quiet machine): a fixed wait
    // saw only one on a loaded CI machine, where node-cron skips the ticks it fires late.
    const deadline = Date.now() + 15_000;
    while (outcomes.filter((o) => o.collector === "antivirus").length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await scheduler.stop();
    expect(await scheduler.drain(5_000)).toEqual([]);

    const coverage = outcomes.filter((o) => o.collector === "antivirus");
    expect(coverage.length).toBeGreaterThanOrEqual(3);
    const second = (d: Date) => Math.floor(d.getTime() / 1000);
    for (const run of coverage) {
      expect(run.status, run.error).toBe("ok");
      // The inventory run that started on the same tick (the same second) lists that tick's VMs.
      const sameTick = outcomes.find(
        (o) => o.collector === "vcenter" && second(o.startedAt) === second(run.startedAt),
      );
      expect(sameTick, "an inventory run on the same tick").toBeDefined();
      expect(sameTick!.finishedAt.getTime()).toBeLessThanOrEqual(run.startedAt.getTime());
      const running = run.samples.find((s) => s.metric === "antivirus_running_vms")?.value;
      expect(running).toBe(sameTick!.samples.length);
    }
  }, 30_000);
});
