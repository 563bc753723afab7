/**
 * The names the backup tool gives its copies — ops-agent-2026-12-04T0800+0800.db, the local time
 * of the copy in the configured zone with its offset — and the listing of a directory's copies by
 * that pattern. Retention (`--keep`, `backup.keep`) deletes only files this pattern matches, so a
 * person's own files in the same directory are never touched.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { compactLocalStamp } from "./offset-time.js";

const PATTERN = /^ops-agent-(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})([+-])(\d{2})(\d{2})\.db$/;

export function backupFileName(at: Date, timeZone: string): string {
  return `ops-agent-${compactLocalStamp(at, timeZone)}.db`;
}

/** The instant a tool-made name stands for (its minute), or undefined for any other name. */
export function backupInstant(name: string): Date | undefined {
  const m = PATTERN.exec(name);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, sign, offH, offM] = m as unknown as string[];
  const iso = `${year}-${month}-${day}T${hour}:${minute}:00${sign}${offH}:${offM}`;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

export interface BackupCopy {
  name: string;
  path: string;
  at: Date;
}

/** The tool's copies in `dir`, newest first; none when the directory does not exist. */
export function listBackups(dir: string): BackupCopy[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return [];
    throw error;
  }
  const copies: BackupCopy[] = [];
  for (const name of names) {
    const at = backupInstant(name);
    if (at) copies.push({ name, path: join(dir, name), at });
  }
  return copies.sort((a, b) => b.at.getTime() - a.at.getTime() || b.name.localeCompare(a.name));
}
