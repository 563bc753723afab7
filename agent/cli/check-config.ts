/** `ops-agent check-config FILE`: validate without starting anything. Exit 0 when valid, 78 when not. */
import { formatDuration } from "../../config/duration.js";
import { databasePath } from "../../config/load.js";
import { instanceName } from "../instances.js";
import { loadOrExit } from "./config-arg.js";

export function checkConfigCommand(path: string): void {
  const config = loadOrExit(path, "resolve");
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
