/**
 * Outages read around the down hours (agent/report/outages.ts) against the plain definition: a
 * walk over every raw sample of the range. Three applications, three days of 1-minute probes with
 * scattered failures, runs across hour boundaries and ending exactly at one, maintenance, unknown
 * samples, hours without any sample in the middle of a run, and a range ending mid-hour; plus the
 * number of raw reads (the point of the module).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import type { Outage } from "../../agent/report/model.js";
import { outagesOfApplications, type RawReadCount } from "../../agent/report/outages.js";
import { downHoursBySeries, outagesOf } from "../../agent/report/series.js";
import { SqliteStore, type StoredSample } from "../../agent/store/sqlite.js";
import { tempDir } from "../helpers/tmp.js";

const MINUTE = 60;
const HOUR = 3600;
const METRIC = "http_probe_up";
const FROM = Math.floor(new Date("2026-10-01T00:00:00+08:00").getTime() / 1000);
const DAYS = 3;

/** A small deterministic generator (tests must not depend on Math.random). */
function prng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

type Minute = "up" | "down" | "maintenance" | "unknown" | "none";

/** Minute states of one application: scattered failures, a few long runs, planned edge cases. */
function plan(index: number, random: () => number): Minute[] {
  const minutes: Minute[] = Array.from({ length: DAYS * 24 * 60 }, () =>
    random() < 0.004 ? "down" : random() < 0.002 ? "unknown" : "up",
  );
  const set = (fromMinute: number, length: number, state: Minute) => {
    for (let m = fromMinute; m < fromMinute + length && m < minutes.length; m++) minutes[m] = state;
  };
  set(3 * 60 + 50, 25 + index, "down"); // across an hour boundary
  set(7 * 60 + 30, 30, "down"); // ends at minute 59: the next hour closes it
  set(12 * 60 + 40, 20, "down"); // then two hours without samples, then down again, then up
  set(13 * 60, 120, "none");
  set(15 * 60, 5, "down");
  set(20 * 60 + 55, 10, "down"); // ends in maintenance
  set(21 * 60 + 5, 30, "maintenance");
  set(30 * 60 + 58, 2, "down"); // then an hour without samples, then up
  set(31 * 60, 60, "none");
  set(40 * 60, 200, "down"); // a long run over several hours
  set(DAYS * 24 * 60 - 90, 90, "down"); // still down at the range's end
  return minutes;
}

function setup() {
  const dir = tempDir();
  const clock = new ManualClock(FROM * 1000);
  const store = SqliteStore.open({
    path: join(dir, "o.db"),
    clock,
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
  const random = prng(20261001);
  const apps = ["portal", "ecard", "mooc"].map((name, i) => ({
    name,
    target: { key: `http:${name}`, kind: "application", name },
    minutes: plan(i, random),
  }));
  for (let hour = 0; hour < DAYS * 24; hour++) {
    const batch: StoredSample[] = [];
    for (const app of apps)
      for (let m = hour * 60; m < hour * 60 + 60; m++) {
        const state = app.minutes[m] as Minute;
        if (state === "none") continue;
        const time = new Date((FROM + m * MINUTE) * 1000);
        const up = state === "up" || (state === "maintenance" && m % 2 === 0);
        batch.push({
          target: app.target,
          metric: METRIC,
          value: up ? 1 : 0,
          ...(state === "unknown" ? {} : { up }),
          ...(up ? {} : { reason: m % 3 === 0 ? "timeout" : "status" }),
          maintenance: state === "maintenance",
          time,
        });
      }
    clock.set((FROM + (hour + 1) * HOUR) * 1000);
    store.writeSamples("web", batch, clock.now());
  }
  store.flushRollups();
  const series = new Map(store.listSeries(METRIC).map((s) => [s.targetName, s.seriesId]));
  const specs = apps.map((a) => ({
    application: a.name,
    seriesId: series.get(a.name) as number,
    intervalSeconds: 60,
  }));
  return { store, specs };
}

/** The definition: every raw sample of the range, in order. */
function walk(store: SqliteStore, spec: { application: string; seriesId: number }, from: number, to: number) {
  const out: Outage[] = [];
  let open: { start: number; last: number; reason: string } | undefined;
  const close = (end: number, openAtEnd = false) => {
    if (open === undefined) return;
    out.push({
      application: spec.application,
      start: new Date(open.start * 1000),
      end: new Date(end * 1000),
      durationMinutes: (end - open.start) / 60,
      reason: open.reason,
      ...(openAtEnd ? { openAtEnd: true as const } : {}),
    });
    open = undefined;
  };
  for (const s of store.querySamples(spec.seriesId, from, to)) {
    const down = (s.flags & 1) !== 0 && (s.flags & 2) === 0 && (s.flags & 4) === 0;
    if (!down) close(s.ts);
    else if (open === undefined) open = { start: s.ts, last: s.ts, reason: s.reason ?? "down" };
    else open.last = s.ts;
  }
  if (open !== undefined) close(Math.min(to, open.last + 60), true);
  return out;
}

const byStart = (a: Outage, b: Outage) => a.start.getTime() - b.start.getTime();

describe("outages from the down hours", () => {
  it("equal a walk over every raw sample, for whole days and for a range ending mid-hour", () => {
    const { store, specs } = setup();
    for (const to of [
      FROM + DAYS * 24 * HOUR,
      FROM + 40 * HOUR + 30 * MINUTE,
      FROM + 7 * HOUR + 45 * MINUTE,
    ]) {
      const expected = specs.flatMap((s) => walk(store, s, FROM, to)).sort(byStart);
      expect(expected.length).toBeGreaterThan(5);
      expect(outagesOfApplications(store, METRIC, specs, FROM, to)).toEqual(expected);
    }
    store.close();
  });

  it("reads raw samples only around the down hours", () => {
    const { store, specs } = setup();
    const to = FROM + DAYS * 24 * HOUR;
    const count: RawReadCount = { reads: 0, hours: 0 };
    outagesOfApplications(store, METRIC, specs, FROM, to, count);
    const downHours = [...downHoursBySeries(store, METRIC, FROM, to).values()].reduce(
      (n, h) => n + h.length,
      0,
    );
    // Every down hour once, plus at most one closing hour per block of down hours.
    expect(count.hours).toBeGreaterThanOrEqual(downHours);
    expect(count.hours).toBeLessThan(2 * downHours);
    expect(count.hours).toBeLessThan(specs.length * DAYS * 24);
    store.close();
  });

  it("outagesOf (one application, from its down hours) gives the same", () => {
    const { store, specs } = setup();
    const to = FROM + DAYS * 24 * HOUR;
    const downHours = downHoursBySeries(store, METRIC, FROM, to);
    for (const s of specs)
      expect(
        outagesOf(store, s.seriesId, s.application, FROM, to, 60, downHours.get(s.seriesId) ?? []),
      ).toEqual(walk(store, s, FROM, to));
    store.close();
  });
});
