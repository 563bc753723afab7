/**
 * Compaction of closed hours of raw samples into per-series chunks (agent/store/raw-chunks.ts):
 * nothing a reader, the rollups or the crash repair sees may change, late samples merge, and
 * duplicates of compacted samples stay duplicates.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ManualClock } from "../../agent/clock.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { tempDir } from "../helpers/tmp.js";
import { probeBatch, prng } from "../helpers/samples.js";

const TZ = "Asia/Shanghai";
const START = new Date("2026-03-01T00:00:00+08:00");
const MIN = 60_000;
const HOUR_MS = 3_600_000;
const NO_DELETE = { rawBefore: 0, hourBefore: 0, dayBefore: 0 };

function openStore(path: string, clock: ManualClock, role: "agent" | "reader" = "agent") {
  return SqliteStore.open({ path, clock, timeZone: TZ, role });
}

/**
 * A new store holding five hours of one-minute probes of three applications (six series), one
 * batch a minute, the clock at the end of the fifth hour.
 */
function fiveHours() {
  const path = join(tempDir(), "agent.db");
  const clock = new ManualClock(START);
  const store = openStore(path, clock);
  const random = prng(11);
  for (let t = START.getTime(); t < START.getTime() + 5 * HOUR_MS; t += MIN) {
    clock.set(t);
    store.writeSamples("http", probeBatch(3, new Date(t), random), new Date(t));
  }
  return { path, clock, store };
}

/** The same, an hour later, with every closed hour compacted. */
function fiveHoursCompacted() {
  const fixture = fiveHours();
  fixture.clock.set(START.getTime() + 6 * HOUR_MS);
  fixture.store.applyRetention(NO_DELETE);
  return fixture;
}

/** Everything stored; sums rounded, since a rebuilt rollup adds the same values in another order. */
function everything(store: SqliteStore) {
  const series = store.listSeries();
  const rounded = (rows: ReturnType<SqliteStore["queryRollups"]>) =>
    rows.map((r) => ({ ...r, sum: r.sum === null ? null : Number(r.sum.toPrecision(12)) }));
  return {
    raw: series.map((s) => store.querySamples(s.seriesId, 0, 2e9)),
    hours: rounded(store.queryRollups({ resolution: "hour", from: 0, to: 2e9 })),
    days: rounded(store.queryRollups({ resolution: "day", from: 0, to: 2e9 })),
    count: store.rawSampleCount(),
  };
}

function headRows(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM samples").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("raw sample compaction", () => {
  it("moves closed hours into chunks without changing a sample, a rollup or the count", () => {
    const { path, clock, store } = fiveHours();
    const before = everything(store);
    expect(before.count).toBe(5 * 60 * 6);
    expect(before.raw.flat().some((r) => r.reason === "status")).toBe(true);

    clock.set(START.getTime() + 5 * HOUR_MS + 10 * MIN);
    // Hours 0–3 are closed over an hour ago; hour 4 (the previous hour) stays in the head.
    expect(store.applyRetention(NO_DELETE).compacted).toBe(4 * 60 * 6);
    expect(headRows(path)).toBe(60 * 6);
    expect(everything(store)).toEqual(before);
    expect(store.applyRetention(NO_DELETE).compacted).toBe(0);
    store.close();

    // A reader beside the agent (the CLI) sees the same.
    const reader = openStore(path, clock, "reader");
    expect(everything(reader)).toEqual(before);
    reader.close();
  });

  it("merges a late sample into its hour's chunk and ignores a re-delivered one", () => {
    const { store } = fiveHoursCompacted();
    const before = everything(store);

    // The clock stepped back half a day: a probe lands in hour 0, at a new second and at an old one.
    const late = new Date(START.getTime() + 30 * MIN + 30_000);
    const again = new Date(START.getTime() + 30 * MIN);
    expect(store.writeSamples("http", probeBatch(3, late, prng(5)), late)).toEqual({
      written: 6,
      duplicates: 0,
    });
    expect(store.writeSamples("http", probeBatch(3, again, prng(5)), again)).toEqual({
      written: 0,
      duplicates: 6,
    });
    const hour0 = START.getTime() / 1000;
    const counted = (s: SqliteStore) =>
      s.queryRollups({ resolution: "hour", from: hour0, to: hour0 + 3600 }).reduce((n, r) => n + r.n, 0);
    expect(counted(store)).toBe(60 * 6 + 6);
    expect(store.applyRetention(NO_DELETE).compacted).toBe(6);
    const after = everything(store);
    expect(after.count).toBe(before.count + 6);
    for (const [i, samples] of after.raw.entries()) {
      expect(samples.map((r) => r.ts)).toEqual(
        [...(before.raw[i] ?? []).map((r) => r.ts), late.getTime() / 1000].sort((a, b) => a - b),
      );
    }
    // Compacted again, the same second is still a duplicate.
    expect(store.writeSamples("http", probeBatch(3, late, prng(5)), late).duplicates).toBe(6);
    expect(counted(store)).toBe(60 * 6 + 6);
    store.close();
  });

  it("a crash repair rebuilds a dirty compacted hour from its chunk and the head", () => {
    const { path, clock, store } = fiveHoursCompacted();
    const late = new Date(START.getTime() + 45 * MIN + 1000);
    store.writeSamples("http", probeBatch(3, late, prng(9)), late);
    const expected = everything(store);
    store.close();

    // As if the agent died before flushing: hour 0's rollups lost, the hour marked dirty.
    const hour0 = START.getTime() / 1000;
    const db = new Database(path);
    db.prepare("DELETE FROM rollup_hour WHERE bucket = ?").run(hour0);
    db.prepare("UPDATE rollup_day SET n = 0, n_up = 0, n_down = 0").run();
    db.prepare("INSERT INTO rollup_dirty (bucket) VALUES (?)").run(hour0);
    db.close();

    const reopened = openStore(path, clock);
    expect(everything(reopened)).toEqual(expected);
    reopened.close();
  });

  it("the raw retention deletes chunks and the run log with the head rows", () => {
    const { clock, store } = fiveHours();
    store.recordRun({
      collector: "http",
      type: "http",
      startedAt: START,
      finishedAt: START,
      status: "ok",
      samples: 6,
    });
    clock.set(START.getTime() + 6 * HOUR_MS);
    store.applyRetention(NO_DELETE);
    const cut = START.getTime() / 1000 + 2 * 3600;
    expect(store.applyRetention({ rawBefore: cut, hourBefore: 0, dayBefore: 0 }).raw).toBe(2 * 60 * 6);
    expect(store.rawSampleCount()).toBe(3 * 60 * 6);
    const [first] = store.listSeries("http_probe_up");
    expect(store.querySamples(first!.seriesId, 0, cut)).toEqual([]);
    expect(store.lastRuns()).toEqual([]);
    store.close();
  });

  it("holds a probe hour in a small fraction of the head's bytes", () => {
    const { path, clock, store } = fiveHours();
    store.close();
    const db = new Database(path);
    const bytes = (table: string) =>
      (db.prepare("SELECT sum(pgsize) AS b FROM dbstat WHERE name = ?").get(table) as { b: number }).b;
    const head = bytes("samples");
    db.close();
    const again = openStore(path, clock);
    clock.set(START.getTime() + 7 * HOUR_MS);
    again.applyRetention(NO_DELETE);
    again.close();
    const after = new Database(path);
    const chunks = (
      after.prepare("SELECT sum(pgsize) AS b FROM dbstat WHERE name LIKE 'sample_chunks%'").get() as {
        b: number;
      }
    ).b;
    after.close();
    // Durations from a random stream are full doubles (8 bytes each): half the samples.
    expect(chunks).toBeLessThan(head / 2);
  });
});
