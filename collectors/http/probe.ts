/**
 * One probe of one target: request, time it, judge the answer. A target that fails is a result
 * (up=false with a reason), never an exception; only an aborted run throws.
 */
import { formatDuration } from "../../config/duration.js";
import { sendRequest, type TlsSettings } from "./client.js";
import type { HttpTarget } from "./options.js";
import { classifyError, statusDetail, type ProbeReason } from "./reasons.js";

export interface ProbeResult {
  up: boolean;
  reason?: ProbeReason;
  detail?: string;
  /** Whole request until the last body byte; null when no response arrived. */
  durationSeconds: number | null;
  /** Present when a response arrived. */
  statusCode?: number;
  // Later issues add here: the body (assertions), the peer certificate (expiry).
}

export async function probe(
  target: HttpTarget,
  tlsSettings: TlsSettings,
  runSignal: AbortSignal,
): Promise<ProbeResult> {
  runSignal.throwIfAborted();
  const timeout = target.timeout !== undefined ? AbortSignal.timeout(target.timeout) : undefined;
  const signal = timeout !== undefined ? AbortSignal.any([runSignal, timeout]) : runSignal;
  // An interval, not a timestamp: the monotonic clock is right here (immune to clock steps),
  // and the injected clock only dates the samples.
  const started = performance.now();
  try {
    const response = await sendRequest(target.url, {
      method: target.method,
      headers: target.headers,
      signal,
      tls: tlsSettings,
    });
    const durationSeconds = (performance.now() - started) / 1000;
    const statusCode = response.status;
    if (target.expected_status.includes(statusCode)) {
      return { up: true, durationSeconds, statusCode };
    }
    return {
      up: false,
      reason: "status",
      detail: statusDetail(statusCode, target.expected_status),
      durationSeconds,
      statusCode,
    };
  } catch (err) {
    // The run was stopped (its timeout, or the agent shutting down): no verdict on the target.
    runSignal.throwIfAborted();
    if (timeout?.aborted === true && target.timeout !== undefined) {
      return {
        up: false,
        reason: "timeout",
        detail: `no complete response within ${formatDuration(target.timeout)}`,
        durationSeconds: null,
      };
    }
    return { up: false, ...classifyError(err), durationSeconds: null };
  }
}
