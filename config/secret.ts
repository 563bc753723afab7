/**
 * Secrets are never written in the config itself: a secret field holds a reference, either
 * "${ENV_VAR}" or "file:/path/to/file", resolved when the config is loaded. The value is wrapped
 * so that logging, JSON or util.inspect of a config prints "[secret]", never the secret.
 *
 * Commands that only read the database (kpi, report, incident, …) load the config with
 * resolution deferred (withDeferredSecrets): the references are checked, but a secret is only
 * read when something reveals it, so an operator's shell needs none of the daemon's passwords.
 */
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import * as z from "zod";

export class Secret {
  #value: string | (() => string);
  constructor(
    /** The value, or how to read it on first use (deferred resolution). */
    value: string | (() => string),
    /** Where it came from ("env VCENTER_PASSWORD", "file /etc/…"), safe to show. */
    readonly source: string,
  ) {
    this.#value = value;
  }
  /** The value; a deferred secret that cannot be read throws an error naming its source. */
  reveal(): string {
    if (typeof this.#value === "function") this.#value = this.#value();
    return this.#value;
  }
  toString(): string {
    return "[secret]";
  }
  toJSON(): string {
    return "[secret]";
  }
  [inspect.custom](): string {
    return `[secret from ${this.source}]`;
  }
}

const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const FILE_REF = /^file:(.+)$/;
const EXPECTED =
  'expected a secret reference like "${VCENTER_PASSWORD}" or "file:/etc/ops-agent/vcenter.pass" (secrets are never written in the config)';

/** Marks an issue whose input must not be echoed back: it may be a secret typed in by mistake. */
export const SECRET_ISSUE = { secret: true } as const;

let deferResolution = false;

/** Parse with secret references checked but not read (see the header). Synchronous `fn` only. */
export function withDeferredSecrets<T>(fn: () => T): T {
  const previous = deferResolution;
  deferResolution = true;
  try {
    return fn();
  } finally {
    deferResolution = previous;
  }
}

function readEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}

function readSecretFile(path: string): string {
  // A trailing newline is how editors save files; it is never part of a password.
  return readFileSync(path, "utf8").replace(/\r?\n$/, "");
}

export function secretRef() {
  // z.unknown(), not z.string(): a number typed in by mistake must get the same, non-echoing error.
  return z.unknown().transform((text, ctx) => {
    if (typeof text !== "string") {
      ctx.addIssue({
        code: "custom",
        message: text === undefined ? `missing; ${EXPECTED}` : EXPECTED,
        params: SECRET_ISSUE,
      });
      return z.NEVER;
    }
    const env = ENV_REF.exec(text);
    if (env) {
      const name = env[1] as string;
      if (deferResolution) {
        return new Secret(() => {
          const value = readEnv(name);
          if (value === undefined)
            throw new Error(`environment variable ${name} is not set (a secret of the config)`);
          return value;
        }, `env ${name}`);
      }
      const value = readEnv(name);
      if (value === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `environment variable ${name} is not set`,
          params: SECRET_ISSUE,
        });
        return z.NEVER;
      }
      return new Secret(value, `env ${name}`);
    }
    const file = FILE_REF.exec(text);
    if (file) {
      const path = file[1] as string;
      if (deferResolution) {
        return new Secret(() => {
          try {
            return readSecretFile(path);
          } catch (error) {
            throw new Error(
              `cannot read secret file ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
            );
          }
        }, `file ${path}`);
      }
      try {
        return new Secret(readSecretFile(path), `file ${path}`);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: `cannot read secret file ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
          params: SECRET_ISSUE,
        });
        return z.NEVER;
      }
    }
    ctx.addIssue({ code: "custom", message: EXPECTED, params: SECRET_ISSUE });
    return z.NEVER;
  });
}
