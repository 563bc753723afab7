/**
 * Chinese first, said once: every figure of the read model explains itself (`how.zh`) in Chinese
 * a person at the centre reads — for a generated period with data and for an empty store — with
 * no English word outside the identifiers a reader types or sees on the equipment (config keys,
 * units, VM, SIP, MCU, HTTP, P1–P4) and names from the config (quoted “…”), and no raw float.
 * The same holds for the KPI's clauses (projection, counts per half-year) and the rules (口径).
 */
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { Figures } from "../../agent/figures/index.js";
import { ruleOf } from "../../agent/figures/rules.js";
import type { Bilingual } from "../../agent/figures/words.js";
import { CATEGORIES } from "../../agent/incidents/types.js";
import { kpiReport } from "../../agent/kpi/kpi-report.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { monthStore } from "../report/month-store.js";
import { tempDir } from "../helpers/tmp.js";

const ALLOWED = new Set([
  "availability.unknown_as_down",
  "availability.weights",
  "incidents.sla",
  "VM",
  "ID",
  "SIP",
  "OPTIONS",
  "MCU",
  "HTTP",
  "ping",
  "P1",
  "P2",
  "P3",
  "P4",
]);

/** The English words of a Chinese text, names quoted “…” left out. */
function englishWords(zh: string): string[] {
  const unquoted = zh.replace(/“[^”]*”/g, "");
  return (unquoted.match(/[A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9_]|[A-Za-z]/g) ?? []).filter(
    (w) => !ALLOWED.has(w),
  );
}

function expectChinese(what: string, how: Bilingual): void {
  expect(how.zh, what).toMatch(/[\u4e00-\u9fff]/);
  expect(englishWords(how.zh), `${what}: ${how.zh}`).toEqual([]);
  expect(how.zh, what).not.toMatch(/\d\.\d{5,}/);
  expect(how.en, what).not.toBe("");
  expect(how.en, what).not.toMatch(/\d\.\d{5,}/);
}

const NOVEMBER = {
  from: Date.parse("2026-11-01T00:00:00+08:00") / 1000,
  to: Date.parse("2026-12-01T00:00:00+08:00") / 1000,
};
const NOW = new Date("2026-12-01T08:00:00+08:00");

function everyFigure(figures: Figures, label: string): [string, Bilingual][] {
  return [
    ["availability", figures.availability(NOVEMBER).how],
    ["vmsInScope", figures.vmsInScope(NOVEMBER).how],
    ["vmsExpected", figures.vmsExpected(NOVEMBER).how],
    ["powerStates", figures.powerStates(NOVEMBER).how],
    ["antivirusCoverage", figures.antivirusCoverage(NOVEMBER).how],
    ...CATEGORIES.map((c): [string, Bilingual] => [
      `faultTimeliness ${c}`,
      figures.faultTimeliness(c, NOVEMBER, NOW).how,
    ]),
    ["monthlyReports", figures.monthlyReports("2026-01", "2026-12", NOW).how],
  ].map(([what, how]) => [`${label} ${what}`, how] as [string, Bilingual]);
}

/** monthStore's October and November, with what it leaves out, and an empty store beside it. */
function setup() {
  const month = monthStore();
  // What monthStore leaves out: power states, the antivirus VM counts, the expected VMs, reports.
  const at = new Date("2026-11-30T23:00:00+08:00");
  month.clock.set(at);
  month.store.writeSamples(
    "vcenter",
    [
      {
        target: { key: "vcenter:scope", kind: "inventory", name: "maintained-systems" },
        metric: "vms_expected",
        value: 255,
        time: at,
      },
      ...["vm-1", "vm-2", "vm-3"].map((id, i) => ({
        target: { key: `vm:${id}`, kind: "vm", name: "edu-web", vmId: id },
        metric: "vm_power_state",
        labels: { power_state: i === 2 ? "POWERED_OFF" : "POWERED_ON" },
        value: 1,
        time: at,
      })),
    ],
    at,
  );
  month.store.writeSamples(
    "antivirus",
    [
      {
        target: { key: "antivirus:av:coverage", kind: "coverage", name: "av" },
        metric: "antivirus_running_vms",
        value: 240,
        time: at,
      },
      {
        target: { key: "antivirus:av:coverage", kind: "coverage", name: "av" },
        metric: "antivirus_protected_vms",
        value: 233,
        time: at,
      },
    ],
    at,
  );
  for (const [period, generatedAt] of [
    ["2026-10", "2026-11-01T08:00:00+08:00"],
    ["2026-11", "2026-11-28T08:00:00+08:00"],
  ] as const)
    month.store.reports.record({
      generatedBy: "test",
      kind: "monthly_report",
      period,
      format: "docx",
      path: `/tmp/${period}.docx`,
      sha256: "1".repeat(64),
      generatedAt: new Date(generatedAt),
    });
  month.clock.set(NOW);

  const emptyDir = tempDir();
  const empty = SqliteStore.open({
    path: join(emptyDir, "empty.db"),
    clock: new ManualClock(NOW),
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
  onTestFinished(() => {
    month.store.close();
    empty.close();
  });
  return { month, empty };
}

describe("the read model speaks Chinese first", () => {
  it("every figure's how.zh, with data and with none", () => {
    const { month, empty } = setup();
    const withData = everyFigure(new Figures({ store: month.store, config: month.config }), "data");
    const none = everyFigure(new Figures({ store: empty, config: month.config }), "empty");
    for (const [what, how] of [...withData, ...none]) expectChinese(what, how);
    // The numbers as the documents write them.
    const antivirus = withData.find(([w]) => w === "data antivirusCoverage")![1];
    expect(antivirus.zh).toContain("期末运行中虚拟机 240 台，其中受防护 233 台");
    expect(antivirus.zh).toMatch(/平均值为 \d+\.\d{2}%/);
    const reports = withData.find(([w]) => w === "data monthlyReports")![1];
    expect(reports.zh).toContain("2026-11（月末前生成，为草稿）");
    expect(none.find(([w]) => w === "empty availability")![1].zh).toMatch(/^无数据：/);
  });

  it("the KPI's clauses and the rules (口径) too", () => {
    const { month } = setup();
    for (const period of ["2026-11", "2026-10", "2026"]) {
      const report = kpiReport(month.store, month.config, month.indicators, period, NOW);
      if ("error" in report) throw new Error(report.error);
      for (const r of report.results.filter((x) => x.automatic)) {
        expectChinese(`${period} ${r.key}`, r.how);
        expect(ruleOf(month.indicators.find((i) => i.key === r.key)!.binding, month.config, "zh")).not.toBe(
          "",
        );
      }
      if (period === "2026")
        expect(report.results.find((r) => r.key === "monthly_reports")!.how.zh).toMatch(/推算至12月31日。$/);
      if (period === "2026-11")
        expect(report.results.find((r) => r.key === "monthly_reports")!.how.zh).toContain("月度不作评价");
    }
    for (const i of month.indicators.filter((x) => x.binding.source !== "manual"))
      expectChinese(`rule ${i.key}`, {
        zh: ruleOf(i.binding, month.config, "zh"),
        en: ruleOf(i.binding, month.config, "en"),
      });
  });
});
