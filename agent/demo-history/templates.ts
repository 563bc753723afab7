/**
 * The history's templates: one run of the demo's collectors against the simulated machine room,
 * now. Each sample they produce is one series of the history (its target, metric and labels are
 * the collector's own), so the live demo that follows continues the same series.
 */
import type { Config } from "../../config/schema.js";
import { pluginFor } from "../../collectors/index.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { RunOutcome } from "../runner.js";
import { runCollectorsOnce } from "../run-once.js";

/** Collector types whose series the documents read (host and icmp series are not in the history). */
const REPLAYED = new Set(["vcenter", "inventory", "antivirus", "http", "videoconf", "sip"]);

export async function captureTemplates(
  config: Config,
  deps: { clock: Clock; log: Logger },
): Promise<RunOutcome[]> {
  const outcomes = await runCollectorsOnce(config, {
    ...deps,
    include: ({ name, type }) => {
      if (!REPLAYED.has(type)) return false;
      const entry = config.collectors.find((c) => c.name === name);
      const availability = pluginFor(type)?.availability;
      // An http collector that probes no education application (the agent's own /healthz) is left
      // out: the agent is not running yet, and the self-probe counts toward nothing.
      return (
        entry !== undefined &&
        (availability === undefined || availability.applications(entry, config.http.listen).length > 0)
      );
    },
  });
  const failed = outcomes.filter((o) => o.status !== "ok");
  if (failed.length > 0)
    throw new Error(
      `the simulated room did not answer every collector: ${failed.map((o) => `${o.collector} ${o.status}${o.error ? ` (${o.error})` : ""}`).join("; ")}`,
    );
  return outcomes;
}
