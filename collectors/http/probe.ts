/**
 * One probe of one target: request (following redirects if asked), time it, judge the answer —
 * status, then body assertions, then the latency bound. A target that fails is a result (up=false
 * with a reason), never an exception; only an aborted run throws.
 */
import { formatDuration } from "../../config/duration.js";
import { checkAssertions } from "./assertions.js";
import { sendRequest, type HttpAnswer, type TlsSettings } from "./client.js";
import type { HttpTarget } from "./options.js";
import { classifyError, formatSeconds, statusDetail, type ProbeReason } from "./reasons.js";
import { linkedSignal } from "../shared/abort.js";
import { toMicroseconds } from "../shared/timing.js";

export interface ProbeResult {
  up: boolean;
  reason?: ProbeReason;
  detail?: string;
  /** Whole request (every redirect hop) until the last body byte; null when no response arrived. */
  durationSeconds: number | null;
  /** Present when a response arrived: the last one's status. */
  statusCode?: number;
  /** For an https target URL that answered: its certificate's notAfter, unix seconds. */
  certNotAfter?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

type Fetched =
  | { ok: true; answer: HttpAnswer; certNotAfter: number | undefined }
  | { ok: false; detail: string; answer: HttpAnswer; certNotAfter: number | undefined };

/** The Authorization header value, built for this request only (never stored, never logged). */
function authorization(target: HttpTarget): string | undefined {
  const auth = target.auth;
  if (auth === undefined) return undefined;
  if ("bearer" in auth) return `Bearer ${auth.bearer.reveal()}`;
  const pair = `${auth.basic.username}:${auth.basic.password.reveal()}`;
  return `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
}

async function fetchFollowing(target: HttpTarget, tls: TlsSettings, signal: AbortSignal): Promise<Fetched> {
  const origin = new URL(target.url).origin;
  let url = new URL(target.url);
  let method: string = target.method;
  let body = target.body;
  let certNotAfter: number | undefined;
  const visited = [url.href];
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { ...target.headers };
    // Credentials go to the configured origin only, not to wherever a redirect points.
    const auth = url.origin === origin ? authorization(target) : undefined;
    if (auth !== undefined) headers.authorization = auth;
    const answer = await sendRequest(url, {
      method,
      headers,
      signal,
      tls,
      ...(body === undefined ? {} : { body }),
    });
    if (hop === 0) certNotAfter = answer.certNotAfter;
    if (!target.redirects.follow || !REDIRECT_STATUSES.has(answer.status)) {
      return { ok: true, answer, certNotAfter };
    }
    const fail = (detail: string): Fetched => ({ ok: false, detail, answer, certNotAfter });
    if (answer.location === undefined) return fail(`status ${answer.status} without a Location header`);
    let next: URL;
    try {
      next = new URL(answer.location, url);
    } catch {
      return fail(`status ${answer.status} with an invalid Location ${JSON.stringify(answer.location)}`);
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      return fail(`redirect to unsupported URL ${next.href}`);
    }
    if (visited.includes(next.href)) return fail(`redirect loop: ${[...visited, next.href].join(" → ")}`);
    if (hop + 1 > target.redirects.max) {
      return fail(`more than ${target.redirects.max} redirects (next: ${next.href})`);
    }
    visited.push(next.href);
    // As browsers do: 303, and 301/302 after a POST, continue with GET and no body.
    if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === "POST")) {
      if (method !== "HEAD") method = "GET";
      body = undefined;
    }
    url = next;
  }
}

export async function probe(
  target: HttpTarget,
  tlsSettings: TlsSettings,
  runSignal: AbortSignal,
): Promise<ProbeResult> {
  runSignal.throwIfAborted();
  // One signal per probe, undone when the probe ends (see shared/abort.ts: AbortSignal.any and
  // AbortSignal.timeout would leave a timer and a WeakRef per probe behind on the run's signal).
  const probeAbort = linkedSignal(
    runSignal,
    target.timeout === undefined
      ? undefined
      : { ms: target.timeout, reason: () => new DOMException("probe timeout", "TimeoutError") },
  );
  // An interval, not a timestamp: the monotonic clock is right here (immune to clock steps),
  // and the injected clock only dates the samples.
  const started = performance.now();
  try {
    const fetched = await fetchFollowing(target, tlsSettings, probeAbort.signal);
    const durationSeconds = toMicroseconds((performance.now() - started) / 1000);
    const statusCode = fetched.answer.status;
    const base: ProbeResult = { up: false, durationSeconds, statusCode };
    if (fetched.certNotAfter !== undefined) base.certNotAfter = fetched.certNotAfter;
    if (!fetched.ok) return { ...base, reason: "redirect", detail: fetched.detail };
    if (!target.expected_status.includes(statusCode)) {
      return { ...base, reason: "status", detail: statusDetail(statusCode, target.expected_status) };
    }
    const failed = checkAssertions(fetched.answer.body, target.assert);
    if (failed !== undefined) return { ...base, reason: "assertion", detail: failed };
    if (target.max_latency !== undefined && durationSeconds * 1000 > target.max_latency) {
      return {
        ...base,
        reason: "latency",
        detail: `${formatSeconds(durationSeconds)}, bound ${formatDuration(target.max_latency)}`,
      };
    }
    return { ...base, up: true };
  } catch (err) {
    // The run was stopped (its timeout, or the agent shutting down): no verdict on the target.
    runSignal.throwIfAborted();
    if (probeAbort.timedOut() && target.timeout !== undefined) {
      return {
        up: false,
        reason: "timeout",
        detail: `no complete response within ${formatDuration(target.timeout)}`,
        durationSeconds: null,
      };
    }
    return { up: false, ...classifyError(err), durationSeconds: null };
  } finally {
    probeAbort.dispose();
  }
}
