/**
 * The web console (issue 19) at default scale: two agents built from config/default.yaml (each
 * its own data_dir and loopback port, both watching one simulated machine room started here) run
 * side by side for the same time. One is logged in to and has every console page opened
 * `requests` times each — time to the last byte, median and p95 per page (target < 100 ms), and
 * the ratio to the same agent's /healthz (the baseline: a request that does no work); the other
 * never sees a console request. RSS is then read from both at the same moment once a second for
 * `settleSeconds`: growth = median of (with console − without) (target ≤ 5 MB). Two agents at once
 * rather than one agent before and after, so the collectors' own growth over the run cancels out.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parse, stringify } from "yaml";
import { hashPassword } from "../agent/console/password.js";
import { startSimulatedRoom } from "../simroom/index.js";
import { CONSOLE_PAGES, login, timeGet } from "./console-client.js";
import { envWithoutProxies } from "./loopback-targets.js";
import { repoRoot } from "./paths.js";
import { procMemory } from "./proc.js";
import { AGENT_ENV, AGENT_NODE_FLAGS, freePort } from "./rss.js";
import { median, percentile } from "./stats.js";
import type { BenchResult, BenchRow } from "./types.js";

const B = "console";
const MB = 1e6;
const PASSWORD = "bench console password";

export interface ConsoleBenchOptions {
  /** Requests per page (after one warm-up request each). */
  requests: number;
  /** How long both agents run before the pages are opened. */
  warmupSeconds: number;
  /** How long both run quietly after the pages, before RSS is read. */
  settleSeconds: number;
  log?: (line: string) => void;
}

interface Agent {
  child: ChildProcess;
  port: number;
  dir: string;
}

async function startAgent(root: string, passwordHash: string): Promise<Agent> {
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-bench-console-"));
  const port = await freePort();
  const text = readFileSync(join(root, "config/default.yaml"), "utf8");
  const original = (parse(text) as { http?: { listen?: unknown } } | null)?.http?.listen;
  const listen = typeof original === "string" ? original : "127.0.0.1:9464";
  const config = (parse(text.replaceAll(listen, `127.0.0.1:${port}`)) ?? {}) as Record<string, unknown>;
  config.data_dir = join(dir, "data");
  config.http = {
    ...((config.http as Record<string, unknown> | undefined) ?? {}),
    listen: `127.0.0.1:${port}`,
  };
  const store = config.store as Record<string, unknown> | undefined;
  if (store && store.path !== undefined) store.path = join(dir, "data", "ops-agent.db");
  // Both agents carry the same account: the config is the same, only the traffic differs.
  config.console = {
    ...((config.console as Record<string, unknown> | undefined) ?? {}),
    users: [{ name: "bench", role: "admin", password_hash: passwordHash }],
  };
  const configPath = join(dir, "config.yaml");
  writeFileSync(configPath, stringify(config));
  const child = spawn(
    process.execPath,
    [...AGENT_NODE_FLAGS, join(root, "dist/agent/main.js"), "run", "--config", configPath],
    {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
      env: envWithoutProxies(AGENT_ENV),
    },
  );
  child.stderr?.resume();
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`agent on ${port} exited with ${child.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (up > 0) return { child, port, dir };
    await sleep(100);
  }
  throw new Error(`agent on ${port} did not answer /healthz`);
}

async function stop(agent: Agent): Promise<void> {
  if (agent.child.exitCode === null) {
    const exited = new Promise((resolve) => agent.child.once("exit", resolve));
    agent.child.kill("SIGTERM");
    await exited;
  }
  rmSync(agent.dir, { recursive: true, force: true });
}

export async function runConsoleBench(options: ConsoleBenchOptions): Promise<BenchResult> {
  const root = repoRoot();
  const log = options.log ?? (() => {});
  if (!existsSync(join(root, "dist/agent/main.js")))
    return { benchmark: B, rows: [], skipped: "dist/agent/main.js not built" };
  const room = await startSimulatedRoom();
  const agents: Agent[] = [];
  try {
    const hash = await hashPassword(PASSWORD);
    const opened = await startAgent(root, hash);
    agents.push(opened);
    const quiet = await startAgent(root, hash);
    agents.push(quiet);
    log(
      `console: agents on ${opened.port} (pages opened) and ${quiet.port} (never opened); warm-up ${options.warmupSeconds} s`,
    );
    await sleep(options.warmupSeconds * 1000);

    const base = `http://127.0.0.1:${opened.port}`;
    const cookie = await login(base, "bench", PASSWORD);
    const baseline = await timeGet(`${base}/healthz`, "", options.requests).catch(async () => {
      // /healthz answers 503 until every collector has run: time it regardless of its status.
      const times: number[] = [];
      for (let i = 0; i < options.requests; i++) {
        const t0 = performance.now();
        await (await fetch(`${base}/healthz`)).arrayBuffer();
        times.push(performance.now() - t0);
      }
      return times;
    });
    const baselineMedian = median(baseline);
    const rows: BenchRow[] = [];
    const details: Record<string, unknown> = { healthzMedianMs: baselineMedian };
    for (const path of CONSOLE_PAGES) {
      const times = await timeGet(base + path, cookie, options.requests);
      const [med, p95] = [median(times), percentile(times, 95)];
      log(
        `console ${path}: median ${med.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (${(med / baselineMedian).toFixed(1)}× /healthz)`,
      );
      details[path] = { medianMs: med, p95Ms: p95, ratioToHealthz: med / baselineMedian, n: times.length };
      rows.push(
        {
          benchmark: B,
          figure: `${path} median (${options.requests} requests)`,
          value: med,
          unit: "ms",
          target: { kind: "max", value: 100 },
        },
        { benchmark: B, figure: `${path} p95`, value: p95, unit: "ms", target: { kind: "max", value: 100 } },
        { benchmark: B, figure: `${path} median ÷ /healthz median`, value: med / baselineMedian, unit: "×" },
      );
    }
    // Both agents read once a second over the settle time: one reading can land on a collector's
    // run or a GC in either agent (±5 MB seen), the median of the differences does not.
    log(`console: settle ${options.settleSeconds} s, reading the RSS of both once a second`);
    const pairs: { withConsole: number; without: number }[] = [];
    for (let i = 0; i < Math.max(1, options.settleSeconds); i++) {
      await sleep(1000);
      const a = procMemory(opened.child.pid as number);
      const b = procMemory(quiet.child.pid as number);
      if (a === undefined || b === undefined) throw new Error("cannot read /proc/<pid>/status");
      pairs.push({ withConsole: a.rss / MB, without: b.rss / MB });
    }
    const growths = pairs.map((p) => p.withConsole - p.without);
    const growth = median(growths);
    const withConsoleMB = median(pairs.map((p) => p.withConsole));
    const withoutMB = median(pairs.map((p) => p.without));
    log(
      `console: RSS never opened ${withoutMB.toFixed(1)} MB, after every page ${withConsoleMB.toFixed(1)} MB, ` +
        `growth ${growth.toFixed(1)} MB (median of ${pairs.length} pairs a second apart; range ` +
        `${Math.min(...growths).toFixed(1)} to ${Math.max(...growths).toFixed(1)} MB)`,
    );
    rows.push(
      { benchmark: B, figure: "VmRSS, console never opened (median)", value: withoutMB, unit: "MB" },
      { benchmark: B, figure: "VmRSS, after opening every page (median)", value: withConsoleMB, unit: "MB" },
      {
        benchmark: B,
        figure: `VmRSS growth from the console (median of ${pairs.length} pairs)`,
        value: growth,
        unit: "MB",
        target: { kind: "max", value: 5 },
      },
    );
    details.rss = { pairs };
    return { benchmark: B, rows, details };
  } finally {
    for (const agent of agents) await stop(agent);
    await room.close();
  }
}
