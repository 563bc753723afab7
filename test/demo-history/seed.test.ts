/**
 * The demo's simulated history (agent/demo-history/): written into a temporary data directory up
 * to an injected now (2026-12-04 10:00 Asia/Shanghai) from a simulated room on loopback, it gives
 * the read model November figures — availability, VMs in scope, antivirus coverage, video-conference
 * incidents — never 无数据; it is marked as simulated; it is not written twice; a July misses the
 * coverage target; a rollup-only day counts the samples the collector's interval gives.
 */
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { databasePath } from "../../config/load.js";
import { ManualClock } from "../../agent/clock.js";
import { Figures } from "../../agent/figures/index.js";
import { indicatorsOf, kpiReport } from "../../agent/kpi/kpi-report.js";
import { HISTORY_MARKER_KEY, readHistoryMarker, seedDemoHistory } from "../../agent/demo-history/seed.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { tempDir } from "../helpers/tmp.js";
import { seededDemo } from "../helpers/demo-history.js";
import { findPeer } from "../helpers/peers.js";

const FROM = new Date("2026-01-01T00:00:00+08:00");
const NOW = new Date("2026-12-04T10:00:00+08:00");
const NOV = {
  from: Date.parse("2026-11-01T00:00:00+08:00") / 1000,
  to: Date.parse("2026-12-01T00:00:00+08:00") / 1000,
};

describe("ops-agent demo's simulated history", () => {
  it("gives the read model a November with figures, marks the store, and is written once", async (c) => {
    // The videoconf collector's template pings the simulated meeting rooms.
    if (!findPeer("fping", "fping")) return c.skip();
    const dir = tempDir();
    const lines: string[] = [];
    const { config, outcome } = await seededDemo(dir, FROM, NOW, (l) => lines.push(l));
    expect("written" in outcome, JSON.stringify(outcome)).toBe(true);
    if (!("written" in outcome)) return;
    expect(outcome.written.reports.map((p) => p.replace(/.*\//, ""))).toHaveLength(11);
    console.log(`simulated history: ${outcome.written.seconds.toFixed(1)} s`, lines.join(" | "));

    const path = databasePath(config);
    expect(readHistoryMarker(path)).toMatchObject({ writtenBy: "ops-agent demo", from: FROM.toISOString() });
    const store = SqliteStore.open({
      path,
      clock: new ManualClock(NOW),
      timeZone: config.timezone,
      role: "reader",
    });
    try {
      const figures = new Figures({ store, config });
      const availability = figures.availability(NOV);
      expect(availability.value).toBeGreaterThan(0.95);
      expect(availability.value).toBeLessThan(1);
      expect(availability.coverage).toBeGreaterThan(0.99);
      expect(figures.vmsInScope(NOV).value).toBe(253);
      const coverage = figures.antivirusCoverage(NOV).value as number;
      expect(coverage).toBeGreaterThan(0.9);
      expect(coverage).toBeLessThan(1); // some running VMs are unprotected
      const july = figures.antivirusCoverage({
        from: Date.parse("2026-07-01T00:00:00+08:00") / 1000,
        to: Date.parse("2026-08-01T00:00:00+08:00") / 1000,
      }).value as number;
      expect(july).toBeLessThan(coverage); // the inactive appliance's two weeks
      const vc = figures.faultTimeliness("videoconf", NOV, NOW);
      expect(vc.hadFaults).toBe(true);
      expect(vc.value).not.toBeNull();
      expect(figures.powerStates(NOV).value).toBeGreaterThan(0);

      const kpi = kpiReport(store, config, indicatorsOf(config), "2026-11", NOW);
      if ("error" in kpi) throw new Error(kpi.error);
      for (const key of ["availability", "vm_count", "antivirus_coverage", "videoconf_fault_response"]) {
        const row = kpi.results.find((r) => r.key === key);
        expect(row?.status, key).not.toBe("no_data");
      }
      const year = kpiReport(store, config, indicatorsOf(config), "2026", NOW);
      if ("error" in year) throw new Error(year.error);
      expect(year.results.find((r) => r.key === "monthly_reports")?.value).toBe(11);
    } finally {
      store.close();
    }

    // Rollup-only rows equal the store's own: every day has one row per series with samples, and a
    // VM's power state day counts one sample per 5-minute run (288).
    const db = new Database(path, { readonly: true });
    try {
      const n = db
        .prepare(
          `SELECT r.n FROM rollup_day r JOIN series s ON s.id = r.series_id
           WHERE s.metric = 'vm_power_state' AND r.bucket = ? LIMIT 1`,
        )
        .pluck()
        .get(Date.parse("2026-06-10T00:00:00+08:00") / 1000);
      expect(n).toBe(288);
      const marker = db.prepare("SELECT value FROM meta WHERE key = ?").pluck().get(HISTORY_MARKER_KEY);
      expect(typeof marker).toBe("string");
    } finally {
      db.close();
    }

    // Written once: a second start finds the marker and leaves the store alone.
    const again = await seedDemoHistory(config, [], { from: FROM, now: NOW, log: () => {} });
    expect(again).toEqual({ skipped: "the database already holds its simulated history" });
  }, 600_000);
});
