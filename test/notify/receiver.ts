/**
 * A loopback HTTP server standing in for a chat robot: records every request (method, path and
 * query, headers, body) and answers as the test says — or never, to test timeouts.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../agent/log.js";

export interface Received {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Receipt order. */
  index: number;
}

export type Answer = { status?: number; json?: unknown; text?: string } | "hang";

export interface Receiver {
  base: string;
  requests: Received[];
  close(): Promise<void>;
}

export async function startReceiver(answer: (req: Received) => Answer): Promise<Receiver> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const received: Received = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        index: requests.length,
      };
      requests.push(received);
      const a = answer(received);
      if (a === "hang") return;
      const body = a.text ?? JSON.stringify(a.json ?? {});
      res.writeHead(a.status ?? 200, { "Content-Type": "application/json" });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON logger whose lines the test reads. */
export function captureLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ level: "debug", format: "json" }, stream), lines };
}

/** Polls until `check` holds (at most `ms`). */
export async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Counts {
  sent: string[];
  failed: string[];
  dropped: string[];
}

export function countingHooks(): Counts & {
  hooks: { sent(c: string): void; failed(c: string): void; dropped(c: string): void };
} {
  const counts: Counts = { sent: [], failed: [], dropped: [] };
  return {
    ...counts,
    hooks: {
      sent: (c) => counts.sent.push(c),
      failed: (c) => counts.failed.push(c),
      dropped: (c) => counts.dropped.push(c),
    },
  };
}
