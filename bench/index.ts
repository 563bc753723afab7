/**
 * `npm run bench`: runs the benchmarks, prints one Markdown table (and progress on stderr), and
 * writes bench-results/results.json and results.md. Flags: --quick (smaller, for a quick look and
 * CI), --only store,metrics,rss,room,icmp,http,availability,kpi,report,disk,incidents,console,tickets,
 * --days N (store
 * ingest). kpi, report and disk share one generated year. Targets are reported as met / not met,
 * never asserted.
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { runAvailabilityYtd } from "./availability-ytd.js";
import { runConsoleBench } from "./console.js";
import { runHttpScale } from "./http-scale.js";
import { runIcmpScale } from "./icmp-scale.js";
import { runIncidentsScale } from "./incidents-scale.js";
import { runMachineRoom } from "./machine-room.js";
import { runMetricsScrape, caseForSeries } from "./metrics-scrape.js";
import { repoRoot } from "./paths.js";
import { machineInfo, machineLine, markdownTable, writeResults } from "./report.js";
import { measureNodeFloor, nodeFloorResult } from "./node-floor.js";
import { RSS_TARGETS, runRss } from "./rss.js";
import { runStoreIngest } from "./store-ingest.js";
import { runTicketsImport } from "./tickets-import.js";
import type { BenchResult } from "./types.js";
import { runYear } from "./year.js";

const ALL = [
  "store",
  "metrics",
  "rss",
  "room",
  "icmp",
  "http",
  "availability",
  "kpi",
  "report",
  "disk",
  "incidents",
  "console",
  "tickets",
] as const;
type Name = (typeof ALL)[number];

interface Args {
  quick: boolean;
  only: Set<Name>;
  days: number | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, only: new Set(ALL), days: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.split("=", 2) as [string, string | undefined];
    const valueOf = () => inline ?? argv[++i] ?? "";
    if (flag === "--quick") args.quick = true;
    else if (flag === "--only") {
      const names = valueOf()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = names.filter((n) => !(ALL as readonly string[]).includes(n));
      if (unknown.length > 0)
        throw new Error(`--only: unknown benchmark ${unknown.join(", ")}; expected ${ALL.join(",")}`);
      args.only = new Set(names as Name[]);
    } else if (flag === "--days") {
      args.days = Number(valueOf());
      if (!(args.days > 0)) throw new Error("--days: expected a positive number of simulated days");
    } else throw new Error(`unknown argument ${arg}; flags: --quick, --only ${ALL.join(",")}, --days N`);
  }
  return args;
}

/** A benchmark that throws becomes an error row, so the others still run and the table is written. */
async function guarded(
  name: string,
  run: () => BenchResult[] | Promise<BenchResult[]>,
): Promise<BenchResult[]> {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name}: FAILED: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
    return [{ benchmark: name, rows: [], details: { error: message.split("\n")[0] ?? message } }];
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const sqlite = (new Database(":memory:").prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
  const machine = machineInfo(sqlite);
  const startedAt = new Date().toISOString();
  console.log(machineLine(machine));
  console.log("");

  const results: BenchResult[] = [];
  if (args.only.has("store")) {
    const days = args.days ?? (args.quick ? 1 : 7);
    log(
      `store ingest: ${days} simulated day(s), 600 series every 60 s, 3 rounds each (ceiling and agent alternately)`,
    );
    results.push(...(await guarded("store ingest", () => [runStoreIngest({ days, rounds: 3, log })])));
  }
  if (args.only.has("metrics")) {
    const big = args.quick ? 1_000 : 10_000;
    log(
      `metrics scrape: the default-scale state of a real machine-room cycle, 5,000 series, and ` +
        `${big.toLocaleString("en-US")} http targets × 3 metrics`,
    );
    results.push(
      ...(await guarded("metrics scrape", async () => [
        await runMetricsScrape({
          defaultScale: { targetMedianMs: 20, log },
          cases: [
            caseForSeries(5_000),
            { name: `${big.toLocaleString("en-US")} targets × 3`, httpTargets: big, targetMedianMs: 150 },
          ],
          iterations: args.quick ? 20 : 50,
          warmup: 5,
          log,
        }),
      ])),
    );
  }
  if (args.only.has("rss")) {
    // Five and a half minutes: the 5-minute collectors (vCenter, antivirus) have run twice — at start
    // and on their schedule — the others many times, and the minute refresh several times. After
    // only a minute the figure read 3 to 8 MiB low: the scheduled runs of the 5-minute collectors
    // and the first minutes' refreshes grow it (measured: 85 MiB at 60 s, 85 to 89 MiB after).
    const runSeconds = args.quick ? 3 : 330;
    log(`agent RSS: default config, ${runSeconds} s`);
    results.push(
      ...(await guarded("agent RSS", async () => {
        const agent = await runRss({ runSeconds, log });
        // What Node holds before any agent code, measured after the agent's run (nothing else running).
        const floor = await measureNodeFloor();
        const agentRss = (agent.details?.memory as { rss?: number } | undefined)?.rss;
        if (typeof floor !== "string")
          log(`rss: Node's own floor with the agent's flags ${(floor.rss / 2 ** 20).toFixed(1)} MiB`);
        return [agent, nodeFloorResult(floor, agentRss, RSS_TARGETS.defaultScale.steadyMB)];
      })),
    );
    log(
      `agent RSS: default config, console opened a third of the way through and every minute after, ${runSeconds} s`,
    );
    results.push(
      ...(await guarded("agent RSS", async () => [await runRss({ runSeconds, openConsole: true, log })])),
    );
  }
  // OPS_AGENT_BENCH_RSS_DEFAULT_ONLY=1: the default-config case alone (the 10,000-target one takes minutes).
  if (args.only.has("rss") && process.env.OPS_AGENT_BENCH_RSS_DEFAULT_ONLY !== "1") {
    const [targets, seconds] = args.quick ? [500, 8] : [10_000, 60];
    log(`agent RSS: ${targets} loopback http targets every 15 s (64 in flight), ${seconds} s`);
    results.push(
      ...(await guarded("agent RSS", async () => [
        await runRss({
          runSeconds: seconds,
          httpTargets: targets,
          every: "15s",
          concurrency: 64,
          scrapes: args.quick ? 3 : 15,
          log,
        }),
      ])),
    );
  }
  if (args.only.has("room")) {
    log(
      "machine room: one cycle of 253 VMs, 50 applications, 2 MCUs + 300 endpoints, antivirus, vCenter, host " +
        `on loopback, ${args.quick ? 1 : 3} round(s)`,
    );
    results.push(
      ...(await guarded("machine room", async () => [
        await runMachineRoom({ rounds: args.quick ? 1 : 3, log }),
      ])),
    );
  }
  if (args.only.has("icmp")) {
    const sizes = args.quick ? [200] : [2_000, 10_000];
    log(
      `icmp scale: ${sizes.join(", ")} loopback targets, fping, ${args.quick ? 1 : 3} round(s) per setting`,
    );
    results.push(
      ...(await guarded("icmp scale", () => runIcmpScale({ sizes, rounds: args.quick ? 1 : 3, log }))),
    );
  }
  if (args.only.has("http")) {
    const sizes = args.quick ? [50] : [50, 1_000];
    const rounds = args.quick ? 1 : 5;
    log(
      `http scale: ${sizes.join(", ")} loopback targets (servers in a child process), 64 in flight, ` +
        `${rounds} round(s), against prometheus-blackbox-exporter where installed`,
    );
    results.push(
      ...(await guarded("http scale", () => runHttpScale({ sizes, rounds, concurrency: 64, log }))),
    );
  }
  if (args.only.has("availability")) {
    const [applications, days] = args.quick ? [5, 30] : [50, 365];
    log(
      `availability YTD: ${applications} applications × ${days} days of 1-minute probes through the store, ` +
        `then year-to-date availability, 20 iterations`,
    );
    results.push(
      ...(await guarded("availability YTD", () => [runAvailabilityYtd({ applications, days, log })])),
    );
  }
  const year = { kpi: args.only.has("kpi"), report: args.only.has("report"), disk: args.only.has("disk") };
  if (year.kpi || year.report || year.disk) {
    const [days, applications, vms, endpoints, pingRawDays] = args.quick
      ? [5, 5, 20, 20, 2]
      : [365, 50, 253, 300, 35];
    log(
      `year (${Object.entries(year)
        .filter(([, on]) => on)
        .map(([k]) => k)
        .join(", ")}): ${applications} applications, ${vms} VMs, ${endpoints} endpoints × ${days} days ` +
        `(1-minute probes; ICMP/endpoints raw for the last ${pingRawDays} days, rollups of the hours before ` +
        `inserted directly), then kpiReport × 20, writeMonthlyReport × 3, the database size`,
    );
    results.push(
      ...(await guarded("year", () =>
        runYear({ days, applications, vms, endpoints, pingRawDays, ...year, log }),
      )),
    );
  }

  if (args.only.has("incidents")) {
    const [sizes, baselineSize, scrapeIncidents, scrapes, burst] = args.quick
      ? [[200, 2_000], 200, 2_000, 30, 50]
      : [[500, 1_000, 2_000, 10_000], 500, 10_000, 200, 500];
    log(
      `incidents scale: Alertmanager payloads of ${sizes.join(", ")} alerts (a fresh agent each), the handling ` +
        `before issue 21 at ${baselineSize}; /metrics with 0 and ${scrapeIncidents} unresolved incidents, ` +
        `${scrapes} scrapes and a burst of ${burst}`,
    );
    results.push(
      ...(await guarded("incidents scale", async () => [
        await runIncidentsScale({ sizes, baselineSize, scrapeIncidents, scrapes, burst, log }),
      ])),
    );
  }
  if (args.only.has("console")) {
    const [requests, warmupSeconds, settleSeconds] = args.quick ? [10, 5, 3] : [50, 60, 60];
    log(
      `console: two agents on the default config and one simulated room; every page × ${requests} on one ` +
        `after ${warmupSeconds} s, RSS of both once a second for ${settleSeconds} s after`,
    );
    results.push(
      ...(await guarded("console", async () => [
        await runConsoleBench({ requests, warmupSeconds, settleSeconds, log }),
      ])),
    );
  }
  if (args.only.has("tickets")) {
    // A year of the helpdesk's export is a few MiB; 200 MiB is a decade of a busy helpdesk, to show
    // the import streams (its memory stays flat whatever the file's size).
    const fileMiB = args.quick ? 5 : 200;
    log(`tickets import: a ${fileMiB} MiB helpdesk export (and one a tenth the size) through the built CLI`);
    results.push(...(await guarded("tickets import", () => [runTicketsImport({ fileMiB, log })])));
  }
  console.log(markdownTable(results));
  const dir = join(repoRoot(), "bench-results");
  writeResults(dir, { startedAt, args: argv, machine, results });
  console.log("");
  console.log(
    `Targets are printed, never asserted. Written: ${join(dir, "results.json")}, ${join(dir, "results.md")}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
