/**
 * `ops-agent restore FILE`: puts a backup in the database's place. Refused while an agent runs on
 * that database (the agent lock, held here for the whole restore so none can start meanwhile) and
 * for a file that is not an ops-agent database this code can open (verify.ts: a newer schema is a
 * downgrade). The copy is written and verified beside the database first; only then is the
 * current database kept aside (renamed with the time, its write-ahead log with it: after a crash
 * that log holds committed data) and a stale -shm, or a -wal without its database, removed — left
 * beside the restored file, SQLite would replay that log onto it.
 */
import Database from "better-sqlite3";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { StoreError } from "../store/errors.js";
import { AgentLock } from "../store/lock.js";
import { ALL_PAGES, connectionSource, writeVerifiedCopy } from "./copy.js";
import { BackupError } from "./errors.js";
import { compactLocalStamp } from "./offset-time.js";
import { verifyAgentDatabase } from "./verify.js";

export interface RestoreRequest {
  file: string;
  databasePath: string;
  now: Date;
  timeZone: string;
}

export interface RestoreResult {
  version: number;
  bytes: number;
  /** The previous database (and its log), renamed. */
  keptAside: string[];
  /** Stale files removed from beside the database. */
  removed: string[];
}

export async function restoreDatabase(request: RestoreRequest): Promise<RestoreResult> {
  const file = resolve(request.file);
  const databasePath = resolve(request.databasePath);
  if (file === databasePath)
    throw new BackupError(
      `${file} 就是当前数据库，不能恢复到它自身。 / ${file} is the database itself.`,
      "usage",
    );
  verifyAgentDatabase(file);
  mkdirSync(dirname(databasePath), { recursive: true });
  let lock: AgentLock;
  try {
    lock = AgentLock.acquire(databasePath, request.now, request.timeZone);
  } catch (error) {
    if (error instanceof StoreError && error.code === "locked")
      throw new BackupError(
        `拒绝恢复：ops-agent 正在使用 ${databasePath}。请先停止它（如 systemctl stop ops-agent），再运行 ` +
          `ops-agent restore。 / Restore refused: ${error.message}`,
        "locked",
      );
    throw error;
  }
  try {
    // Only read (see backup.ts for why not `readonly`).
    const source = new Database(file, { fileMustExist: true });
    const keptAside: string[] = [];
    const removed: string[] = [];
    try {
      const verified = await writeVerifiedCopy(connectionSource(source, ALL_PAGES), databasePath, () => {
        if (existsSync(databasePath)) {
          const aside = asideName(databasePath, compactLocalStamp(request.now, request.timeZone));
          renameSync(databasePath, aside);
          keptAside.push(aside);
          if (existsSync(`${databasePath}-wal`)) {
            renameSync(`${databasePath}-wal`, `${aside}-wal`);
            keptAside.push(`${aside}-wal`);
          }
        }
        for (const suffix of ["-wal", "-shm", "-journal"]) {
          const stale = `${databasePath}${suffix}`;
          if (!existsSync(stale)) continue;
          rmSync(stale, { force: true });
          removed.push(stale);
        }
      });
      return { version: verified.version, bytes: verified.bytes, keptAside, removed };
    } finally {
      source.close();
    }
  } finally {
    lock.release();
  }
}

/** ops-agent.db.before-restore-2026-12-04T0800+0800, with -2, -3 … when restored twice in a minute. */
function asideName(databasePath: string, stamp: string): string {
  const base = `${databasePath}.before-restore-${stamp}`;
  let candidate = base;
  for (let n = 2; existsSync(candidate) || existsSync(`${candidate}-wal`); n++) candidate = `${base}-${n}`;
  return candidate;
}
