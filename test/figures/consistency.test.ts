/**
 * One figure, one place: the same generated year read through every surface that shows a figure
 * — `ops-agent kpi` (kpiReport), the monthly report's model (buildMonthlyReport), the
 * self-evaluation (buildFormExport) and /metrics (the kpi gauges of KpiService and the
 * availability families, rendered as the daemon renders them) — must show the same numbers.
 *
 * The year (2026, Asia/Shanghai, now = Dec 4 10:00), hourly samples written through the store:
 *  - three education applications (http "platforms") with outages, samples flagged as maintenance,
 *    and the agent down for three days in May (no samples at all: unknown, not down); the agent's
 *    own /healthz probe beside them (never counted);
 *  - two inventory sources (a vCenter with 200 VMs in scope, a static list with 53) and a third
 *    vCenter retired at the end of June (its last count must not be summed in afterwards);
 *  - two antivirus managers (0.99 and 0.90): the figure is every measurement's mean, not the first
 *    source's;
 *  - a video-conference MCU probe (sip) watched all year, with faults answered in and out of SLA;
 *  - monthly reports: January to October written on the 1st of the next month, November's
 *    written on Nov 28 (before it ended: a draft, not counted), December's today (running).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { Figures } from "../../agent/figures/index.js";
import { buildFormExport, tidy } from "../../agent/form-export/build.js";
import type { IndicatorResult } from "../../agent/kpi/evaluate.js";
import { AvailabilityReport } from "../../agent/kpi/availability-report.js";
import { KpiService } from "../../agent/kpi/kpi-service.js";
import { indicatorsOf, kpiReport } from "../../agent/kpi/kpi-report.js";
import { silentLogger } from "../../agent/log.js";
import { AvailabilityExposition } from "../../agent/metrics-availability.js";
import { buildMonthlyReport } from "../../agent/report/build.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import type { Indicator } from "../../agent/form/types.js";
import { parseConfigText } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { promtoolCheck } from "../helpers/exposition.js";

const HOUR_MS = 3_600_000;
const START = Date.parse("2026-01-01T00:00:00+08:00");
const NOW = new Date("2026-12-04T10:00:00+08:00");
const AGENT_DOWN = [Date.parse("2026-05-10T00:00:00+08:00"), Date.parse("2026-05-13T00:00:00+08:00")];
const RETIRED = Date.parse("2026-07-01T00:00:00+08:00");
const APPS = ["bigplatform", "edu-cloud", "e-card"];

function config(): Config {
  const loaded = parseConfigText(`site: consistency
timezone: Asia/Shanghai
collectors:
  - type: http
    name: platforms
    every: 1h
    targets:
${APPS.map((a) => `      - { name: ${a}, url: "http://127.0.0.1:1/${a}" }`).join("\n")}
      - { name: ops-agent-healthz, url: "http://127.0.0.1:9464/healthz" }
  - type: sip
    name: mcu
    every: 1h
    targets:
      - { name: mcu-1, host: 127.0.0.1, port: 5060, transport: udp }
`);
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  return loaded.config;
}

const target = (key: string, kind: string, name: string) => ({ key, kind, name });
const vmTarget = (id: string, name: string) => ({ key: `vm:${id}`, kind: "vm", name, vmId: id });
const NOV_FIRST = Date.parse("2026-11-01T00:00:00+08:00");

function generate(store: SqliteStore, clock: ManualClock): void {
  const vcA = target("vcenter:vc-a:scope", "inventory", "vc-a");
  const invB = target("inventory:inv-b:scope", "inventory", "inv-b");
  const vcOld = target("vcenter:vc-old:scope", "inventory", "vc-old");
  const avA = target("antivirus:av-a:coverage", "coverage", "av-a");
  const avB = target("antivirus:av-b:coverage", "coverage", "av-b");
  const mcu = target("sip:mcu-1", "mcu", "mcu-1");
  const self = target("http:ops-agent-healthz", "application", "ops-agent-healthz");
  for (let ms = START; ms < NOW.getTime(); ms += HOUR_MS) {
    if (ms >= AGENT_DOWN[0]! && ms < AGENT_DOWN[1]!) continue; // the agent was down: nothing stored
    const at = new Date(ms);
    const hour = (ms - START) / HOUR_MS;
    const day = Math.floor(hour / 24);
    clock.set(at);
    const platforms = APPS.map((name, i) => {
      // Each application down for a few hours now and then, at its own rhythm; a weekly
      // maintenance hour (Sunday 02:00 local) that is down and flagged as maintenance.
      const maintenance = new Date(ms + 8 * HOUR_MS).getUTCDay() === 0 && (hour + 8) % 24 === 2;
      const down = maintenance || (day % (11 + i * 7) === 3 && hour % 24 < 2 + i);
      return {
        target: target(`http:${name}`, "application", name),
        metric: "http_probe_up",
        value: down ? 0 : 1,
        up: !down,
        maintenance,
        time: at,
      };
    });
    platforms.push({
      target: self,
      metric: "http_probe_up",
      value: 1,
      up: true,
      maintenance: false,
      time: at,
    });
    store.writeSamples("platforms", platforms, at);
    store.writeSamples(
      "vc-a",
      [{ target: vcA, metric: "vms_in_scope", value: 200 - (day % 50 === 7 ? 1 : 0), time: at }],
      at,
    );
    store.writeSamples("inv-b", [{ target: invB, metric: "vms_in_scope", value: 53, time: at }], at);
    if (ms < RETIRED)
      store.writeSamples("vc-old", [{ target: vcOld, metric: "vms_in_scope", value: 10, time: at }], at);
    store.writeSamples(
      "av",
      [
        { target: avA, metric: "antivirus_coverage_ratio", value: 0.99, time: at },
        { target: avB, metric: "antivirus_coverage_ratio", value: day % 30 === 5 ? 0.8 : 0.9, time: at },
      ],
      at,
    );
    store.writeSamples("mcu", [{ target: mcu, metric: "sip_options_up", value: 1, up: true, time: at }], at);
    // Three VMs of vc-a, two of them clones with one name: identity is the id, never the name.
    store.writeSamples(
      "vc-a",
      [
        {
          target: vmTarget("vm-101", "edu-dup-web"),
          metric: "vm_power_state",
          labels: { power_state: "POWERED_ON" },
          value: 1,
          time: at,
        },
        {
          target: vmTarget("vm-102", "edu-dup-web"),
          metric: "vm_power_state",
          labels: { power_state: "POWERED_ON" },
          value: 1,
          time: at,
        },
        // vm-103 was switched off on the 1st of November.
        ms < NOV_FIRST
          ? {
              target: vmTarget("vm-103", "edu-db"),
              metric: "vm_power_state",
              labels: { power_state: "POWERED_ON" },
              value: 1,
              time: at,
            }
          : {
              target: vmTarget("vm-103", "edu-db"),
              metric: "vm_power_state",
              labels: { power_state: "POWERED_OFF" },
              value: 0,
              time: at,
            },
      ],
      at,
    );
  }
  // Video-conference faults: each month one answered in 10 minutes, every third month one late.
  for (let month = 1; month <= 11; month++) {
    const start = new Date(`2026-${String(month).padStart(2, "0")}-15T09:00:00+08:00`);
    const within = store.incidents.open(
      {
        source: "ticket",
        sourceKey: `VC-${month}`,
        subject: `VC-${month}`,
        category: "videoconf",
        priority: "P2",
        title: `MCU ${month}`,
        target: "mcu-1",
        startedAt: start,
      },
      "test",
    );
    store.incidents.acknowledge(within.id, "值班", new Date(start.getTime() + 10 * 60_000));
    if (month % 3 === 0) {
      const late = store.incidents.open(
        {
          source: "ticket",
          sourceKey: `VC-L${month}`,
          subject: `VC-L${month}`,
          category: "videoconf",
          priority: "P2",
          title: `终端 ${month}`,
          target: "room-1",
          startedAt: new Date(start.getTime() + HOUR_MS),
        },
        "test",
      );
      store.incidents.acknowledge(late.id, "值班", new Date(start.getTime() + 3 * HOUR_MS));
    }
  }
  const report = (period: string, generatedAt: string) =>
    store.reports.record({
      generatedBy: "test",
      kind: "monthly_report",
      period,
      format: "html",
      path: `/tmp/${period}.html`,
      sha256: "0".repeat(64),
      generatedAt: new Date(generatedAt),
    });
  for (let month = 1; month <= 10; month++) {
    const next = `2026-${String(month + 1).padStart(2, "0")}-01T08:00:00+08:00`;
    report(`2026-${String(month).padStart(2, "0")}`, next);
  }
  report("2026-11", "2026-11-28T08:00:00+08:00");
  report("2026-12", "2026-12-04T09:00:00+08:00");
  clock.set(NOW);
}

let dir: string;
let store: SqliteStore;
let cfg: Config;
let indicators: Indicator[];
const AUTOMATIC = [
  "availability",
  "vm_count",
  "antivirus_coverage",
  "videoconf_fault_response",
  "platform_service_response",
  "monthly_reports",
];

beforeAll(() => {
  const clock = new ManualClock(new Date(START));
  dir = mkdtempSync(join(tmpdir(), "ops-agent-consistency-"));
  store = SqliteStore.open({
    path: join(dir, "year.db"),
    clock,
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
  cfg = config();
  indicators = indicatorsOf(cfg);
  generate(store, clock);
}, 120_000);

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function kpi(period: string): Record<string, IndicatorResult> {
  const report = kpiReport(store, cfg, indicators, period, NOW);
  if ("error" in report) throw new Error(report.error);
  return Object.fromEntries(report.results.map((r) => [r.key, r]));
}

/** `name{labels} value` lines of a text exposition, as label-set → value. */
function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.lastIndexOf("}");
    out.set(line.slice(name.length + 1, close), Number(line.slice(close + 2)));
  }
  return out;
}

describe("one figure, one place", () => {
  it("binds the form's automatic rows this test reads", () => {
    const keys = new Set(indicators.filter((i) => i.binding.source !== "manual").map((i) => i.key));
    for (const key of AUTOMATIC) expect(keys, key).toContain(key);
  });

  it("the KPI, the report model, the form export and /metrics show the same figures", async () => {
    const month = kpi("2026-11");
    const h1 = kpi("2026-H1");
    const year = kpi("2026");

    // The figures themselves, as the rules say.
    expect(month.vm_count!.value).toBe(253); // vc-a + inv-b; vc-old retired in June is not summed in
    expect(h1.vm_count!.value).toBe(263); // at June's end all three still reported
    expect(month.antivirus_coverage!.value).toBeGreaterThan(0.9);
    expect(month.antivirus_coverage!.value).toBeLessThan(0.99); // both managers, not the first one's
    // 10 closed months counted + December still open = 11: November, closed, has only a draft.
    expect(year.monthly_reports).toMatchObject({ value: 10, projected: 11, status: "at_risk" });
    expect(h1.monthly_reports).toMatchObject({ value: 6, status: "met" });
    expect(month.monthly_reports!.value).toBe(0); // November's report was a draft
    expect(year.availability!.evidence!.parts!.map((p) => p.id)).toEqual(APPS); // no self-probe
    expect(year.availability!.coverage!).toBeLessThan(1); // the agent's three days down are unknown
    expect(year.videoconf_fault_response!.value).toBe(false); // 11 within, 3 late: 78.6 % < 95 %

    // The monthly report (November) shows the month's figures of the KPI.
    const report = buildMonthlyReport(store, cfg, indicators, { month: "2026-11", lang: "zh", now: NOW });
    expect(report.availability.overallMonth).toBe(month.availability!.value);
    expect(report.machineRoom.vmCount).toBe(month.vm_count!.value);
    expect(report.machineRoom.antivirusCoverage).toBe(month.antivirus_coverage!.value);
    // Power states by id: the two clones are two running VMs.
    const states = new Figures({ store, config: cfg }).powerStates({
      from: NOV_FIRST / 1000,
      to: Date.parse("2026-12-01T00:00:00+08:00") / 1000,
    });
    expect(states.byState).toEqual({ POWERED_ON: 2, POWERED_OFF: 1, SUSPENDED: 0 });
    expect(report.machineRoom.powerStates).toEqual({ on: 2, off: 1, suspended: 0 });
    expect(report.coverage).toBe(month.availability!.coverage);
    expect(report.availability.applications.map((a) => a.application)).toEqual(APPS);
    const ytdAsOfMonthEnd = kpiReport(store, cfg, indicators, "2026", new Date("2026-12-01T00:00:00+08:00"));
    if ("error" in ytdAsOfMonthEnd) throw new Error(ytdAsOfMonthEnd.error);
    // The report judges the year to date as of the month's end.
    const ytdAvailability = ytdAsOfMonthEnd.results.find((r) => r.key === "availability")!;
    expect(report.availability.overallYearToDate).toBe(ytdAvailability.value);
    for (const period of report.summary) {
      const expected = period.label === "2026" ? ytdAsOfMonthEnd.results : Object.values(kpi(period.label));
      for (const row of period.rows) {
        const same = expected.find((r) => r.key === row.key)!;
        expect(row.status, `${period.label} ${row.key}`).toBe(same.status);
        expect(row.coverage, `${period.label} ${row.key}`).toBe(same.coverage);
        // The same explanation, said once by the read model.
        expect(row.how, `${period.label} ${row.key}`).toBe(same.how.zh);
      }
    }
    const reportEn = buildMonthlyReport(store, cfg, indicators, { month: "2026-11", lang: "en", now: NOW });
    for (const row of reportEn.summary.find((p) => p.label === "2026-11")!.rows)
      expect(row.how, row.key).toBe(month[row.key]!.how.en);

    // The self-evaluation of H1 shows the KPI's H1 figures and evidence (in the form's notation:
    // at most four decimals, tidy()), and the read model's own Chinese explanation.
    const exported = buildFormExport(store, cfg, indicators, { period: "2026-H1", now: NOW });
    for (const key of AUTOMATIC) {
      const evidence = exported.evidence.find((e) => e.key === key);
      const result = h1[key]!;
      expect(evidence?.numerator ?? null, key).toBe(
        result.value === null ? null : tidy(result.evidence?.numerator ?? null),
      );
      expect(evidence?.denominator ?? null, key).toBe(
        result.value === null ? null : tidy(result.evidence?.denominator ?? null),
      );
      expect(evidence?.how, key).toBe(result.how.zh);
    }

    // /metrics: the kpi gauges and the availability families, as the daemon renders them.
    const registry = new Registry();
    const clock = new ManualClock(NOW);
    const service = new KpiService(cfg, store, clock, silentLogger, registry);
    service.refresh();
    const text = await registry.metrics();
    const checked = promtoolCheck(text);
    if (checked) expect(checked).toEqual({ output: "", status: 0 });
    const values = samples(text, "opsagent_kpi_value");
    const met = samples(text, "opsagent_kpi_met");
    for (const key of AUTOMATIC) {
      const r = year[key]!;
      const v = values.get(`indicator="${key}"`);
      if (r.value === null) expect(v, key).toBeUndefined();
      else expect(v, key).toBe(typeof r.value === "boolean" ? Number(r.value) : r.value);
      const h = h1[key]!;
      const m = met.get(`indicator="${key}",period="half_year"`);
      if (h.status === "met") expect(m, key).toBe(1);
      else if (h.status === "no_data") expect(m, key).toBeUndefined();
    }
    // How old the measurement behind a value is: the inventory's last sample, an hour before now.
    const measuredAt = samples(text, "opsagent_kpi_last_measurement_timestamp_seconds");
    const lastHour = Date.parse("2026-12-04T09:00:00+08:00") / 1000;
    expect(year.vm_count!.lastMeasuredAt).toBe(lastHour);
    expect(measuredAt.get(`indicator="vm_count"`)).toBe(lastHour);
    expect(measuredAt.get(`indicator="antivirus_coverage"`)).toBe(lastHour);
    // The applications' newest probe (the agent's own /healthz probe is not one of them).
    expect(year.availability!.lastMeasuredAt).toBe(lastHour);
    expect(h1.availability!.lastMeasuredAt).toBeLessThan(Date.parse("2026-07-01T00:00:00+08:00") / 1000);
    expect(measuredAt.get(`indicator="availability"`)).toBe(lastHour);
    const availability = new AvailabilityReport(store, clock, () => cfg);
    availability.refresh();
    const exposition = new AvailabilityExposition({
      prefix: "opsagent_",
      site: cfg.site,
      snapshot: () => availability.current,
    });
    const body = exposition.text();
    const checkedBody = promtoolCheck(body);
    if (checkedBody) expect(checkedBody).toEqual({ output: "", status: 0 });
    const ratios = samples(body, "opsagent_availability_ratio");
    expect(ratios.get(`application="*",window="year_to_date",site="consistency"`)).toBe(
      year.availability!.value,
    );
    expect([...ratios.keys()].some((k) => k.includes("ops-agent-healthz"))).toBe(false);
  });

  it("a month's report counts once written after the month ended; a complete year is 12 and 达成, never 13", () => {
    const report = (period: string, generatedAt: string) =>
      store.reports.record({
        generatedBy: "test",
        kind: "monthly_report",
        period,
        format: "docx",
        path: `/tmp/${period}.docx`,
        sha256: "1".repeat(64),
        generatedAt: new Date(generatedAt),
      });
    // November written again on December 1 (as the daemon's schedule does): it now counts.
    report("2026-11", "2026-12-01T08:00:00+08:00");
    expect(kpi("2026").monthly_reports).toMatchObject({ value: 11, projected: 12, status: "met" });
    // December written on January 1: the finished year has 12 reports, met.
    report("2026-12", "2027-01-01T08:00:00+08:00");
    const finished = kpiReport(store, cfg, indicators, "2026", new Date("2027-01-02T09:00:00+08:00"));
    if ("error" in finished) throw new Error(finished.error);
    expect(finished.results.find((r) => r.key === "monthly_reports")).toMatchObject({
      value: 12,
      status: "met",
    });
  });
});
