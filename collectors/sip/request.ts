/**
 * Builds the OPTIONS request of one probe (RFC 3261 §11, §8.1.1): a fresh Call-ID, From tag and
 * Via branch (with the RFC 3261 magic cookie "z9hG4bK") every probe, no body.
 */
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";

export type Transport = "udp" | "tcp";

export interface RequestSpec {
  transport: Transport;
  /** The target as configured (IP or name) and its port. */
  host: string;
  port: number;
  /** The local address and port the request leaves from (Via sent-by, Contact). */
  localAddress: string;
  localPort: number;
  callId: string;
  branch: string;
  fromTag: string;
}

export interface Request {
  text: string;
  callId: string;
  /** CSeq as it must come back: "1 OPTIONS". */
  cseq: string;
}

/** Random identifiers for one probe; the branch starts with the RFC 3261 magic cookie. */
export function newIds(): Pick<RequestSpec, "callId" | "branch" | "fromTag"> {
  const hex = (bytes: number): string => randomBytes(bytes).toString("hex");
  return { callId: `${hex(12)}@ops-agent`, branch: `z9hG4bK${hex(10)}`, fromTag: hex(6) };
}

/** "10.0.0.1:5060", "[fe80::1]:5060", "mcu.example.cn:5060". */
export function hostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

export function buildOptions(spec: RequestSpec): Request {
  const target = hostPort(spec.host, spec.port);
  const local = hostPort(spec.localAddress, spec.localPort);
  const uriParams = spec.transport === "tcp" ? ";transport=tcp" : "";
  const cseq = "1 OPTIONS";
  const lines = [
    `OPTIONS sip:${target}${uriParams} SIP/2.0`,
    // rport (RFC 3581): answer to the address and port the request came from, even behind NAT.
    `Via: SIP/2.0/${spec.transport.toUpperCase()} ${local};branch=${spec.branch};rport`,
    "Max-Forwards: 70",
    `From: "ops-agent" <sip:ops-agent@${local}>;tag=${spec.fromTag}`,
    `To: <sip:${target}>`,
    `Call-ID: ${spec.callId}`,
    `CSeq: ${cseq}`,
    `Contact: <sip:ops-agent@${local}${uriParams}>`,
    "Accept: application/sdp",
    "User-Agent: ops-agent (availability probe)",
    "Content-Length: 0",
  ];
  return { text: `${lines.join("\r\n")}\r\n\r\n`, callId: spec.callId, cseq };
}
