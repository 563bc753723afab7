/**
 * The benchmarks at tiny sizes, in-process: they must still run and produce finite positive
 * figures. Never a timing assertion — performance is judged by `npm run bench`, not by tests.
 */
import { describe, expect, it } from "vitest";
import { runAvailabilityYtd } from "../../bench/availability-ytd.js";
import { runHttpScale } from "../../bench/http-scale.js";
import { runIcmpScale } from "../../bench/icmp-scale.js";
import { runKpiYear } from "../../bench/kpi-year.js";
import { runMachineRoom } from "../../bench/machine-room.js";
import { roomUnavailable } from "../../bench/room.js";
import { caseForSeries, runMetricsScrape } from "../../bench/metrics-scrape.js";
import { markdownTable } from "../../bench/report.js";
import { runStoreIngest, samplesTableDdl } from "../../bench/store-ingest.js";
import { measureNodeFloor, nodeFloorResult } from "../../bench/node-floor.js";
import { runRss } from "../../bench/rss.js";
import type { BenchResult } from "../../bench/types.js";
import { runYear } from "../../bench/year.js";

function expectFinitePositive(result: BenchResult): void {
  expect(result.skipped).toBeUndefined();
  expect(result.rows.length).toBeGreaterThan(0);
  for (const row of result.rows) {
    expect({ figure: row.figure, finite: Number.isFinite(row.value) }).toEqual({
      figure: row.figure,
      finite: true,
    });
    expect({ figure: row.figure, positive: row.value > 0 }).toEqual({ figure: row.figure, positive: true });
  }
}

describe("benchmarks (quick, no timing assertions)", () => {
  it("the ceiling uses the samples table exactly as the migrations create it", () => {
    expect(samplesTableDdl()).toMatch(
      /^CREATE TABLE samples \([\s\S]*PRIMARY KEY \(ts, series_id\)\s*\) WITHOUT ROWID;$/,
    );
  });

  it("store ingest produces figures for the ceiling and the agent", () => {
    const result = runStoreIngest({
      days: 0.05,
      targets: 20,
      rounds: 1,
    });
    expectFinitePositive(result);
    expect(result.details?.samplesPerRound).toBe(72 * 40);
    expect(markdownTable([result])).toContain("| store ingest | agent ÷ ceiling |");
  });

  it("metrics scrape produces figures for the agent and the prom-client baseline", async () => {
    const result = await runMetricsScrape({
      cases: [caseForSeries(200, 20), { name: "small", httpTargets: 30 }],
      iterations: 3,
      warmup: 1,
    });
    expectFinitePositive(result);
    expect(result.rows.filter((r) => r.target !== undefined)).toHaveLength(1);
  });

  it(
    "machine room runs one cycle of every collector over the simulated room",
    { timeout: 60_000 },
    async () => {
      const result = await runMachineRoom({ rounds: 1, applications: 8, endpoints: 20, host: false });
      if (result.skipped !== undefined) return; // no fping / openssl / procfs here
      expectFinitePositive(result);
      expect(result.details?.vms).toBe(253);
      expect(result.details?.icmpTargets).toBeGreaterThan(0);
      expect(result.details?.httpTargets).toBe(8);
      expect(result.details?.endpoints).toBe(20);
      expect(result.details?.mcuSipProbes).toBe(3);
      expect(result.rows.filter((r) => r.target !== undefined)).toHaveLength(1);
    },
  );

  it("metrics scrape measures the state a real machine-room cycle leaves", { timeout: 60_000 }, async () => {
    if (roomUnavailable() !== undefined) return; // no fping / openssl / procfs here
    const result = await runMetricsScrape({
      defaultScale: { targetMedianMs: 20, applications: 8, endpoints: 20, host: false },
      cases: [],
      iterations: 3,
      warmup: 1,
    });
    expectFinitePositive(result);
    expect(result.rows.filter((r) => r.target !== undefined)).toHaveLength(1);
    expect(result.rows[0]?.figure).toContain("default scale");
  });

  it("agent RSS runs the built agent over loopback http targets", { timeout: 60_000 }, async () => {
    const result = await runRss({ runSeconds: 3, httpTargets: 40, every: "1s", concurrency: 8, scrapes: 3 });
    if (result.skipped !== undefined) return; // the agent is not built here
    expect(result.details?.error).toBeUndefined();
    for (const row of result.rows)
      expect({ figure: row.figure, finite: Number.isFinite(row.value) }).toEqual({
        figure: row.figure,
        finite: true,
      });
    for (const row of result.rows.filter((r) => r.unit === "MB" || r.unit === "ms"))
      expect({ figure: row.figure, positive: row.value > 0 }).toEqual({ figure: row.figure, positive: true });
    expect((result.details?.scrapes as { up: number }[] | undefined)?.[0]?.up).toBe(40);
  });

  it(
    "the node floor runs its child with the agent's flags and reads its memory",
    { timeout: 60_000 },
    async () => {
      const floor = await measureNodeFloor();
      if (typeof floor === "string") throw new Error(floor);
      // A node process that has loaded ICU, SQLite, TLS and the optimising compiler: tens of MB.
      expect(floor.rss).toBeGreaterThan(20e6);
      expect(floor.hwm).toBeGreaterThanOrEqual(floor.rss);
      const result = nodeFloorResult(floor, floor.rss + 5e6);
      expectFinitePositive(result);
      expect(result.rows[1]?.value).toBeCloseTo(5, 6);
    },
  );

  it("icmp scale pings loopback targets and reports wall and CPU", { timeout: 60_000 }, async () => {
    const results = await runIcmpScale({
      sizes: [50],
      rounds: 1,
      settings: [{ label: "count 1", count: 1 }],
      blackbox: false,
    });
    expect(results).toHaveLength(1);
    const result = results[0] as BenchResult;
    if (result.skipped !== undefined) return; // no fping / procfs here
    expectFinitePositive(result);
    expect(result.rows.map((r) => r.figure)).toHaveLength(3);
  });

  it("http scale probes loopback targets served by a child process", { timeout: 60_000 }, async () => {
    const results = await runHttpScale({ sizes: [20], rounds: 1, blackbox: false });
    expect(results).toHaveLength(1);
    const result = results[0] as BenchResult;
    expectFinitePositive(result);
    // probes/s, CPU per probe, wall per cycle; no "targets up" row: every loopback target answered.
    expect(result.rows).toHaveLength(3);
  });

  it("availability YTD equals the figure from the generator's own counts", { timeout: 60_000 }, () => {
    const result = runAvailabilityYtd({ applications: 3, days: 3, iterations: 3, warmup: 1 });
    expectFinitePositive(result);
    const mean = result.details?.meanAvailability as number;
    expect(mean).toBeGreaterThan(0);
    expect(mean).toBeLessThanOrEqual(1);
    expect(mean).toBeCloseTo(result.details?.independentMean as number, 12);
    expect(result.details?.samples).toBe(3 * 2 * (2 * 1440 + 15 * 60));
  });

  it(
    "kpi over a year evaluates every automatic indicator from a generated store",
    { timeout: 60_000 },
    () => {
      const result = runKpiYear({
        days: 2,
        applications: 2,
        vms: 3,
        endpoints: 3,
        iterations: 2,
        warmup: 1,
        cli: false,
      });
      expectFinitePositive(result);
      expect(result.details?.availability).toBeCloseTo(result.details?.independentAvailability as number, 12);
      expect(result.details?.vmCount).toBe(3);
    },
  );

  it("monthly report and disk size over one generated store", { timeout: 60_000 }, async () => {
    const results = await runYear({
      days: 2,
      applications: 2,
      vms: 3,
      endpoints: 3,
      pingRawDays: 2,
      cli: false,
      kpi: false,
      report: true,
      disk: true,
      reportIterations: 1,
    });
    expect(results.map((r) => r.benchmark)).toEqual(["monthly report", "disk year"]);
    for (const result of results) expectFinitePositive(result);
    expect(results[1]?.details?.rawDays).toBeLessThanOrEqual(35);
  });
});
