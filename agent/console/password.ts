/**
 * Console passwords as scrypt hashes (node:crypto), written as one line for the config:
 * `scrypt$N$r$p$salt$hash` (salt and hash base64url). The parameters travel with the hash, so
 * raising them later does not invalidate the hashes already written.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { PASSWORD_HASH_PATTERN } from "../../config/console.js";

/**
 * One of OWASP's equivalent scrypt minimums (N=2^13, r=8, p=10): 8 MiB per login rather than the
 * 128 MiB of N=2^17, p=1. The memory is held only while a login is checked, but VmHWM keeps it:
 * with N=2^14 (16 MiB) a login lifted the agent's peak from 92 to 104 MB, over the 95-MB target
 * (bench: `--only rss`, "console opened"). The p lanes run one after another in the same 8 MiB.
 */
export const SCRYPT_PARAMS = { N: 8_192, r: 8, p: 10 } as const;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // maxmem: scrypt needs 128·N·r bytes; Node's default cap (32 MB) is below N=2^17.
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, { N, r, p, maxmem: 256 * N * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(
  password: string,
  params: { N: number; r: number; p: number } = SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params.N, params.r, params.p);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** Whether the password matches the hash line; a malformed line never matches. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (!PASSWORD_HASH_PATTERN.test(hash)) return false;
  const [, n, r, p, salt, expected] = hash.split("$");
  const key = Buffer.from(expected ?? "", "base64url");
  // Bounded so that a hand-edited line cannot make one login take minutes or gigabytes.
  const N = Number(n);
  if (!Number.isInteger(Math.log2(N)) || N < 1024 || N > 1 << 20 || Number(r) > 32 || Number(p) > 16)
    return false;
  const actual = await derive(password, Buffer.from(salt ?? "", "base64url"), N, Number(r), Number(p));
  return actual.length === key.length && timingSafeEqual(actual, key);
}

/** A hash of a random password, compared against when the user name is unknown (same timing). */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString("hex"));
  return decoy;
}
