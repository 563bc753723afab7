/**
 * Soak: the real agent on the simulated machine room (simroom/: vCenter with 253 VMs, Deep
 * Security Manager, six web platforms, two MCUs, 300 meeting rooms answering ping) with
 * config/default.yaml at ten times its cadence — every collector's `every` and `jitter` ÷ 10, rounded
 * up to a period the scheduler takes: host and platforms every 3 s, self 2 s, icmp and videoconf 6 s —
 * except vcenter and antivirus, every 15 s instead of 30 s so that even the short run sees several
 * of their cycles. Ports are rewritten to the simulators started here. Sampled every second:
 *
 * - resident memory (VmRSS) flat after the warm-up: the peak over the last full cycle of the slowest
 *   collector (15 s) at most 5 % above the peak over the first full cycle after the warm-up on the
 *   10-minute soak (25 % on the one-minute run, which is still warming up: a gross-leak guard) (peaks
 *   over whole cycles, so a run's allocations and the GC's sawtooth are in both);
 * - no file descriptor growth (/proc/<pid>/fd): the lowest count over the last full cycle no higher
 *   than the highest count over the first cycle after the warm-up. Connections and fping's pipes in
 *   flight come and go — a single reading can land on a tick where every collector runs at once (CI
 *   once read 39 against 35 so) — while a leak raises even the quietest moment;
 * - no missed cycles: opsagent_collector_runs_total (any result) at least one per period elapsed,
 *   and no tick skipped (opsagent_collector_ticks_skipped_total) after the warm-up.
 *
 * The agent runs as deployed: with the node flags and environment of package.json's start script.
 *
 * Length: OPS_AGENT_SOAK_SECONDS (default 60, which keeps the fault suite short). The issue's
 * 10-minute soak is `OPS_AGENT_SOAK_SECONDS=600 npx vitest run test/faults/soak.test.ts`; the
 * warm-up is a sixth of the run, at least 20 s.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseDuration } from "../../config/duration.js";
import { startSimulatedRoom, type SimulatedRoom } from "../../simroom/index.js";
import { PLATFORM_NAMES } from "../../simroom/platforms/index.js";
import { AGENT_ENV, AGENT_NODE_FLAGS } from "../../bench/rss.js";
import { CLI, freePort, get, waitFor, type RunningAgent } from "../helpers/agent-process.js";
import { tempDir } from "../helpers/tmp.js";

const SOAK_SECONDS = Number(process.env.OPS_AGENT_SOAK_SECONDS ?? 60);
/** The bound on RSS growth after the warm-up: the 5 % on the long soak, a gross-leak guard on a short one. */
const RSS_GROWTH_BOUND = SOAK_SECONDS >= 600 ? 0.05 : 0.25;
const WARM_UP_SECONDS = Math.max(20, Math.round(SOAK_SECONDS / 6));
const SPEED_UP = 10;
/** The slowest collectors' period in the soak (vcenter, antivirus): also the measuring window. */
const SLOWEST_MS = 15_000;
const WINDOW_SECONDS = SLOWEST_MS / 1000;

let room: SimulatedRoom;
beforeAll(async () => {
  room = await startSimulatedRoom({ vcenter: 0, deepSecurity: 0, platforms: 0, mcu: 0, busyMcu: 0 });
});
afterAll(async () => {
  await room?.close();
});

/** Periods must divide a minute (or an hour, a day) evenly in whole seconds: the nearest one up. */
const PERIODS_S = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600];
function periodText(ms: number): string {
  return `${PERIODS_S.find((s) => s * 1000 >= ms) ?? 3600}s`;
}

function durationText(ms: number): string {
  return `${Math.max(1, Math.round(ms))}ms`;
}

/** config/default.yaml at 10× cadence, pointed at this room, this port and this data directory. */
function soakConfig(dir: string, port: number): { text: string; periods: Map<string, number> } {
  let text = readFileSync("config/default.yaml", "utf8")
    .replaceAll("127.0.0.1:9464", `127.0.0.1:${port}`)
    .replaceAll("127.0.0.1:19443", `127.0.0.1:${room.vcenter.port}`)
    .replaceAll("127.0.0.1:19444", `127.0.0.1:${room.deepSecurity.port}`)
    .replaceAll("port: 15060", `port: ${room.mcu.port}`)
    .replaceAll("port: 15062", `port: ${room.busyMcu.port}`);
  PLATFORM_NAMES.forEach((name, i) => {
    text = text.replaceAll(`127.0.0.1:${19450 + i}/`, `127.0.0.1:${room.platforms.platforms[name].port}/`);
  });
  const config = parse(text) as {
    site: string;
    data_dir: string;
    log?: unknown;
    collectors: { type: string; name?: string; every?: string; jitter?: string }[];
  };
  config.site = "soak";
  config.data_dir = join(dir, "data");
  config.log = { level: "warn", format: "json" };
  const periods = new Map<string, number>();
  for (const c of config.collectors) {
    c.every = periodText(Math.min(SLOWEST_MS, parseDuration(c.every ?? "1m")! / SPEED_UP));
    const every = parseDuration(c.every)!;
    if (c.jitter !== undefined) c.jitter = durationText(parseDuration(c.jitter)! / SPEED_UP);
    periods.set(c.name ?? c.type, every);
  }
  return { text: stringify(config), periods };
}

/**
 * The built CLI as it is deployed: the node flags and environment of package.json's start script
 * (read as bench/rss.ts does; the bin's shebang, the Dockerfile and the systemd unit carry the
 * same), so the soak judges the memory settings the agent really runs with.
 */
function startDeployedAgent(configPath: string): RunningAgent {
  const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, CLI, "run", "--config", configPath], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...AGENT_ENV },
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1]) * 1024;
}

function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

function byCollector(metrics: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of metrics.matchAll(
    new RegExp(`^opsagent_${name}\\{collector="([^"]+)"[^}]*\\} (\\d+)`, "gm"),
  ))
    out.set(m[1]!, (out.get(m[1]!) ?? 0) + Number(m[2]));
  return out;
}

describe(`soak: ${SOAK_SECONDS} s of the simulated machine room at ${SPEED_UP}× cadence`, () => {
  let agent: RunningAgent | undefined;
  afterAll(async () => {
    if (agent && agent.child.exitCode === null) {
      agent.child.kill("SIGTERM");
      await agent.exited;
    }
  });

  it(
    `RSS flat after warm-up (≤ ${RSS_GROWTH_BOUND * 100} % ${SOAK_SECONDS >= 600 ? "on the 10-minute soak" : "on this short run, a gross-leak guard; ≤ 5 % is judged on the 10-minute soak"}), no file descriptor growth, no missed cycles`,
    async () => {
      const dir = tempDir();
      const port = await freePort();
      const { text, periods } = soakConfig(dir, port);
      const configPath = join(dir, "config.yaml");
      writeFileSync(configPath, text);
      agent = startDeployedAgent(configPath);
      const pid = agent.child.pid!;
      await waitFor(
        async () => ((await get(port, "/metrics")).status === 200 ? true : undefined),
        30_000,
        "/metrics",
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; exit ${agent?.child.exitCode}\n${agent?.output().slice(-3_000)}`);
      });
      const started = Date.now();

      const samples: { t: number; rss: number; fds: number }[] = [];
      let skippedAtWarmUp: Map<string, number> | undefined;
      while (Date.now() - started < SOAK_SECONDS * 1000) {
        await new Promise((r) => setTimeout(r, 1_000));
        if (skippedAtWarmUp === undefined && Date.now() - started >= WARM_UP_SECONDS * 1000)
          skippedAtWarmUp = byCollector((await get(port, "/metrics")).body, "collector_ticks_skipped_total");
        expect(agent.child.exitCode, agent.output().slice(-2_000)).toBeNull();
        samples.push({ t: (Date.now() - started) / 1000, rss: rssBytes(pid), fds: fdCount(pid) });
      }
      const metrics = (await get(port, "/metrics")).body;
      const elapsedMs = Date.now() - started;

      const first = samples.filter((s) => s.t >= WARM_UP_SECONDS && s.t < WARM_UP_SECONDS + WINDOW_SECONDS);
      const last = samples.filter((s) => s.t >= SOAK_SECONDS - WINDOW_SECONDS);
      const rssBase = Math.max(...first.map((s) => s.rss));
      const rssEnd = Math.max(...last.map((s) => s.rss));
      const fdBase = Math.max(...first.map((s) => s.fds));
      const fdEnd = Math.min(...last.map((s) => s.fds));
      const summary = {
        rssBaseMiB: +(rssBase / 2 ** 20).toFixed(1),
        rssEndMiB: +(rssEnd / 2 ** 20).toFixed(1),
        rssGrowth: +(rssEnd / rssBase - 1).toFixed(4),
        fdBase,
        fdEnd,
        fdsFirstCycle: first.map((s) => s.fds),
        fdsLastCycle: last.map((s) => s.fds),
        runs: Object.fromEntries(byCollector(metrics, "collector_runs_total")),
        skipped: Object.fromEntries(byCollector(metrics, "collector_ticks_skipped_total")),
        skippedAtWarmUp: Object.fromEntries(skippedAtWarmUp ?? []),
      };
      console.log(`soak ${SOAK_SECONDS}s: ${JSON.stringify(summary)}`);

      // The bound (≤ 5 % after warm-up) is judged on the long soak. A one-minute run on a
      // shared machine is still inside V8's and SQLite's warm-up (seen: 0.6 % to 9 %), so the short
      // run only guards against a gross leak and prints the figure.
      expect(rssEnd / rssBase, JSON.stringify(summary)).toBeLessThanOrEqual(1 + RSS_GROWTH_BOUND);
      expect(fdEnd, JSON.stringify(summary)).toBeLessThanOrEqual(fdBase);

      const runs = byCollector(metrics, "collector_runs_total");
      const skipped = byCollector(metrics, "collector_ticks_skipped_total");
      for (const [collector, period] of periods) {
        // The run at start plus one per period elapsed, less the one that may still be in flight.
        const expected = Math.floor(elapsedMs / period);
        expect(
          runs.get(collector) ?? 0,
          `${collector}: runs in ${elapsedMs} ms at every ${period} ms`,
        ).toBeGreaterThanOrEqual(expected);
        // After the warm-up (at start the inventory-fed collectors wait for vCenter's first run,
        // and one of their ticks may fall inside it).
        expect(
          (skipped.get(collector) ?? 0) - (skippedAtWarmUp?.get(collector) ?? 0),
          `${collector}: ticks skipped after the warm-up`,
        ).toBe(0);
      }
      // Every collector worked (not just ran): the room answers.
      for (const collector of periods.keys())
        expect(metrics, collector).toMatch(
          new RegExp(`^opsagent_collector_up\\{collector="${collector}"[^}]*\\} 1$`, "m"),
        );

      agent.child.kill("SIGTERM");
      expect((await agent.exited).code, agent.output().slice(-2_000)).toBe(0);
    },
    (SOAK_SECONDS + 120) * 1000,
  );
});
