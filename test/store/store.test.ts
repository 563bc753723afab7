import { describe, expect, it } from "vitest";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ManualClock } from "../../agent/clock.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { migrations } from "../../agent/store/migrations.js";
import { tempDir } from "../helpers/tmp.js";
import { probeBatch, prng, target } from "../helpers/samples.js";

const TZ = "Asia/Shanghai";
const START = new Date("2026-03-01T00:00:00+08:00");

function openStore(dir: string, clock = new ManualClock(START), role: "agent" | "reader" = "agent") {
  return SqliteStore.open({ path: join(dir, "agent.db"), clock, timeZone: TZ, role });
}

describe("store migrations", () => {
  it("creates the schema on a new file and does not re-run migrations on reopen", () => {
    const dir = tempDir();
    const store = openStore(dir);
    expect(store.schemaVersion()).toBe(migrations.length);
    store.writeSamples("c", [{ target: target(1), metric: "m", value: 1 }], START);
    store.close();
    const again = openStore(dir);
    expect(again.schemaVersion()).toBe(migrations.length);
    expect(again.listTargets().map((t) => t.key)).toEqual(["http:app-1"]);
    again.close();
  });

  it("v11 keeps the maintenance windows and reports of a v10 database, removals and authors unknown", () => {
    const dir = tempDir();
    const raw = new Database(join(dir, "agent.db"));
    for (const m of migrations.filter((m) => m.version <= 10)) raw.exec(m.sql);
    raw.pragma("user_version = 10");
    raw
      .prepare(
        "INSERT INTO maintenance_windows (name, cron, duration_ms, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
      )
      .run("patching", "0 2 * * 6", 7_200_000, "alice", START.getTime());
    raw
      .prepare(
        "INSERT INTO reports (kind, period, format, path, sha256, generated_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run("monthly_report", "2026-02", "html", "/r/2026-02.html", "ab".repeat(32), START.getTime());
    raw.close();
    const store = openStore(dir);
    expect(store.listMaintenanceWindows()).toEqual([
      { name: "patching", cron: "0 2 * * 6", durationMs: 7_200_000, createdBy: "alice", createdAt: START },
    ]);
    expect(store.reports.list("monthly_report")).toEqual([
      {
        kind: "monthly_report",
        period: "2026-02",
        format: "html",
        path: "/r/2026-02.html",
        sha256: "ab".repeat(32),
        generatedAt: START,
      },
    ]);
    store.close();
  });

  it("refuses a database written by a newer agent and leaves it unchanged", () => {
    const dir = tempDir();
    const path = join(dir, "agent.db");
    const raw = new Database(path);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => openStore(dir)).toThrow(
      `database ${path} has schema version ${migrations.length + 1}, written by a newer ops-agent (this one knows up to ${migrations.length}).`,
    );
    const check = new Database(path);
    expect(check.pragma("user_version", { simple: true })).toBe(migrations.length + 1);
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_master").get()).toEqual({ n: 0 });
    check.close();
  });
});

describe("store batching", () => {
  it("writes a batch in one transaction and ignores a re-delivered batch", () => {
    const dir = tempDir();
    const store = openStore(dir);
    const batch = probeBatch(50, START, prng(1));
    expect(store.writeSamples("http", batch, START)).toEqual({ written: 100, duplicates: 0 });
    expect(store.writeSamples("http", batch, START)).toEqual({ written: 0, duplicates: 100 });
    const day = store.queryRollups({ resolution: "day", from: 0, to: 2e9, metric: "http_probe_up" });
    expect(day).toHaveLength(50);
    expect(day.every((r) => r.n === 1)).toBe(true);
    store.close();
  });

  it("a batch that fails part-way leaves nothing of it stored", () => {
    const dir = tempDir();
    const store = openStore(dir);
    const bad = [
      { target: target(1), metric: "m", value: 1 },
      // A target without a key violates NOT NULL in the middle of the batch.
      { target: { key: null as unknown as string, kind: "x", name: "x" }, metric: "m", value: 2 },
    ];
    expect(() => store.writeSamples("c", bad, START)).toThrow();
    expect(store.queryRollups({ resolution: "hour", from: 0, to: 2e9 })).toEqual([]);
    // The failed batch left nothing behind in the pending rollups either.
    store.writeSamples("c", [bad[0]!], START);
    expect(store.queryRollups({ resolution: "hour", from: 0, to: 2e9 }).map((r) => r.n)).toEqual([1]);
    store.close();
  });
});

/** Recompute per-day figures straight from generated samples, independently of the store. */
function expectedDays(batches: { time: Date; samples: ReturnType<typeof probeBatch> }[]) {
  const days = new Map<
    string,
    { n: number; up: number; down: number; maint: number; sum: number; nValue: number }
  >();
  for (const { time, samples } of batches) {
    const ts = Math.floor(time.getTime() / 1000);
    const day = Math.floor((ts + 8 * 3600) / 86400) * 86400 - 8 * 3600; // Asia/Shanghai has no DST
    for (const s of samples) {
      const key = `${s.target.key}|${s.metric}|${day}`;
      const d = days.get(key) ?? { n: 0, up: 0, down: 0, maint: 0, sum: 0, nValue: 0 };
      d.n += 1;
      if (s.maintenance) d.maint += 1;
      else if (s.up === true) d.up += 1;
      else if (s.up === false) d.down += 1;
      if (s.value !== null) {
        d.sum += s.value;
        d.nValue += 1;
      }
      days.set(key, d);
    }
  }
  return days;
}

describe("store rollups", () => {
  it("keeps hourly and daily rollups equal to a recomputation over 40 generated days", () => {
    const dir = tempDir();
    const clock = new ManualClock(START);
    const store = openStore(dir, clock);
    const random = prng(7);
    const batches: { time: Date; samples: ReturnType<typeof probeBatch> }[] = [];
    for (let t = START.getTime(); t < START.getTime() + 40 * 86_400_000; t += 10 * 60_000) {
      const time = new Date(t);
      clock.set(time);
      const samples = probeBatch(10, time, random);
      batches.push({ time, samples });
      store.writeSamples("http", samples, time);
    }
    // A late batch for an hour already flushed, and one re-delivered batch: both must come out right.
    const late = new Date(START.getTime() + 3 * 86_400_000 + 5 * 60_000);
    const lateSamples = probeBatch(10, late, random);
    batches.push({ time: late, samples: lateSamples });
    store.writeSamples("http", lateSamples, late);
    store.writeSamples("http", batches[5]!.samples, batches[5]!.time);

    const series = new Map(store.listSeries().map((s) => [s.seriesId, s]));
    const days = store.queryRollups({ resolution: "day", from: 0, to: 2e9 });
    const expected = expectedDays(batches);
    expect(days).toHaveLength(expected.size);
    for (const row of days) {
      const s = series.get(row.seriesId)!;
      const e = expected.get(`${s.targetKey}|${s.metric}|${row.bucket}`);
      expect(e, `day ${row.bucket} of ${s.targetKey}`).toBeDefined();
      expect([row.n, row.nUp, row.nDown, row.nMaint, row.nValue]).toEqual([
        e!.n,
        e!.up,
        e!.down,
        e!.maint,
        e!.nValue,
      ]);
      expect(row.sum ?? 0).toBeCloseTo(e!.sum, 6);
    }
    // Hours add up to their days.
    const hours = store.queryRollups({ resolution: "hour", from: 0, to: 2e9 });
    const hourTotal = hours.reduce((a, r) => a + r.n, 0);
    expect(hourTotal).toBe(days.reduce((a, r) => a + r.n, 0));
    // Local days: the first day bucket starts at midnight in Shanghai.
    expect(Math.min(...days.map((d) => d.bucket))).toBe(START.getTime() / 1000);
    store.close();
  });

  it("keeps min, max and last", () => {
    const dir = tempDir();
    const store = openStore(dir);
    const values = [5, 2, 9, null, 4];
    values.forEach((value, i) => {
      const time = new Date(START.getTime() + i * 60_000);
      store.writeSamples("c", [{ target: target(1), metric: "m", value }], time);
    });
    const [day] = store.queryRollups({ resolution: "day", from: 0, to: 2e9 });
    expect(day).toMatchObject({ n: 5, nValue: 4, sum: 20, min: 2, max: 9, last: 4 });
    store.close();
  });
});

describe("store retention", () => {
  it("deletes raw samples past the raw retention and keeps the rollups", () => {
    const dir = tempDir();
    const clock = new ManualClock(START);
    const store = openStore(dir, clock);
    const random = prng(3);
    for (let t = START.getTime(); t < START.getTime() + 60 * 86_400_000; t += 3_600_000) {
      store.writeSamples("http", probeBatch(3, new Date(t), random), new Date(t));
    }
    const before = store.queryRollups({ resolution: "day", from: 0, to: 2e9 });
    const cutoff = START.getTime() / 1000 + 25 * 86400;
    const deleted = store.deleteOlderThan({ rawBefore: cutoff, hourBefore: 0, dayBefore: 0 });
    expect(deleted.raw).toBe(25 * 24 * 6);
    const [first] = store.listSeries("http_probe_up");
    expect(store.querySamples(first!.seriesId, 0, cutoff)).toEqual([]);
    expect(store.querySamples(first!.seriesId, cutoff, 2e9)).toHaveLength(35 * 24);
    expect(store.queryRollups({ resolution: "day", from: 0, to: 2e9 })).toEqual(before);
    const dropDays = store.deleteOlderThan({ rawBefore: cutoff, hourBefore: cutoff, dayBefore: cutoff });
    expect(dropDays.day).toBe(25 * 6);
    store.close();
  });
});
