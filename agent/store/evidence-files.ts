/**
 * Evidence files of manual records (a scan of a signed renewal, a satisfaction survey), stored
 * under `<data_dir>/evidence/` content-addressed: the path is the file's SHA-256
 * (`ab/ab12…`), never anything from the request, so a hostile file name cannot choose where a
 * file goes, the same file uploaded twice is stored once, and the hash on the self-evaluation's
 * evidence sheet is the name of the bytes kept. Mode 0640: the agent's user and its group (the
 * backup), nobody else. Reading checks the hash again, so a changed file is refused, not served.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from "node:fs";
import { join, resolve } from "node:path";

/** The largest evidence file taken (console and CLI alike): a phone photo or a scanned PDF fits. */
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;

const SHA256 = /^[0-9a-f]{64}$/;

export interface StoredEvidence {
  sha256: string;
  size: number;
}

export class EvidenceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvidenceFileError";
  }
}

export function evidenceDir(dataDir: string): string {
  return resolve(dataDir, "evidence");
}

function pathOf(dataDir: string, sha256: string): string {
  if (!SHA256.test(sha256)) throw new EvidenceFileError(`"${sha256.slice(0, 80)}" is not a SHA-256`);
  return join(evidenceDir(dataDir), sha256.slice(0, 2), sha256);
}

/** Stores the bytes (once per content) and returns their SHA-256 and size. */
export function storeEvidence(dataDir: string, data: Buffer): StoredEvidence {
  if (data.length > EVIDENCE_MAX_BYTES)
    throw new EvidenceFileError(
      `the file is ${data.length} bytes; at most ${EVIDENCE_MAX_BYTES} are accepted`,
    );
  const sha256 = createHash("sha256").update(data).digest("hex");
  const path = pathOf(dataDir, sha256);
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing?.isFile() === true && existing.size === data.length) return { sha256, size: data.length };
  mkdirSync(join(evidenceDir(dataDir), sha256.slice(0, 2)), { recursive: true, mode: 0o750 });
  // Written beside, flushed, then renamed: a crash leaves either no file or the whole file.
  const temp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const fd = openSync(temp, "wx", 0o640);
  try {
    // The umask may have taken bits off the mode asked for at open; the mode is set exactly.
    fchmodSync(fd, 0o640);
    for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  return { sha256, size: data.length };
}

/** The stored bytes of a SHA-256, checked against it. */
export function readEvidence(dataDir: string, sha256: string): Buffer {
  const data = readFileSync(pathOf(dataDir, sha256));
  if (createHash("sha256").update(data).digest("hex") !== sha256)
    throw new EvidenceFileError(
      `evidence file ${sha256} was changed on disk: its content no longer has that SHA-256`,
    );
  return data;
}
