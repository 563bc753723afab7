/**
 * What a person calls an application: its probe target's `system:` label in the config (智慧教育大平台),
 * else the target's name. The name is a label: the report keeps every row keyed by the target's
 * name (its id) and prints this beside it; the slug itself appears only in the appendix.
 */
import type { Config } from "../../config/schema.js";

interface LabelledTarget {
  name: string;
  labels?: Record<string, string>;
}

function targetsOf(collector: unknown): LabelledTarget[] {
  const targets = (collector as { targets?: unknown }).targets;
  if (!Array.isArray(targets)) return [];
  return targets.filter(
    (t): t is LabelledTarget =>
      typeof t === "object" && t !== null && typeof (t as LabelledTarget).name === "string",
  );
}

/** Per target name: its display name (the `system` label, trimmed), for every collector's targets. */
export function applicationNames(config: Config): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of config.collectors)
    for (const t of targetsOf(c)) {
      const system = t.labels?.system?.trim();
      if (system !== undefined && system !== "" && !names.has(t.name)) names.set(t.name, system);
    }
  return names;
}

/** The display name of one application id (its own id when it has no `system:` label). */
export function displayName(names: ReadonlyMap<string, string>, id: string): string {
  return names.get(id) ?? id;
}
