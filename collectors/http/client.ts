/**
 * The probe's HTTP client. Availability must include DNS, connect and the TLS handshake, so every
 * probe opens its own socket (no keep-alive, no TLS session resumption) and closes it afterwards.
 */
import http from "node:http";
import https from "node:https";
import type { Logger } from "pino";
import {
  loadTlsSettings as loadShared,
  tlsRequestOptions,
  type TlsOptions,
  type TlsSettings,
} from "../shared/tls.js";

/** Bodies are read (later issues assert on them) but bounded, so a huge download cannot exhaust memory. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

const USER_AGENT = "ops-agent (availability probe)";

export type { TlsSettings } from "../shared/tls.js";

/**
 * Reads the CA file once, at create() time, so a missing or unreadable file is a config error at
 * start-up rather than a failed probe every run.
 */
export function loadTlsSettings(options: TlsOptions, log: Logger): TlsSettings {
  return loadShared(options, log, "http", "certificates are NOT verified for any target of this collector");
}

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

export interface RequestOptions {
  method: string;
  headers: Readonly<Record<string, string>>;
  signal: AbortSignal;
  tls: TlsSettings;
}

/** A failure carrying a code that reasons.ts maps to "response". */
function badResponse(message: string): Error {
  return Object.assign(new Error(message), { code: "ERR_BAD_RESPONSE" });
}

/**
 * One request on its own connection (`agent: false`: no keep-alive, no shared TLS session cache),
 * never through a proxy from the environment. Every status is an answer to judge, not an error;
 * redirects are reported as their status. Node's own http/https client: a generic HTTP library
 * would cost ~20 MiB of resident memory here (measured) and hide the socket the probe times.
 */
export function sendRequest(url: string, options: RequestOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  const headers = { "user-agent": USER_AGENT, ...lowerCaseKeys(options.headers) };
  return new Promise((resolve, reject) => {
    const common = { method: options.method, headers, signal: options.signal, agent: false as const };
    const req =
      target.protocol === "https:"
        ? https.request(target, {
            ...common,
            ...tlsRequestOptions(options.tls),
          })
        : http.request(target, common);
    req.once("error", reject);
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          reject(badResponse(`response body larger than ${MAX_BODY_BYTES} bytes`));
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.once("aborted", () => reject(badResponse("response cut off before its end")));
      res.once("error", (err) =>
        reject(Object.assign(badResponse(`response failed: ${err.message}`), { cause: err })),
      );
      res.once("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.end();
  });
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
