/**
 * ICMP at scale: the icmp collector (backend fping) pings N distinct loopback addresses
 * (127.200.x.y — every 127/8 address answers on Linux; never any other address) once per cycle,
 * at its default batch_size / concurrency and at tuned settings, with count 3 (default) and 1.
 * Figures: wall per cycle, CPU seconds per cycle (this process plus its fping children, which do
 * the pinging) and CPU per probe (one target pinged in one cycle). Where
 * prometheus-blackbox-exporter is on PATH it is driven over the same targets in the same run
 * (GET /probe?module=icmp, 64 in flight) and the ratios are printed.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { pino } from "pino";
import { systemClock } from "../agent/clock.js";
import { icmpPlugin } from "../collectors/icmp/index.js";
import { noInventory, type Collector } from "../collectors/types.js";
import { startBlackbox, stopBlackbox, type Blackbox } from "./blackbox.js";
import { agentCpuSeconds, hasProc, procTimes } from "./proc.js";
import { median } from "./stats.js";
import type { BenchResult, BenchRow } from "./types.js";

const B = "icmp scale";
const BB = "icmp vs blackbox exporter";

/** The path of `name` on PATH, if executable. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `count` distinct loopback addresses 127.200.x.y (y in 1..250). Loopback only, always. */
export function loopbackTargets(count: number): string[] {
  if (count > 250 * 256) throw new RangeError("at most 64,000 loopback targets");
  return Array.from({ length: count }, (_, i) => `127.200.${Math.floor(i / 250)}.${(i % 250) + 1}`);
}

export interface IcmpSetting {
  label: string;
  batch_size?: number;
  concurrency?: number;
  count?: number;
  send_interval_ms?: number;
}

/** Defaults (batch_size 1000, concurrency 2), a tuned and a wide setting, each with count 3 and 1. */
export const DEFAULT_SETTINGS: readonly IcmpSetting[] = [
  { label: "default (batch 1000 × 2, count 3)" },
  { label: "tuned (batch 2500 × 4, count 3)", batch_size: 2500, concurrency: 4 },
  { label: "wide (batch 500 × 20, count 3)", batch_size: 500, concurrency: 20 },
  { label: "default, count 1", count: 1 },
  { label: "tuned, count 1", batch_size: 2500, concurrency: 4, count: 1 },
  { label: "wide, count 1", batch_size: 500, concurrency: 20, count: 1 },
  // fping -i 0.1 ms (root only): one process sends 10× faster.
  {
    label: "fast (batch 5000 × 2, -i 0.1, count 3)",
    batch_size: 5000,
    concurrency: 2,
    send_interval_ms: 0.1,
  },
  { label: "fast, count 1", batch_size: 5000, concurrency: 2, count: 1, send_interval_ms: 0.1 },
];

export interface IcmpScaleOptions {
  /** Target counts, e.g. [2000, 10000]. */
  sizes: readonly number[];
  /** Measured cycles per size and setting (the median is reported). */
  rounds: number;
  settings?: readonly IcmpSetting[];
  /** Drive prometheus-blackbox-exporter too when it is on PATH (default true). */
  blackbox?: boolean;
  /** The size whose rows carry the goal's targets (≤ 3 s wall, ≤ 1 CPU-s); default 10,000. */
  goalSize?: number;
  log?: (line: string) => void;
}

interface Cycle {
  wallMs: number;
  cpuS: number;
  up: number;
}

const silent = pino({ level: "silent" });

async function icmpCycle(collector: Collector): Promise<Cycle> {
  const cpu0 = agentCpuSeconds();
  const t0 = performance.now();
  const samples = await collector.collect({
    signal: AbortSignal.timeout(120_000),
    now: () => systemClock.now(),
    log: silent,
  });
  const wallMs = performance.now() - t0;
  const cpuS = agentCpuSeconds() - cpu0;
  const up = samples.filter((s) => s.metric === "icmp_probe_up" && s.value === 1).length;
  return { wallMs, cpuS, up };
}

/** One configured icmp collector (backend fping) over these addresses. */
function icmpCollector(addresses: readonly string[], setting: IcmpSetting) {
  const config = icmpPlugin.schema.parse({
    backend: "fping",
    targets: addresses.map((address) => ({ name: `lo-${address}`, address })),
    ...(setting.batch_size === undefined ? {} : { batch_size: setting.batch_size }),
    ...(setting.concurrency === undefined ? {} : { concurrency: setting.concurrency }),
    ...(setting.count === undefined ? {} : { count: setting.count }),
    ...(setting.send_interval_ms === undefined ? {} : { send_interval_ms: setting.send_interval_ms }),
  });
  return icmpPlugin.create(config, { clock: systemClock, log: silent, inventory: noInventory });
}

const fmtN = (n: number) => n.toLocaleString("en-US");

/** The exporter's module for this benchmark (prober icmp, timeout 1s, ip4). */
const ICMP_MODULE = [
  "  icmp:",
  "    prober: icmp",
  "    timeout: 1s",
  "    icmp:",
  "      preferred_ip_protocol: ip4",
];

/** One cycle through the exporter: every target probed once, `inFlight` probes at a time. */
async function blackboxCycle(bbe: Blackbox, addresses: readonly string[], inFlight = 64): Promise<Cycle> {
  const pid = bbe.child.pid as number;
  const cpu0 = procTimes(pid)?.self ?? Number.NaN;
  const t0 = performance.now();
  let next = 0;
  let up = 0;
  const worker = async () => {
    while (next < addresses.length) {
      const address = addresses[next++] as string;
      const r = await fetch(`http://127.0.0.1:${bbe.port}/probe?module=icmp&target=${address}`, {
        signal: AbortSignal.timeout(10_000),
      });
      const body = await r.text();
      if (/^probe_success 1$/m.test(body)) up++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, addresses.length) }, worker));
  const wallMs = performance.now() - t0;
  const cpuS = (procTimes(pid)?.self ?? Number.NaN) - cpu0;
  return { wallMs, cpuS, up };
}

interface Measured {
  wallMs: number;
  cpuS: number;
  cpuPerProbeUs: number;
  up: number;
}

function summarize(cycles: readonly Cycle[], targets: number): Measured {
  const cpuS = median(cycles.map((c) => c.cpuS));
  return {
    wallMs: median(cycles.map((c) => c.wallMs)),
    cpuS,
    cpuPerProbeUs: (cpuS / targets) * 1e6,
    up: Math.min(...cycles.map((c) => c.up)),
  };
}

export async function runIcmpScale(options: IcmpScaleOptions): Promise<BenchResult[]> {
  const log = options.log ?? (() => {});
  if (!hasProc())
    return [{ benchmark: B, rows: [], skipped: "no /proc (not Linux): cannot measure child CPU" }];
  if (onPath("fping") === undefined)
    return [{ benchmark: B, rows: [], skipped: "fping not on PATH (apt-get install fping)" }];
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const goalSize = options.goalSize ?? 10_000;
  const rows: BenchRow[] = [];
  const details: Record<string, unknown> = { rounds: options.rounds, sizes: options.sizes };
  const measured: Record<string, Measured> = {};
  const bbePath = options.blackbox === false ? undefined : onPath("prometheus-blackbox-exporter");
  let bbe: Blackbox | undefined;
  let bbeError: string | undefined;
  if (bbePath !== undefined) {
    try {
      bbe = await startBlackbox(bbePath, ICMP_MODULE);
      log(`icmp: prometheus-blackbox-exporter (${bbePath}) on 127.0.0.1:${bbe.port}`);
    } catch (error) {
      bbeError = error instanceof Error ? error.message : String(error);
      log(`icmp: blackbox exporter did not start: ${bbeError}`);
    }
  }

  try {
    for (const size of options.sizes) {
      const addresses = loopbackTargets(size);
      const goal = size === goalSize;
      for (const setting of settings) {
        const collector = icmpCollector(addresses, setting);
        const cycles: Cycle[] = [];
        const name = `${fmtN(size)} targets, ${setting.label}`;
        try {
          for (let r = 0; r < options.rounds; r++) cycles.push(await icmpCycle(collector));
        } catch (error) {
          // A failed run is a finding, not the end of the benchmark: print it and go on.
          const message = error instanceof Error ? error.message : String(error);
          log(`icmp: ${name}: cycle failed: ${message}`);
          rows.push({
            benchmark: B,
            figure: `${name}: cycle failed (${message.replace(/\|/g, "/")})`,
            value: Number.NaN,
            unit: "",
            target: { kind: "max", value: 0 },
          });
          continue;
        } finally {
          await collector.close?.();
        }
        const m = summarize(cycles, size);
        measured[`${size} ${setting.label}`] = m;
        log(
          `icmp: ${fmtN(size)} targets, ${setting.label}: ${Math.round(m.wallMs)} ms wall, ` +
            `${m.cpuS.toFixed(3)} CPU-s, ${m.up}/${size} up`,
        );
        rows.push(
          {
            benchmark: B,
            figure: `${name}: wall per cycle`,
            value: m.wallMs,
            unit: "ms",
            ...(goal ? { target: { kind: "max" as const, value: 3000 } } : {}),
          },
          {
            benchmark: B,
            figure: `${name}: CPU per cycle (incl. fping)`,
            value: m.cpuS,
            unit: "s",
            ...(goal ? { target: { kind: "max" as const, value: 1 } } : {}),
          },
          { benchmark: B, figure: `${name}: CPU per probe`, value: m.cpuPerProbeUs, unit: "µs" },
        );
        if (m.up < size) {
          rows.push({
            benchmark: B,
            figure: `${name}: targets up (loopback: all should be)`,
            value: m.up,
            unit: "",
            target: { kind: "min", value: size },
          });
        }
      }

      if (bbe !== undefined && bbeError === undefined) {
        try {
          await blackboxCycle(bbe, addresses.slice(0, 64)); // warm-up: connections, sockets
          const cycles: Cycle[] = [];
          for (let r = 0; r < options.rounds; r++) cycles.push(await blackboxCycle(bbe, addresses));
          const m = summarize(cycles, size);
          measured[`${size} blackbox`] = m;
          log(
            `icmp: ${fmtN(size)} targets, blackbox exporter: ${Math.round(m.wallMs)} ms wall, ` +
              `${m.cpuS.toFixed(3)} CPU-s, ${m.up}/${size} up`,
          );
          const name = `${fmtN(size)} targets, blackbox exporter (64 in flight, 1 ping each)`;
          rows.push(
            { benchmark: BB, figure: `${name}: wall per cycle`, value: m.wallMs, unit: "ms" },
            { benchmark: BB, figure: `${name}: CPU per cycle (its process)`, value: m.cpuS, unit: "s" },
            { benchmark: BB, figure: `${name}: CPU per probe`, value: m.cpuPerProbeUs, unit: "µs" },
          );
          // Same pings per target (1): the agent at its default batching with count 1.
          const agent = settings.find((s) => s.count === 1 && s.batch_size === undefined);
          const base = agent === undefined ? undefined : measured[`${size} ${agent.label}`];
          if (base !== undefined) {
            rows.push(
              {
                benchmark: BB,
                figure: `${fmtN(size)} targets: agent (default, count 1) ÷ blackbox exporter, wall`,
                value: base.wallMs / m.wallMs,
                unit: "×",
              },
              {
                benchmark: BB,
                figure: `${fmtN(size)} targets: agent (default, count 1) ÷ blackbox exporter, CPU`,
                value: base.cpuS / m.cpuS,
                unit: "×",
              },
            );
          }
        } catch (error) {
          bbeError = error instanceof Error ? error.message : String(error);
          log(`icmp: blackbox exporter run failed: ${bbeError}`);
        }
      }
    }
  } finally {
    if (bbe !== undefined) await stopBlackbox(bbe);
  }

  details.measured = measured;
  const results: BenchResult[] = [{ benchmark: B, rows: rows.filter((r) => r.benchmark === B), details }];
  if (options.blackbox === false) return results;
  if (bbePath === undefined)
    results.push({ benchmark: BB, rows: [], skipped: "prometheus-blackbox-exporter not installed" });
  else if (bbeError !== undefined)
    results.push({
      benchmark: BB,
      rows: rows.filter((r) => r.benchmark === BB),
      details: { error: `blackbox exporter: ${bbeError}` },
    });
  else results.push({ benchmark: BB, rows: rows.filter((r) => r.benchmark === BB), details: { bbePath } });
  return results;
}
