/**
 * Store ingest: how many raw samples a second the agent's SqliteStore.writeSamples takes, against
 * a CEILING — a bare better-sqlite3 database with the same samples table, one prepared INSERT, the
 * same rows in transactions of the same size — and how many bytes a raw sample costs on disk: as
 * written (the plain rows of the samples table, the "head") and after the agent's hourly
 * housekeeping compacted the closed hours into chunks (agent/store/raw-chunks.ts; the compaction
 * is timed too, apart from the ingest).
 * Ceiling and agent run alternately (rounds), so machine noise hits both; medians are reported.
 * Only the write calls are timed, not the generation of the batches.
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ManualClock } from "../agent/clock.js";
import { migrations } from "../agent/store/migrations.js";
import { sampleFlags } from "../agent/store/rollups.js";
import { RollupStore } from "../agent/store/rollup-store.js";
import { SqliteStore } from "../agent/store/sqlite.js";
import { probeBatch, probeTargets, prng } from "./generate.js";
import { measureSize } from "./sqlite-size.js";
import { median } from "./stats.js";
import type { BenchResult } from "./types.js";

export interface StoreIngestOptions {
  /** Simulated days of samples per round. */
  days: number;
  /** Probe targets; two series each (up + latency). */
  targets?: number;
  stepSeconds?: number;
  rounds?: number;
  /** Parent of the temporary directory (default: the OS temp dir). */
  tmpRoot?: string;
  log?: (line: string) => void;
}

export interface IngestRun {
  kind: "ceiling" | "agent";
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  /** Time spent in flushRollups (agent only). */
  flushSeconds: number;
  slowestBatchMs: number;
  tableBytes: number | undefined;
  fileBytes: number;
  bytesPerSample: number;
  /** Agent only: the compaction of every closed hour, and the raw bytes per sample after it. */
  compactSeconds?: number;
  compactedBytesPerSample?: number;
}

const TIME_ZONE = "Asia/Shanghai";
const START = new Date("2026-03-01T00:00:00+08:00");
const SEED = 20260301;

/** The samples table exactly as the migrations create it. */
export function samplesTableDdl(): string {
  const all = migrations.map((m) => m.sql).join("\n");
  const match = /CREATE TABLE samples \([\s\S]*?\)(?: WITHOUT ROWID)?;/.exec(all);
  if (!match) throw new Error("bench: CREATE TABLE samples not found in agent/store/migrations.ts");
  return match[0];
}

function steps(options: StoreIngestOptions): number {
  return Math.max(1, Math.round((options.days * 86_400) / (options.stepSeconds ?? 60)));
}

function stepTime(options: StoreIngestOptions, step: number): Date {
  return new Date(START.getTime() + step * (options.stepSeconds ?? 60) * 1000);
}

export function runCeiling(path: string, options: StoreIngestOptions): IngestRun {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(samplesTableDdl());
  const insert = db.prepare(
    "INSERT INTO samples (ts, series_id, value, flags, reason_id) VALUES (?, ?, ?, ?, ?)",
  );
  type Row = [number, number, number | null, number, number | null];
  const writeBatch = db.transaction((rows: readonly Row[]) => {
    for (const row of rows) insert.run(row);
  });
  const targets = probeTargets(options.targets ?? 300);
  const random = prng(SEED);
  const n = steps(options);
  let samples = 0;
  let seconds = 0;
  let slowest = 0;
  for (let step = 0; step < n; step++) {
    const time = stepTime(options, step);
    const ts = Math.floor(time.getTime() / 1000);
    // The agent gives series ids in first-seen order and reason "status" id 1: the same rows.
    const rows = probeBatch(targets, time, random).map((s, i): Row => [
      ts,
      i + 1,
      s.value,
      sampleFlags(s.up, s.maintenance ?? false),
      s.reason === undefined ? null : 1,
    ]);
    const t0 = performance.now();
    writeBatch(rows);
    const ms = performance.now() - t0;
    seconds += ms / 1000;
    slowest = Math.max(slowest, ms);
    samples += rows.length;
  }
  db.close();
  return finish("ceiling", path, samples, seconds, 0, slowest);
}

export function runAgent(path: string, options: StoreIngestOptions): IngestRun {
  const clock = new ManualClock(START);
  const store = SqliteStore.open({ path, clock, timeZone: TIME_ZONE, role: "agent", integrityCheck: "off" });
  // Time every rollup flush, including the ones writeSamples triggers itself.
  let flushSeconds = 0;
  const flush = RollupStore.prototype.flush;
  RollupStore.prototype.flush = function timedFlush(this: RollupStore, nowMs: number) {
    const t0 = performance.now();
    flush.call(this, nowMs);
    flushSeconds += (performance.now() - t0) / 1000;
  };
  const targets = probeTargets(options.targets ?? 300);
  const random = prng(SEED);
  const n = steps(options);
  let samples = 0;
  let seconds = 0;
  let slowest = 0;
  for (let step = 0; step < n; step++) {
    const time = stepTime(options, step);
    clock.set(time);
    const batch = probeBatch(targets, time, random);
    const t0 = performance.now();
    const result = store.writeSamples("http", batch, time);
    const ms = performance.now() - t0;
    seconds += ms / 1000;
    slowest = Math.max(slowest, ms);
    samples += result.written;
  }
  // The pending deltas belong to this ingest too (close() would flush them untimed).
  const t0 = performance.now();
  store.flushRollups();
  seconds += (performance.now() - t0) / 1000;
  store.close();
  RollupStore.prototype.flush = flush;
  const written = finish("agent", path, samples, seconds, flushSeconds, slowest);

  // Two hours later the housekeeping compacts every hour written (retention deletes nothing here).
  clock.set(stepTime(options, n + 120));
  const again = SqliteStore.open({ path, clock, timeZone: TIME_ZONE, role: "agent", integrityCheck: "off" });
  const c0 = performance.now();
  const { compacted } = again.applyRetention({ rawBefore: 0, hourBefore: 0, dayBefore: 0 });
  const compactSeconds = (performance.now() - c0) / 1000;
  again.close();
  if (compacted !== samples) throw new Error(`store ingest: compacted ${compacted} of ${samples} samples`);
  const raw = measureSize(path, RAW_TREES);
  return {
    ...written,
    compactSeconds,
    compactedBytesPerSample: (raw.tableBytes ?? raw.fileBytes) / samples,
  };
}

/** Where raw samples live: the head table, and the chunks of closed hours with their index. */
const RAW_TREES = ["samples", "sample_chunks", "sample_chunks_by_series"];

function finish(
  kind: IngestRun["kind"],
  path: string,
  samples: number,
  seconds: number,
  flushSeconds: number,
  slowestBatchMs: number,
): IngestRun {
  const size = measureSize(path, ["samples"]);
  return {
    kind,
    samples,
    seconds,
    samplesPerSecond: samples / seconds,
    flushSeconds,
    slowestBatchMs,
    tableBytes: size.tableBytes,
    fileBytes: size.fileBytes,
    bytesPerSample: (size.tableBytes ?? size.fileBytes) / samples,
  };
}

export function runStoreIngest(options: StoreIngestOptions): BenchResult {
  const rounds = Math.max(1, options.rounds ?? 3);
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(options.tmpRoot ?? tmpdir(), "ops-agent-bench-store-"));
  const ceiling: IngestRun[] = [];
  const agent: IngestRun[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so neither always runs on a warmer (or busier) machine.
      const order = round % 2 === 0 ? (["ceiling", "agent"] as const) : (["agent", "ceiling"] as const);
      for (const kind of order) {
        const path = join(dir, `${kind}-${round}.db`);
        const run = kind === "ceiling" ? runCeiling(path, options) : runAgent(path, options);
        (kind === "ceiling" ? ceiling : agent).push(run);
        log(
          `store round ${round + 1}/${rounds} ${kind}: ${run.samples} samples in ${run.seconds.toFixed(2)} s ` +
            `= ${Math.round(run.samplesPerSecond)}/s, ${run.bytesPerSample.toFixed(1)} B/sample` +
            (run.compactSeconds === undefined
              ? ""
              : `; compacted in ${run.compactSeconds.toFixed(2)} s to ${run.compactedBytesPerSample?.toFixed(2)} B/sample`),
        );
        for (const suffix of ["", "-wal", "-shm", ".lock", ".lock.owner"])
          rmSync(path + suffix, { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ratios = agent.map((a, i) => a.samplesPerSecond / (ceiling[i] as IngestRun).samplesPerSecond);
  const dbstat = agent[0]?.tableBytes !== undefined;
  const sizeNote = dbstat ? "samples table (dbstat)" : "whole file";
  const agentMedian = (f: (r: IngestRun) => number) => median(agent.map(f));
  const ceilingMedian = (f: (r: IngestRun) => number) => median(ceiling.map(f));
  const b = "store ingest";
  return {
    benchmark: b,
    rows: [
      {
        benchmark: b,
        figure: "ceiling (bare better-sqlite3 INSERT)",
        value: ceilingMedian((r) => r.samplesPerSecond),
        unit: "samples/s",
      },
      {
        benchmark: b,
        figure: "agent SqliteStore.writeSamples",
        value: agentMedian((r) => r.samplesPerSecond),
        unit: "samples/s",
      },
      {
        benchmark: b,
        figure: "agent ÷ ceiling",
        value: median(ratios),
        unit: "×",
        target: { kind: "min", value: 0.6 },
      },
      {
        benchmark: b,
        figure: "rollup flush share of agent time",
        value: agentMedian((r) => (r.flushSeconds / r.seconds) * 100),
        unit: "%",
      },
      {
        benchmark: b,
        figure: "agent slowest batch",
        value: agentMedian((r) => r.slowestBatchMs),
        unit: "ms",
      },
      {
        benchmark: b,
        figure: `ceiling bytes per raw sample (${sizeNote})`,
        value: ceilingMedian((r) => r.bytesPerSample),
        unit: "B",
        target: { kind: "max", value: 32 },
      },
      {
        benchmark: b,
        figure: `agent bytes per raw sample as written, plain rows (${sizeNote})`,
        value: agentMedian((r) => r.bytesPerSample),
        unit: "B",
        target: { kind: "max", value: 32 },
      },
      {
        benchmark: b,
        figure: "agent compaction of closed hours into chunks (the hourly housekeeping)",
        value: agentMedian((r) => r.samples / (r.compactSeconds ?? Number.NaN)),
        unit: "samples/s",
      },
      {
        benchmark: b,
        figure: `agent bytes per raw sample once compacted (head + chunks + their index${dbstat ? "" : "; whole file"})`,
        value: agentMedian((r) => r.compactedBytesPerSample ?? Number.NaN),
        unit: "B",
        target: { kind: "max", value: 32 },
      },
      {
        benchmark: b,
        figure: "agent whole file ÷ raw samples (rollups, series, …)",
        value: agentMedian((r) => r.fileBytes / r.samples),
        unit: "B",
      },
    ],
    details: {
      days: options.days,
      targets: options.targets ?? 300,
      series: (options.targets ?? 300) * 2,
      stepSeconds: options.stepSeconds ?? 60,
      rounds,
      samplesPerRound: agent[0]?.samples,
      ratios,
      ceiling,
      agent,
    },
  };
}
