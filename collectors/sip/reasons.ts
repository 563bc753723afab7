/**
 * Why a SIP probe failed, as a short reason code an operator can filter on, and the mapping from
 * Node's socket and resolver error codes.
 */

export type SipReason = "degraded" | "status" | "timeout" | "connect" | "malformed" | "dns" | "error";

const BY_CODE: Readonly<Record<string, SipReason>> = {
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_FAIL: "dns",
  EAI_NODATA: "dns",
  EAI_NONAME: "dns",
  // TCP refused, or (UDP) an ICMP port unreachable reported on the connected socket.
  ECONNREFUSED: "connect",
  ECONNRESET: "connect",
  ECONNABORTED: "connect",
  EHOSTUNREACH: "connect",
  EHOSTDOWN: "connect",
  ENETUNREACH: "connect",
  ENETDOWN: "connect",
  EADDRNOTAVAIL: "connect",
  EPIPE: "connect",
  ETIMEDOUT: "timeout",
};

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
