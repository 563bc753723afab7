/**
 * Sends one OPTIONS request and waits for its final response, over UDP (node:dgram, with
 * retransmissions) or TCP (node:net). Provisional (1xx) responses and responses to other requests
 * (another Call-ID or CSeq) are skipped. Never throws for a target's failure — only when the run
 * is aborted.
 */
import dgram from "node:dgram";
import { lookup } from "node:dns/promises";
import net from "node:net";
import { formatDuration } from "../../config/duration.js";
import { matches, parseResponse, type SipResponse } from "./parse.js";
import { classifyError, type Failure } from "./reasons.js";
import { buildOptions, hostPort, newIds, type Request, type Transport } from "./request.js";
import { toMicroseconds } from "../shared/timing.js";

/** RFC 3261 §17.1.2.2: Timer E starts at T1 and doubles up to T2. */
export const T1_MS = 500;
export const T2_MS = 4000;

export interface ExchangeTarget {
  transport: Transport;
  host: string;
  port: number;
}

export type Outcome =
  { kind: "answer"; response: SipResponse; rttSeconds: number } | ({ kind: "failure" } & Failure);

interface Session {
  /** Ends the exchange once; later calls are ignored. */
  finish(outcome: Outcome): void;
  /** Call when the first request leaves: RTT counts from here. */
  sent(): void;
  rtt(): number;
  done(): boolean;
}

export function exchange(target: ExchangeTarget, timeoutMs: number, signal: AbortSignal): Promise<Outcome> {
  signal.throwIfAborted();
  return new Promise<Outcome>((resolve, reject) => {
    const cleanups: (() => void)[] = [];
    let finished = false;
    let sentAt: number | undefined;
    let partial = "";
    const end = (): void => {
      finished = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      for (const cleanup of cleanups) cleanup();
    };
    const session: Session = {
      finish(outcome) {
        if (finished) return;
        end();
        resolve(outcome);
      },
      sent() {
        sentAt ??= performance.now();
      },
      rtt: () => toMicroseconds((performance.now() - (sentAt ?? performance.now())) / 1000),
      done: () => finished,
    };
    const onAbort = (): void => {
      if (finished) return;
      end();
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => {
      const within = formatDuration(timeoutMs);
      session.finish(
        partial !== ""
          ? { kind: "failure", reason: "malformed", detail: `${partial}; nothing more within ${within}` }
          : { kind: "failure", reason: "timeout", detail: `no final response within ${within}` },
      );
    }, timeoutMs);

    const onPartial = (detail: string): void => {
      partial = detail;
    };
    lookup(target.host).then(
      ({ address, family }) => {
        if (finished) return;
        cleanups.push(
          target.transport === "udp"
            ? startUdp(target, address, family, session)
            : startTcp(target, address, session, onPartial),
        );
      },
      (err: unknown) => session.finish({ kind: "failure", ...classifyError(err) }),
    );
  });
}

function request(target: ExchangeTarget, localAddress: string, localPort: number): Request {
  return buildOptions({ ...target, localAddress, localPort, ...newIds() });
}

function startUdp(target: ExchangeTarget, address: string, family: number, session: Session): () => void {
  const socket = dgram.createSocket(family === 6 ? "udp6" : "udp4");
  let retransmit: NodeJS.Timeout | undefined;
  let interval = T1_MS;
  let req: Request | undefined;
  const send = (): void => {
    if (session.done() || req === undefined) return;
    socket.send(req.text);
    session.sent();
    retransmit = setTimeout(send, interval);
    interval = Math.min(interval * 2, T2_MS);
  };
  socket.on("error", (err: NodeJS.ErrnoException) => {
    const failure = classifyError(err);
    if (err.code === "ECONNREFUSED") {
      failure.detail = `ICMP port unreachable from ${hostPort(address, target.port)} (ECONNREFUSED)`;
    }
    session.finish({ kind: "failure", ...failure });
  });
  socket.on("message", (datagram) => {
    if (req === undefined) return;
    const parsed = parseResponse(datagram);
    // A datagram is a whole message: an incomplete one was cut off.
    if (parsed.kind !== "response") {
      session.finish({ kind: "failure", reason: "malformed", detail: parsed.detail });
      return;
    }
    if (!matches(parsed.response, req.callId, req.cseq)) return;
    if (parsed.response.status < 200) {
      // Proceeding (RFC 3261 §17.1.2.2): keep retransmitting, every T2.
      interval = T2_MS;
      return;
    }
    session.finish({ kind: "answer", response: parsed.response, rttSeconds: session.rtt() });
  });
  // A connected socket only receives datagrams from the target and sees its ICMP errors.
  socket.connect(target.port, address, () => {
    if (session.done()) return;
    const local = socket.address();
    req = request(target, local.address, local.port);
    send();
  });
  return () => {
    clearTimeout(retransmit);
    socket.removeAllListeners("message");
    socket.on("error", () => undefined);
    socket.close();
  };
}

function startTcp(
  target: ExchangeTarget,
  address: string,
  session: Session,
  onPartial: (detail: string) => void,
): () => void {
  const socket = net.connect({ host: address, port: target.port });
  socket.setNoDelay(true);
  let req: Request | undefined;
  let buffer = Buffer.alloc(0);
  socket.on("connect", () => {
    req = request(target, socket.localAddress ?? address, socket.localPort ?? 0);
    socket.write(req.text);
    session.sent();
  });
  socket.on("data", (chunk: Buffer) => {
    if (req === undefined) return;
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length === 0) {
        onPartial("");
        return;
      }
      const parsed = parseResponse(buffer);
      if (parsed.kind === "incomplete") {
        onPartial(parsed.detail);
        return;
      }
      if (parsed.kind === "malformed") {
        session.finish({ kind: "failure", reason: "malformed", detail: parsed.detail });
        return;
      }
      buffer = buffer.subarray(parsed.length);
      const response = parsed.response;
      if (matches(response, req.callId, req.cseq) && response.status >= 200) {
        session.finish({ kind: "answer", response, rttSeconds: session.rtt() });
        return;
      }
    }
  });
  socket.on("error", (err) => session.finish({ kind: "failure", ...classifyError(err) }));
  socket.on("close", () => {
    if (buffer.length > 0) {
      const parsed = parseResponse(buffer);
      const what = parsed.kind === "response" ? "response" : parsed.detail;
      session.finish({ kind: "failure", reason: "malformed", detail: `${what}; connection closed` });
    } else {
      session.finish({
        kind: "failure",
        reason: "connect",
        detail: `connection to ${hostPort(address, target.port)} closed without a final response`,
      });
    }
  });
  return () => {
    socket.removeAllListeners("data");
    socket.on("error", () => undefined);
    socket.destroy();
  };
}
