/**
 * `ops-agent backup` and the daemon's scheduled backup: a verified, atomic copy of the database
 * (copy.ts) to `--out FILE`, or to a timestamped name in a directory (names.ts) with the older
 * copies beyond `keep` removed (retention.ts). Safe beside a running agent: SQLite's online
 * backup reads a consistent snapshot and, in WAL mode, does not stop the agent's writes.
 */
import Database from "better-sqlite3";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { migrations } from "../store/migrations.js";
import { ALL_PAGES, connectionSource, writeVerifiedCopy, type BackupSource } from "./copy.js";
import { BackupError } from "./errors.js";
import { backupFileName } from "./names.js";
import { pruneBackups } from "./retention.js";

export interface BackupRequest {
  databasePath: string;
  /** Exactly one of `out` (this file) and `dir` (a timestamped name in it). */
  out?: string;
  dir?: string;
  /** With `dir`: keep this many of the tool's copies there (the new one included). */
  keep?: number;
  now: Date;
  timeZone: string;
  /** The daemon passes its own connection's backup (schedule.ts); without it the file is opened here. */
  source?: BackupSource;
}

export interface BackupResult {
  path: string;
  bytes: number;
  version: number;
  pruned: string[];
}

export async function takeBackup(request: BackupRequest): Promise<BackupResult> {
  if ((request.out === undefined) === (request.dir === undefined))
    throw new BackupError(
      "请给出 --out FILE 或 --dir DIR 其中之一。 / Give exactly one of --out FILE and --dir DIR.",
      "usage",
    );
  if (request.keep !== undefined && request.dir === undefined)
    throw new BackupError(
      "--keep 只清理 --dir 目录中本工具生成的带时间戳的副本，请与 --dir 一起使用。 / --keep prunes the " +
        "timestamped copies of a directory: use it with --dir.",
      "usage",
    );
  let destination: string;
  if (request.dir !== undefined) {
    mkdirSync(request.dir, { recursive: true });
    destination = resolve(join(request.dir, backupFileName(request.now, request.timeZone)));
  } else {
    destination = resolve(request.out as string);
    if (existsSync(destination))
      throw new BackupError(
        `${destination} 已存在：备份不会覆盖它没有命名的文件。请换一个文件名，或先移走它。 / ${destination} exists: ` +
          "a backup never overwrites a file it did not name; choose another name or move it first.",
        "exists",
      );
  }
  if (destination === resolve(request.databasePath))
    throw new BackupError(
      `备份不能写到数据库自身（${destination}）。 / The backup cannot be the database itself.`,
      "usage",
    );

  const opened = request.source === undefined ? openSource(request.databasePath) : undefined;
  try {
    const source = request.source ?? (opened as OpenedSource).source;
    const verified = await writeVerifiedCopy(source, destination);
    const pruned =
      request.dir !== undefined && request.keep !== undefined
        ? pruneBackups(request.dir, request.keep, destination)
        : [];
    return { path: destination, bytes: verified.bytes, version: verified.version, pruned };
  } finally {
    opened?.close();
  }
}

interface OpenedSource {
  source: BackupSource;
  close(): void;
}

/** The database opened read-only by this process; a missing or newer database is refused first. */
function openSource(databasePath: string): OpenedSource {
  if (!existsSync(databasePath))
    throw new BackupError(
      `没有可备份的数据库：${databasePath} 不存在。请检查配置的 data_dir / store.path。 / There is no database at ` +
        `${databasePath} to back up: check data_dir / store.path in the config.`,
      "not_found",
    );
  let db: Database.Database;
  try {
    // Not `readonly`: a read-only connection to a WAL database leaves a -wal and a -shm beside a
    // stopped agent's file. Only read here; a user who may not write the file gets a read-only
    // connection from SQLite anyway.
    db = new Database(databasePath, { fileMustExist: true });
  } catch (error) {
    throw new BackupError(
      `无法打开数据库 ${databasePath}（${(error as Error).message}）。 / Cannot open ${databasePath}.`,
      "not_a_database",
    );
  }
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > migrations.length) {
    db.close();
    throw new BackupError(
      `${databasePath} 的结构版本为 ${version}，高于本程序认识的 ${migrations.length}：请用写入它的 ops-agent 版本备份。 ` +
        `/ ${databasePath} has schema version ${version}, newer than this ops-agent knows (${migrations.length}): ` +
        "back it up with the version that wrote it.",
      "newer_schema",
    );
  }
  return { source: connectionSource(db, ALL_PAGES), close: () => db.close() };
}
