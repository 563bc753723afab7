/**
 * Fault: the wall clock steps backward and forward (an NTP step, a VM restored from a snapshot).
 * The agent's run path — CollectorInstance → RunRecorder → SqliteStore and AgentMetrics — driven
 * with a ManualClock that the collector itself moves in the middle of its runs:
 *
 * - run durations come from the monotonic clock: never negative, whatever the wall clock did;
 * - samples written again for seconds already stored (the clock went back over them) are not
 *   counted twice, and samples for new seconds in hours already rolled up are added once: the
 *   hourly and daily rollups equal a recomputation from the raw rows, before and after a restart;
 * - /healthz does not report a negative age for the last good run, and an incident is not resolved
 *   before it started (both were bugs, fixed).
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ManualClock } from "../../agent/clock.js";
import { computeHealth } from "../../agent/health.js";
import { IncidentDetector } from "../../agent/incidents/detector.js";
import { judgeResponse } from "../../agent/incidents/sla.js";
import type { RunOutcome } from "../../agent/runner.js";
import { incidentsSchema } from "../../config/incidents.js";
import { silentLogger } from "../../agent/log.js";
import { AgentMetrics } from "../../agent/metrics.js";
import { RunRecorder } from "../../agent/recorder.js";
import { CollectorInstance } from "../../agent/runner.js";
import { LatestState } from "../../agent/store/latest.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { definePlugin, type CollectContext, type Sample } from "../../collectors/types.js";
import { tempDir } from "../helpers/tmp.js";

const TZ = "Asia/Shanghai";
const START = new Date("2026-03-02T10:00:00+08:00");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const plugin = definePlugin({
  type: "fake",
  description: "test double",
  schema: z.object({}).strict(),
  metrics: {
    fake_up: { help: "up", type: "gauge" },
    fake_latency_seconds: { help: "latency", type: "gauge" },
  },
  create: () => ({ collect: async () => [] }),
});

const TARGETS = Array.from({ length: 5 }, (_, i) => ({
  key: `fake:t${i}`,
  kind: "application",
  name: `t${i}`,
}));

/** A collector that measures five targets, and may step the wall clock while it runs. */
class SteppingCollector {
  step = 0;
  runs = 0;
  constructor(private readonly clock: ManualClock) {}
  async collect(_ctx: CollectContext): Promise<Sample[]> {
    this.runs += 1;
    await new Promise((r) => setTimeout(r, 2));
    if (this.step !== 0) {
      this.clock.advance(this.step);
      this.step = 0;
    }
    return TARGETS.flatMap((target, i): Sample[] => [
      { target, metric: "fake_up", value: (this.runs + i) % 4 === 0 ? 0 : 1, up: (this.runs + i) % 4 !== 0 },
      { target, metric: "fake_latency_seconds", value: 0.01 * (i + 1) },
    ]);
  }
}

function setup(dir: string, clock: ManualClock) {
  const store = SqliteStore.open({
    path: join(dir, "ops-agent.db"),
    clock,
    timeZone: TZ,
    role: "agent",
    // Rollup deltas wait in memory for ten minutes, as in production.
    rollupFlushIntervalMs: 10 * MINUTE,
  });
  const latest = new LatestState();
  const metrics = new AgentMetrics({
    site: "faults",
    version: "test",
    latest,
    descriptors: new Map(Object.entries(plugin.metrics)),
    databaseSizeBytes: () => undefined,
  });
  const recorder = new RunRecorder(latest, silentLogger, store, metrics);
  const collector = new SteppingCollector(clock);
  const instance = new CollectorInstance({
    name: "fake",
    plugin,
    collector,
    timeoutMs: 10_000,
    jitterMs: 0,
    clock,
    log: silentLogger,
    sink: recorder,
    shutdown: new AbortController().signal,
  });
  return { store, metrics, recorder, collector, instance };
}

/** Rollups against raw rows, recomputed here: per series and hour / local day. */
function checkRollups(dbPath: string): { raw: number } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const raw = (db.prepare("SELECT count(*) AS n FROM samples").get() as { n: number }).n;
    const distinct = (
      db.prepare("SELECT count(*) AS n FROM (SELECT DISTINCT series_id, ts FROM samples)").get() as {
        n: number;
      }
    ).n;
    expect(distinct, "one raw row per series and second").toBe(raw);
    const hours = db
      .prepare(
        `SELECT h.series_id, h.bucket, h.n, h.n_up, h.n_down,
                (SELECT count(*) FROM samples s WHERE s.series_id = h.series_id AND s.ts >= h.bucket AND s.ts < h.bucket + 3600) AS raw_n,
                (SELECT count(*) FROM samples s WHERE s.series_id = h.series_id AND s.ts >= h.bucket AND s.ts < h.bucket + 3600 AND (s.flags & 7) = 3) AS raw_up,
                (SELECT count(*) FROM samples s WHERE s.series_id = h.series_id AND s.ts >= h.bucket AND s.ts < h.bucket + 3600 AND (s.flags & 7) = 1) AS raw_down
           FROM rollup_hour h`,
      )
      .all() as {
      n: number;
      n_up: number;
      n_down: number;
      raw_n: number;
      raw_up: number;
      raw_down: number;
    }[];
    for (const h of hours) expect([h.n, h.n_up, h.n_down]).toEqual([h.raw_n, h.raw_up, h.raw_down]);
    const hourTotal = (db.prepare("SELECT coalesce(sum(n), 0) AS n FROM rollup_hour").get() as { n: number })
      .n;
    const dayTotal = (db.prepare("SELECT coalesce(sum(n), 0) AS n FROM rollup_day").get() as { n: number }).n;
    expect(hourTotal, "hourly rollups count every raw row once").toBe(raw);
    expect(dayTotal, "daily rollups count every raw row once").toBe(raw);
    return { raw };
  } finally {
    db.close();
  }
}

describe("fault: the clock steps backward and forward", () => {
  it("no negative run durations; rollups count every stored sample exactly once", async () => {
    const dir = tempDir();
    const clock = new ManualClock(START);
    const { store, metrics, collector, instance } = setup(dir, clock);
    const durations: number[] = [];
    const run = async (step = 0) => {
      collector.step = step;
      const outcome = await instance.tick();
      durations.push(outcome!.durationMs);
      expect(outcome!.status).toBe("ok");
    };

    // 40 one-minute cycles: 10:00 … 10:39.
    for (let i = 0; i < 40; i++) {
      await run();
      clock.advance(MINUTE);
    }
    // NTP steps the clock back 30 minutes in the middle of a run, then the cycles go on over
    // minutes already stored (the same seconds: duplicates) and between them (new seconds).
    await run(-30 * MINUTE);
    for (let i = 0; i < 40; i++) {
      clock.advance(i % 2 === 0 ? MINUTE : MINUTE + 30_000);
      await run();
    }
    // Then forward by three hours, mid-run, and on.
    await run(3 * HOUR);
    for (let i = 0; i < 10; i++) {
      clock.advance(MINUTE);
      await run();
    }
    // And back a day, across the local day boundary, for five cycles.
    clock.set(new Date("2026-03-01T23:57:00+08:00"));
    for (let i = 0; i < 5; i++) {
      await run();
      clock.advance(MINUTE);
    }

    expect(durations.every((d) => d >= 0)).toBe(true);
    const text = await metrics.text();
    const sum = Number(
      /^opsagent_collector_run_duration_seconds_sum\{[^}]*collector="fake"[^}]*\} (\S+)$/m.exec(text)?.[1],
    );
    const count = Number(
      /^opsagent_collector_run_duration_seconds_count\{[^}]*collector="fake"[^}]*\} (\S+)$/m.exec(text)?.[1],
    );
    expect(count).toBe(durations.length);
    expect(sum).toBeGreaterThanOrEqual(0);
    const okRuns = Number(
      /^opsagent_collector_runs_total\{collector="fake",type="fake",result="ok"[^}]*\} (\d+)/m.exec(
        text,
      )?.[1],
    );
    expect(okRuns).toBe(durations.length);

    // Exactly once, live (queries flush the pending deltas first) …
    const path = join(dir, "ops-agent.db");
    const days = store.queryRollups({ resolution: "day", from: 0, to: 2e9 });
    const { raw } = checkRollups(path);
    expect(days.reduce((a, r) => a + r.n, 0)).toBe(raw);
    // 40 + 1 + (40 new-second cycles, half of them on seconds already stored) + 11 + 5 cycles of 10 samples.
    expect(raw).toBeGreaterThan((40 + 1 + 20 + 11 + 5) * 10);
    expect(raw).toBeLessThan((40 + 1 + 40 + 11 + 5) * 10);
    // … after a clean close (pending deltas flushed), and after reopening and writing one more.
    store.close();
    checkRollups(path);
    const again = SqliteStore.open({
      path,
      clock,
      timeZone: TZ,
      role: "agent",
      rollupFlushIntervalMs: 10 * MINUTE,
    });
    again.writeSamples(
      "fake",
      [{ target: TARGETS[0]!, metric: "fake_up", value: 1, up: true }],
      new Date(START.getTime() - HOUR),
    );
    again.close();
    expect(checkRollups(path).raw).toBe(raw + 1);
  });

  // Regression (was a bug, fixed): the age of the last good run is now − lastSuccess on the wall clock, so after the clock steps back an hour /healthz reports "last_success_age_seconds": -3600 (a…
  it("/healthz never reports a negative age after the clock steps back", async () => {
    const dir = tempDir();
    const clock = new ManualClock(START);
    const { store, recorder, instance } = setup(dir, clock);
    try {
      await instance.tick();
      clock.advance(-HOUR);
      const report = computeHealth({
        now: clock.now(),
        startedAt: new Date(START.getTime() - MINUTE),
        timeZone: TZ,
        staleAfterPeriods: 3,
        collectors: [
          { name: "fake", periodMs: MINUTE, timeoutMs: 10_000, status: recorder.status.get("fake") },
        ],
        probeDatabase: () => store.probeWritable(),
        databaseSizeBytes: () => store.sizeBytes(),
      });
      expect(report.collectors[0]!.last_success_age_seconds).toBeGreaterThanOrEqual(0);
    } finally {
      store.close();
    }
  });

  // Regression (was a bug, fixed): the resolution is the first good probe's wall-clock time, never compared with the incident's start): three failed probes at 10:00–10:02 open an incident startin…
  it("an incident resolved after the clock stepped back is not resolved before it started", () => {
    const clock = new ManualClock(START);
    const store = SqliteStore.open({
      path: join(tempDir(), "ops-agent.db"),
      clock,
      timeZone: TZ,
      role: "agent",
    });
    try {
      const config = incidentsSchema.parse({});
      const detector = new IncidentDetector(store.incidents, config, () => false);
      const target = { key: "http:portal", kind: "application", name: "portal" };
      const probe = (up: boolean): RunOutcome => ({
        collector: "web",
        type: "http",
        status: "ok",
        startedAt: clock.now(),
        finishedAt: clock.now(),
        durationMs: 5,
        samples: [{ target, metric: "http_probe_up", value: up ? 1 : 0, up }],
        kept: new Set(),
      });
      for (let i = 0; i < 3; i++) {
        detector.observe(probe(false));
        clock.advance(MINUTE);
      }
      clock.advance(-30 * MINUTE);
      for (let i = 0; i < 2; i++) {
        detector.observe(probe(true));
        clock.advance(MINUTE);
      }
      const [incident] = store.incidents.list({ source: "probe" });
      expect(incident?.resolvedAt).toBeDefined();
      expect(incident!.resolvedAt!.getTime()).toBeGreaterThanOrEqual(incident!.startedAt.getTime());
      const judged = judgeResponse(incident!, config.sla, clock.now());
      expect(judged.responseMs).toBeGreaterThanOrEqual(0);
      expect(judged.resolutionMs).toBeGreaterThanOrEqual(0);
    } finally {
      store.close();
    }
  });
});
