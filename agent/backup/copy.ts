/**
 * Writing a verified copy of a database atomically: SQLite's online backup into a hidden temporary
 * file beside the destination, switched to a rollback journal (the copy carries its source's WAL
 * flag; a backup should be one self-contained file that opens read-only anywhere), checked with
 * PRAGMA integrity_check and user_version, made 0640, flushed to disk, then renamed over the
 * destination. A reader never sees a half-written copy, and a failed one leaves nothing behind.
 */
import Database from "better-sqlite3";
import { rmSync } from "node:fs";
import { chmod, open, rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { VerifiedDatabase } from "./verify.js";
import { verifyAgentDatabaseOffThread } from "./verify-off-thread.js";

/** Copies the database into `destination` with SQLite's online backup API. */
export type BackupSource = (destination: string) => Promise<unknown>;

/**
 * Pages per backup step for a source opened by this process alone (the CLI): all of them, in one
 * step. SQLite restarts a step-wise backup whenever another connection writes the source, and a
 * running agent commits every few seconds, so small steps beside it might never finish. One step
 * reads from one snapshot; in WAL mode that read does not block the agent's writes.
 */
export const ALL_PAGES = 0x7fffffff;

/** The online backup of a connection's database, `pagesPerStep` pages between yields to the event loop. */
export function connectionSource(db: Database.Database, pagesPerStep: number): BackupSource {
  return (destination) => db.backup(destination, { progress: () => pagesPerStep });
}

export async function writeVerifiedCopy(
  source: BackupSource,
  destination: string,
  /** Runs after the copy is verified and before it takes its place (restore keeps the old file aside here). */
  beforeRename: () => void = () => {},
): Promise<VerifiedDatabase> {
  const dir = dirname(destination);
  // A dot name the retention pattern never matches, unique to this process.
  const tmp = join(dir, `.${basename(destination)}.tmp-${process.pid}`);
  const removeTmp = () => {
    for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(`${tmp}${suffix}`, { force: true });
  };
  removeTmp();
  try {
    await source(tmp);
    const copy = new Database(tmp, { fileMustExist: true });
    try {
      copy.pragma("journal_mode = DELETE");
    } finally {
      copy.close();
    }
    // Off the event loop: the check reads every page (a running daemon calls this), and so does
    // the flush to disk (libuv's thread pool).
    const verified = await verifyAgentDatabaseOffThread(tmp);
    await chmod(tmp, 0o640);
    await syncPath(tmp);
    beforeRename();
    await rename(tmp, destination);
    // The rename itself survives a power loss only once the directory is on disk.
    await syncPath(dir);
    return verified;
  } catch (error) {
    removeTmp();
    throw error;
  }
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
