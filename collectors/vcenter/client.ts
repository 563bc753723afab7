/**
 * The vcenter collector's HTTPS client: Node's own https module (like the http collector), one
 * keep-alive agent per collector so the few hundred guest identity calls of a run share a handful
 * of TLS connections. Every request has its own timeout and follows the run's signal.
 */
import https from "node:https";
import type { Logger } from "pino";
import { sendHttp } from "../shared/request.js";
import {
  loadTlsSettings as loadShared,
  tlsRequestOptions,
  type TlsOptions,
  type TlsSettings,
} from "../shared/tls.js";

/** vCenter answers are JSON lists of at most a few thousand small objects; more is a broken server. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

const USER_AGENT = "ops-agent (vcenter collector)";

export type { TlsSettings } from "../shared/tls.js";

/** Reads the CA file once, at create() time, so a bad file is a start-up error. */
export function loadTlsSettings(options: TlsOptions, log: Logger): TlsSettings {
  return loadShared(
    options,
    log,
    "vcenter",
    "the vCenter certificate is NOT verified, so the password may be sent to an impostor",
  );
}

export interface Answer {
  status: number;
  body: Buffer;
}

export interface SendOptions {
  method: "GET" | "POST" | "DELETE";
  headers: Readonly<Record<string, string>>;
  /** The run's signal. */
  signal: AbortSignal;
  timeoutMs: number;
}

export class HttpsClient {
  readonly #agent: https.Agent;

  constructor(tlsSettings: TlsSettings, maxSockets: number) {
    this.#agent = new https.Agent({
      keepAlive: true,
      noDelay: true,
      maxSockets,
      ...tlsRequestOptions(tlsSettings),
    });
  }

  /**
   * One request. Every status is returned as an answer; network, TLS, timeout and abort failures
   * throw an Error that names the request and the cause.
   */
  async send(url: URL, options: SendOptions): Promise<Answer> {
    const what = `${options.method} ${url.pathname}`;
    if (options.signal.aborted) throw abortError(what, options.signal.reason);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = AbortSignal.any([options.signal, timeout]);
    try {
      return await this.#send(url, options, signal);
    } catch (err) {
      if (timeout.aborted && !options.signal.aborted) {
        throw new Error(`vcenter: ${what} got no answer within ${options.timeoutMs} ms (request_timeout)`, {
          cause: err,
        });
      }
      if (options.signal.aborted) throw abortError(what, options.signal.reason);
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(
        `vcenter: ${what} to ${url.host} failed: ${code !== undefined ? `${code}: ` : ""}${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  #send(url: URL, options: SendOptions, signal: AbortSignal): Promise<Answer> {
    return sendHttp(url, {
      method: options.method,
      headers: { "user-agent": USER_AGENT, accept: "application/json", ...options.headers },
      signal,
      agent: this.#agent,
      maxBodyBytes: MAX_BODY_BYTES,
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

function abortError(what: string, reason: unknown): Error {
  const detail = reason instanceof Error ? reason.message : String(reason);
  return new Error(`vcenter: ${what} aborted (${detail})`, { cause: reason });
}
