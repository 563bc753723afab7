import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ManualClock } from "../../agent/clock.js";
import { silentLogger } from "../../agent/log.js";
import { MaintenanceCalendar } from "../../agent/maintenance.js";
import { RunRecorder } from "../../agent/recorder.js";
import { LatestState } from "../../agent/store/latest.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { parseConfigText } from "../../config/load.js";
import { tempDir } from "../helpers/tmp.js";

const at = (text: string) => new Date(text);

describe("maintenance windows", () => {
  const calendar = new MaintenanceCalendar(
    [
      // Saturdays 02:00–04:00 Shanghai time, for the big platform only.
      { name: "patching", applications: ["bigplatform"], cron: "0 2 * * 6", durationMs: 2 * 3_600_000 },
      { name: "migration", start: at("2026-12-05T22:00:00+08:00"), end: at("2026-12-06T02:00:00+08:00") },
    ],
    "Asia/Shanghai",
  );

  it("opens a recurring window at each firing for its duration, in the centre's time zone", () => {
    expect(calendar.covers("bigplatform", at("2026-11-28T01:59:59+08:00"))).toBe(false);
    expect(calendar.covers("bigplatform", at("2026-11-28T02:00:00+08:00"))).toBe(true);
    expect(calendar.covers("bigplatform", at("2026-11-28T03:59:59+08:00"))).toBe(true);
    expect(calendar.covers("bigplatform", at("2026-11-28T04:00:00+08:00"))).toBe(false);
    expect(calendar.covers("ecard", at("2026-11-28T03:00:00+08:00"))).toBe(false); // not its application
    expect(calendar.covers("bigplatform", at("2026-11-29T03:00:00+08:00"))).toBe(false); // a Sunday
  });

  it("opens a one-off window for every application from start to end", () => {
    expect(calendar.covers("ecard", at("2026-12-05T21:59:59+08:00"))).toBe(false);
    expect(calendar.covers("ecard", at("2026-12-05T22:00:00+08:00"))).toBe(true);
    expect(calendar.covers("anything", at("2026-12-06T01:59:00+08:00"))).toBe(true);
    expect(calendar.covers("ecard", at("2026-12-06T02:00:00+08:00"))).toBe(false);
    expect(calendar.active(at("2026-12-05T23:00:00+08:00"))).toEqual([
      { name: "migration", applications: undefined },
    ]);
  });

  it("marks the samples taken inside a window, which then count as maintenance, not up or down", () => {
    const clock = new ManualClock("2026-11-28T03:00:00+08:00");
    const store = SqliteStore.open({
      path: join(tempDir(), "a.db"),
      clock,
      timeZone: "Asia/Shanghai",
      role: "agent",
    });
    const recorder = new RunRecorder(new LatestState(), silentLogger, store, undefined, () => calendar);
    const probe = (name: string, up: boolean) => ({
      target: { key: `http:${name}`, kind: "application", name },
      metric: "http_probe_up",
      value: up ? 1 : 0,
      up,
    });
    for (const time of ["2026-11-28T03:00:00+08:00", "2026-11-28T05:00:00+08:00"]) {
      recorder.runFinished({
        collector: "web",
        type: "http",
        status: "ok",
        startedAt: at(time),
        finishedAt: at(time),
        durationMs: 1,
        samples: [probe("bigplatform", false), probe("ecard", false)],
        kept: new Set<string>(),
      });
    }
    const series = new Map(store.listSeries("http_probe_up").map((s) => [s.seriesId, s.targetName]));
    const days = store.queryRollups({ resolution: "day", from: 0, to: 2e9, metric: "http_probe_up" });
    const byName = Object.fromEntries(days.map((d) => [series.get(d.seriesId), [d.n, d.nDown, d.nMaint]]));
    expect(byName).toEqual({ bigplatform: [2, 1, 1], ecard: [2, 2, 0] });
    store.close();
  });

  it("is configured in the YAML, with clear errors", () => {
    const ok = parseConfigText(
      'maintenance:\n  - { name: p, applications: [bigplatform], cron: "0 2 * * 6", duration: 2h }\n  - { name: m, start: "2026-12-05T22:00:00+08:00", end: "2026-12-06T02:00:00+08:00" }\n',
    );
    expect(ok.ok).toBe(true);
    const bad = parseConfigText(
      'maintenance:\n  - { name: a, cron: "0 2 * * 6" }\n  - { name: b, start: "2026-12-05 22:00", end: "2026-12-06T02:00:00+08:00" }\n  - { name: c, cron: "every sat", duration: 1h }\n  - { name: d, start: "2026-12-06T02:00:00+08:00", end: "2026-12-05T22:00:00+08:00" }\n',
    );
    expect(bad.ok ? [] : bad.errors).toEqual([
      "maintenance[0]: a recurring window needs both cron: and duration:",
      'maintenance[1].start: expected a time with its offset like "2026-12-05T22:00:00+08:00", got "2026-12-05 22:00"',
      'maintenance[2].cron: expected a cron expression like "0 2 * * 6", got "every sat"',
      "maintenance[3].end: a one-off window needs start: and an end: after it",
    ]);
  });
});
