/** Loading the config for a command, printing every error and exiting 78 (EX_CONFIG) when it is bad. */
import { EXIT_CONFIG, loadConfigFile } from "../../config/load.js";
import type { Config } from "../../config/schema.js";

export { DEFAULT_CONFIG_PATH } from "./default-config.js";

export function loadOrExit(path: string): Config {
  const result = loadConfigFile(path);
  if (result.ok) return result.config;
  printConfigErrors(path, result.errors);
  process.exit(EXIT_CONFIG);
}

export function printConfigErrors(path: string, errors: readonly string[]): void {
  console.error(`${path}: ${errors.length} error${errors.length === 1 ? "" : "s"}`);
  for (const line of errors) console.error(`  ${line}`);
}
