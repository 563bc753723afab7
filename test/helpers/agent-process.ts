/** Starts the built CLI (dist/agent/main.js) as a real process on a loopback port, for end-to-end tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { expectNoDuplicateSeries } from "./exposition.js";

export const CLI = join(process.cwd(), "dist/agent/main.js");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function writeConfig(dir: string, port: number, collectors: string, extra = ""): string {
  const path = join(dir, "config.yaml");
  writeFileSync(
    path,
    `site: e2e\ndata_dir: ${join(dir, "data")}\nlog:\n  level: debug\n  format: json\nhttp:\n  listen: 127.0.0.1:${port}\nshutdown_grace: 5s\n${extra}collectors:\n${collectors}`,
  );
  return path;
}

export interface RunningAgent {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startAgent(configPath: string, extraArgs: readonly string[] = []): RunningAgent {
  const child = spawn(process.execPath, [CLI, "run", "--config", configPath, ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Polls until fn returns a value (not undefined), at most timeoutMs. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

/**
 * GET a path of the agent. Every /metrics exposition a test reads this way is checked for
 * duplicate series (two samples with one name and label set, which promtool lets through and
 * Prometheus silently collapses).
 */
export async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  const body = await response.text();
  if (response.status === 200 && path.split("?")[0] === "/metrics") expectNoDuplicateSeries(body);
  return { status: response.status, body };
}
