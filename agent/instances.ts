/**
 * From the config's collectors: list to running CollectorInstances. The common options (name,
 * type, every/cron, timeout, jitter, enabled) belong to the agent; the rest go to the plugin.
 */
import { pluginFor } from "../collectors/index.js";
import type { InventoryView, LatestView } from "../collectors/types.js";
import type { CollectorConfig } from "../config/schema.js";
import type { Clock } from "./clock.js";
import type { Logger } from "./log.js";
import { CollectorInstance, type RunSink } from "./runner.js";
import { nominalPeriodMs } from "./schedule-spec.js";
import type { Schedule } from "./scheduler.js";

const COMMON_KEYS = new Set(["name", "type", "every", "cron", "timeout", "jitter", "enabled"]);

export interface ConfiguredInstance {
  instance: CollectorInstance;
  schedule: Schedule;
  periodMs: number;
  timeoutMs: number;
}

export function instanceName(entry: CollectorConfig): string {
  return entry.name ?? entry.type;
}

export function buildInstances(
  entries: readonly CollectorConfig[],
  deps: {
    clock: Clock;
    log: Logger;
    sink: RunSink;
    shutdown: AbortSignal;
    timeZone: string;
    inventory: InventoryView;
    /** Other collectors' latest results, for plugins that combine them. */
    latest: LatestView;
  },
): ConfiguredInstance[] {
  return entries
    .filter((entry) => entry.enabled)
    .map((entry) => {
      const plugin = pluginFor(entry.type);
      if (!plugin) throw new Error(`no collector plugin of type ${entry.type}`);
      const name = instanceName(entry);
      const options = Object.fromEntries(Object.entries(entry).filter(([key]) => !COMMON_KEYS.has(key)));
      const log = deps.log.child({ collector: name });
      const schedule: Schedule =
        entry.cron !== undefined ? { cron: entry.cron } : { every: entry.every ?? 60_000 };
      const periodMs = nominalPeriodMs(schedule, deps.timeZone);
      const collector = plugin.create(options as never, {
        clock: deps.clock,
        log,
        inventory: deps.inventory,
        latest: deps.latest,
        periodMs,
      });
      return {
        instance: new CollectorInstance({
          name,
          plugin,
          collector,
          timeoutMs: entry.timeout,
          jitterMs: entry.jitter,
          clock: deps.clock,
          log: deps.log,
          sink: deps.sink,
          shutdown: deps.shutdown,
        }),
        schedule,
        periodMs,
        timeoutMs: entry.timeout,
      };
    });
}
