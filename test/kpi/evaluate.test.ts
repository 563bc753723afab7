/**
 * The form's indicators evaluated on generated data in a real store, over periods that straddle
 * the half-year boundary in a leap year (2028), with samples either side of Asia/Shanghai
 * midnight on June 30 / July 1 (16:00 UTC), each figure checked against a hand computation.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { parseTargetValue } from "../../agent/form/value.js";
import type { Binding, Indicator, TargetValue } from "../../agent/form/types.js";
import { kpiReport } from "../../agent/kpi/kpi-report.js";
import { recordManualValue } from "../../agent/kpi/records.js";
import { SqliteStore, type StoredSample } from "../../agent/store/sqlite.js";
import { parseConfigText } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { tempDir } from "../helpers/tmp.js";

const HOUR = 3_600_000;
const t = (text: string) => new Date(text).getTime();

function target(text: string): TargetValue {
  const parsed = parseTargetValue(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed;
}

function indicator(key: string, name: string, half: string, full: string, binding: Binding): Indicator {
  return {
    key,
    name,
    group: "output",
    level1: "履职",
    level2: "",
    half: target(half),
    full: target(full),
    binding,
  };
}

const INDICATORS: Indicator[] = [
  indicator("vm_count", "日常维护信息系统所使用的虚拟机数量", "=253个", "=253个", { source: "vm_count" }),
  indicator("antivirus_coverage", "运行状态虚拟机无代理杀毒覆盖率", "≥95%", "≥95%", {
    source: "antivirus_coverage",
  }),
  indicator("availability", "教育应用运行可用率", "≥90%", "≥95%", { source: "availability" }),
  indicator("monthly_reports", "大平台月度运营报告", "=6份", "=12份", { source: "monthly_reports" }),
  indicator("equipment_overhauls", "设备检修", "=2次", "=4次", { source: "manual" }),
  indicator("long_term_mechanism", "线上教育长效管理机制", "完成", "完成", { source: "manual" }),
  indicator("ecard_coverage", "E卡通城区覆盖率", "≥83%", "≥83%", { source: "manual" }),
  indicator("videoconf_fault_response", "故障响应及时性", "及时", "及时", {
    source: "fault_timeliness",
    category: "videoconf",
  }),
  indicator("platform_service_response", "大平台服务响应及时性", "及时", "及时", {
    source: "fault_timeliness",
    category: "platform",
  }),
];

/** The http collector is named as the generated samples' writer ("gen"): its samples are its watch. */
function config(): Config {
  const loaded = parseConfigText(`collectors:
  - type: http
    name: gen
    every: 1h
    targets: [{ name: portal, url: "http://127.0.0.1:1/" }]
`);
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  return loaded.config;
}

/**
 * 2028 (leap year), hourly samples from Jan 1 00:00 (+08:00):
 *  - vms_in_scope 253 up to 2028-06-30 23:30 +08:00 (15:30 UTC), 252 from 2028-07-01 00:30 +08:00
 *    (16:30 UTC — still June 30 in UTC);
 *  - antivirus_coverage_ratio 0.97 every hour of H1, 0.90 every hour of H2;
 *  - http_probe_up for portal: down for 240 hours in March, up otherwise;
 *  - monthly reports generated for January … `reportsUpTo`.
 */
function generate(until: string, reportsUpTo: number) {
  const clock = new ManualClock("2028-01-01T00:00:00+08:00");
  const store = SqliteStore.open({
    path: join(tempDir(), "kpi.db"),
    clock,
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
  const vm = { key: "vcenter:scope", kind: "inventory", name: "maintained-systems" };
  const av = { key: "antivirus:coverage", kind: "coverage", name: "running-vms" };
  const app = { key: "http:portal", kind: "application", name: "portal" };
  const start = t("2028-01-01T00:00:00+08:00");
  const split = t("2028-07-01T00:00:00+08:00");
  const downFrom = t("2028-03-01T00:00:00+08:00");
  const downTo = downFrom + 240 * HOUR;
  const end = t(until);
  for (let day = start; day < end; day += 24 * HOUR) {
    const batch: StoredSample[] = [];
    for (let ms = day; ms < Math.min(day + 24 * HOUR, end); ms += HOUR) {
      const half1 = ms < split;
      // The VM count samples sit half an hour either side of local midnight.
      batch.push({
        target: vm,
        metric: "vms_in_scope",
        value: half1 ? 253 : 252,
        time: new Date(ms + HOUR / 2),
      });
      batch.push({
        target: av,
        metric: "antivirus_coverage_ratio",
        value: half1 ? 0.97 : 0.9,
        time: new Date(ms),
      });
      const down = ms >= downFrom && ms < downTo;
      batch.push({
        target: app,
        metric: "http_probe_up",
        value: down ? 0 : 1,
        up: !down,
        time: new Date(ms),
      });
    }
    clock.set(day);
    store.writeSamples("gen", batch, new Date(day));
  }
  for (let m = 1; m <= reportsUpTo; m++) {
    store.reports.record({
      generatedBy: "test",
      kind: "monthly_report",
      period: `2028-${String(m).padStart(2, "0")}`,
      format: "html",
      path: `/tmp/2028-${m}.html`,
      sha256: "0".repeat(64),
      // Written on the 1st of the next month at 08:00 (Shanghai), as the daemon's schedule does:
      // only a report generated after its month ended counts.
      generatedAt: new Date(Date.UTC(2028, m, 1, 0, 0)),
    });
  }
  clock.set(end);
  return { store, clock, now: new Date(end) };
}

function byKey(report: ReturnType<typeof kpiReport>) {
  if ("error" in report) throw new Error(report.error);
  return Object.fromEntries(report.results.map((r) => [r.key, r]));
}

describe("form evaluation", () => {
  it("projects the running year: counts pro rata, ratios as they stand", () => {
    // October 1 00:00: 9 closed months, each with its report, and October to December still
    // open → 9 + 3 = 12: met (projected).
    const { store, now } = generate("2028-10-01T00:00:00+08:00", 9);
    const cfg = config();
    const year = byKey(kpiReport(store, cfg, INDICATORS, "2028", now));
    expect(year.monthly_reports).toMatchObject({ value: 9, projected: 12, status: "met" });
    // Availability so far: 240 down of 274 × 24 = 6,576 hours → 0.963503… ≥ 95 %: met as it stands.
    expect(year.availability!.value).toBeCloseTo(1 - 240 / 6_576, 12);
    expect(year.availability!.status).toBe("met");
    // The VM count is 252 since July: at risk (the projection is the value as it stands).
    expect(year.vm_count).toMatchObject({ value: 252, projected: 252, status: "at_risk" });
    // A month is judged against the full-year value; its counts have no monthly target.
    const september = byKey(kpiReport(store, cfg, INDICATORS, "2028-09", now));
    expect(september.availability).toMatchObject({ value: 1, status: "met" });
    expect(september.monthly_reports).toMatchObject({ value: 1, status: "n/a" });
    expect(september.antivirus_coverage!.status).toBe("not_met");
    // Nothing measured: no data, never 0.
    const empty = byKey(kpiReport(store, cfg, INDICATORS, "2028-09", now));
    expect(empty.equipment_overhauls).toMatchObject({ value: null, status: "no_data" });
    store.close();
  });

  it("refuses periods that are malformed, not begun, or the second half on its own", () => {
    const { store, now } = generate("2028-01-02T00:00:00+08:00", 0);
    expect(kpiReport(store, config(), INDICATORS, "2028-13", now)).toEqual({
      error:
        'expected a period like 2026 (the year), 2026-H1 (the half-year) or 2026-10 (a month), got "2028-13"',
    });
    expect(kpiReport(store, config(), INDICATORS, "2029", now)).toEqual({ error: "2029 has not begun yet" });
    expect("error" in kpiReport(store, config(), INDICATORS, "2028-H2", now)).toBe(true);
    store.close();
  });

  it("judges the half-year and the finished year against their own values (leap year, Shanghai midnight)", () => {
    const { store, now } = generate("2029-01-01T00:00:00+08:00", 11);
    const cfg = config();
    const record = (key: string, value: string, date: string, corrects?: number) => {
      const r = recordManualValue(store, cfg, INDICATORS, now, {
        key,
        value,
        date,
        by: "王老师",
        ...(corrects === undefined ? {} : { corrects }),
      });
      if (!r.ok) throw new Error(r.error);
      return r.record;
    };
    record("equipment_overhauls", "1", "2028-03-01");
    const june = record("equipment_overhauls", "1次", "2028-06-30");
    record("equipment_overhauls", "1", "2028-07-01");
    record("long_term_mechanism", "未完成", "2028-05-01");
    record("ecard_coverage", "84.5%", "2028-06-01");
    record("ecard_coverage", "82%", "2028-12-01");

    const h1 = byKey(kpiReport(store, cfg, INDICATORS, "2028-H1", now));
    // H1 = 182 days (Feb 29 included) = 4,368 hours.
    expect(h1.vm_count).toMatchObject({ value: 253, status: "met", coverage: 1 });
    expect(h1.antivirus_coverage!.value).toBeCloseTo(0.97, 12);
    expect(h1.antivirus_coverage).toMatchObject({ status: "met", coverage: 1 });
    expect(h1.availability!.value).toBeCloseTo(1 - 240 / 4_368, 12); // 0.945054… ≥ 90 %
    expect(h1.availability!.status).toBe("met");
    expect(h1.monthly_reports).toMatchObject({ value: 6, status: "met" });
    expect(h1.equipment_overhauls).toMatchObject({ value: 2, status: "met" }); // Mar 1 + Jun 30, not Jul 1
    expect(h1.long_term_mechanism).toMatchObject({ value: false, status: "not_met" });
    expect(h1.ecard_coverage).toMatchObject({ value: 0.845, status: "met" });
    // No fault and nothing watching the video conference (no sip/videoconf collector): 无数据, not
    // 达成. The platform is watched (the http collector stored samples all half-year) and had no
    // fault: 及时, and it says 无故障.
    expect(h1.videoconf_fault_response).toMatchObject({ value: null, status: "no_data" });
    expect(h1.platform_service_response).toMatchObject({ value: true, status: "met", coverage: 1 });
    expect(h1.platform_service_response!.how.zh).toContain("无故障");

    const year = byKey(kpiReport(store, cfg, INDICATORS, "2028", now));
    // The year = 366 days = 8,784 hours.
    expect(year.vm_count).toMatchObject({ value: 252, status: "not_met" });
    expect(year.antivirus_coverage!.value).toBeCloseTo((4_368 * 0.97 + 4_416 * 0.9) / 8_784, 12);
    expect(year.antivirus_coverage!.status).toBe("not_met"); // 0.934809… < 95 %
    expect(year.availability!.value).toBeCloseTo(1 - 240 / 8_784, 12); // 0.972677… ≥ 95 %
    expect(year.monthly_reports).toMatchObject({ value: 11, status: "not_met" });
    expect(year.equipment_overhauls).toMatchObject({ value: 3, status: "not_met" });
    expect(year.ecard_coverage).toMatchObject({ value: 0.82, status: "not_met" });

    // A correction is a new record; the corrected one no longer counts.
    record("equipment_overhauls", "2", "2028-06-30", june.id);
    expect(byKey(kpiReport(store, cfg, INDICATORS, "2028-H1", now)).equipment_overhauls).toMatchObject({
      value: 3,
      status: "not_met",
    });
    expect(store.records.history("equipment_overhauls")).toHaveLength(4);
    store.close();
  });
});
