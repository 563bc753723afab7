/**
 * The target names a maintenance window can cover (its `applications`): every named target of
 * every collector in the config — the http probes' education applications first of all, but also
 * SIP and ping targets, whose probes a window marks the same way.
 */
import type { Config } from "../../config/schema.js";
import { applicationsOf } from "../kpi/availability-store.js";

export function knownTargetNames(config: Config): string[] {
  const names = new Set(applicationsOf(config).map((a) => a.application));
  for (const collector of config.collectors) {
    const targets: unknown = (collector as { targets?: unknown }).targets;
    if (!Array.isArray(targets)) continue;
    for (const t of targets as unknown[]) {
      const name = (t as { name?: unknown } | null)?.name;
      if (typeof name === "string") names.add(name);
    }
  }
  return [...names];
}
