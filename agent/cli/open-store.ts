/**
 * The store as the command-line tools open it: as a "reader" (no agent lock, no integrity check),
 * so they work beside a running agent; SQLite's WAL lets both write safely.
 */
import { databasePath } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { systemClock } from "../clock.js";
import { SqliteStore } from "../store/sqlite.js";

/** undefined (after printing why) when the database cannot be opened. */
export function openStoreForCli(config: Config): SqliteStore | undefined {
  try {
    return SqliteStore.open({
      path: databasePath(config),
      clock: systemClock,
      timeZone: config.timezone,
      role: "reader",
      integrityCheck: "off",
    });
  } catch (error) {
    console.error(`ops-agent: ${(error as Error).message}`);
    return undefined;
  }
}
