/**
 * The loopback targets of the HTTP benchmarks (bench/http-scale.ts, bench/rss.ts): a few node:http
 * servers on 127.0.0.11–14 (loopback only, never another address) in a CHILD process, so that the
 * CPU a benchmark measures in its own process is the probing alone, and N distinct URLs over them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

const SERVER_HOSTS = ["127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"];

/**
 * The target servers, run by `node -e` in a child process: one node:http server per address in
 * BENCH_HOSTS (port 0), answering GET /app/<i> with 200 and a small JSON body, anything else 404.
 * It prints the bound addresses as one JSON line and exits when its stdin closes (the parent
 * went away) or on SIGTERM.
 */
const SERVER_SCRIPT = `
const http = require("node:http");
const hosts = JSON.parse(process.env.BENCH_HOSTS);
const listen = (host) => new Promise((resolve, reject) => {
  const server = http.createServer((req, res) => {
    const m = /^\\/app\\/(\\d+)$/.exec(req.url);
    if (!m) { res.writeHead(404); res.end(); return; }
    const body = JSON.stringify({ status: "ok", app: Number(m[1]) });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.on("error", reject);
  server.listen({ host, port: 0, backlog: 4096 }, () => resolve({ host, port: server.address().port }));
});
Promise.all(hosts.map(listen)).then(
  (bound) => process.stdout.write(JSON.stringify(bound) + "\\n"),
  (error) => { process.stderr.write(String(error) + "\\n"); process.exit(1); },
);
process.stdin.on("end", () => process.exit(0)).resume();
process.on("SIGTERM", () => process.exit(0));
`;

export interface Child {
  child: ChildProcess;
  output: string[];
}

/** The environment without proxy settings: every request here goes straight to loopback. */
export function envWithoutProxies(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env)) if (/^(https?|all|no)_proxy$/i.test(key)) delete env[key];
  return env;
}

export function keepTail(output: string[]): (d: string) => void {
  return (d) => {
    output.push(d);
    if (output.length > 50) output.shift();
  };
}

export async function stopChild(c: Child): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (c.child.exitCode !== null || c.child.signalCode !== null) resolve();
    else c.child.once("exit", () => resolve());
  });
  c.child.kill("SIGTERM");
  await Promise.race([exited, sleep(5000)]);
  if (c.child.exitCode === null && c.child.signalCode === null) {
    c.child.kill("SIGKILL");
    await exited;
  }
}

export interface TargetServers extends Child {
  bound: { host: string; port: number }[];
}

export async function startTargetServers(): Promise<TargetServers> {
  const output: string[] = [];
  const child = spawn(process.execPath, ["-e", SERVER_SCRIPT], {
    stdio: ["pipe", "pipe", "pipe"],
    env: envWithoutProxies({ BENCH_HOSTS: JSON.stringify(SERVER_HOSTS) }),
  });
  child.stderr?.setEncoding("utf8").on("data", keepTail(output));
  const servers: TargetServers = { child, output, bound: [] };
  try {
    servers.bound = await new Promise((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => reject(new Error("target servers did not start within 15 s")), 15_000);
      child.stdout?.setEncoding("utf8").on("data", (d: string) => {
        text += d;
        const line = text.split("\n")[0] as string;
        if (text.includes("\n")) {
          clearTimeout(timer);
          try {
            resolve(JSON.parse(line) as { host: string; port: number }[]);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`target servers exited (code ${code}): ${output.join("").slice(-500)}`));
      });
    });
  } catch (error) {
    await stopChild(servers);
    throw error;
  }
  return servers;
}

/** N distinct target URLs, round-robin over the servers. */
export function targetUrls(servers: TargetServers, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const s = servers.bound[i % servers.bound.length] as { host: string; port: number };
    return `http://${s.host}:${s.port}/app/${i}`;
  });
}
