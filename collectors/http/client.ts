/**
 * The HTTP client the probes share, and the per-probe connection that makes a probe honest:
 * availability must include DNS, connect and the TLS handshake, so every probe opens its own
 * socket (no keep-alive, no TLS session resumption) and closes it afterwards.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import axios, { type AxiosInstance } from "axios";
import type { Logger } from "pino";

/** Bodies are read (later issues assert on them) but bounded, so a huge download cannot exhaust memory. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

const USER_AGENT = "ops-agent (availability probe)";

export interface TlsSettings {
  /** Trusted CAs when a custom CA file is configured; undefined = Node's public roots. */
  ca?: string[];
  rejectUnauthorized: boolean;
}

/**
 * Reads the CA file once, at create() time, so a missing or unreadable file is a config error at
 * start-up rather than a failed probe every run.
 */
export function loadTlsSettings(
  options: { tls_ca_file?: string | undefined; insecure_skip_verify: boolean },
  log: Logger,
): TlsSettings {
  let ca: string[] | undefined;
  if (options.tls_ca_file !== undefined) {
    let pem: string;
    try {
      pem = readFileSync(options.tls_ca_file, "utf8");
    } catch (err) {
      throw new Error(`http: cannot read tls_ca_file ${options.tls_ca_file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new Error(`http: tls_ca_file ${options.tls_ca_file} holds no PEM certificate`);
    }
    // Added to the public roots (like NODE_EXTRA_CA_CERTS): one config can probe internal and
    // public sites alike.
    ca = [...tls.rootCertificates, pem];
  }
  if (options.insecure_skip_verify) {
    log.warn(
      "http: insecure_skip_verify is on: certificates are NOT verified for any target of this collector",
    );
  }
  return ca === undefined
    ? { rejectUnauthorized: !options.insecure_skip_verify }
    : { ca, rejectUnauthorized: !options.insecure_skip_verify };
}

export function createClient(): AxiosInstance {
  return axios.create({
    // Every status is an answer to judge against expected_status, not an exception.
    validateStatus: () => true,
    // A redirect is reported as its own status for now; following them is a later option.
    maxRedirects: 0,
    responseType: "arraybuffer",
    maxContentLength: MAX_BODY_BYTES,
    // Probe the target itself, never through a proxy picked up from HTTP_PROXY in the environment.
    proxy: false,
    headers: { "User-Agent": USER_AGENT },
  });
}

export interface Connection {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  close(): void;
}

/** Agents used for exactly one probe. */
export function freshConnection(settings: TlsSettings): Connection {
  const httpAgent = new http.Agent({ keepAlive: false });
  const httpsAgent = new https.Agent({
    keepAlive: false,
    maxCachedSessions: 0,
    rejectUnauthorized: settings.rejectUnauthorized,
    ...(settings.ca !== undefined ? { ca: settings.ca } : {}),
  });
  return {
    httpAgent,
    httpsAgent,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
