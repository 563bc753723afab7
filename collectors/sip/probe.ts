/**
 * One probe of one target: OPTIONS out, final response back, judged against up_codes and
 * degraded_codes. A target that fails is a result (up=false with a reason), never an exception;
 * only an aborted run throws.
 */
import { exchange, type ExchangeTarget } from "./exchange.js";
import { statusText } from "./parse.js";
import type { SipReason } from "./reasons.js";

export interface Judgement {
  probeTimeoutMs: number;
  upCodes: readonly number[];
  degradedCodes: readonly number[];
}

export interface ProbeResult {
  up: boolean;
  reason?: SipReason;
  detail?: string;
  /** First send to final response; null when no final response arrived. */
  rttSeconds: number | null;
  /** Present when a final response arrived. */
  statusCode?: number;
  /** A degraded code answered. */
  degraded: boolean;
}

export async function probe(
  target: ExchangeTarget,
  judge: Judgement,
  signal: AbortSignal,
): Promise<ProbeResult> {
  const outcome = await exchange(target, judge.probeTimeoutMs, signal);
  if (outcome.kind === "failure") {
    return { up: false, reason: outcome.reason, detail: outcome.detail, rttSeconds: null, degraded: false };
  }
  const { response, rttSeconds } = outcome;
  const statusCode = response.status;
  if (judge.upCodes.includes(statusCode)) return { up: true, rttSeconds, statusCode, degraded: false };
  const degraded = judge.degradedCodes.includes(statusCode);
  return {
    up: false,
    reason: degraded ? "degraded" : "status",
    detail: statusText(response),
    rttSeconds,
    statusCode,
    degraded,
  };
}
