/**
 * `ops-agent demo`'s history: written into the demo's database before the agent starts, only when
 * that database holds no series yet (a fresh ./data), and marked in the store's meta table
 * (`simulated_history`: what wrote it, the seed, the span), so that simulated figures are never
 * mistaken for measured ones and never written into a store that holds a real room's data. Only
 * the demo calls this.
 */
import Database from "better-sqlite3";
import { databasePath } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { ManualClock } from "../clock.js";
import { SqliteStore } from "../store/sqlite.js";
import type { RunOutcome } from "../runner.js";
import { DEFAULT_SEED, writeDemoHistory, type DemoHistoryResult } from "./generate.js";

export const HISTORY_MARKER_KEY = "simulated_history";

export interface HistoryMarker {
  writtenBy: "ops-agent demo";
  seed: number;
  from: string;
  to: string;
}

/** The store's simulated-history marker, if it has one (the file must exist). */
export function readHistoryMarker(path: string): HistoryMarker | undefined {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'meta'").get() !== undefined;
    if (!hasMeta) return undefined;
    const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(HISTORY_MARKER_KEY) as
      { value: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as HistoryMarker);
  } finally {
    db.close();
  }
}

export type SeedOutcome = { written: DemoHistoryResult; marker: HistoryMarker } | { skipped: string };

export async function seedDemoHistory(
  config: Config,
  templates: readonly RunOutcome[],
  options: { from: Date; now: Date; seed?: number; log: (line: string) => void },
): Promise<SeedOutcome> {
  if (options.from.getTime() >= options.now.getTime())
    return { skipped: `the history would start at ${options.from.toISOString()}, after now` };
  const clock = new ManualClock(options.from);
  const store = SqliteStore.open({
    path: databasePath(config),
    clock,
    timeZone: config.timezone,
    role: "agent",
    // The writer flushes once at the end; the store's own deltas (first samples) need not flush hourly.
    rollupFlushIntervalMs: 7 * 86_400_000,
  });
  try {
    const meta = new Database(store.path);
    try {
      const marker = meta.prepare("SELECT value FROM meta WHERE key = ?").get(HISTORY_MARKER_KEY);
      if (marker !== undefined) return { skipped: "the database already holds its simulated history" };
      if (store.listSeries().length > 0)
        return {
          skipped:
            "the database already holds measured series; a simulated history is only written into an empty one",
        };
      const written: HistoryMarker = {
        writtenBy: "ops-agent demo",
        seed: options.seed ?? DEFAULT_SEED,
        from: options.from.toISOString(),
        to: options.now.toISOString(),
      };
      meta
        .prepare("INSERT INTO meta (key, value) VALUES (?, ?)")
        .run(HISTORY_MARKER_KEY, JSON.stringify(written));
      const result = await writeDemoHistory(store, config, templates, {
        from: options.from,
        now: options.now,
        seed: written.seed,
        clock,
        log: options.log,
      });
      return { written: result, marker: written };
    } finally {
      meta.close();
    }
  } finally {
    store.close();
  }
}
