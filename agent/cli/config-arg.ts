/** Loading the config for a command, printing every error and exiting 78 (EX_CONFIG) when it is bad. */
import { EXIT_CONFIG, loadConfigFile } from "../../config/load.js";
import type { Config } from "../../config/schema.js";

export { DEFAULT_CONFIG_PATH } from "./default-config.js";

/**
 * `secrets`: "resolve" for commands that run collectors (run, once, check-config: a missing
 * secret is a config error now); "defer" for commands that only read the database (kpi, report,
 * incident, …), so an operator's shell needs none of the daemon's passwords.
 */
export function loadOrExit(path: string, secrets: "resolve" | "defer"): Config {
  const result = loadConfigFile(path, { secrets });
  if (result.ok) return result.config;
  printConfigErrors(path, result.errors);
  process.exit(EXIT_CONFIG);
}

export function printConfigErrors(path: string, errors: readonly string[]): void {
  console.error(`${path}: ${errors.length} error${errors.length === 1 ? "" : "s"}`);
  for (const line of errors) console.error(`  ${line}`);
}
