/**
 * The overview's half-year and full-year tiles, evaluated by the real promtool (`promtool test
 * rules` with promql_expr_test, Debian package "prometheus") on series shaped like the agent's:
 * opsagent_kpi_status{indicator,period}, opsagent_kpi_last_measurement_timestamp_seconds{indicator}
 * (no period label) and opsagent_kpi_info{indicator,name}, each with site, job and instance as
 * Prometheus stores them. An indicator whose newest measurement is older than a day (86400 s,
 * the indicator table's 24 h) shows -1 (已过期) on the full-year tile, and on the half-year tile
 * while the half-year runs (to 30 June, Asia/Shanghai); a fresh one, one just under a day old and
 * one without a measurement time (fault timeliness, monthly reports) show their status. The
 * queries are the generated Chinese folder's, so a syntax or matching error in them fails here
 * without the simulated machine room (test/e2e/prometheus-dashboards.test.ts evaluates them
 * against live agents too).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { findPeer } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { dataPanels, loadDashboards, substitute } from "./dashboard-files.js";

const DAY = 86_400;
const HOUR = 3_600;
/** Evaluation times, seconds after 1970-01-01T00:00Z (promtool's clock starts there). */
const APRIL = 100 * DAY; // 1970-04-11: the half-year runs
const JUNE_30_LAST_HOUR = 180 * DAY + 15 * HOUR; // 1970-06-30 23:00 in Asia/Shanghai: still runs
const JULY_1_MIDNIGHT = 180 * DAY + 16 * HOUR; // 1970-07-01 00:00 in Asia/Shanghai (16:00 UTC on 30 June): over
const JULY = 200 * DAY; // 1970-07-20

interface Row {
  site: string;
  indicator: string;
  name: string;
  year: number;
  half: number;
  /** Seconds between the newest measurement and now, kept as time passes; none: no series. */
  age?: number;
}

const ROWS: Row[] = [
  { site: "room-a", indicator: "vm_count", name: "虚拟机数量", year: 3, half: 3, age: 600 },
  { site: "room-a", indicator: "antivirus_coverage", name: "杀毒覆盖率", year: 3, half: 3, age: 25 * HOUR },
  { site: "room-a", indicator: "availability", name: "可用率", year: 2, half: 1, age: DAY - 400 },
  { site: "room-a", indicator: "videoconf_fault_response", name: "故障响应", year: 3, half: 0 },
  { site: "room-b", indicator: "antivirus_coverage", name: "杀毒覆盖率", year: 1, half: 1, age: 60 },
  { site: "room-b", indicator: "vm_count", name: "虚拟机数量", year: 1, half: 2, age: 3 * DAY },
];
const stale = (r: Row) => r.age !== undefined && r.age > DAY;
const SAMPLES = 5_000; // one an hour: past 200 days

function labels(r: Row, extra: Record<string, string>): string {
  const all = {
    site: r.site,
    indicator: r.indicator,
    ...extra,
    job: "ops-agent",
    instance: r.site === "room-a" ? "10.0.0.1:9464" : "10.0.1.1:9464",
  };
  return `{${Object.entries(all)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ")}}`;
}

function inputSeries(): { series: string; values: string }[] {
  const out: { series: string; values: string }[] = [];
  for (const r of ROWS) {
    out.push({
      series: `opsagent_kpi_status${labels(r, { period: "year" })}`,
      values: `${r.year}x${SAMPLES}`,
    });
    out.push({
      series: `opsagent_kpi_status${labels(r, { period: "half_year" })}`,
      values: `${r.half}x${SAMPLES}`,
    });
    out.push({ series: `opsagent_kpi_info${labels(r, { name: r.name })}`, values: `1x${SAMPLES}` });
    // A timestamp that moves with the clock, always `age` behind it.
    if (r.age !== undefined)
      out.push({
        series: `opsagent_kpi_last_measurement_timestamp_seconds${labels(r, {})}`,
        values: `${-r.age}+${HOUR}x${SAMPLES}`,
      });
  }
  return out;
}

const overview = loadDashboards("zh").find((d) => d.file === "overview.json")!.dashboard;
function tileExpr(period: "year" | "half_year"): string {
  const tile = dataPanels(overview).find(
    (p) => p.type === "stat" && (p.targets ?? []).some((t) => t.expr?.includes(`period="${period}"`)),
  )!;
  return substitute(tile.targets![0]!.expr!, { site: "(room-a|room-b)" });
}

function expectation(
  period: "year" | "half_year",
  at: number,
  value: (r: Row) => number,
): Record<string, unknown> {
  return {
    expr: tileExpr(period),
    eval_time: `${at}s`,
    exp_samples: ROWS.map((r) => ({ labels: labels(r, { period, name: r.name }), value: value(r) })),
  };
}

describe("overview: the half-year and full-year tiles show a stale measurement as -1 (已过期), promtool", () => {
  it("full-year: -1 when the newest measurement is over a day old, the status otherwise; half-year: the same while it runs, as judged from 1 July", (ctx) => {
    const promtool = findPeer("promtool", "prometheus");
    if (!promtool) return ctx.skip();
    const year = (r: Row) => (stale(r) ? -1 : r.year);
    const halfRunning = (r: Row) => (stale(r) ? -1 : r.half);
    const halfOver = (r: Row) => r.half;
    // The rows cover each case: stale, fresh, just under a day, no measurement time, and the same
    // indicator stale at one site and fresh at the other.
    expect(ROWS.filter(stale).length).toBe(2);
    expect(ROWS.filter((r) => r.age === undefined).length).toBe(1);
    const tests = [
      {
        interval: "1h",
        input_series: inputSeries(),
        promql_expr_test: [
          expectation("year", APRIL, year),
          expectation("year", JULY, year),
          expectation("half_year", APRIL, halfRunning),
          expectation("half_year", JUNE_30_LAST_HOUR, halfRunning),
          expectation("half_year", JULY_1_MIDNIGHT, halfOver),
          expectation("half_year", JULY, halfOver),
        ],
      },
    ];
    const dir = tempDir();
    const file = join(dir, "kpi-tiles.test.yml");
    writeFileSync(file, stringify({ rule_files: [], evaluation_interval: "1h", tests }));
    const run = spawnSync(promtool, ["test", "rules", file], { encoding: "utf8", timeout: 60_000 });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(output).toContain("SUCCESS");
  });
});
