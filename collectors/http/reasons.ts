/**
 * Why a probe failed, as a short reason code an operator can filter on (dns, connect, tls,
 * timeout, status, assertion, latency, redirect, response, error) plus the detail the error
 * carried or the check that failed. Node reports socket, DNS
 * and TLS failures as `code` strings; a wrapping error keeps the original as `cause`.
 */

import { SOCKET_REASONS } from "../shared/socket-reasons.js";

export type ProbeReason =
  | "dns"
  | "connect"
  | "tls"
  | "timeout"
  | "status"
  | "assertion"
  | "latency"
  | "redirect"
  | "response"
  | "error";

const BY_CODE: Readonly<Record<string, ProbeReason>> = {
  ...SOCKET_REASONS,
  // Certificate verification and handshake failures.
  DEPTH_ZERO_SELF_SIGNED_CERT: "tls",
  SELF_SIGNED_CERT_IN_CHAIN: "tls",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "tls",
  UNABLE_TO_GET_ISSUER_CERT: "tls",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "tls",
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: "tls",
  INVALID_CA: "tls",
  HOSTNAME_MISMATCH: "tls",
  EPROTO: "tls",
  // A response arrived but was unusable: malformed, cut off, or over the size bound.
  ERR_BAD_RESPONSE: "response",
};

const BY_PREFIX: readonly (readonly [string, ProbeReason])[] = [
  ["CERT_", "tls"], // CERT_HAS_EXPIRED, CERT_NOT_YET_VALID, CERT_REVOKED, …
  ["ERR_TLS_", "tls"], // ERR_TLS_CERT_ALTNAME_INVALID, ERR_TLS_HANDSHAKE_TIMEOUT, …
  ["ERR_SSL_", "tls"], // ERR_SSL_WRONG_VERSION_NUMBER (https:// to a plain HTTP port), …
  ["HPE_", "response"], // llhttp parse errors
];

/** The reason for one error code; "error" when the code is unknown or missing. */
export function reasonForCode(code: string | undefined): ProbeReason {
  if (code === undefined) return "error";
  const exact = BY_CODE[code];
  if (exact !== undefined) return exact;
  for (const [prefix, reason] of BY_PREFIX) {
    if (code.startsWith(prefix)) return reason;
  }
  return "error";
}

export interface Failure {
  reason: ProbeReason;
  detail: string;
}

interface Link {
  code: string | undefined;
  message: string;
}

/** The error, its causes and (for Happy Eyeballs' AggregateError) the errors inside, outermost first. */
function chain(err: unknown, depth = 0): Link[] {
  if (depth > 8 || typeof err !== "object" || err === null) {
    return err === undefined || err === null ? [] : [{ code: undefined, message: String(err) }];
  }
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const links: Link[] = [
    {
      code: typeof e.code === "string" ? e.code : undefined,
      message: typeof e.message === "string" ? e.message : "",
    },
  ];
  if (e.cause !== undefined) links.push(...chain(e.cause, depth + 1));
  if (Array.isArray(e.errors)) for (const inner of e.errors) links.push(...chain(inner, depth + 1));
  return links;
}

/** Maps a thrown request error to a reason and a one-line detail for the operator. */
export function classifyError(err: unknown): Failure {
  const links = chain(err);
  // The outermost link with a code we know decides; else the outermost code at all.
  const decisive =
    links.find((link) => reasonForCode(link.code) !== "error") ??
    links.find((link) => link.code !== undefined);
  const firstMessage = links.find((link) => link.message !== "")?.message ?? "request failed";
  // AggregateError and some wrappers carry an empty message; fall back to the first real one.
  const message = decisive?.message || firstMessage;
  const code = decisive?.code;
  const detail = code === undefined || message.includes(code) ? message : `${message} (${code})`;
  return { reason: reasonForCode(code), detail };
}

/** "200", "200 or 204", "200, 201 or 204". */
function orList(values: readonly number[]): string {
  if (values.length <= 1) return values.join("");
  return `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}

/** The detail of an unexpected status, e.g. "status 502, expected 200". */
export function statusDetail(status: number, expected: readonly number[]): string {
  return `status ${status}, expected ${orList(expected)}`;
}

/** "1.8s", "312ms": a measured duration for a detail. */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  return `${Number(seconds.toFixed(seconds < 10 ? 1 : 0))}s`;
}
