/**
 * `ops-agent once`: run every enabled collector once, now, and print what it measured. Nothing is
 * written to the store, so it is safe beside a running agent. Exit 1 when a collector failed.
 */
import { systemClock } from "../clock.js";
import { createLogger } from "../log.js";
import { runCollectorsOnce } from "../run-once.js";
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
  const outcomes = await runCollectorsOnce(config, { clock: systemClock, log });
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
