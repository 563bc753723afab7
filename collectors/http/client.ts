/**
 * The probe's HTTP client. Availability must include DNS, connect and the TLS handshake, so every
 * request opens its own socket (no keep-alive, no TLS session resumption) and closes it afterwards.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import tls, { type PeerCertificate } from "node:tls";
import type { Logger } from "pino";
import { sendHttp } from "../shared/request.js";
import { loadTlsSettings as loadShared, type TlsSettings } from "../shared/tls.js";
import type { HttpOptions } from "./options.js";

/** Bodies are read (assertions need them) but bounded, so a huge download cannot exhaust memory. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

const USER_AGENT = "ops-agent (availability probe)";

export type { TlsSettings } from "../shared/tls.js";

type TlsFileOptions = Pick<
  HttpOptions,
  "tls_ca_file" | "insecure_skip_verify" | "tls_client_cert_file" | "tls_client_key_file"
>;

function readPem(option: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`http: cannot read ${option} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Reads the CA file and the client certificate once, at create() time, so a missing or unreadable
 * file is a config error at start-up rather than a failed probe every run; the secure context is
 * built here, once, not per request.
 */
export function loadTlsSettings(options: TlsFileOptions, log: Logger): TlsSettings {
  const shared = loadShared(
    options,
    log,
    "http",
    "certificates are NOT verified for any target of this collector",
  );
  const certFile = options.tls_client_cert_file;
  const keyFile = options.tls_client_key_file;
  if (certFile === undefined && keyFile === undefined) return shared;
  if (certFile === undefined || keyFile === undefined) {
    throw new Error("http: tls_client_cert_file and tls_client_key_file go together");
  }
  const cert = readPem("tls_client_cert_file", certFile);
  const key = readPem("tls_client_key_file", keyFile);
  // The shared loader validated the CA file; it is read again to join it with the client certificate.
  const ca =
    options.tls_ca_file === undefined
      ? undefined
      : [...tls.rootCertificates, readPem("tls_ca_file", options.tls_ca_file)];
  let secureContext: tls.SecureContext;
  try {
    secureContext = tls.createSecureContext({ cert, key, ...(ca === undefined ? {} : { ca }) });
  } catch (err) {
    throw new Error(
      `http: tls_client_cert_file ${certFile} and tls_client_key_file ${keyFile} are not a usable certificate and key: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { secureContext, rejectUnauthorized: shared.rejectUnauthorized };
}

export interface HttpAnswer {
  status: number;
  body: Buffer;
  /** The Location header, when the answer has one. */
  location?: string;
  /** For https: the server certificate's notAfter, in unix seconds. */
  certNotAfter?: number;
}

export interface RequestOptions {
  method: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
  signal: AbortSignal;
  tls: TlsSettings;
}

/**
 * Agents that never reuse anything: without keep-alive (and with maxSockets unbounded) every
 * request opens its own connection, sends `Connection: close` and the socket is destroyed after
 * the response; no TLS sessions are cached, so every https probe makes a full handshake. This is
 * what `agent: false` does, without constructing a new Agent for every probe (10,000 targets).
 */
const HTTP_AGENT = new http.Agent({ keepAlive: false });
const HTTPS_AGENT = new https.Agent({ keepAlive: false, maxCachedSessions: 0 });

/**
 * One request on its own connection (no keep-alive, no TLS session reuse: see the agents above),
 * never through a proxy from the environment. Every status is an answer to judge, not an error;
 * redirects are returned as their status (the probe follows them if asked). Node's own
 * http/https client: a generic HTTP library would cost ~20 MiB of resident memory here (measured)
 * and hide the socket the probe times.
 */
export async function sendRequest(url: URL, options: RequestOptions): Promise<HttpAnswer> {
  const headers: Record<string, string> = { "user-agent": USER_AGENT, ...lowerCaseKeys(options.headers) };
  if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
  const answer = await sendHttp(url, {
    method: options.method,
    headers,
    signal: options.signal,
    agent: url.protocol === "https:" ? HTTPS_AGENT : HTTP_AGENT,
    tls: options.tls,
    ...(options.body === undefined ? {} : { body: options.body }),
    maxBodyBytes: MAX_BODY_BYTES,
    peerCertificate: url.protocol === "https:",
  });
  const result: HttpAnswer = { status: answer.status, body: answer.body };
  const location = answer.headers?.location;
  if (location !== undefined) result.location = location;
  const notAfter = notAfterSeconds(answer.peerCertificate);
  if (notAfter !== undefined) result.certNotAfter = notAfter;
  return result;
}

function notAfterSeconds(cert: PeerCertificate | undefined): number | undefined {
  if (cert === undefined || typeof cert.valid_to !== "string") return undefined;
  const ms = Date.parse(cert.valid_to);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
