/**
 * The monthly report built from a real store holding a generated October 2026: availability with
 * an outage, the VM inventory and a change, an unprotected VM with a hostile name, incidents, a
 * manual record, a maintenance window. Figures are checked against hand computations; the files
 * are written twice and counted once; the hostile name is escaped in HTML and Markdown.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { indicatorsOf } from "../../agent/kpi/kpi-report.js";
import { recordManualValue } from "../../agent/kpi/records.js";
import { buildMonthlyReport } from "../../agent/report/build.js";
import { ReportSchedule } from "../../agent/report/schedule.js";
import { REPORT_KIND, writeMonthlyReport } from "../../agent/report/write.js";
import { silentLogger } from "../../agent/log.js";
import { SqliteStore, type StoredSample } from "../../agent/store/sqlite.js";
import { parseConfigText } from "../../config/load.js";
import { tempDir } from "../helpers/tmp.js";

const HOUR = 3_600_000;
const t = (text: string) => new Date(text).getTime();
const HOSTILE = '<script>alert("x")</script>|*vm*';

function setup() {
  const dir = tempDir();
  const loaded = parseConfigText(`data_dir: ${dir}
collectors:
  - type: http
    name: web
    every: 1h
    targets:
      - { name: portal, url: "http://127.0.0.1:1/" }
      - { name: ecard, url: "http://127.0.0.1:1/ecard" }
maintenance:
  - { name: patching, start: "2026-10-10T02:00:00+08:00", end: "2026-10-10T04:00:00+08:00" }
`);
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  const config = loaded.config;
  const clock = new ManualClock("2026-10-01T00:00:00+08:00");
  const store = SqliteStore.open({
    path: join(dir, "r.db"),
    clock,
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
  const portal = { key: "http:portal", kind: "application", name: "portal" };
  const ecard = { key: "http:ecard", kind: "application", name: "ecard" };
  const scope = { key: "vcenter:scope", kind: "inventory", name: "maintained-systems" };
  const hostileVm = { key: "vm:vm-9", kind: "vm", name: HOSTILE, labels: { system: "jwxt" } };
  // A clone with the same name (another VM), and a VM protected again before the month ended.
  const cloneVm = { key: "vm:vm-10", kind: "vm", name: HOSTILE, labels: { system: "jwxt" } };
  const fixedVm = { key: "vm:vm-11", kind: "vm", name: "oa-web-01", labels: { system: "oa" } };
  const start = t("2026-10-01T00:00:00+08:00");
  const end = t("2026-11-01T00:00:00+08:00");
  const outageFrom = t("2026-10-05T10:00:00+08:00");
  const outageTo = outageFrom + 3 * HOUR;
  for (let day = start; day < end; day += 24 * HOUR) {
    const batch: StoredSample[] = [];
    for (let ms = day; ms < day + 24 * HOUR; ms += HOUR) {
      const down = ms >= outageFrom && ms < outageTo;
      const maintenance = ms >= t("2026-10-10T02:00:00+08:00") && ms < t("2026-10-10T04:00:00+08:00");
      batch.push({
        target: portal,
        metric: "http_probe_up",
        value: down ? 0 : 1,
        up: !down,
        ...(down ? { reason: "status", detail: "status 502, expected 200" } : {}),
        maintenance,
        time: new Date(ms),
      });
      batch.push({
        target: ecard,
        metric: "http_probe_up",
        value: 1,
        up: true,
        maintenance,
        time: new Date(ms),
      });
    }
    batch.push({
      target: scope,
      metric: "vms_in_scope",
      value: day < t("2026-10-20T00:00:00+08:00") ? 253 : 254,
      time: new Date(day),
    });
    batch.push({ target: scope, metric: "antivirus_coverage_ratio", value: 0.98, time: new Date(day) });
    // The reason stored with the month's last sample is the one the report gives.
    const late = day >= t("2026-10-25T00:00:00+08:00");
    batch.push({
      target: hostileVm,
      metric: "antivirus_protected",
      value: 0,
      up: false,
      reason: late ? "anti_malware_off" : "stale_contact",
      time: new Date(day),
    });
    batch.push({
      target: cloneVm,
      metric: "antivirus_protected",
      value: 0,
      up: false,
      reason: "ambiguous_name",
      time: new Date(day),
    });
    batch.push({
      target: fixedVm,
      metric: "antivirus_protected",
      value: late ? 1 : 0,
      up: late,
      ...(late ? {} : { reason: "appliance_inactive" }),
      time: new Date(day),
    });
    clock.set(day);
    store.writeSamples("gen", batch, new Date(day));
  }
  clock.set("2026-10-20T00:00:00+08:00");
  store.recordInventory(
    "vcenter",
    [{ key: "vm:vm-1", name: "jyj-web-01", powerState: "POWERED_ON" }],
    clock.now(),
  );
  clock.set("2026-10-20T01:00:00+08:00");
  store.recordInventory(
    "vcenter",
    [
      { key: "vm:vm-1", name: "jyj-web-01", powerState: "POWERED_ON" },
      { key: "vm:vm-2", name: "jyj-db-02", powerState: "POWERED_ON" },
    ],
    clock.now(),
  );
  // Two incidents: answered in 10 min (P2 platform, within 30 min) and 50 min (late).
  const open = (title: string, at: string, ackMin: number) => {
    const incident = store.incidents.open(
      {
        source: "probe",
        sourceKey: title,
        subject: title,
        category: "platform",
        priority: "P2",
        title,
        target: "portal",
        startedAt: new Date(at),
      },
      "agent",
    );
    store.incidents.acknowledge(incident.id, "张工", new Date(t(at) + ackMin * 60_000));
    store.incidents.resolve(incident.id, "张工", new Date(t(at) + 2 * HOUR));
  };
  open("portal: status 502", "2026-10-05T10:00:00+08:00", 10);
  open("portal: timeout", "2026-10-15T09:00:00+08:00", 50);
  const now = new Date("2026-11-01T08:00:00+08:00");
  clock.set(now);
  const indicators = indicatorsOf(config);
  const recorded = recordManualValue(store, config, indicators, now, {
    key: "ecard_equipment_overhauls",
    value: "1",
    date: "2026-10-12",
    note: "机房UPS检修\n[link](javascript:alert(1))",
    by: "王老师",
  });
  if (!recorded.ok) throw new Error(recorded.error);
  return { store, config, indicators, now, dir };
}

describe("the monthly report from the store", () => {
  it("gathers the month's figures, checked by hand", () => {
    const { store, config, indicators, now } = setup();
    const report = buildMonthlyReport(store, config, indicators, { month: "2026-10", lang: "zh", now });
    // October = 744 hours; portal: 3 down, 2 in maintenance → 739 ÷ 742; ecard 742 ÷ 742.
    const portal = report.availability.applications.find((a) => a.application === "portal");
    expect(portal?.month).toBeCloseTo(739 / 742, 12);
    expect(report.availability.overallMonth).toBeCloseTo((739 / 742 + 1) / 2, 12);
    expect(report.availability.outages).toEqual([
      expect.objectContaining({
        application: "portal",
        durationMinutes: 180,
        reason: "status",
        start: new Date("2026-10-05T10:00:00+08:00"),
      }),
    ]);
    expect(portal?.daily).toHaveLength(31);
    expect(portal?.daily[4]?.value).toBeCloseTo(21 / 24, 12);
    expect(report.machineRoom.vmCount).toBe(254);
    expect(report.machineRoom.antivirusCoverage).toBeCloseTo(0.98, 12);
    expect(report.machineRoom.unprotected).toEqual([
      { name: HOSTILE, id: "vm-9", system: "jwxt", reason: "anti_malware_off" },
      { name: HOSTILE, id: "vm-10", system: "jwxt", reason: "ambiguous_name" },
    ]);
    expect(report.machineRoom.changes).toEqual([expect.objectContaining({ kind: "added", vm: "jyj-db-02" })]);
    expect(report.faults.total).toBe(2);
    expect(report.faults.byCategory).toEqual([
      expect.objectContaining({
        category: "platform",
        count: 2,
        within: 1,
        late: 1,
        share: 0.5,
        timely: false,
      }),
      expect.objectContaining({ category: "all", count: 2, within: 1, late: 1 }),
    ]);
    // Buckets at the SLA bounds: 10 min is within P1's 15 min, 50 min within P3's 2 h.
    expect(report.faults.responseDistribution.find((b) => b.maxMinutes === 15)?.count).toBe(1);
    expect(report.faults.responseDistribution.find((b) => b.maxMinutes === 120)?.count).toBe(1);
    expect(report.maintenance).toEqual([expect.objectContaining({ name: "patching", source: "config" })]);
    expect(report.records).toEqual([
      expect.objectContaining({ indicator: "ecard_equipment_overhauls", value: "1", by: "王老师" }),
    ]);
    const summaryMonth = report.summary.find((s) => s.label === "2026-10");
    expect(summaryMonth?.rows.find((r) => r.key === "vm_count")).toMatchObject({
      value: "254个",
      status: "not_met",
    });
    expect(summaryMonth?.rows.find((r) => r.key === "platform_service_response")).toMatchObject({
      value: "不及时",
      status: "not_met",
    });
    expect(report.rules.map((r) => r.title)).toEqual([
      "教育应用运行可用率",
      "故障响应及时性",
      "视频会议系统健康",
      "指标评价",
      "月度运营报告计数",
    ]);
    store.close();
  });

  it("writes every format, counts a regenerated month once, escapes outside strings", async () => {
    const { store, config, indicators, now, dir } = setup();
    const out = join(dir, "reports");
    const first = await writeMonthlyReport(store, config, indicators, {
      by: "test",
      month: "2026-10",
      formats: ["html", "md", "docx"],
      outDir: out,
      now,
    });
    expect(first.map((f) => f.path.split("/").pop())).toEqual([
      "2026-10-大平台月度运营报告.html",
      "2026-10-大平台月度运营报告.md",
      "2026-10-大平台月度运营报告.docx",
    ]);
    await writeMonthlyReport(store, config, indicators, {
      by: "test",
      month: "2026-10",
      formats: ["html", "md", "docx"],
      outDir: out,
      now,
    });
    expect(store.reports.periods(REPORT_KIND, "2026-01", "2026-12")).toEqual(["2026-10"]);
    expect(store.reports.list(REPORT_KIND, "2026")).toHaveLength(3);
    const html = readFileSync(first[0]!.path, "utf8");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    const md = readFileSync(first[1]!.path, "utf8");
    expect(md).not.toContain("<script>");
    expect(md).not.toContain("](javascript:");
    // 未受保护的运行虚拟机: the system and the reason in Chinese; the clones told apart by their id
    // (Markdown-escaped parentheses).
    const rows = md.split("\n").filter((l) => l.includes("jwxt"));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/\\\(vm-9\\\) \| jwxt \| 防病毒模块关闭 \|$/);
    expect(rows[1]).toMatch(/\\\(vm-10\\\) \| jwxt \| 名称不唯一，无法与管理器匹配 \|$/);
    expect(readFileSync(first[2]!.path).subarray(0, 2).toString()).toBe("PK");
    store.close();
  });

  it("the daemon's schedule writes the month just ended", async () => {
    const { store, config, now, dir } = setup();
    const clock = new ManualClock(now);
    const schedule = new ReportSchedule(store, clock, silentLogger);
    await schedule.runOnce({
      ...config,
      report: { ...config.report, formats: ["md"], out_dir: join(dir, "auto") },
    });
    expect(store.reports.list(REPORT_KIND, "2026-10").map((r) => r.path)).toEqual([
      join(dir, "auto", "2026-10-大平台月度运营报告.md"),
    ]);
    await schedule.stop();
    store.close();
  });
});
