/**
 * `npm run bench`: runs the benchmarks, prints one Markdown table (and progress on stderr), and
 * writes bench-results/results.json and results.md. Flags: --quick (smaller, for a quick look),
 * --only store,metrics,rss,room,icmp,http,availability,kpi. Targets are reported as met / not met, never asserted.
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { runAvailabilityYtd } from "./availability-ytd.js";
import { runHttpScale } from "./http-scale.js";
import { runIcmpScale } from "./icmp-scale.js";
import { runKpiYear } from "./kpi-year.js";
import { runMachineRoom } from "./machine-room.js";
import { runMetricsScrape, caseForSeries } from "./metrics-scrape.js";
import { repoRoot } from "./paths.js";
import { machineInfo, machineLine, markdownTable, writeResults } from "./report.js";
import { runRss } from "./rss.js";
import { runStoreIngest } from "./store-ingest.js";
import type { BenchResult } from "./types.js";

const ALL = ["store", "metrics", "rss", "room", "icmp", "http", "availability", "kpi"] as const;
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
    results.push(runStoreIngest({ days, rounds: 3, log }));
  }
  if (args.only.has("metrics")) {
    log("metrics scrape: 5,000 series, and 10,000 http targets × 3 metrics");
    results.push(
      await runMetricsScrape({
        cases: [caseForSeries(5_000, 20), { name: "10,000 targets × 3", httpTargets: 10_000 }],
        iterations: args.quick ? 20 : 50,
        warmup: 5,
        log,
      }),
    );
  }
  if (args.only.has("rss")) {
    log("agent RSS: default config");
    results.push(await runRss({ runSeconds: args.quick ? 3 : 10, log }));
  }
  if (args.only.has("room")) {
    log("machine room: one cycle of 253 VMs through vcenter → icmp ∥ antivirus on loopback, 3 rounds");
    results.push(await runMachineRoom({ rounds: 3, log }));
  }
  if (args.only.has("icmp")) {
    const sizes = args.quick ? [200] : [2_000, 10_000];
    log(
      `icmp scale: ${sizes.join(", ")} loopback targets, fping, ${args.quick ? 1 : 3} round(s) per setting`,
    );
    results.push(...(await runIcmpScale({ sizes, rounds: args.quick ? 1 : 3, log })));
  }
  if (args.only.has("http")) {
    const sizes = args.quick ? [50] : [50, 1_000];
    const rounds = args.quick ? 1 : 5;
    log(
      `http scale: ${sizes.join(", ")} loopback targets (servers in a child process), 64 in flight, ` +
        `${rounds} round(s), against prometheus-blackbox-exporter where installed`,
    );
    results.push(...(await runHttpScale({ sizes, rounds, concurrency: 64, log })));
  }
  if (args.only.has("availability")) {
    const [applications, days] = args.quick ? [5, 30] : [50, 365];
    log(
      `availability YTD: ${applications} applications × ${days} days of 1-minute probes through the store, ` +
        `then year-to-date availability, 20 iterations`,
    );
    results.push(runAvailabilityYtd({ applications, days, log }));
  }
  if (args.only.has("kpi")) {
    const [days, applications, vms, endpoints] = args.quick ? [5, 5, 20, 20] : [365, 50, 253, 300];
    log(
      `kpi year: ${applications} applications, ${vms} VMs, ${endpoints} endpoints × ${days} days ` +
        `(1-minute probes; ICMP/endpoint rollups of the middle hours inserted directly), then ` +
        `\`ops-agent kpi --period 2026\` (kpiReport), 20 iterations`,
    );
    results.push(runKpiYear({ days, applications, vms, endpoints, log }));
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
