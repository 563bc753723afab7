/**
 * Resident memory of the agent running the default config: the built CLI is started with a
 * temporary copy of config/default.yaml (its own data_dir and a free loopback port), left to run
 * once /healthz answers, then measured from /proc/<pid>/status and stopped with SIGTERM.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parse, stringify } from "yaml";
import { repoRoot } from "./paths.js";
import type { BenchResult } from "./types.js";
import { startSimulatedRoom } from "../simroom/index.js";

/**
 * Node flags the agent runs with, read from package.json's start script so the benchmark measures
 * the agent as `npm start` runs it (the installed bin's shebang carries the same flag).
 */
const AGENT_NODE_FLAGS: string[] = (() => {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const match = /\bnode((?:\s+--\S+)*)\s+dist\/agent\/main\.js/.exec(pkg.scripts.start);
  return match?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
})();

export interface RssOptions {
  /** How long the agent runs after /healthz first answers, before memory is read. */
  runSeconds: number;
  healthTimeoutMs?: number;
  exitTimeoutMs?: number;
  log?: (line: string) => void;
}

const B = "agent RSS";

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

/** VmRSS / VmHWM from /proc/<pid>/status, in bytes. */
export function procMemory(pid: number): { rss: number; hwm: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
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
  // The default config may probe the agent's own /healthz at its default address: point those
  // references at the port used here, so the run behaves as it would in production.
  const text = readFileSync(defaultConfig, "utf8");
  const original = (parse(text) as { http?: { listen?: unknown } } | null)?.http?.listen;
  const defaultListen = typeof original === "string" ? original : "127.0.0.1:9464";
  const config = (parse(text.replaceAll(defaultListen, `127.0.0.1:${port}`)) ?? {}) as Record<
    string,
    unknown
  >;
  config.data_dir = join(dir, "data");
  config.http = {
    ...((config.http as Record<string, unknown> | undefined) ?? {}),
    listen: `127.0.0.1:${port}`,
  };
  const store = config.store as Record<string, unknown> | undefined;
  if (store && store.path !== undefined) store.path = join(dir, "data", "ops-agent.db");
  const configPath = join(dir, "config.yaml");
  writeFileSync(configPath, stringify(config));

  const log = options.log ?? (() => {});
  // The default config watches the simulated machine room: run it here, in the benchmark's own
  // process, so the agent's RSS is the agent's alone (`npm start` runs both in one process).
  const room = await startSimulatedRoom().catch((error: unknown) => error as Error);
  if (room instanceof Error) {
    rmSync(dir, { recursive: true, force: true });
    return { benchmark: B, rows: [], skipped: `cannot start the simulated machine room: ${room.message}` };
  }
  const output: string[] = [];
  const started = Date.now();
  // The same command line as `npm start` (package.json) and the installed bin's shebang.
  const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, main, "run", "--config", configPath], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
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

  const failure = (error: string): BenchResult => ({
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
    const healthTimeout = options.healthTimeoutMs ?? 20_000;
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
    await sleep(options.runSeconds * 1000);
    const gone = exitState();
    if (gone) return failure(`agent exited while running (code ${gone.code}, signal ${gone.signal})`);
    const memory = procMemory(child.pid as number);
    if (!memory) return failure(`cannot read /proc/${child.pid}/status`);

    const stopAt = Date.now();
    child.kill("SIGTERM");
    const exitTimeout = options.exitTimeoutMs ?? 15_000;
    const inTime = await Promise.race([exited.then(() => true), sleep(exitTimeout).then(() => false)]);
    const stopMs = Date.now() - stopAt;
    const done = exitState();
    const code = inTime && done ? (done.code ?? Number.NaN) : Number.NaN;
    log(
      `rss: VmRSS ${(memory.rss / 2 ** 20).toFixed(1)} MiB, VmHWM ${(memory.hwm / 2 ** 20).toFixed(1)} MiB, exit ${code} after ${stopMs} ms`,
    );
    return {
      benchmark: B,
      rows: [
        {
          benchmark: B,
          figure: `VmRSS after ${options.runSeconds} s (default config)`,
          value: memory.rss / 2 ** 20,
          unit: "MiB",
          target: { kind: "max", value: 80 },
        },
        {
          benchmark: B,
          figure: "VmHWM (peak RSS)",
          value: memory.hwm / 2 ** 20,
          unit: "MiB",
          target: { kind: "max", value: 80 },
        },
        { benchmark: B, figure: "start to first /healthz answer", value: startupMs, unit: "ms" },
        {
          benchmark: B,
          figure: `SIGTERM to exit (exit code ${inTime ? String(done?.code ?? done?.signal) : "none: still running"})`,
          value: stopMs,
          unit: "ms",
          target: { kind: "max", value: exitTimeout },
        },
        {
          benchmark: B,
          figure: "exit code after SIGTERM",
          value: code,
          unit: "",
          target: { kind: "max", value: 0 },
        },
      ],
      details: { port, healthStatus, startupMs, memory, stopMs, exit: done, output: output.join("") },
    };
  } finally {
    if (!exitState()) {
      child.kill("SIGKILL");
      await exited;
    }
    await room.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
