/**
 * Every enabled collector of a config run once, now, in the order their dependencies need:
 * inventory collectors first (icmp from guest IPs, antivirus coverage build on this run's VMs),
 * then the others, then the collectors that combine others' results (videoconf). Nothing is
 * written anywhere. `ops-agent once` prints the outcomes; the demo's history
 * (agent/demo-history/) replays them as its templates, so the history's targets, metrics and
 * labels are the collectors' own.
 */
import type { Config } from "../config/schema.js";
import type { Clock } from "./clock.js";
import { buildInstances } from "./instances.js";
import { isInventoryType, LatestInventory } from "./inventory.js";
import type { Logger } from "./log.js";
import type { RunOutcome, RunSink } from "./runner.js";
import { LatestState } from "./store/latest.js";

/** Runs the enabled collectors `include` accepts (all by default) once; outcomes by collector name. */
export async function runCollectorsOnce(
  config: Config,
  deps: {
    clock: Clock;
    log: Logger;
    include?: (collector: Config["collectors"][number]) => boolean;
    /** Told of each run as it finishes (`once`'s progress lines on a terminal). */
    onFinished?: (outcome: RunOutcome, finished: number, total: number) => void;
  },
): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  const latest = new LatestState();
  const sink: RunSink = {
    runFinished: (o) => {
      outcomes.push(o);
      deps.onFinished?.(o, outcomes.length, entries.length);
      if (o.status === "ok") latest.replace(o.collector, o.samples, o.startedAt, o.kept);
    },
    tickSkipped: () => undefined,
  };
  const shutdown = new AbortController();
  const include = deps.include ?? (() => true);
  const entries = config.collectors.filter((c) => c.enabled && include(c));
  const configured = buildInstances(entries, {
    clock: deps.clock,
    log: deps.log,
    sink,
    shutdown: shutdown.signal,
    timeZone: config.timezone,
    inventory: new LatestInventory(latest, () =>
      configured
        .filter((c) => isInventoryType(c.instance.type))
        .map((c) => ({ name: c.instance.name, type: c.instance.type })),
    ),
    latest,
  });
  const isInventory = (c: (typeof configured)[number]) => isInventoryType(c.instance.type);
  const combines = (c: (typeof configured)[number]) => c.instance.readsLatest;
  await Promise.all(configured.filter(isInventory).map((c) => c.instance.tick()));
  await Promise.all(configured.filter((c) => !isInventory(c) && !combines(c)).map((c) => c.instance.tick()));
  await Promise.all(configured.filter(combines).map((c) => c.instance.tick()));
  await Promise.allSettled(configured.map((c) => c.instance.close()));
  outcomes.sort((a, b) => a.collector.localeCompare(b.collector));
  return outcomes;
}
