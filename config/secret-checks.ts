/**
 * What check-config says about the secrets themselves, once they are read: a secret file other
 * users can read is no secret (the unit's UMask and the install steps make them 0640), and the
 * agent's own API token must be long enough not to be guessed (16 characters at least; `openssl
 * rand -hex 24` makes one). Messages name the field and the file, never the value.
 */
import { statSync } from "node:fs";
import { formatPath } from "./errors.js";
import type { Config } from "./schema.js";
import { Secret } from "./secret.js";

export const MIN_API_TOKEN_LENGTH = 16;

/** Every Secret in the config, with its path ("collectors[0].password"). */
function secretsIn(node: unknown, path: PropertyKey[] = [], found: { path: string; secret: Secret }[] = []) {
  if (node instanceof Secret) found.push({ path: formatPath(path), secret: node });
  else if (Array.isArray(node)) node.forEach((v, i) => secretsIn(v, [...path, i], found));
  else if (node !== null && typeof node === "object" && !(node instanceof Date))
    for (const [k, v] of Object.entries(node)) secretsIn(v, [...path, k], found);
  return found;
}

/** `publicFile`: files that are public on purpose (the demo's test material), not checked for mode. */
export function secretProblems(
  config: Config,
  publicFile: (path: string) => boolean = () => false,
): string[] {
  const problems: string[] = [];
  const files = new Set<string>();
  for (const { path, secret } of secretsIn(config)) {
    if (!secret.source.startsWith("file ")) continue;
    const file = secret.source.slice("file ".length);
    if (files.has(file) || publicFile(file)) continue;
    files.add(file);
    let mode: number;
    try {
      mode = statSync(file).mode & 0o777;
    } catch {
      continue; // Unreadable files are load errors already.
    }
    if ((mode & 0o007) !== 0) {
      problems.push(
        `${path}: secret file ${file} is ${(mode & 0o004) !== 0 ? "readable" : "accessible"} by every user (mode ${mode.toString(8).padStart(4, "0")}); ` +
          `run chmod 0640 ${file} (owner root or the agent's user, group the agent's group)`,
      );
    }
  }
  const token = config.incidents.api_token;
  if (token !== undefined) {
    const length = Array.from(token.reveal()).length;
    if (length < MIN_API_TOKEN_LENGTH) {
      problems.push(
        `incidents.api_token: the token from ${token.source} has ${length} characters, fewer than ${MIN_API_TOKEN_LENGTH}; ` +
          "make a longer one (e.g. openssl rand -hex 24) and give it to the API's clients",
      );
    }
  }
  return problems;
}
