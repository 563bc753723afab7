/**
 * `ops-agent backup` and `ops-agent restore`: the commands around agent/backup/. Loaded only when
 * one of them runs (agent/main.ts imports this file lazily), so the daemon never carries it.
 */
import { resolve } from "node:path";
import { databasePath } from "../../config/load.js";
import { systemClock } from "../clock.js";
import { takeBackup } from "../backup/backup.js";
import { BackupError } from "../backup/errors.js";
import { localDateTimeWithOffset } from "../local-time.js";
import { backupDirectory } from "../backup/paths.js";
import { restoreDatabase } from "../backup/restore.js";
import { loadOrExit } from "./config-arg.js";

/** Exit code when the database is held by a running agent (the same as a second `run`). */
const EXIT_LOCKED = 75;

export interface BackupOptions {
  config: string;
  out?: string;
  dir?: string;
  keep?: string;
}

export async function backupCommand(opts: BackupOptions): Promise<number> {
  const config = loadOrExit(opts.config, "defer");
  const keep = opts.keep === undefined ? undefined : parseKeep(opts.keep);
  if (keep === null) return 1;
  // Neither --out nor --dir: the configured backup directory (backup.dir, or <data_dir>/backups).
  const dir = opts.out === undefined ? (opts.dir ?? backupDirectory(config)) : opts.dir;
  const now = systemClock.now();
  try {
    const result = await takeBackup({
      databasePath: databasePath(config),
      out: opts.out,
      dir,
      keep,
      now,
      timeZone: config.timezone,
    });
    console.log(
      `备份完成 / backup written: ${result.path}\n` +
        `  时间 / at: ${localDateTimeWithOffset(now, config.timezone)}\n` +
        `  大小 / size: ${(result.bytes / 1e6).toFixed(1)} MB · 结构版本 / schema version ${result.version} · ` +
        "integrity_check ok · 文件权限 / mode 0640",
    );
    for (const path of result.pruned) console.log(`  已按 --keep ${keep} 删除旧副本 / pruned: ${path}`);
    return 0;
  } catch (error) {
    return report(error);
  }
}

export async function restoreCommand(file: string, opts: { config: string }): Promise<number> {
  const config = loadOrExit(opts.config, "defer");
  const now = systemClock.now();
  const target = databasePath(config);
  try {
    const result = await restoreDatabase({ file, databasePath: target, now, timeZone: config.timezone });
    console.log(
      `恢复完成 / restored: ${resolve(file)} → ${target}\n` +
        `  时间 / at: ${localDateTimeWithOffset(now, config.timezone)}\n` +
        `  结构版本 / schema version ${result.version}（本程序 / this agent: 可打开，启动时迁移 / opens it, migrates at start）· integrity_check ok`,
    );
    for (const path of result.keptAside) console.log(`  原数据库已保留 / previous database kept as: ${path}`);
    for (const path of result.removed) console.log(`  已删除过期文件 / stale file removed: ${path}`);
    console.log("  现在可以启动 ops-agent / start the agent now.");
    return 0;
  } catch (error) {
    return report(error);
  }
}

function parseKeep(text: string): number | undefined | null {
  const keep = Number(text);
  if (Number.isInteger(keep) && keep >= 1) return keep;
  console.error(
    `ops-agent: --keep ${JSON.stringify(text)}：需要正整数（保留的副本数，如 14）。 / --keep expects a whole number ≥ 1 of copies to keep, e.g. 14.`,
  );
  return null;
}

function report(error: unknown): number {
  if (!(error instanceof BackupError)) throw error;
  console.error(`ops-agent: ${error.message}`);
  return error.code === "locked" ? EXIT_LOCKED : 1;
}
