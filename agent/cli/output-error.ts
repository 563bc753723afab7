/**
 * A file a command writes that the system refuses (the reports folder owned by another user, a
 * read-only mount, a full disk): one line naming the folder and the fix, not a stack trace. The
 * store's rows are written after the file, so a refused file leaves the store as it was.
 */
import { dirname } from "node:path";

const FIXES: Record<string, string> = {
  EACCES:
    "permission denied: make it writable by this user (e.g. chgrp ops-agent DIR && chmod 2770 DIR), or choose another folder with --out",
  EPERM: "operation not permitted: make it writable by this user, or choose another folder with --out",
  EROFS: "the file system is read-only: choose another folder with --out, or remount it read-write",
  ENOSPC: "the disk is full: free space there, or choose another folder with --out",
  EDQUOT: "the disk quota is used up: free space there, or choose another folder with --out",
  ENOTDIR: "a part of the path is a file, not a folder: choose another folder with --out",
};

/** The line for an error writing into `dir`, or undefined when it is not a file-system refusal. */
export function outputErrorLine(command: string, dir: string, error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException;
  const fix = typeof e?.code === "string" ? FIXES[e.code] : undefined;
  if (fix === undefined) return undefined;
  // The refused path is the folder (mkdir) or a file in it (the temporary file, the rename).
  const where = e.path === undefined || e.path === dir ? dir : dirname(e.path) === dir ? dir : e.path;
  return `${command}: cannot write in ${where} (${e.code}): ${fix}`;
}
