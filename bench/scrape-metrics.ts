/** One timed GET /metrics of a running agent, as the RSS benchmark's 10,000-target case makes it. */
import { get as httpGet } from "node:http";
import { gunzipSync } from "node:zlib";

export interface Scrape {
  /** Request sent to the last byte of the (gzip) response received: the agent's response time. */
  ms: number;
  /** The same plus the client's gunzip and UTF-8 decode of the exposition. */
  decodedMs: number;
  up: number;
  bytes: number;
}

/**
 * One GET /metrics as Prometheus sends it (Accept-Encoding: gzip), timed to the response's last
 * byte — what curl's time_total reports — and then with the client's own gunzip and decode. The
 * two are printed apart because the second is the client's work: Node's fetch alone spends
 * 60–140 ms inflating and decoding the 10.7 MiB exposition on an idle machine (measured against a
 * static body), more than the agent takes to answer.
 */
export async function scrapeMetrics(port: number): Promise<Scrape> {
  const t0 = performance.now();
  const { status, body } = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    const request = httpGet(
      { host: "127.0.0.1", port, path: "/metrics", headers: { "accept-encoding": "gzip" }, timeout: 30_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error("GET /metrics: no answer within 30 s")));
    request.on("error", reject);
  });
  const ms = performance.now() - t0;
  if (status !== 200) throw new Error(`GET /metrics: HTTP ${status}`);
  const text = (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body).toString("utf8");
  const decodedMs = performance.now() - t0;
  let up = 0;
  for (const line of text.split("\n")) if (/^\w*http_probe_up\{/.test(line)) up += 1;
  return { ms, decodedMs, up, bytes: Buffer.byteLength(text) };
}
