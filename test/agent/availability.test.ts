import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ManualClock } from "../../agent/clock.js";
import { errorBudget, overallAvailability } from "../../agent/kpi/availability.js";
import { availabilityForPeriod } from "../../agent/kpi/availability-store.js";
import { periodAt } from "../../agent/kpi/periods.js";
import { SqliteStore, type StoredSample } from "../../agent/store/sqlite.js";
import { tempDir } from "../helpers/tmp.js";

const t = (text: string) => new Date(text).getTime();
const MIN = 60_000;

/**
 * November 2026 (Asia/Shanghai) up to the 30th at noon, one probe a minute, with:
 *  - the agent down on the 10th (1,440 minutes without samples: unknown),
 *  - the application down on the 5th 10:00–12:00 (120 down samples),
 *  - a maintenance window on the 20th 02:00–05:00 (180 samples marked; the application was
 *    down 03:00–04:00 inside it, which must not count).
 * By hand: expected 29.5 days × 1,440 = 42,480; observed 41,040; maintenance 180; down 120;
 * up 40,740. Availability 40,740 ÷ 40,860 = 0.997063…; coverage 41,040 ÷ 42,480 = 0.966102…;
 * counting unknown as down 40,740 ÷ 42,300 = 0.963121…; error budget against 95 %:
 * (42,480 − 180) × 5 % = 2,115 minutes, 120 spent, 1,995 left.
 */
function generateNovember(path: string) {
  const clock = new ManualClock("2026-11-01T00:00:00+08:00");
  const store = SqliteStore.open({ path, clock, timeZone: "Asia/Shanghai", role: "agent" });
  const target = { key: "http:bigplatform", kind: "application", name: "bigplatform" };
  const start = t("2026-11-01T00:00:00+08:00");
  const now = t("2026-11-30T12:00:00+08:00");
  let batch: StoredSample[] = [];
  for (let ms = start; ms < now; ms += MIN) {
    if (ms >= t("2026-11-10T00:00:00+08:00") && ms < t("2026-11-11T00:00:00+08:00")) continue;
    const maintenance = ms >= t("2026-11-20T02:00:00+08:00") && ms < t("2026-11-20T05:00:00+08:00");
    const down =
      (ms >= t("2026-11-05T10:00:00+08:00") && ms < t("2026-11-05T12:00:00+08:00")) ||
      (ms >= t("2026-11-20T03:00:00+08:00") && ms < t("2026-11-20T04:00:00+08:00"));
    batch.push({
      target,
      metric: "http_probe_up",
      value: down ? 0 : 1,
      up: !down,
      maintenance,
      time: new Date(ms),
    });
    if (batch.length === 60) {
      // As a live agent: each batch is written when its first probe ran.
      clock.set(batch[0]!.time!);
      store.writeSamples("web", batch, new Date(ms));
      batch = [];
    }
  }
  store.writeSamples("web", batch, new Date(now));
  clock.set(now);
  return { store, now: new Date(now) };
}

describe("availability accounting", () => {
  it("matches the hand-computed month: maintenance left out, unknown time as coverage", () => {
    const { store, now } = generateNovember(join(tempDir(), "a.db"));
    const month = periodAt("month", now, store.calendar);
    expect(new Date(month.from * 1000).toISOString()).toBe("2026-10-31T16:00:00.000Z");
    const apps = [{ application: "bigplatform", intervalSeconds: 60 }];
    const [a] = availabilityForPeriod(store, month, apps, { unknownAsDown: false });
    expect(a).toMatchObject({ up: 40_740, down: 120, maintenance: 180, expected: 42_480, unknown: 1_440 });
    expect(a!.ratio).toBeCloseTo(40_740 / 40_860, 12);
    expect(a!.coverage).toBeCloseTo(41_040 / 42_480, 12);
    const [strict] = availabilityForPeriod(store, month, apps, { unknownAsDown: true });
    expect(strict!.ratio).toBeCloseTo(40_740 / 42_300, 12);
    const budget = errorBudget(0.95, month.to - month.from, 60, a!, { unknownAsDown: false });
    expect(budget.budgetMinutes).toBeCloseTo(2_115, 9);
    expect(budget.spentMinutes).toBe(120);
    expect(budget.leftMinutes).toBeCloseTo(1_995, 9);
    // The same figures for the year to date (only November has samples; the application is
    // expected from its first sample on, not from January 1).
    const ytd = availabilityForPeriod(store, periodAt("year_to_date", now, store.calendar), apps, {
      unknownAsDown: false,
    });
    expect(ytd[0]).toMatchObject({ up: 40_740, down: 120, maintenance: 180, expected: 42_480 });
    store.close();
  });

  it("averages the applications, weighted when asked, leaving out those without a figure", () => {
    const a = (application: string, ratio: number | null) => ({
      application,
      up: 0,
      down: 0,
      maintenance: 0,
      expected: 0,
      unknown: 0,
      coverage: 0,
      ratio,
    });
    expect(overallAvailability([a("x", 0.9), a("y", 1), a("z", null)])).toBeCloseTo(0.95, 12);
    expect(overallAvailability([a("x", 0.9), a("y", 1)], { x: 3 })).toBeCloseTo(0.925, 12);
    expect(overallAvailability([a("z", null)])).toBeNull();
  });

  it("knows the form's periods in the centre's time zone", () => {
    const store = SqliteStore.open({
      path: join(tempDir(), "b.db"),
      clock: new ManualClock(0),
      timeZone: "Asia/Shanghai",
      role: "reader",
    });
    const now = new Date("2026-03-15T01:30:00+08:00");
    const iso = (s: number) => new Date(s * 1000).toISOString();
    const p = (k: "day" | "month" | "half_year" | "year_to_date") => periodAt(k, now, store.calendar);
    expect([iso(p("day").from), iso(p("day").end)]).toEqual([
      "2026-03-14T16:00:00.000Z",
      "2026-03-15T16:00:00.000Z",
    ]);
    expect([iso(p("month").from), iso(p("month").end)]).toEqual([
      "2026-02-28T16:00:00.000Z",
      "2026-03-31T16:00:00.000Z",
    ]);
    expect([iso(p("half_year").from), iso(p("half_year").end)]).toEqual([
      "2025-12-31T16:00:00.000Z",
      "2026-06-30T16:00:00.000Z",
    ]);
    expect(iso(p("year_to_date").end)).toBe("2026-12-31T16:00:00.000Z");
    expect(p("year_to_date").to).toBe(now.getTime() / 1000);
    store.close();
  });
});
