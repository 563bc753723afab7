/**
 * `--keep N` / `backup.keep`: the newest N copies the tool made in a directory stay, older ones
 * go. Only names the tool gives (names.ts) are considered; the copy just written is never removed,
 * even if a clock stepped back made it look older than the others.
 */
import { rmSync } from "node:fs";
import { listBackups } from "./names.js";

export function pruneBackups(dir: string, keep: number, justWritten: string): string[] {
  const removed: string[] = [];
  let kept = 0;
  for (const copy of listBackups(dir)) {
    if (copy.path === justWritten || kept < keep) {
      kept += 1;
      continue;
    }
    rmSync(copy.path, { force: true });
    removed.push(copy.path);
  }
  return removed;
}
