/** `ops-agent check-config FILE`: validate without starting anything. Exit 0 when valid, 78 when not. */
import { formatDuration } from "../../config/duration.js";
import { databasePath, EXIT_CONFIG } from "../../config/load.js";
import { secretProblems } from "../../config/secret-checks.js";
import { realpathSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { instanceName } from "../instances.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { loadOrExit, printConfigErrors } from "./config-arg.js";

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export function checkConfigCommand(path: string): void {
  const config = loadOrExit(path, "resolve");
  // The secrets themselves, once read: files others can read, a short API token.
  // The demo's credentials (simroom/demo) are published test material, readable by design.
  // Compared as real paths: a checkout reached through a symlink holds the same files.
  const demo = realPath(join(PACKAGE_ROOT, "simroom", "demo")) + sep;
  const problems = secretProblems(config, (file) => realPath(resolve(file)).startsWith(demo));
  if (problems.length > 0) {
    printConfigErrors(path, problems);
    process.exit(EXIT_CONFIG);
  }
  console.log(`${path}: valid`);
  console.log(`  site ${config.site}, time zone ${config.timezone}`);
  console.log(
    `  database ${databasePath(config)}; raw samples kept ${formatDuration(config.store.raw_retention)}`,
  );
  console.log(`  listening on ${config.http.listen.host}:${config.http.listen.port}`);
  for (const c of config.collectors) {
    const schedule = c.cron !== undefined ? `cron "${c.cron}"` : `every ${formatDuration(c.every ?? 60_000)}`;
    console.log(
      `  collector ${instanceName(c)} (${c.type}): ${schedule}, timeout ${formatDuration(c.timeout)}${c.enabled ? "" : ", disabled"}`,
    );
  }
}
