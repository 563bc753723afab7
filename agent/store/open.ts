/**
 * Opening the database file, with the checks that turn low-level failures into a message a person
 * can act on. Nothing here writes to an existing database before it has passed the integrity
 * check, so a corrupt or foreign file is left byte-for-byte as it was.
 */
import Database from "better-sqlite3";
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { StoreError } from "./errors.js";
import { migrations } from "./migrations.js";
import type { IntegrityCheck } from "./sqlite.js";

export function ensureDataDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new StoreError(
      `data directory ${resolve(dir)} is not usable: ${(error as Error).message}. ` +
        "Create it and make it writable by the agent's user, or set data_dir (or store.path) to a writable place.",
      "data_dir",
    );
  }
}

export function openDatabaseFile(path: string, integrityCheck: IntegrityCheck): Database.Database {
  const existed = existsSync(path);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 5000 });
  } catch (error) {
    throw new StoreError(`cannot open database ${path}: ${(error as Error).message}`, "open");
  }
  try {
    if (existed) checkExisting(db, path, integrityCheck);
    db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode: a committed batch survives a process crash (kill -9); only an OS crash
    // or power loss may lose the last transactions, never corrupt the file.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("temp_store = MEMORY");
    // 2 MiB of page cache (SQLite's own default; better-sqlite3 builds with 16 MiB, and this was
    // 8 MiB): the cache is filled as pages are read and never given back, so its size is resident
    // memory the agent grows into over its first hours (the soak saw it). The hot pages — the ends
    // of the sample and rollup indexes that writes append to — fit many times over; colder reads
    // come from the OS page cache.
    db.pragma("cache_size = -2000");
    checkWritable(db, path);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw explainSqliteError(error, path);
  }
}

/**
 * A database the agent cannot write (owned by another user, a read-only mount) opens read-only
 * without a word, and then every write fails with SQLITE_READONLY for as long as the agent runs.
 * A write that is rolled back proves it now (the header's user_version, set to what it is: taking
 * the write lock alone succeeds on such a file). A full disk is found the same way when SQLite
 * needs space to start the log.
 */
function checkWritable(db: Database.Database, path: string): void {
  try {
    const version = db.pragma("user_version", { simple: true }) as number;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.pragma(`user_version = ${version}`);
    } finally {
      db.exec("ROLLBACK");
    }
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (
      code.startsWith("SQLITE_READONLY") ||
      code.startsWith("SQLITE_CANTOPEN") ||
      code.startsWith("SQLITE_PERM")
    ) {
      const uid = process.getuid?.();
      throw new StoreError(
        `database ${path} cannot be written by this user${uid === undefined ? "" : ` (uid ${uid})`} (${code}): ` +
          `the file, its -wal and -shm files and their directory must be writable by the agent's user. ` +
          `Fix: chown <the agent's user> ${path}* (or remount the volume read-write); the agent did not start and did not change the file.`,
        "read_only",
      );
    }
    if (code.startsWith("SQLITE_FULL") || code.startsWith("SQLITE_IOERR")) throw diskFull(path, code);
    throw error;
  }
}

/** A full disk at start: the file, and what to do. */
export function diskFull(path: string, code: string): StoreError {
  return new StoreError(
    `database ${path}: the disk is full (${code}). Free space on the file system holding ${dirname(path)} ` +
      "(old logs, the raw sample retention store.raw_retention), then start the agent again; nothing stored was changed.",
    "disk_full",
  );
}

function checkExisting(db: Database.Database, path: string, mode: IntegrityCheck): void {
  let version: number;
  try {
    version = db.pragma("user_version", { simple: true }) as number;
  } catch (error) {
    throw explainSqliteError(error, path);
  }
  const known = migrations.length;
  if (version > known) {
    // A downgrade: the older code cannot know what the newer migrations changed, so it refuses
    // before touching the file (its migrations would not run, its writes could break the newer schema).
    throw new StoreError(
      `数据库 ${path} 的结构版本为 ${version}，由更新版本的 ops-agent 写入（本程序只认识到 ${known}）：拒绝降级，文件未改动。` +
        "请重新安装写入它的版本，或用升级前的备份恢复（ops-agent restore FILE）。 / " +
        `database ${path} has schema version ${version}, written by a newer ops-agent (this one knows up to ${known}). ` +
        "A downgrade is refused: upgrade the agent again, or restore the backup taken before the upgrade " +
        "(ops-agent restore FILE), or point store.path at another file; the database was not changed.",
      "newer_schema",
    );
  }
  if (mode === "off") return;
  const rows = db.pragma(mode === "full" ? "integrity_check(20)" : "quick_check(20)") as Record<
    string,
    string
  >[];
  const problems = rows.map((row) => Object.values(row)[0]).filter((v) => v !== "ok");
  if (problems.length > 0) {
    throw new StoreError(
      `database ${path} failed PRAGMA ${mode === "full" ? "integrity_check" : "quick_check"}:\n  ${problems.join("\n  ")}\n` +
        "The agent did not start and did not change the file. Stop anything using it, copy it aside, then try " +
        `\`sqlite3 ${path} ".recover"\` into a new file, or restore it from a backup, or move it away to start afresh.`,
      "corrupt",
    );
  }
}

function explainSqliteError(error: unknown, path: string): Error {
  const code = (error as { code?: string }).code;
  if (code === "SQLITE_NOTADB") {
    return new StoreError(
      `${path} is not an SQLite database (SQLITE_NOTADB). The agent did not start and did not change the file. ` +
        "Point store.path at the agent's database, or move this file away to start a new one.",
      "not_a_database",
    );
  }
  if (code?.startsWith("SQLITE_FULL")) return diskFull(path, code);
  if (code === "SQLITE_CORRUPT") {
    return new StoreError(
      `database ${path} is corrupt (${(error as Error).message}). The agent did not start and did not change the file. ` +
        "Restore it from a backup, or move it away to start afresh.",
      "corrupt",
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
