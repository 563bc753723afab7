/**
 * `ops-agent record … --evidence FILE`: the file read for the same storage as a console upload
 * (agent/store/evidence-files.ts). The size is checked before reading, so a wrong path to a disk
 * image is refused at once rather than read into memory.
 */
import { readFileSync, statSync } from "node:fs";
import { labelOfFileName } from "../console/multipart.js";
import { EVIDENCE_MAX_BYTES } from "../store/evidence-files.js";

/** The file as an evidence upload, or why it cannot be one. */
export function evidenceFileArg(
  path: string,
): { fileName: string; contentType: string; data: Buffer } | string {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return `"${path}" does not exist; give the path of the evidence file`;
  if (!stat.isFile()) return `"${path}" is not a regular file`;
  if (stat.size > EVIDENCE_MAX_BYTES)
    return `"${path}" is ${stat.size} bytes; at most ${EVIDENCE_MAX_BYTES} are accepted (scan at a lower resolution, or split it)`;
  return {
    fileName: labelOfFileName(path),
    contentType: "application/octet-stream",
    data: readFileSync(path),
  };
}
