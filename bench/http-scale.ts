/**
 * HTTP at scale: the real http collector (createHttpCollector over httpPlugin.schema.parse'd
 * options) probes N loopback targets once per cycle — N distinct URLs http://127.0.0.1x:PORT/app/i
 * spread over a few node:http servers on 127.0.0.11–14 (loopback only, never another address),
 * each answering 200 with a small JSON body. The servers run in a CHILD process, so the CPU this
 * process measures (process.cpuUsage) is the probing alone. Figures per size: probes/s (N ÷ wall
 * of one cycle, median over rounds), CPU per probe and wall per cycle.
 *
 * Where prometheus-blackbox-exporter is on PATH it is started as a child (module http_2xx: prober
 * http, timeout 5s, valid_status_codes [200], ip4) and driven over the same N targets at the same
 * concurrency (GET /probe?module=http_2xx&target=URL through a keep-alive node:http Agent, so the
 * driver's own cost stays small); its CPU is read from /proc/<pid>/stat. Agent and exporter rounds
 * alternate, so machine noise hits both.
 *
 * NOTE on the CPU comparison, as the table prints it: the exporter's CPU is its process only — it
 * EXCLUDES the cost of this driver's HTTP client that asks it to probe — while the agent's CPU is
 * its whole process (collector, probes, sample building, GC). The comparison is therefore, if
 * anything, tilted in the exporter's favour.
 */
import { Agent } from "node:http";
import { pino } from "pino";
import { systemClock } from "../agent/clock.js";
import { createHttpCollector } from "../collectors/http/collector.js";
import { httpPlugin } from "../collectors/http/index.js";
import { noInventory, type Collector } from "../collectors/types.js";
import { onPath } from "./icmp-scale.js";
import { hasProc } from "./proc.js";
import { median } from "./stats.js";
import type { BenchResult, BenchRow } from "./types.js";
import { startBlackbox, stopBlackbox, type Blackbox } from "./blackbox.js";
import { HTTP_2XX_MODULE, blackboxCycle, type BlackboxCycle } from "./blackbox-http.js";
import { startTargetServers, stopChild, targetUrls } from "./loopback-targets.js";

const B = "http scale";
const BB = "http vs blackbox exporter";
const INSTALL_HINT = "apt-get install prometheus-blackbox-exporter";

export interface HttpScaleOptions {
  /** Target counts, e.g. [50, 1000]. */
  sizes: readonly number[];
  /** Measured cycles per size (the median is reported), after one warm-up cycle. */
  rounds: number;
  /** Probes in flight, for the agent and the exporter alike (default 64). */
  concurrency?: number;
  /** Drive prometheus-blackbox-exporter too when it is on PATH (default true). */
  blackbox?: boolean;
  log?: (line: string) => void;
}

export interface Cycle {
  wallMs: number;
  cpuS: number;
  up: number;
}

const silent = pino({ level: "silent" });

function httpCollector(urls: readonly string[], concurrency: number): Collector {
  const options = httpPlugin.schema.parse({
    targets: urls.map((url, i) => ({ name: `app-${i}`, url, timeout: "5s" })),
    concurrency,
  });
  return createHttpCollector(options, { clock: systemClock, log: silent, inventory: noInventory });
}

/** One collect() of the agent's http collector; CPU is this whole process (process.cpuUsage). */
async function agentCycle(collector: Collector): Promise<Cycle> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const samples = await collector.collect({
    signal: AbortSignal.timeout(120_000),
    now: () => systemClock.now(),
    log: silent,
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const up = samples.filter((s) => s.metric === "http_probe_up" && s.value === 1).length;
  return { wallMs, cpuS: (cpu.user + cpu.system) / 1e6, up };
}

interface Measured {
  probesPerSecond: number;
  wallMs: number;
  cpuPerProbeMs: number;
  /** Fewest targets up in any measured cycle. */
  up: number;
}

function summarize(cycles: readonly Cycle[], targets: number): Measured {
  return {
    probesPerSecond: median(cycles.map((c) => targets / (c.wallMs / 1000))),
    wallMs: median(cycles.map((c) => c.wallMs)),
    cpuPerProbeMs: (median(cycles.map((c) => c.cpuS)) / targets) * 1000,
    up: Math.min(...cycles.map((c) => c.up)),
  };
}

const fmtN = (n: number) => n.toLocaleString("en-US");

export async function runHttpScale(options: HttpScaleOptions): Promise<BenchResult[]> {
  const log = options.log ?? (() => {});
  const concurrency = options.concurrency ?? 64;
  const rounds = Math.max(1, options.rounds);
  const wantBlackbox = options.blackbox !== false;
  const bbePath = wantBlackbox ? onPath("prometheus-blackbox-exporter") : undefined;
  if (wantBlackbox && bbePath === undefined) {
    log(
      `!!! http: prometheus-blackbox-exporter is NOT installed (not on PATH): no baseline to compare with. ` +
        `Run \`${INSTALL_HINT}\` to measure it. Only the agent's rows follow. !!!`,
    );
  }
  const canMeasureBbe = bbePath !== undefined && hasProc();
  if (bbePath !== undefined && !canMeasureBbe)
    log("http: no /proc (not Linux): the blackbox exporter's CPU cannot be read; agent rows only");

  const servers = await startTargetServers();
  log(
    `http: target servers in child process ${servers.child.pid} on ` +
      servers.bound.map((b) => `${b.host}:${b.port}`).join(", "),
  );
  const rows: BenchRow[] = [];
  const measured: Record<string, Measured> = {};
  const failures: Record<string, { failed: number; firstFailure?: string }> = {};
  let bbe: Blackbox | undefined;
  let bbeError: string | undefined;
  const keepAlive = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    if (canMeasureBbe) {
      try {
        bbe = await startBlackbox(bbePath, HTTP_2XX_MODULE);
        log(`http: prometheus-blackbox-exporter (${bbePath}) pid ${bbe.child.pid} on 127.0.0.1:${bbe.port}`);
      } catch (error) {
        bbeError = error instanceof Error ? error.message : String(error);
        log(`http: blackbox exporter did not start: ${bbeError}`);
      }
    }

    for (const size of options.sizes) {
      const urls = targetUrls(servers, size);
      const collector = httpCollector(urls, concurrency);
      const agentCycles: Cycle[] = [];
      const bbeCycles: BlackboxCycle[] = [];
      let exporter = bbeError === undefined ? bbe : undefined;
      /** One exporter cycle; a failure ends the exporter's part of the run, not the agent's. */
      const exporterCycle = async (measure: boolean) => {
        if (exporter === undefined) return;
        try {
          const cycle = await blackboxCycle(exporter, keepAlive, urls, concurrency);
          if (measure) bbeCycles.push(cycle);
        } catch (error) {
          bbeError = error instanceof Error ? error.message : String(error);
          log(`http: blackbox exporter run failed: ${bbeError}`);
          exporter = undefined;
        }
      };
      try {
        // One unmeasured cycle each: JIT, sockets, the exporter's keep-alive connections.
        await agentCycle(collector);
        await exporterCycle(false);
        for (let r = 0; r < rounds; r++) {
          // Alternate which goes first, so neither always runs on a warmer (or busier) machine.
          if (r % 2 === 0) {
            agentCycles.push(await agentCycle(collector));
            await exporterCycle(true);
          } else {
            await exporterCycle(true);
            agentCycles.push(await agentCycle(collector));
          }
        }
      } catch (error) {
        // A failed agent cycle is a finding, not the end of the benchmark: print it and go on.
        const message = error instanceof Error ? error.message : String(error);
        log(`http: ${fmtN(size)} targets: agent cycle failed: ${message}`);
        rows.push({
          benchmark: B,
          figure: `${fmtN(size)} targets: agent cycle failed (${message.replace(/\|/g, "/")})`,
          value: Number.NaN,
          unit: "",
          target: { kind: "max", value: 0 },
        });
        continue;
      } finally {
        await collector.close?.();
      }

      const name = `${fmtN(size)} targets, ${concurrency} in flight`;
      const a = summarize(agentCycles, size);
      measured[`${size} agent`] = a;
      log(
        `http: ${name}, agent: ${Math.round(a.probesPerSecond)} probes/s, ${Math.round(a.wallMs)} ms wall, ` +
          `${a.cpuPerProbeMs.toFixed(3)} ms CPU/probe, ${a.up}/${size} up`,
      );
      rows.push(
        { benchmark: B, figure: `${name}: agent probes/s`, value: a.probesPerSecond, unit: "probes/s" },
        {
          benchmark: B,
          figure: `${name}: agent CPU per probe (whole agent process)`,
          value: a.cpuPerProbeMs,
          unit: "ms",
        },
        { benchmark: B, figure: `${name}: agent wall per cycle`, value: a.wallMs, unit: "ms" },
      );
      if (a.up < size) {
        rows.push({
          benchmark: B,
          figure: `${name}: agent targets up (loopback: all should be)`,
          value: a.up,
          unit: "",
          target: { kind: "min", value: size },
        });
      }

      if (bbeCycles.length === rounds) {
        const m = summarize(bbeCycles, size);
        measured[`${size} blackbox`] = m;
        const failed = bbeCycles.reduce((s, c) => s + c.failed, 0);
        const firstFailure = bbeCycles.find((c) => c.firstFailure !== undefined)?.firstFailure;
        failures[String(size)] = { failed, ...(firstFailure === undefined ? {} : { firstFailure }) };
        log(
          `http: ${name}, blackbox exporter: ${Math.round(m.probesPerSecond)} probes/s, ` +
            `${Math.round(m.wallMs)} ms wall, ${m.cpuPerProbeMs.toFixed(3)} ms CPU/probe, ` +
            `${failed} failed probe(s) in ${rounds} round(s)${firstFailure ? ` (first: ${firstFailure})` : ""}`,
        );
        rows.push(
          {
            benchmark: BB,
            figure: `${name}: blackbox exporter probes/s`,
            value: m.probesPerSecond,
            unit: "probes/s",
          },
          {
            benchmark: BB,
            figure: `${name}: blackbox exporter CPU per probe (its process only, excl. the driver's HTTP client)`,
            value: m.cpuPerProbeMs,
            unit: "ms",
          },
          { benchmark: BB, figure: `${name}: blackbox exporter wall per cycle`, value: m.wallMs, unit: "ms" },
          {
            benchmark: BB,
            figure: `${name}: agent ÷ exporter, probes/s`,
            value: a.probesPerSecond / m.probesPerSecond,
            unit: "×",
            target: { kind: "min", value: 1 },
          },
          {
            benchmark: BB,
            figure: `${name}: agent ÷ exporter, CPU per probe (agent: whole process; exporter: its process only)`,
            value: a.cpuPerProbeMs / m.cpuPerProbeMs,
            unit: "×",
          },
        );
        if (failed > 0) {
          rows.push({
            benchmark: BB,
            figure: `${name}: exporter probes without probe_success 1 (all rounds)`,
            value: failed,
            unit: "",
            target: { kind: "max", value: 0 },
          });
        }
      }
    }
  } finally {
    keepAlive.destroy();
    if (bbe !== undefined) await stopBlackbox(bbe);
    await stopChild(servers);
  }

  const results: BenchResult[] = [
    {
      benchmark: B,
      rows: rows.filter((r) => r.benchmark === B),
      details: { sizes: options.sizes, rounds, concurrency, servers: servers.bound, measured },
    },
  ];
  if (!wantBlackbox) return results;
  if (bbePath === undefined)
    results.push({
      benchmark: BB,
      rows: [],
      skipped: `prometheus-blackbox-exporter not installed (${INSTALL_HINT})`,
    });
  else if (!canMeasureBbe)
    results.push({
      benchmark: BB,
      rows: [],
      skipped: "no /proc (not Linux): cannot read the exporter's CPU",
    });
  else {
    const anyFailed = Object.values(failures).some((f) => f.failed > 0);
    results.push({
      benchmark: BB,
      rows: rows.filter((r) => r.benchmark === BB),
      details: {
        bbePath,
        failures,
        probesFailed: anyFailed
          ? "some exporter probes did not report probe_success 1: see failures"
          : "none: every exporter probe reported probe_success 1",
        cpuNote:
          "exporter CPU: its process only, excluding this driver's HTTP client; agent CPU: its whole process",
        ...(bbeError === undefined ? {} : { error: `blackbox exporter: ${bbeError}` }),
      },
    });
  }
  return results;
}
