/**
 * Whether a file is an ops-agent database this code can open: an SQLite file (not some other
 * file), with the agent's tables, a schema version (PRAGMA user_version) no newer than the
 * migrations this code knows — a newer one is a downgrade, refused — and a clean PRAGMA
 * integrity_check. Opened read-only: checking never changes the file.
 */
import Database from "better-sqlite3";
import { statSync } from "node:fs";
import { migrations } from "../store/migrations.js";
import { BackupError } from "./errors.js";

/** Tables every ops-agent schema since version 1 has; a file without them is someone else's. */
const AGENT_TABLES = ["meta", "targets", "series", "samples"];

export interface VerifiedDatabase {
  /** PRAGMA user_version: the migrations applied. */
  version: number;
  /** The newest version this code knows (migrations.length). */
  known: number;
  bytes: number;
}

/** What a database says about itself: the raw material of the verdict (judge below). */
export interface Inspection {
  version: number;
  tables: string[];
  /** integrity_check's findings; empty when "ok". Not run when the version is newer than known. */
  problems: string[];
}

interface Connection {
  pragma(source: string, options?: { simple: boolean }): unknown;
  prepare(source: string): { all(): unknown[] };
}

/**
 * Reads the version, the tables and PRAGMA integrity_check. Self-contained — no imports, no
 * names from outside — because the daemon runs it, as its source text, in a worker thread
 * (verify-off-thread.ts): integrity_check of a year's database takes seconds, which the daemon's
 * event loop must not wait for.
 */
export function inspectDatabase(db: Connection, known: number): Inspection {
  const version = db.pragma("user_version", { simple: true }) as number;
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
  ).map((row) => row.name);
  if (version > known) return { version, tables, problems: [] };
  const problems = (db.pragma("integrity_check(20)") as Record<string, string>[])
    .map((row) => String(Object.values(row)[0]))
    .filter((value) => value !== "ok");
  return { version, tables, problems };
}

/** The file's size, or a BackupError when there is no such file. */
export function fileBytes(path: string): number {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error("not a regular file");
    return stat.size;
  } catch (error) {
    throw new BackupError(
      `找不到数据库文件 ${path}（${(error as Error).message}）。请给出 ops-agent 备份文件的路径。 ` +
        `/ ${path} is not a readable file: name an ops-agent backup file.`,
      "not_found",
    );
  }
}

/** Checks `path` on this thread (the command line, which has nothing else to do meanwhile). */
export function verifyAgentDatabase(path: string): VerifiedDatabase {
  const bytes = fileBytes(path);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw notADatabase(path, error);
  }
  let inspection: Inspection;
  try {
    inspection = inspectDatabase(db, migrations.length);
  } catch (error) {
    throw notADatabase(path, error);
  } finally {
    db.close();
  }
  return judge(path, inspection, bytes);
}

/** The verdict on an inspection: the verified database, or the BackupError a person reads. */
export function judge(path: string, inspection: Inspection, bytes: number): VerifiedDatabase {
  const { version, tables, problems } = inspection;
  const known = migrations.length;
  if (version > known) {
    throw new BackupError(
      `${path} 的结构版本为 ${version}，由更新版本的 ops-agent 写入；本程序只认识到版本 ${known}，拒绝降级。` +
        `请安装写入它的版本（或更新的版本）再操作。 / ${path} has schema version ${version}, written by a newer ` +
        `ops-agent (this one knows up to ${known}): a downgrade is refused. Install that version (or a newer one) and run the command again.`,
      "newer_schema",
    );
  }
  const missing = AGENT_TABLES.filter((table) => !tables.includes(table));
  if (version < 1 || missing.length > 0) {
    throw new BackupError(
      `${path} 是 SQLite 文件，但不是 ops-agent 数据库（结构版本 ${version}，缺少表 ${missing.join("、") || "无"}）。 ` +
        `/ ${path} is an SQLite file but not an ops-agent database (schema version ${version}; missing tables: ${missing.join(", ") || "none"}).`,
      "not_ops_agent",
    );
  }
  if (problems.length > 0) {
    throw new BackupError(
      `${path} 未通过 PRAGMA integrity_check：\n  ${problems.join("\n  ")}\n请换一份备份。 / ${path} failed ` +
        "PRAGMA integrity_check (above): use another backup.",
      "corrupt",
    );
  }
  return { version, known, bytes };
}

export function notADatabase(path: string, error: unknown): BackupError {
  const code = (error as { code?: string }).code ?? "";
  return new BackupError(
    `${path} 不是可读的 SQLite 数据库（${code || (error as Error).message}）。 / ${path} is not a readable SQLite ` +
      `database (${code || (error as Error).message}).`,
    "not_a_database",
  );
}
