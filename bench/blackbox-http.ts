/**
 * prometheus-blackbox-exporter as the HTTP benchmark's baseline (bench/http-scale.ts; started by
 * bench/blackbox.ts with HTTP_2XX_MODULE), driven over the same targets at the same concurrency
 * (GET /probe?module=http_2xx&target=URL through a keep-alive node:http Agent, so the driver's own
 * cost stays small); its CPU is read from /proc/<pid>/stat.
 */
import { get, type Agent } from "node:http";
import { procTimes } from "./proc.js";
import type { Cycle } from "./http-scale.js";
import type { Blackbox } from "./blackbox.js";

/** The exporter's module for this benchmark (module http_2xx: prober http, timeout 5s, 200 only, ip4). */
export const HTTP_2XX_MODULE = [
  "  http_2xx:",
  "    prober: http",
  "    timeout: 5s",
  "    http:",
  "      valid_status_codes: [200]",
  "      preferred_ip_protocol: ip4",
];

/** GET http://127.0.0.1:port/path: status and body text. */
function request(
  port: number,
  path: string,
  agent: Agent | undefined,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(
      { host: "127.0.0.1", port, path, ...(agent ? { agent } : {}), timeout: 30_000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer to ${path} within 30 s`)));
    req.on("error", reject);
  });
}

export interface BlackboxCycle extends Cycle {
  failed: number;
  firstFailure?: string;
}

/** One cycle through the exporter: every target probed once, `inFlight` at a time. */
export async function blackboxCycle(
  bbe: Blackbox,
  agent: Agent,
  urls: readonly string[],
  inFlight: number,
): Promise<BlackboxCycle> {
  const pid = bbe.child.pid as number;
  const cpu0 = procTimes(pid)?.self ?? Number.NaN;
  const t0 = performance.now();
  let next = 0;
  let up = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++] as string;
      // A probe the exporter did not answer counts as failed, like one it reported failed.
      const answer = await request(
        bbe.port,
        `/probe?module=http_2xx&target=${encodeURIComponent(url)}`,
        agent,
      ).catch((error: unknown) => ({
        status: 0,
        body: error instanceof Error ? error.message : String(error),
      }));
      if (answer.status === 200 && /^probe_success 1$/m.test(answer.body)) up++;
      else {
        failed++;
        firstFailure ??= `${url}: HTTP ${answer.status}: ${answer.body.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, urls.length) }, worker));
  const wallMs = performance.now() - t0;
  const cpuS = (procTimes(pid)?.self ?? Number.NaN) - cpu0;
  return { wallMs, cpuS, up, failed, ...(firstFailure === undefined ? {} : { firstFailure }) };
}
