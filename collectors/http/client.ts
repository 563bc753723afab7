/**
 * The probe's HTTP client. Availability must include DNS, connect and the TLS handshake, so every
 * probe opens its own socket (no keep-alive, no TLS session resumption) and closes it afterwards.
 */
import type { Logger } from "pino";
import { sendHttp } from "../shared/request.js";
import { loadTlsSettings as loadShared, type TlsOptions, type TlsSettings } from "../shared/tls.js";

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

/**
 * One request on its own connection (`agent: false`: no keep-alive, no shared TLS session cache),
 * never through a proxy from the environment. Every status is an answer to judge, not an error;
 * redirects are reported as their status. Node's own http/https client: a generic HTTP library
 * would cost ~20 MiB of resident memory here (measured) and hide the socket the probe times.
 */
export function sendRequest(url: string, options: RequestOptions): Promise<HttpAnswer> {
  return sendHttp(new URL(url), {
    method: options.method,
    headers: { "user-agent": USER_AGENT, ...lowerCaseKeys(options.headers) },
    signal: options.signal,
    agent: false,
    tls: options.tls,
    maxBodyBytes: MAX_BODY_BYTES,
  });
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
