/**
 * `ops-agent once`: run every enabled collector once, now, and print what it measured. Nothing is
 * written to the store, so it is safe beside a running agent. Exit 1 when a collector failed.
 */
import { systemClock } from "../clock.js";
import { buildInstances } from "../instances.js";
import { isInventoryType, LatestInventory } from "../inventory.js";
import { LatestState } from "../store/latest.js";
import { createLogger } from "../log.js";
import type { RunOutcome, RunSink } from "../runner.js";
import { formatValue } from "./format-value.js";
import { renderTable } from "./table.js";
import { loadOrExit } from "./config-arg.js";

export async function onceCommand(path: string, options: { json?: boolean }): Promise<number> {
  const config = loadOrExit(path, "resolve");
  // Logs go to stderr so the table (or JSON) on stdout stays clean.
  const log = createLogger(
    { level: config.log.level === "info" ? "warn" : config.log.level, format: "json" },
    process.stderr,
  );
  const outcomes: RunOutcome[] = [];
  // Inventory collectors run first, so collectors that build on the inventory (icmp from guest
  // IPs, antivirus coverage) see this run's VMs; collectors that combine others' results last.
  const latest = new LatestState();
  const sink: RunSink = {
    runFinished: (o) => {
      outcomes.push(o);
      if (o.status === "ok") latest.replace(o.collector, o.samples, o.startedAt, o.kept);
    },
    tickSkipped: () => undefined,
  };
  const shutdown = new AbortController();
  const configured = buildInstances(config.collectors, {
    clock: systemClock,
    log,
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
  if (options.json) {
    console.log(
      JSON.stringify(
        outcomes.map(({ kept: _kept, ...o }) => o),
        null,
        2,
      ),
    );
  } else {
    const rows: string[][] = [];
    for (const o of outcomes) {
      if (o.status !== "ok") {
        rows.push([o.collector, "(all targets)", "-", "", "unknown", `${o.status}: ${o.error ?? ""}`]);
        continue;
      }
      for (const s of o.samples) {
        const labels = Object.entries(s.labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(",");
        const state =
          s.up === undefined
            ? ""
            : s.up
              ? "up"
              : `down (${s.reason ?? "?"}${s.detail ? `: ${s.detail}` : ""})`;
        rows.push([
          o.collector,
          s.target.name,
          s.metric,
          labels,
          s.value === null ? "-" : formatValue(s.metric, s.value),
          state,
        ]);
      }
    }
    console.log(renderTable(["COLLECTOR", "TARGET", "METRIC", "LABELS", "VALUE", "STATE"], rows));
    for (const o of outcomes) {
      console.log(
        `${o.collector}: ${o.status}, ${o.samples.length} samples in ${Math.round(o.durationMs)} ms`,
      );
    }
  }
  return outcomes.every((o) => o.status === "ok") ? 0 : 1;
}
