/**
 * What a socket-level error code says about a probe, for every collector that opens connections:
 * the name did not resolve (dns), no connection or it dropped (connect), the kernel gave up
 * (timeout). Protocol-specific codes (TLS, HTTP parsing, SIP) are added by each collector.
 */
export const SOCKET_REASONS = {
  // getaddrinfo: the name does not exist, or the resolver could not answer.
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_FAIL: "dns",
  EAI_NODATA: "dns",
  EAI_NONAME: "dns",
  // No TCP connection, or it dropped before an answer; for a connected UDP socket, an ICMP port
  // unreachable.
  ECONNREFUSED: "connect",
  ECONNRESET: "connect",
  ECONNABORTED: "connect",
  EHOSTUNREACH: "connect",
  EHOSTDOWN: "connect",
  ENETUNREACH: "connect",
  ENETDOWN: "connect",
  EADDRNOTAVAIL: "connect",
  EPIPE: "connect",
  // The kernel gave up connecting (no per-target timeout was shorter).
  ETIMEDOUT: "timeout",
} as const satisfies Readonly<Record<string, "dns" | "connect" | "timeout">>;
