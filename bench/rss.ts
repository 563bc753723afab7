/**
 * Resident memory of the agent running the default config: the built CLI is started with a
 * temporary copy of config/default.yaml (its own data_dir and a free loopback port), left to run
 * once /healthz answers, then measured from /proc/<pid>/status and stopped with SIGTERM.
 *
 * With `httpTargets` (the 10,000-target case) the config is instead one http collector over that
 * many distinct loopback URLs (http://127.0.0.1x:PORT/app/<i>, served by a child process — see
 * bench/loopback-targets.ts), every `every` with `concurrency` probes in flight. HTTP rather than ICMP
 * targets: an HTTP probe's work and state (sockets, parsers, response bodies, TLS settings) live
 * in the agent's own process, while ICMP probes run in fping, a child whose memory VmRSS does not
 * count — so HTTP is the case that loads the agent's memory, the honest one for an RSS target.
 * After `runSeconds` (several cycles) /metrics is scraped `scrapes` times a second apart (time to
 * the response's last byte: median and slowest — the /metrics target of 150 ms at 10,000 targets,
 * applied to the real agent — then with the client's own gunzip and decode, and http_probe_up
 * lines) and VmRSS is read after that.
 *
 * With `openConsole` (the default config's second case) a person uses the web console while the
 * agent runs: a login a third of the way through (its scrypt check is the peak to watch), every
 * page then and every minute after; the same targets judge it.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parse, stringify } from "yaml";
import { envWithoutProxies, startTargetServers, stopChild, targetUrls } from "./loopback-targets.js";
import { repoRoot } from "./paths.js";
import { procMemory, procTimes } from "./proc.js";
import { scrapeMetrics, type Scrape } from "./scrape-metrics.js";
import { median } from "./stats.js";
import type { BenchResult, BenchRow } from "./types.js";
import { startSimulatedRoom } from "../simroom/index.js";
import { hashPassword } from "../agent/console/password.js";
import { CONSOLE_PAGES, login, timeGet } from "./console-client.js";

/**
 * Node flags and environment (MALLOC_ARENA_MAX=2: glibc reads it at start) the agent runs with,
 * read from package.json's start script — `VAR=value … node --flag … dist/agent/main.js` — so the
 * benchmark measures the agent as `npm start` runs it (the installed bin's shebang, the Dockerfile
 * and deploy/ops-agent.service carry the same).
 */
export const { AGENT_NODE_FLAGS, AGENT_ENV } = (() => {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const match = /((?:\b[A-Z_][A-Z0-9_]*=\S*\s+)*)node((?:\s+--\S+)*)\s+dist\/agent\/main\.js/.exec(
    pkg.scripts.start,
  );
  const words = (text: string | undefined) => text?.trim().split(/\s+/).filter(Boolean) ?? [];
  return {
    AGENT_NODE_FLAGS: words(match?.[2]),
    AGENT_ENV: Object.fromEntries(
      words(match?.[1]).map((word) => [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)]),
    ) as Record<string, string>,
  };
})();

export interface RssOptions {
  /** How long the agent runs after /healthz first answers, before memory is read. */
  runSeconds: number;
  healthTimeoutMs?: number;
  exitTimeoutMs?: number;
  /** Run one http collector over this many loopback targets instead of config/default.yaml. */
  httpTargets?: number;
  /** Its schedule (default "15s") and probes in flight (default 64). */
  every?: string;
  concurrency?: number;
  /** With httpTargets: /metrics scrapes, a second apart, after runSeconds (default 15). */
  scrapes?: number;
  /** The targets judged (default RSS_TARGETS: the default scale's, or the 10,000 targets' with httpTargets). */
  targets?: RssTarget;
  /**
   * Default config only: a person uses the console while the agent runs — logs in a third of the
   * way through and opens every page then and every minute after — so the steady figure includes
   * the console's lazily loaded chunk and its sessions (issue 20, point 6: the console stays inside
   * the target).
   */
  openConsole?: boolean;
  log?: (line: string) => void;
}

const B = "agent RSS";
const CONSOLE_USER = "bench";
const CONSOLE_PASSWORD = "bench console password";
/** The issues' unit: a megabyte of 10^6 bytes (90 MB = 85.8 MiB). */
const MB = 1e6;

export interface RssTarget {
  /** The median VmRSS over the second half of the run at most this (MB). */
  steadyMB: number;
  /** VmHWM, the process's peak resident memory, at most this (MB). */
  peakMB: number;
}

/**
 * The memory targets, as decided in issue 20 (point 6), in MB of 10^6 bytes: at the default scale
 * ≤ 90 MB steady (the median VmRSS of the second half of the 330-s run) and ≤ 95 MB peak (VmHWM),
 * read against Node's own floor printed beside them (bench/node-floor.ts); at 10,000 targets
 * ≤ 250 MB. The console, the backup and the notification formats are lazily loaded chunks, so they
 * stay inside these until used.
 */
export const RSS_TARGETS: { defaultScale: RssTarget; tenThousandTargets: RssTarget } = {
  defaultScale: { steadyMB: 90, peakMB: 95 },
  tenThousandTargets: { steadyMB: 250, peakMB: 250 },
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tail(chunks: string[], text: string, limit = 4000): void {
  chunks.push(text);
  while (chunks.join("").length > limit && chunks.length > 1) chunks.shift();
}

export async function runRss(options: RssOptions): Promise<BenchResult> {
  const root = repoRoot();
  const main = join(root, "dist/agent/main.js");
  const defaultConfig = join(root, "config/default.yaml");
  if (!existsSync(main)) return { benchmark: B, rows: [], skipped: "dist/agent/main.js not built" };
  if (!existsSync(defaultConfig)) return { benchmark: B, rows: [], skipped: "config/default.yaml not found" };
  if (!existsSync("/proc/self/status")) return { benchmark: B, rows: [], skipped: "no /proc (not Linux)" };

  const dir = mkdtempSync(join(tmpdir(), "ops-agent-bench-rss-"));
  const port = await freePort();
  const log = options.log ?? (() => {});
  const targets = options.httpTargets;
  const goal =
    options.targets ?? (targets === undefined ? RSS_TARGETS.defaultScale : RSS_TARGETS.tenThousandTargets);
  const openConsole = options.openConsole === true && targets === undefined;
  const label =
    targets === undefined
      ? openConsole
        ? "default config, console opened"
        : "default config"
      : `${targets.toLocaleString("en-US")} http targets`;
  let config: Record<string, unknown>;
  let peers: { close(): Promise<void> };
  if (targets === undefined) {
    // The default config may probe the agent's own /healthz at its default address: point those
    // references at the port used here, so the run behaves as it would in production.
    const text = readFileSync(defaultConfig, "utf8");
    const original = (parse(text) as { http?: { listen?: unknown } } | null)?.http?.listen;
    const defaultListen = typeof original === "string" ? original : "127.0.0.1:9464";
    config = (parse(text.replaceAll(defaultListen, `127.0.0.1:${port}`)) ?? {}) as Record<string, unknown>;
    // The default config watches the simulated machine room: run it here, in the benchmark's own
    // process, so the agent's RSS is the agent's alone (`npm start` runs both in one process).
    const room = await startSimulatedRoom().catch((error: unknown) => error as Error);
    if (room instanceof Error) {
      rmSync(dir, { recursive: true, force: true });
      return { benchmark: B, rows: [], skipped: `cannot start the simulated machine room: ${room.message}` };
    }
    peers = room;
  } else {
    const servers = await startTargetServers();
    peers = { close: () => stopChild(servers) };
    config = {
      site: "bench-rss",
      timezone: "Asia/Shanghai",
      collectors: [
        {
          type: "http",
          name: "apps",
          every: options.every ?? "15s",
          timeout: "60s",
          concurrency: options.concurrency ?? 64,
          targets: targetUrls(servers, targets).map((url, i) => ({ name: `app-${i}`, url, timeout: "5s" })),
        },
      ],
    };
  }
  config.data_dir = join(dir, "data");
  config.http = {
    ...((config.http as Record<string, unknown> | undefined) ?? {}),
    listen: `127.0.0.1:${port}`,
  };
  const store = config.store as Record<string, unknown> | undefined;
  if (store && store.path !== undefined) store.path = join(dir, "data", "ops-agent.db");
  if (openConsole)
    config.console = {
      ...((config.console as Record<string, unknown> | undefined) ?? {}),
      users: [{ name: CONSOLE_USER, role: "admin", password_hash: await hashPassword(CONSOLE_PASSWORD) }],
    };
  const configPath = join(dir, "config.yaml");
  writeFileSync(configPath, stringify(config));

  const output: string[] = [];
  const started = Date.now();
  // The same command line as `npm start` (package.json) and the installed bin's shebang.
  const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, main, "run", "--config", configPath], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: envWithoutProxies(AGENT_ENV),
  });
  child.stdout.setEncoding("utf8").on("data", (d: string) => tail(output, d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => tail(output, d));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** A function, not the variable: TypeScript would keep the `undefined` narrowed across awaits. */
  const exitState = () => exit;
  const exited = new Promise<void>((resolve) =>
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );

  const failure = (error: string): BenchResult => {
    log(`rss (${label}): FAILED: ${error}`);
    return failed(error);
  };
  const failed = (error: string): BenchResult => ({
    benchmark: B,
    rows: [
      {
        benchmark: B,
        figure: "agent started and answered /healthz",
        value: Number.NaN,
        unit: "",
        target: { kind: "max", value: 0 },
      },
    ],
    details: { error, output: output.join("") },
  });

  try {
    // Wait for /healthz to answer at all (any status: collectors may not have run yet).
    // 10,000 targets: the config alone takes seconds to parse, and the first run starts at once.
    const healthTimeout = options.healthTimeoutMs ?? (targets === undefined ? 20_000 : 120_000);
    let healthStatus: number | undefined;
    while (healthStatus === undefined) {
      const early = exitState();
      if (early)
        return failure(`agent exited before /healthz answered (code ${early.code}, signal ${early.signal})`);
      if (Date.now() - started > healthTimeout)
        return failure(`/healthz did not answer within ${healthTimeout} ms`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
          signal: AbortSignal.timeout(1000),
        });
        healthStatus = response.status;
        await response.arrayBuffer();
      } catch {
        await sleep(200);
      }
    }
    const startupMs = Date.now() - started;
    log(`rss: /healthz answered ${healthStatus} after ${startupMs} ms; running ${options.runSeconds} s`);
    // VmRSS once a second while it runs: the steady figure is the last; the trace shows whether it is steady.
    const trace: number[] = [];
    const cpuAtStart = procTimes(child.pid as number)?.self ?? Number.NaN;
    const runUntil = Date.now() + options.runSeconds * 1000;
    let browseAt = openConsole ? Date.now() + (options.runSeconds * 1000) / 3 : Number.POSITIVE_INFINITY;
    let cookie: string | undefined;
    let pagesOpened = 0;
    while (Date.now() < runUntil && !exitState()) {
      if (Date.now() >= browseAt) {
        const base = `http://127.0.0.1:${port}`;
        cookie ??= await login(base, CONSOLE_USER, CONSOLE_PASSWORD);
        for (const page of CONSOLE_PAGES) {
          await timeGet(base + page, cookie, 0);
          pagesOpened += 1;
        }
        browseAt += 60_000;
      }
      await sleep(Math.min(1000, Math.max(0, runUntil - Date.now())));
      const m = procMemory(child.pid as number);
      if (m) trace.push(m.rss / 2 ** 20);
    }
    const cpuCores = ((procTimes(child.pid as number)?.self ?? Number.NaN) - cpuAtStart) / options.runSeconds;
    const gone = exitState();
    if (gone) return failure(`agent exited while running (code ${gone.code}, signal ${gone.signal})`);
    // Scrapes a second apart (as Prometheus would, more often): one that lands while a run's results
    // or the minute refresh are being processed waits for the event loop, so one scrape is luck —
    // the median of several, and the slowest, say what a Prometheus scraping it sees.
    const scrapes: Scrape[] = [];
    const wanted = options.scrapes ?? 15;
    let failedScrapes = 0;
    for (let i = 0; targets !== undefined && i < wanted; i++) {
      const one = await scrapeMetrics(port).catch(() => undefined);
      if (one) scrapes.push(one);
      else failedScrapes += 1;
      await sleep(1000);
    }
    const byTime = [...scrapes].sort((a, b) => a.ms - b.ms);
    const slowest = byTime[byTime.length - 1];
    const memory = procMemory(child.pid as number);
    if (!memory) return failure(`cannot read /proc/${child.pid}/status`);
    const half = trace.slice(Math.floor(trace.length / 2));
    const halfGrowth =
      half.length > 1 ? ((half[half.length - 1] as number) / (half[0] as number) - 1) * 100 : 0;

    const stopAt = Date.now();
    child.kill("SIGTERM");
    const exitTimeout = options.exitTimeoutMs ?? 15_000;
    const inTime = await Promise.race([exited.then(() => true), sleep(exitTimeout).then(() => false)]);
    const stopMs = Date.now() - stopAt;
    const done = exitState();
    const code = inTime && done ? (done.code ?? Number.NaN) : Number.NaN;
    log(
      `rss (${label}): VmRSS ${(memory.rss / 2 ** 20).toFixed(1)} MiB = ${(memory.rss / MB).toFixed(1)} MB, ` +
        `VmHWM ${(memory.hwm / 2 ** 20).toFixed(1)} MiB = ${(memory.hwm / MB).toFixed(1)} MB, ` +
        `trace ${trace.map((r) => r.toFixed(0)).join(" ")} MiB, CPU ${cpuCores.toFixed(2)} cores` +
        (openConsole ? `, ${pagesOpened} console pages opened` : "") +
        (slowest === undefined
          ? ""
          : `; /metrics ${scrapes.map((x) => x.ms.toFixed(0)).join(", ")} ms (with the client's decode ${scrapes.map((x) => x.decodedMs.toFixed(0)).join(", ")}), ${slowest.up} http_probe_up lines, ${(slowest.bytes / 2 ** 20).toFixed(1)} MiB`) +
        `; exit ${code} after ${stopMs} ms`,
    );
    // No trace (a run shorter than a second): the reading after the run stands in for the steady figure.
    const steadyMB = half.length > 0 ? (median(half) * 2 ** 20) / MB : memory.rss / MB;
    const peakMB = memory.hwm / MB;
    const verdict = (value: number, limit: number) => (value <= limit ? "met" : "NOT MET");
    log(
      `rss (${label}): steady ${steadyMB.toFixed(1)} MB (target ≤ ${goal.steadyMB} MB: ${verdict(steadyMB, goal.steadyMB)}), ` +
        `peak ${peakMB.toFixed(1)} MB (target ≤ ${goal.peakMB} MB: ${verdict(peakMB, goal.peakMB)})`,
    );
    const rows: BenchRow[] = [
      {
        benchmark: B,
        figure: `steady: VmRSS median over the second half of the ${options.runSeconds}-s run (${label})`,
        value: steadyMB,
        unit: "MB",
        target: { kind: "max", value: goal.steadyMB },
      },
      {
        benchmark: B,
        figure: `peak: VmHWM (${label})`,
        value: peakMB,
        unit: "MB",
        target: { kind: "max", value: goal.peakMB },
      },
      {
        benchmark: B,
        figure: `VmRSS after ${options.runSeconds} s (${label})`,
        value: memory.rss / MB,
        unit: "MB",
      },
      {
        benchmark: B,
        figure: `agent CPU while it ran, user + system seconds per second (${label})`,
        value: cpuCores,
        unit: "cores",
      },
      {
        benchmark: B,
        figure: `VmRSS change over the second half of the run (${label})`,
        value: halfGrowth,
        unit: "%",
      },
    ];
    if (targets !== undefined)
      rows.push(
        {
          benchmark: B,
          figure: `${label}: http_probe_up series on the agent's /metrics (probed targets)`,
          value: slowest?.up ?? Number.NaN,
          unit: "",
          target: { kind: "min", value: targets },
        },
        {
          benchmark: B,
          figure:
            `${label}: real GET /metrics from the running agent, median of ${scrapes.length} a second apart ` +
            `(loopback, gzip, request to last byte; with the daemon's availability and KPI families, ` +
            `which bench/metrics-scrape.ts has not)`,
          value: median(scrapes.map((x) => x.ms)),
          unit: "ms",
          target: { kind: "max", value: 150 },
        },
        {
          benchmark: B,
          figure: `${label}: the same with the client's gunzip and decode of the exposition, median`,
          value: median(scrapes.map((x) => x.decodedMs)),
          unit: "ms",
        },
        {
          benchmark: B,
          figure: `${label}: real GET /metrics, fastest of the ${scrapes.length}`,
          value: byTime[0]?.ms ?? Number.NaN,
          unit: "ms",
        },
        {
          benchmark: B,
          figure: `${label}: real GET /metrics, slowest of the ${scrapes.length}`,
          value: slowest?.ms ?? Number.NaN,
          unit: "ms",
        },
        {
          benchmark: B,
          figure: `${label}: GET /metrics that failed (30 s timeout or error)`,
          value: failedScrapes,
          unit: "",
          target: { kind: "max", value: 0 },
        },
      );
    rows.push(
      { benchmark: B, figure: `start to first /healthz answer (${label})`, value: startupMs, unit: "ms" },
      {
        benchmark: B,
        figure: `SIGTERM to exit (${label}; exit code ${inTime ? String(done?.code ?? done?.signal) : "none: still running"})`,
        value: stopMs,
        unit: "ms",
        target: { kind: "max", value: exitTimeout },
      },
      {
        benchmark: B,
        figure: `exit code after SIGTERM (${label})`,
        value: code,
        unit: "",
        target: { kind: "max", value: 0 },
      },
    );
    return {
      benchmark: B,
      rows,
      details: {
        label,
        port,
        healthStatus,
        startupMs,
        memory,
        rssTraceMiB: trace,
        scrapes,
        stopMs,
        exit: done,
        output: output.join(""),
      },
    };
  } finally {
    if (!exitState()) {
      child.kill("SIGKILL");
      await exited;
    }
    await peers.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
