/**
 * Reading the config file: YAML syntax, then the schema. Every problem found is returned at once
 * (a person fixing a config should not have to run the check once per mistake).
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parseDocument } from "yaml";
import { configSchema, type Config } from "./schema.js";
import { describeValue, formatIssues } from "./errors.js";
import { crossFieldErrors } from "./cross-checks.js";
import { withDeferredSecrets } from "./secret.js";

export type LoadResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Exit status for a bad config (EX_CONFIG in sysexits.h): systemd and scripts can tell it apart. */
export const EXIT_CONFIG = 78;

export interface LoadOptions {
  /**
   * "resolve" (the daemon, check-config): every secret is read now and a missing one is an error.
   * "defer" (commands that only read the database): references are checked, values read on use.
   */
  secrets?: "resolve" | "defer";
}

export function parseConfigText(text: string, options: LoadOptions = {}): LoadResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${pos ? `line ${pos.line}, column ${pos.col}` : "YAML"}: ${(e.message.split("\n")[0] ?? "").replace(/:$/, "").replace(/ at line \d+, column \d+$/, "")}`;
      }),
    };
  }
  let input: unknown;
  try {
    // An alias without its anchor, or an alias bomb past the yaml package's limit, throws here.
    input = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    return { ok: false, errors: [`YAML: ${(error as Error).message.split("\n")[0] ?? "unreadable"}`] };
  }
  if (typeof input !== "object" || Array.isArray(input)) {
    return {
      ok: false,
      errors: [
        `(top level): expected a mapping of options (site:, collectors:, …), got ${Array.isArray(input) ? "a list" : describeValue(input)}`,
      ],
    };
  }
  const parsed =
    options.secrets === "defer"
      ? withDeferredSecrets(() => configSchema.safeParse(input))
      : configSchema.safeParse(input);
  const errors = [...(parsed.success ? [] : formatIssues(parsed.error, input)), ...crossFieldErrors(input)];
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  return { ok: true, config: parsed.data };
}

export function loadConfigFile(path: string, options: LoadOptions = {}): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return {
      ok: false,
      errors: [
        `cannot read config file: ${(error as Error).message}; pass --config with the path of your YAML file`,
      ],
    };
  }
  return parseConfigText(text, options);
}

/** The database path the config implies. */
export function databasePath(config: Config): string {
  const path = config.store.path ?? join(config.data_dir, "ops-agent.db");
  return isAbsolute(path) ? path : join(process.cwd(), path);
}
