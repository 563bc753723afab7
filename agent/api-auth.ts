/**
 * The bearer-token guard of the agent's write APIs (incidents, Alertmanager, manual records): off
 * (404) until a token is configured; then `Authorization: Bearer <token>` is required, compared in
 * constant time (SHA-256 of both sides, so neither the token nor its length leaks through timing).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Secret } from "../config/secret.js";
import { json, type HttpResponse } from "./http.js";

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** undefined when the request may go on; else the refusal to send. */
export type Guard = (request: IncomingMessage) => HttpResponse | undefined;

export function bearerGuard(token: () => Secret | undefined, what: string): Guard {
  return (request) => {
    const secret = token();
    if (secret === undefined) {
      return json(404, { error: `the ${what} is off: set incidents.api_token in the config` });
    }
    // The scheme is case-insensitive (RFC 7235 §2.1); the token is not.
    const given = /^bearer (.+)$/i.exec(request.headers.authorization ?? "")?.[1] ?? "";
    if (!timingSafeEqual(digest(given), digest(secret.reveal()))) {
      return {
        ...json(401, { error: "missing or wrong bearer token" }),
        headers: { "www-authenticate": 'Bearer realm="ops-agent"' },
      };
    }
    return undefined;
  };
}
