/**
 * A generated first half of 2026 in a real store, with known troubles: two applications probed
 * hourly (portal down 3 h on March 5 and 2 h on May 20, ecard down from February 1 to April 1),
 * the VM inventory growing to 255 on June 15 (one VM with a formula for a name), antivirus
 * coverage at 93% with two unprotected VMs, five videoconf faults of which two are late, one
 * timely platform fault, monthly reports for January to May, and manual records whose notes
 * try formula injection. The figures the tests expect are computed by hand in the test files.
 */
import { join } from "node:path";
import { ManualClock } from "../../agent/clock.js";
import type { Indicator } from "../../agent/form/types.js";
import { indicatorsOf } from "../../agent/kpi/kpi-report.js";
import { recordManualValue } from "../../agent/kpi/records.js";
import { SqliteStore, type StoredSample } from "../../agent/store/sqlite.js";
import { parseConfigText } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { TARGETS_2026_PATH } from "../form/form-file.js";

export const HOUR = 3_600_000;
export const t = (text: string) => new Date(text).getTime();
/** 9:00 on July 1: after the monthly report of June would have been written. */
export const NOW = new Date("2026-07-01T09:00:00+08:00");

export const HOSTILE_NOTE = '=HYPERLINK("http://evil.example/","详情")';
export const HOSTILE_VM = "=cmd|' /C calc'!A0";
export const HOSTILE_TITLE = "+MCU-2 unreachable";

export function configText(dir: string, extra = ""): string {
  return `data_dir: ${dir}
targets_file: ${TARGETS_2026_PATH}
collectors:
  - type: http
    name: web
    every: 1h
    targets:
      - { name: portal, url: "http://127.0.0.1:1/" }
      - { name: ecard, url: "http://127.0.0.1:1/ecard" }
${extra}`;
}

export function loadConfig(dir: string): Config {
  const loaded = parseConfigText(configText(dir));
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  return loaded.config;
}

export interface Fixture {
  store: SqliteStore;
  config: Config;
  indicators: Indicator[];
  dir: string;
  /** Record ids by name, incident ids by name. */
  records: Record<string, number>;
  incidents: Record<string, number>;
}

export function emptyStore(dir: string, path = join(dir, "x.db")): Fixture {
  const config = loadConfig(dir);
  const store = SqliteStore.open({
    path,
    clock: new ManualClock(NOW),
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
  return { store, config, indicators: indicatorsOf(config), dir, records: {}, incidents: {} };
}

export function halfYear(dir: string, path = join(dir, "h1.db")): Fixture {
  const config = loadConfig(dir);
  const clock = new ManualClock("2026-01-01T00:00:00+08:00");
  const store = SqliteStore.open({ path, clock, timeZone: "Asia/Shanghai", role: "agent" });
  const portal = { key: "http:portal", kind: "application", name: "portal" };
  const ecard = { key: "http:ecard", kind: "application", name: "ecard" };
  const scope = { key: "vcenter:scope", kind: "inventory", name: "maintained-systems" };
  const vm = (name: string) => ({ key: `vm:${name}`, kind: "vm", name });
  const down = (app: "portal" | "ecard", ms: number) =>
    app === "portal"
      ? (ms >= t("2026-03-05T10:00:00+08:00") && ms < t("2026-03-05T13:00:00+08:00")) ||
        (ms >= t("2026-05-20T14:00:00+08:00") && ms < t("2026-05-20T16:00:00+08:00"))
      : ms >= t("2026-02-01T00:00:00+08:00") && ms < t("2026-04-01T00:00:00+08:00");
  const start = t("2026-01-01T00:00:00+08:00");
  const end = t("2026-07-01T00:00:00+08:00");
  for (let day = start; day < end; day += 24 * HOUR) {
    const batch: StoredSample[] = [];
    for (let ms = day; ms < day + 24 * HOUR; ms += HOUR) {
      for (const [target, app] of [
        [portal, "portal"],
        [ecard, "ecard"],
      ] as const) {
        const isDown = down(app, ms);
        batch.push({
          target,
          metric: "http_probe_up",
          value: isDown ? 0 : 1,
          up: !isDown,
          ...(isDown ? { reason: app === "portal" ? "status" : "timeout" } : {}),
          time: new Date(ms),
        });
      }
    }
    batch.push({
      target: scope,
      metric: "vms_in_scope",
      value: day < t("2026-06-15T00:00:00+08:00") ? 253 : 255,
      time: new Date(day),
    });
    batch.push({ target: scope, metric: "antivirus_coverage_ratio", value: 0.93, time: new Date(day) });
    for (const [name, protectedNow] of [
      ["vm-web-07", false],
      ["@evil-vm", false],
      ["vm-ok", true],
      ["vm-fixed", day >= t("2026-06-01T00:00:00+08:00")],
    ] as const) {
      batch.push({
        target: vm(name),
        metric: "antivirus_protected",
        value: protectedNow ? 1 : 0,
        up: protectedNow,
        ...(protectedNow ? {} : { reason: "no_agent" }),
        time: new Date(day),
      });
    }
    clock.set(day);
    store.writeSamples("gen", batch, new Date(day));
  }
  clock.set("2026-06-15T00:00:00+08:00");
  store.recordInventory(
    "vcenter",
    [{ key: "vm:vm-1", name: "jyj-web-01", powerState: "POWERED_ON" }],
    clock.now(),
  );
  clock.set("2026-06-15T01:00:00+08:00");
  store.recordInventory(
    "vcenter",
    [
      { key: "vm:vm-1", name: "jyj-web-01", powerState: "POWERED_ON" },
      { key: "vm:vm-2", name: "jyj-db-02", powerState: "POWERED_ON" },
      { key: "vm:vm-3", name: HOSTILE_VM, powerState: "POWERED_ON" },
    ],
    clock.now(),
  );

  const incidents: Record<string, number> = {};
  const fault = (
    name: string,
    category: "videoconf" | "platform",
    at: string,
    response: { ackMin?: number; resolveMin?: number },
    title = name,
  ) => {
    const incident = store.incidents.open(
      {
        source: "probe",
        sourceKey: name,
        subject: name,
        category,
        priority: "P2",
        title,
        target: "mcu-1",
        startedAt: new Date(at),
      },
      "agent",
    );
    if (response.ackMin !== undefined)
      store.incidents.acknowledge(incident.id, "张工", new Date(t(at) + response.ackMin * 60_000));
    if (response.resolveMin !== undefined)
      store.incidents.resolve(incident.id, "张工", new Date(t(at) + response.resolveMin * 60_000));
    incidents[name] = incident.id;
  };
  // P2: answered within 30 minutes is within SLA.
  fault("before", "videoconf", "2025-12-31T09:00:00+08:00", { ackMin: 90, resolveMin: 120 });
  fault("v1", "videoconf", "2026-01-10T09:00:00+08:00", { ackMin: 10, resolveMin: 60 });
  fault("v2", "videoconf", "2026-02-10T09:00:00+08:00", { ackMin: 50, resolveMin: 120 }, "MCU-1 down");
  fault("v3", "videoconf", "2026-03-10T09:00:00+08:00", { ackMin: 5, resolveMin: 30 });
  fault("v4", "videoconf", "2026-04-10T09:00:00+08:00", {}, HOSTILE_TITLE);
  fault("v5", "videoconf", "2026-05-10T09:00:00+08:00", { resolveMin: 20 });
  fault("p1", "platform", "2026-06-01T09:00:00+08:00", { ackMin: 10, resolveMin: 40 });
  fault("after", "videoconf", "2026-07-01T08:00:00+08:00", {});

  // Written on the 1st of the next month at 08:00, as the daemon's schedule does: only a report
  // generated after its month ended counts toward the form's row.
  const firstOfNextMonth = (month: string) => {
    const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
    return new Date(`${next}-01T08:00:00+08:00`);
  };
  const report = (month: string, format: string) =>
    store.reports.record({
      generatedBy: "test",
      kind: "monthly_report",
      period: month,
      format,
      path: join(dir, "reports", `${month}-大平台月度运营报告.${format}`),
      sha256: `${month}${format}`.padEnd(64, "0"),
      generatedAt: firstOfNextMonth(month),
    });
  report("2025-12", "html");
  for (const month of ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]) report(month, "html");
  report("2026-01", "docx");

  clock.set(NOW);
  const indicators = indicatorsOf(config);
  const records: Record<string, number> = {};
  const record = (
    name: string,
    key: string,
    value: string,
    date: string,
    note?: string,
    corrects?: number,
  ) => {
    const r = recordManualValue(store, config, indicators, NOW, {
      key,
      value,
      date,
      by: "王老师",
      ...(note === undefined ? {} : { note }),
      ...(corrects === undefined ? {} : { corrects }),
    });
    if (!r.ok) throw new Error(r.error);
    records[name] = r.record.id;
  };
  record("budget", "budget_execution_rate", "38%", "2026-06-30", HOSTILE_NOTE);
  record("themed1", "online_themed_activities", "2", "2026-03-01", "上半年第一次");
  record("themed2", "online_themed_activities", "2", "2026-06-01", "+第二次");
  record("overhaul", "ecard_equipment_overhauls", "1", "2026-05-01", "@SUM(A1:A9)");
  record("staff", "videoconf_staff", "7", "2026-02-01", "-1 人借调");
  record("service", "online_customer_service", "完成", "2026-06-20", "\t制表符开头");
  record("ecard", "ecard_urban_coverage", "85%", "2026-06-20");
  record("school", "platform_school_coverage", "90%", "2026-04-01", "初报");
  record("schoolFix", "platform_school_coverage", "96%", "2026-04-01", "更正：统计口径", records.school);
  record("newsJuly", "news_posts", "200", "2026-07-01", "七月");
  return { store, config, indicators, dir, records, incidents };
}
