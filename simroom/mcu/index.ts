/**
 * A simulated MCU (video-conference bridge) for the demo: a minimal SIP responder on 127.0.0.1,
 * over UDP and TCP on one port, that answers OPTIONS with 200 OK (or a configured status, e.g. 486
 * Busy Here for a bridge with every port taken) — what the sip and videoconf collectors probe.
 * Other requests get 405 Method Not Allowed (ACK gets nothing: it is never answered).
 *
 * Responses follow RFC 3261 §8.2.6.2 ("Headers and Tags"): the From, Call-ID and CSeq fields are
 * copied from the request, the Via header field values are copied in order, and the To field is
 * copied with a To tag added when the request's To has none. The top Via gets `received` and, when
 * the request asked for it, `rport` (RFC 3261 §18.2.1, RFC 3581). OPTIONS answers carry Allow and
 * Accept as RFC 3261 §11.2 suggests. TCP messages are framed by Content-Length
 * (RFC 3261 §18.3).
 */
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import type { AddressInfo } from "node:net";
import net from "node:net";

export interface McuOptions {
  /** Port on 127.0.0.1 for both UDP and TCP; 0 (the default) lets the system choose one. */
  port?: number;
  /** The status line OPTIONS gets; default "200 OK". A bridge whose ports are all taken says "486 Busy Here". */
  optionsStatus?: string;
}

export interface Mcu {
  port: number;
  /** Requests answered, by method. */
  requests: { method: string; transport: "udp" | "tcp" }[];
  close(): Promise<void>;
}

const ALLOW = "OPTIONS, INVITE, ACK, BYE, CANCEL";

interface SipRequest {
  method: string;
  /** Header lines as received (name, value), in order. */
  headers: [string, string][];
}

/** Parses a request's start line and headers; undefined when it is not a SIP request. */
export function parseRequest(text: string): SipRequest | undefined {
  const [head = ""] = text.split("\r\n\r\n", 1);
  const lines = head.split("\r\n");
  const start = /^([A-Z]+) \S+ SIP\/2\.0$/.exec(lines[0] ?? "");
  if (!start) return undefined;
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1] as [string, string];
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) return undefined;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { method: start[1] as string, headers };
}

const FULL: Readonly<Record<string, string>> = {
  v: "via",
  f: "from",
  t: "to",
  i: "call-id",
  l: "content-length",
};
const canonical = (name: string): string => FULL[name.toLowerCase()] ?? name.toLowerCase();

/** The values of a header (compact forms included); Via values split at commas. */
function values(request: SipRequest, name: string): string[] {
  const found = request.headers.filter(([n]) => canonical(n) === name).map(([, v]) => v);
  return name === "via" ? found.flatMap((v) => v.split(/\s*,\s*/)) : found;
}

/** The response to `request` from `source` (RFC 3261 §8.2.6.2), or undefined for ACK. */
export function buildResponse(
  request: SipRequest,
  source: { address: string; port: number },
  toTag: string,
  optionsStatus = "200 OK",
): string | undefined {
  if (request.method === "ACK") return undefined;
  const [topVia, ...otherVias] = values(request, "via");
  const from = values(request, "from")[0];
  const to = values(request, "to")[0];
  const callId = values(request, "call-id")[0];
  const cseq = values(request, "cseq")[0];
  const ok = request.method === "OPTIONS";
  const lines = [ok ? `SIP/2.0 ${optionsStatus}` : "SIP/2.0 405 Method Not Allowed"];
  if (topVia !== undefined) {
    // §18.2.1: received= the source address; RFC 3581: rport= the source port when asked for.
    let via = topVia.replace(/;rport(?=;|$)/, `;rport=${source.port}`);
    if (!/;received=/.test(via)) via += `;received=${source.address}`;
    lines.push(`Via: ${via}`);
  }
  for (const via of otherVias) lines.push(`Via: ${via}`);
  if (from !== undefined) lines.push(`From: ${from}`);
  if (to !== undefined) lines.push(`To: ${/;\s*tag=/i.test(to) ? to : `${to};tag=${toTag}`}`);
  if (callId !== undefined) lines.push(`Call-ID: ${callId}`);
  if (cseq !== undefined) lines.push(`CSeq: ${cseq}`);
  lines.push(`Allow: ${ALLOW}`);
  if (ok) lines.push("Accept: application/sdp");
  lines.push("Server: simroom-mcu", "Content-Length: 0");
  return `${lines.join("\r\n")}\r\n\r\n`;
}

const newTag = (): string => randomBytes(6).toString("hex");

async function listen(port: number): Promise<{ tcp: net.Server; udp: dgram.Socket }> {
  const tcp = net.createServer();
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(port, "127.0.0.1", () => {
      tcp.off("error", reject);
      resolve();
    });
  });
  const chosen = (tcp.address() as AddressInfo).port;
  const udp = dgram.createSocket("udp4");
  try {
    await new Promise<void>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(chosen, "127.0.0.1", () => {
        udp.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    udp.close();
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    throw error;
  }
  return { tcp, udp };
}

export async function startMcu(options: McuOptions = {}): Promise<Mcu> {
  const requested = options.port ?? 0;
  let bound: { tcp: net.Server; udp: dgram.Socket } | undefined;
  // Port 0: the TCP port the system chose may be taken for UDP; try again a few times.
  for (let attempt = 0; bound === undefined; attempt++) {
    try {
      bound = await listen(requested);
    } catch (error) {
      if (requested !== 0 || attempt >= 4) throw error;
    }
  }
  const { tcp, udp } = bound;
  const requests: Mcu["requests"] = [];
  const sockets = new Set<net.Socket>();

  udp.on("message", (datagram, rinfo) => {
    const request = parseRequest(datagram.toString("utf8"));
    if (request === undefined) return;
    requests.push({ method: request.method, transport: "udp" });
    const response = buildResponse(request, rinfo, newTag(), options.optionsStatus);
    if (response !== undefined) udp.send(response, rinfo.port, rinfo.address);
  });

  tcp.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        // Skip keep-alive CRLFs (RFC 5626) between messages.
        while (buffer.length >= 2 && buffer[0] === 0x0d && buffer[1] === 0x0a) buffer = buffer.subarray(2);
        const end = buffer.indexOf("\r\n\r\n");
        if (end === -1) return;
        const request = parseRequest(buffer.subarray(0, end + 4).toString("utf8"));
        if (request === undefined) {
          socket.destroy();
          return;
        }
        const length = Number(values(request, "content-length")[0] ?? "0");
        if (!Number.isInteger(length) || length < 0) {
          socket.destroy();
          return;
        }
        if (buffer.length < end + 4 + length) return;
        buffer = buffer.subarray(end + 4 + length);
        requests.push({ method: request.method, transport: "tcp" });
        const source = { address: socket.remoteAddress ?? "127.0.0.1", port: socket.remotePort ?? 0 };
        const response = buildResponse(request, source, newTag(), options.optionsStatus);
        if (response !== undefined) socket.write(response);
      }
    });
  });

  return {
    port: (tcp.address() as AddressInfo).port,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => tcp.close(() => resolve())),
        new Promise<void>((resolve) => udp.close(() => resolve())),
      ]);
    },
  };
}
