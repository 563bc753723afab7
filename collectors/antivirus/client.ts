/**
 * A small JSON client on Node's own http/https (no HTTP library: ~20 MiB of resident memory
 * saved, see collectors/http/client.ts). Every request has its own timeout and honours the
 * run's signal; any answer but 200 with well-formed JSON is an error — the caller cannot tell
 * coverage from a broken answer, so it must not try.
 */
import type { Logger } from "pino";
import { sendHttp, type HttpAnswer } from "../shared/request.js";
import { loadTlsSettings as loadShared, type TlsOptions, type TlsSettings } from "../shared/tls.js";
import { formatDuration } from "../../config/duration.js";

/** Bound on one answer: a manager with ~10k computers answers a few MB per page at most. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export type { TlsSettings } from "../shared/tls.js";

/** Reads the CA file once, at create() time: a missing file is a config error at start-up. */
export function loadTlsSettings(options: TlsOptions, log: Logger): TlsSettings {
  return loadShared(options, log, "antivirus", "the manager's certificate is NOT verified");
}

export interface JsonRequest {
  method: "GET" | "POST";
  headers: Readonly<Record<string, string>>;
  body?: unknown;
  tls: TlsSettings;
  timeoutMs: number;
  signal: AbortSignal;
}

/** An answer that is not usable: status, size, or JSON. `status` is set for HTTP errors. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "SourceError";
  }
}

/** Sends one request and parses the JSON answer; throws on anything but 200 + JSON. */
export async function requestJson(url: string, request: JsonRequest): Promise<unknown> {
  request.signal.throwIfAborted();
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([request.signal, timeout]);
  const target = new URL(url);
  const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
  const headers: Record<string, string> = {
    "user-agent": "ops-agent (antivirus coverage)",
    accept: "application/json",
    ...request.headers,
  };
  if (payload !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(payload.length);
  }
  let answer: { status: number; body: Buffer };
  try {
    answer = await send(target, request, headers, payload, signal);
  } catch (err) {
    request.signal.throwIfAborted();
    if (timeout.aborted) {
      throw new SourceError(
        `${request.method} ${target.pathname}: no answer within ${formatDuration(request.timeoutMs)}`,
      );
    }
    throw new SourceError(`${request.method} ${target.pathname}: ${(err as Error).message}`, undefined);
  }
  if (answer.status !== 200) {
    const hint = answer.status === 401 || answer.status === 403 ? " (is the API key valid and allowed?)" : "";
    throw new SourceError(
      `${request.method} ${target.pathname}: status ${answer.status}${hint}`,
      answer.status,
    );
  }
  try {
    return JSON.parse(answer.body.toString("utf8")) as unknown;
  } catch (err) {
    throw new SourceError(`${request.method} ${target.pathname}: malformed JSON (${(err as Error).message})`);
  }
}

function send(
  target: URL,
  request: JsonRequest,
  headers: Record<string, string>,
  payload: Buffer | undefined,
  signal: AbortSignal,
): Promise<HttpAnswer> {
  return sendHttp(target, {
    method: request.method,
    headers,
    signal,
    agent: false,
    tls: request.tls,
    ...(payload === undefined ? {} : { body: payload }),
    maxBodyBytes: MAX_BODY_BYTES,
  });
}
