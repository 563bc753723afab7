/**
 * Availability, year to date: how long the form's heaviest figure takes to compute from a store
 * that holds a year. In a temporary directory a real SqliteStore (ManualClock, Asia/Shanghai) is
 * filled through the agent's own write path, SqliteStore.writeSamples: per application and minute
 * an http_probe_up sample and the http_probe_duration_seconds sample the http collector stores
 * beside it, so the rollups are built incrementally by the store exactly as the agent builds them;
 * the retention the daemon runs every hour (config defaults: raw 35 d, hourly 400 d, daily 1100 d)
 * runs along the way, so the store ends as a running agent's would: raw samples for the last 35
 * days, hourly and daily rollups for the whole year. Nothing is written around the store.
 *
 * Batches: the agent writes one batch per collector run (one minute). Measured on this shared
 * 2-core machine (7 days × 50 applications, extrapolated): one batch per minute wrote ~165,000
 * samples/s with the latency series — over 5 minutes for the year's 52.5 M samples (26.3 M up +
 * 26.3 M latency) — and ~130,000/s with up samples alone, still over 3 minutes. So each
 * writeSamples call carries one simulated hour (60 runs, every sample with its own minute's time,
 * the clock at the hour's end; larger batches were not faster): the full year then took 195 s
 * (~270,000 samples/s; 256 s with more load on the machine). The stored result is the same raw
 * rows and the same rollup sums the agent would hold (rollups are additive; only how often the
 * pending deltas are flushed differs), and the retention still runs every simulated hour.
 *
 * The samples: per application mostly up; outage runs (a few a month, 1 minute to ~3 hours,
 * mostly short); scattered single failed probes (0.2 %); a weekly two-hour maintenance window
 * (early Sunday morning, local time) whose samples are flagged maintenance, half of them down.
 * Generated minute by minute by httpMinute() of bench/year-series.ts (the KPI year's generator),
 * with prng() and probeTarget() from bench/generate.ts (probeBatch() there has no outage runs or
 * windows); the generator counts up / down / maintenance per application itself,
 * and the benchmark throws unless the store's counts and year-to-date mean equal those counts'.
 *
 * Timed: availabilityForPeriod(store, periodAt("year_to_date", now), specs, policy) with now =
 * Dec 31 15:00 local of a non-leap year, 3 warm-ups then 20 timed iterations. The setup (writing
 * the samples) is printed separately and not part of that figure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ManualClock } from "../agent/clock.js";
import { overallAvailability, type AvailabilityPolicy } from "../agent/kpi/availability.js";
import { availabilityForPeriod, type ApplicationSpec } from "../agent/kpi/availability-store.js";
import { localMidnight, periodAt } from "../agent/kpi/periods.js";
import { retentionCutoffs } from "../agent/store/retention.js";
import { SqliteStore, type StoredSample } from "../agent/store/sqlite.js";
import { prng } from "./generate.js";
import { RETENTION, httpMinute, newAppStates, type AppState } from "./year-series.js";
import { median, percentile } from "./stats.js";
import type { BenchResult } from "./types.js";

export interface AvailabilityYtdOptions {
  /** Applications (http targets), one sample a minute each. */
  applications: number;
  /** Days of samples ending at `now` (Dec 31 15:00 local); at most the year so far. */
  days: number;
  /** Timed iterations (default 20) after warm-ups (default 3). */
  iterations?: number;
  warmup?: number;
  /** Parent of the temporary directory (default: the OS temp dir). */
  tmpRoot?: string;
  log?: (line: string) => void;
}

const B = "availability YTD";
const TIME_ZONE = "Asia/Shanghai";
/** A non-leap year: 365 days. */
const YEAR = 2025;
const NOW = new Date(`${YEAR}-12-31T15:00:00+08:00`);
const STEP_SECONDS = 60;
const SEED = 20251231;
const DAY_MS = 86_400_000;
/** The config schema's defaults (config/schema.ts: store.*_retention, retention_interval 1h). */
const RETENTION_EVERY_SECONDS = 3600;
/** Simulated minutes per writeSamples batch (see the header: 1 minute per batch was too slow). */
const BATCH_MINUTES = 60;
const POLICY: AvailabilityPolicy = { unknownAsDown: false };
/** The mean availability from the generator's own counts: up ÷ (up + down) per application. */
function independentMean(apps: readonly AppState[]): number {
  const ratios = apps.filter((c) => c.up + c.down > 0).map((c) => c.up / (c.up + c.down));
  return ratios.reduce((s, r) => s + r, 0) / ratios.length;
}

interface Generated {
  samples: number;
  seconds: number;
  from: number;
  to: number;
  apps: AppState[];
}

/** Fill the store with `days` days of minutes ending at NOW, through writeSamples, retention hourly. */
function generate(
  store: SqliteStore,
  clock: ManualClock,
  options: AvailabilityYtdOptions,
  log: (line: string) => void,
): Generated {
  const nowTs = Math.floor(NOW.getTime() / 1000);
  const yearStart = localMidnight(YEAR, 1, 1, store.calendar);
  // Whole local days back from Dec 31 (today counts as one), never before Jan 1.
  const from = Math.max(yearStart, localMidnight(YEAR, 12, 31, store.calendar) - (options.days - 1) * 86_400);
  const apps = newAppStates(options.applications);
  const random = prng(SEED);
  const t0 = performance.now();
  let samples = 0;
  let nextRetention = from + RETENTION_EVERY_SECONDS;
  let nextLog = from + 30 * 86_400;
  const batchSeconds = BATCH_MINUTES * STEP_SECONDS;
  for (let start = from; start < nowTs; start += batchSeconds) {
    const end = Math.min(nowTs, start + batchSeconds);
    const batch: StoredSample[] = [];
    for (let ts = start; ts < end; ts += STEP_SECONDS) httpMinute(apps, ts, random, batch);
    // The clock stands at the end of the batch, as it would when a run's samples are written.
    const time = new Date(end * 1000);
    clock.set(time);
    const result = store.writeSamples("http", batch, time);
    if (result.written !== batch.length)
      throw new Error(`availability: ${batch.length - result.written} samples not written at ${start}`);
    samples += result.written;
    if (end >= nextRetention) {
      store.applyRetention(retentionCutoffs(time, RETENTION, store.calendar));
      nextRetention += RETENTION_EVERY_SECONDS;
    }
    if (end >= nextLog) {
      const s = (performance.now() - t0) / 1000;
      log(
        `availability: ${Math.round((end - from) / 86_400)} days written, ${samples} samples, ${s.toFixed(0)} s`,
      );
      nextLog += 30 * 86_400;
    }
  }
  clock.set(NOW);
  store.flushRollups();
  return { samples, seconds: (performance.now() - t0) / 1000, from, to: nowTs, apps };
}

export function runAvailabilityYtd(options: AvailabilityYtdOptions): BenchResult {
  const log = options.log ?? (() => {});
  const iterations = options.iterations ?? 20;
  const warmup = options.warmup ?? 3;
  const dir = mkdtempSync(join(options.tmpRoot ?? tmpdir(), "ops-agent-bench-ytd-"));
  const clock = new ManualClock(NOW.getTime() - options.days * DAY_MS);
  const store = SqliteStore.open({
    path: join(dir, "ops-agent.db"),
    clock,
    timeZone: TIME_ZONE,
    role: "agent",
    integrityCheck: "off",
  });
  try {
    const generated = generate(store, clock, options, log);
    log(
      `availability: ${options.applications} applications × ${options.days} days: ` +
        `${generated.samples} samples written in ${generated.seconds.toFixed(1)} s`,
    );
    const period = periodAt("year_to_date", NOW, store.calendar);
    const specs: ApplicationSpec[] = generated.apps.map((a) => ({
      application: a.target.name,
      intervalSeconds: STEP_SECONDS,
    }));
    const compute = () => availabilityForPeriod(store, period, specs, POLICY);
    for (let i = 0; i < warmup; i++) compute();
    const times: number[] = [];
    let result = compute();
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      result = compute();
      times.push(performance.now() - t0);
    }
    const mean = overallAvailability(result);
    const expected = independentMean(generated.apps);
    // Sanity, loudly: the store's figure must be the generator's, application by application.
    const problems: string[] = [];
    if (mean === null || !Number.isFinite(mean) || mean <= 0 || mean > 1)
      problems.push(`mean availability ${mean} is not a ratio in (0, 1]`);
    else if (Math.abs(mean - expected) > 1e-12)
      problems.push(`mean availability ${mean} ≠ ${expected} from the generator's own counts`);
    for (const [i, app] of generated.apps.entries()) {
      const got = result[i];
      const c = app;
      if (got?.up !== c.up || got.down !== c.down || got.maintenance !== c.maintenance)
        problems.push(
          `${app.target.name}: store counts up ${got?.up} down ${got?.down} maintenance ${got?.maintenance}, ` +
            `generator ${c.up} / ${c.down} / ${c.maintenance}`,
        );
    }
    if (problems.length > 0)
      throw new Error(`availability YTD benchmark: wrong result: ${problems.slice(0, 5).join("; ")}`);
    const med = median(times);
    const p95 = percentile(times, 95);
    log(
      `availability: YTD over ${specs.length} applications: median ${med.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms; ` +
        `mean availability ${(mean as number).toFixed(6)} (generator: ${expected.toFixed(6)})`,
    );
    const scale = `${options.applications} apps × ${options.days} days`;
    return {
      benchmark: B,
      rows: [
        {
          benchmark: B,
          figure: `${scale}: availabilityForPeriod year to date, median`,
          value: med,
          unit: "ms",
          target: { kind: "max", value: 100 },
        },
        {
          benchmark: B,
          figure: `${scale}: availabilityForPeriod year to date, p95`,
          value: p95,
          unit: "ms",
          target: { kind: "max", value: 100 },
        },
        {
          benchmark: B,
          figure: `${scale}: setup, ${generated.samples.toLocaleString("en-US")} samples through writeSamples (not timed above)`,
          value: generated.seconds,
          unit: "s",
        },
        {
          benchmark: B,
          figure: `${scale}: mean availability (= generator's own counts)`,
          value: mean as number,
          unit: "",
        },
      ],
      details: {
        applications: options.applications,
        days: options.days,
        iterations,
        warmup,
        period,
        samples: generated.samples,
        setupSeconds: generated.seconds,
        samplesPerSecond: generated.samples / generated.seconds,
        timesMs: times,
        meanAvailability: mean,
        independentMean: expected,
        fileBytes: store.sizeBytes(),
      },
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
