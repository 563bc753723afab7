/**
 * Why a SIP probe failed, as a short reason code an operator can filter on, and the mapping from
 * Node's socket and resolver error codes.
 */

import { SOCKET_REASONS } from "../shared/socket-reasons.js";

export type SipReason = "degraded" | "status" | "timeout" | "connect" | "malformed" | "dns" | "error";

const BY_CODE: Readonly<Record<string, SipReason>> = SOCKET_REASONS;

export function reasonForCode(code: string | undefined): SipReason {
  return (code !== undefined ? BY_CODE[code] : undefined) ?? "error";
}

export interface Failure {
  reason: SipReason;
  detail: string;
}

/** A socket or resolver error as a reason and a one-line detail. */
export function classifyError(err: unknown): Failure {
  const e = (typeof err === "object" && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  const message = typeof e.message === "string" && e.message !== "" ? e.message : String(err);
  const detail = code === undefined || message.includes(code) ? message : `${message} (${code})`;
  return { reason: reasonForCode(code), detail };
}
