/**
 * What Node itself holds resident before any agent code: a child node started with the agent's
 * flags and environment (bench/rss.ts reads them from package.json's start script) that does, once,
 * each kind of work every agent process does whatever its own code — an ES module entry (the agent
 * is one), a time-zone formatter (node-cron and the store's local days construct Intl.DateTimeFormat,
 * which loads ICU's locale data), better-sqlite3 with the store's pragmas and a few thousand rows, an
 * HTTP server answering itself (/metrics, /healthz), TLS client requests verified against a custom CA
 * (vCenter, the antivirus manager), gzip (a compressed scrape), a child process (fping) and a hot loop
 * that the optimising compiler compiles — then reads its own VmRSS.
 *
 * Printed beside the agent's RSS so that the agent's own share (its code, its data) can be read off:
 * the RSS target covers both, and this part no change to the agent can remove.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { envWithoutProxies } from "./loopback-targets.js";
import { repoRoot } from "./paths.js";
import { AGENT_ENV, AGENT_NODE_FLAGS } from "./rss.js";
import type { BenchResult } from "./types.js";

const B = "agent RSS";

/** The child's program (an ES module, as the agent's entry is): JSON of its VmRSS / VmHWM in bytes. */
const SCRIPT = String.raw`
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";
import zlib from "node:zlib";
const [root, dbPath, tlsPort, timeZone] = process.argv.slice(2);
const require = createRequire(root + "/package.json");

new Intl.DateTimeFormat("en-US", { timeZone, hour12: false, year: "numeric", hour: "2-digit" }).formatToParts(new Date());

const Database = require("better-sqlite3");
const db = new Database(dbPath);
for (const p of ["journal_mode = WAL", "synchronous = NORMAL", "temp_store = MEMORY", "cache_size = -2000"]) db.pragma(p);
db.exec("CREATE TABLE s (series INTEGER, ts INTEGER, value REAL, PRIMARY KEY (series, ts)) WITHOUT ROWID");
const insert = db.prepare("INSERT INTO s VALUES (?, ?, ?)");
db.transaction(() => { for (let i = 0; i < 20000; i++) insert.run(i % 500, i, i / 7); })();
db.prepare("SELECT series, count(*), avg(value) FROM s GROUP BY series").all();

const server = http.createServer((req, res) => res.end("ok\n")).listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const get = (mod, options) => new Promise((resolve, reject) =>
  mod.get(options, (res) => { res.resume(); res.on("end", resolve); }).on("error", reject));
for (let i = 0; i < 20; i++) await get(http, { host: "127.0.0.1", port: server.address().port, path: "/" });
const ca = readFileSync(root + "/simroom/demo/ca.pem");
for (let i = 0; i < 5; i++) await get(https, { host: "127.0.0.1", port: Number(tlsPort), path: "/", ca, agent: false });

zlib.gzipSync(Buffer.alloc(1 << 20, "opsagent_http_probe_up{target=\"x\"} 1\n"));
execFileSync("true");

let sum = 0;
const mix = (x) => ((x * 31) ^ (x >>> 3)) & 0xffff;
for (let i = 0; i < 3e7; i++) sum = (sum + mix(i)) & 0xffffff;

await sleep(2000);
const status = readFileSync("/proc/self/status", "utf8");
const kb = (f) => Number(new RegExp("^" + f + ":\\s+(\\d+) kB", "m").exec(status)[1]) * 1024;
server.close();
db.close();
process.stdout.write(JSON.stringify({ rss: kb("VmRSS"), hwm: kb("VmHWM"), sum }) + "\n");
`;

export interface NodeFloor {
  rss: number;
  hwm: number;
}

/** Runs the child once (a few seconds) and returns its memory, or an error message. */
export async function measureNodeFloor(timeZone = "Asia/Shanghai"): Promise<NodeFloor | string> {
  const root = repoRoot();
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-bench-floor-"));
  // The TLS peer lives here, in the benchmark's process: the child is only a client, as the agent is.
  const tls = createServer(
    {
      key: readFileSync(join(root, "simroom/demo/server.key")),
      cert: readFileSync(join(root, "simroom/demo/server.pem")),
    },
    (_req, res) => res.end("ok\n"),
  );
  try {
    await new Promise<void>((resolve, reject) => tls.once("error", reject).listen(0, "127.0.0.1", resolve));
    const tlsPort = (tls.address() as AddressInfo).port;
    const script = join(dir, "floor.mjs");
    writeFileSync(script, SCRIPT);
    const child = spawn(
      process.execPath,
      [...AGENT_NODE_FLAGS, script, root, join(dir, "floor.db"), String(tlsPort), timeZone],
      { stdio: ["ignore", "pipe", "pipe"], env: envWithoutProxies(AGENT_ENV) },
    );
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) return `the floor process exited with ${code}: ${err.trim().slice(-500)}`;
    const parsed = JSON.parse(out) as NodeFloor;
    return { rss: parsed.rss, hwm: parsed.hwm };
  } catch (error) {
    return (error as Error).message;
  } finally {
    tls.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The floor as benchmark rows; with the agent's default-config RSS (bytes), its own share too; with
 * the steady target (MB), what that target leaves the agent's code and data above the floor.
 */
export function nodeFloorResult(
  floor: NodeFloor | string,
  agentRss?: number,
  steadyTargetMB?: number,
): BenchResult {
  if (typeof floor === "string") return { benchmark: B, rows: [], skipped: `node floor: ${floor}` };
  const MB = 1e6;
  const what =
    "Node alone with the agent's flags: ES module entry, ICU time zones, better-sqlite3, HTTP server, " +
    "TLS client, gzip, a child process, optimised code (bench/node-floor.ts)";
  return {
    benchmark: B,
    rows: [
      { benchmark: B, figure: `VmRSS of ${what}`, value: floor.rss / MB, unit: "MB" },
      ...(agentRss === undefined
        ? []
        : [
            {
              benchmark: B,
              figure: "the agent's own share on the default config: its VmRSS after the run minus that floor",
              value: (agentRss - floor.rss) / MB,
              unit: "MB",
            },
          ]),
      ...(steadyTargetMB === undefined
        ? []
        : [
            {
              benchmark: B,
              figure: `room the steady target (≤ ${steadyTargetMB} MB) leaves above that floor for the agent's code and data`,
              value: steadyTargetMB - floor.rss / MB,
              unit: "MB",
            },
          ]),
    ],
    details: { floor },
  };
}
