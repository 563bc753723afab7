/**
 * The agent of the incidents-scale benchmark, in a child process started with the agent's own Node
 * flags and environment (AGENT_NODE_FLAGS, AGENT_ENV: a 1 MiB young generation, which decides how
 * long the garbage collector holds the event loop), measuring its own event loop. The child starts
 * the agent (Agent.start: no collectors, the incident API on, listening on loopback), prints one
 * JSON line with its port and database, then answers lines on stdin: "watch" starts
 * monitorEventLoopDelay (1 ms resolution) afresh, "stall" answers its maximum in ms. It stops the
 * agent and exits when stdin closes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { systemClock } from "../agent/clock.js";
import { Agent } from "../agent/daemon.js";
import { createLogger } from "../agent/log.js";
import { databasePath, parseConfigText } from "../config/load.js";
import { isMainModule, repoRoot } from "./paths.js";
import { AGENT_ENV, AGENT_NODE_FLAGS } from "./rss.js";

const SERVE_FLAG = "--serve-incidents-agent";

export interface IncidentsAgent {
  port: number;
  database: string;
  /** Starts measuring the agent's event loop afresh. */
  watch(): Promise<void>;
  /** The longest stall since watch(), in ms. */
  stall(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the agent in a child process, its data and API token in `dir`. */
export async function startIncidentsAgent(dir: string, token: string): Promise<IncidentsAgent> {
  writeFileSync(join(dir, "token"), `${token}\n`);
  const self = fileURLToPath(import.meta.url);
  const loader = self.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...AGENT_NODE_FLAGS, ...loader, self, SERVE_FLAG, dir],
    {
      cwd: repoRoot(),
      env: { ...process.env, ...AGENT_ENV },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  const next = () =>
    new Promise<string>((resolve, reject) => {
      waiting.push(resolve);
      void exited.then(() => reject(new Error(`incidents agent exited (code ${child.exitCode}): ${stderr}`)));
    });
  const ask = async (command: string) => {
    const answer = next();
    child.stdin?.write(`${command}\n`);
    return answer;
  };
  const started = JSON.parse(await next()) as { port: number; database: string };
  return {
    ...started,
    watch: async () => void (await ask("watch")),
    stall: async () => Number(await ask("stall")),
    stop: async () => {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child's side. */
async function serve(dir: string): Promise<void> {
  const loaded = parseConfigText(
    `site: bench\ndata_dir: ${dir}\nhttp:\n  listen: "127.0.0.1:0"\n` +
      `incidents:\n  api_token: file:${join(dir, "token")}\ncollectors: []\n`,
  );
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  // The agent's JSON log lines are written (their cost counts) into a sink.
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const agent = await Agent.start(
    loaded.config,
    systemClock,
    createLogger({ level: "info", format: "json" }, sink),
  );
  process.stdout.write(
    `${JSON.stringify({ port: agent.listenAddress?.port, database: databasePath(loaded.config) })}\n`,
  );
  let loop: IntervalHistogram | undefined;
  const commands = createInterface({ input: process.stdin });
  commands.on("line", (line) => {
    if (line === "watch") {
      loop?.disable();
      loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      process.stdout.write("ok\n");
    } else if (line === "stall") {
      loop?.disable();
      process.stdout.write(`${(loop?.max ?? Number.NaN) / 1e6}\n`);
    }
  });
  commands.on("close", () => {
    void agent.stop().then(() => process.exit(0));
  });
}

if (process.argv[2] === SERVE_FLAG && isMainModule(import.meta.url)) {
  const dir = process.argv[3];
  if (dir === undefined) throw new Error(`${SERVE_FLAG} <dir>`);
  await serve(dir);
}
