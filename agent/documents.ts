/**
 * Generated documents (monthly reports, form exports) on disk and in the store: each file is
 * written to a temporary name and renamed, so a reader never sees half of one, and recorded
 * (kind, period, format) with its hash — regenerating replaces both, so a period counts once.
 */
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SqliteStore } from "./store/sqlite.js";

export interface WrittenDocument<F extends string = string> {
  format: F;
  path: string;
  bytes: number;
  sha256: string;
}

export function writeDocument<F extends string>(
  store: SqliteStore,
  document: {
    kind: string;
    period: string;
    format: F;
    dir: string;
    fileName: string;
    content: Buffer;
    now: Date;
    /** Who generated it (the audit's "by"): a user's name, "schedule" for the daemon. */
    by: string;
  },
): WrittenDocument<F> {
  mkdirSync(document.dir, { recursive: true });
  const path = join(document.dir, document.fileName);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, document.content);
  renameSync(temporary, path);
  const sha256 = createHash("sha256").update(document.content).digest("hex");
  store.reports.record({
    kind: document.kind,
    period: document.period,
    format: document.format,
    path,
    sha256,
    generatedAt: document.now,
    generatedBy: document.by,
  });
  return { format: document.format, path, bytes: document.content.length, sha256 };
}
