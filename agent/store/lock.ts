/**
 * One agent per database. The lock is an exclusive SQLite lock on a sidecar file (<db>.lock):
 * SQLite's POSIX advisory locks are released by the kernel when the process dies, so a crashed
 * agent (kill -9, power loss) never leaves a stale lock — unlike a PID file, which inside a
 * container would always name PID 1. Who holds it is written to <db>.lock.owner for the message
 * the second agent prints. CLI readers (reports, incident commands) do not take this lock.
 */
import Database from "better-sqlite3";
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { localDateTimeWithOffset } from "../local-time.js";
import { StoreError } from "./errors.js";

export class AgentLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly ownerPath: string,
  ) {}

  static acquire(dbPath: string, now: Date, timeZone: string): AgentLock {
    const lockPath = `${dbPath}.lock`;
    const ownerPath = `${lockPath}.owner`;
    const db = new Database(lockPath, { timeout: 0 });
    try {
      db.pragma("locking_mode = EXCLUSIVE");
      // With EXCLUSIVE locking mode the lock taken here is kept until the connection closes.
      db.exec("BEGIN EXCLUSIVE; COMMIT;");
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === "SQLITE_BUSY") {
        throw new StoreError(
          `database ${dbPath} is in use by another ops-agent (${describeOwner(ownerPath)}). ` +
            "Stop that agent first, or give this one its own store.path.",
          "locked",
        );
      }
      throw error;
    }
    writeFileSync(
      ownerPath,
      `pid ${process.pid} on ${hostname()} since ${localDateTimeWithOffset(now, timeZone)}\n`,
    );
    return new AgentLock(db, ownerPath);
  }

  release(): void {
    rmSync(this.ownerPath, { force: true });
    this.db.close();
  }
}

function describeOwner(ownerPath: string): string {
  try {
    return readFileSync(ownerPath, "utf8").trim();
  } catch {
    return "owner unknown";
  }
}
