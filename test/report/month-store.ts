/**
 * A store holding October and November 2026 of a centre like the demo's (six education platforms
 * named by their `system:` labels, probed every 10 minutes; a weekly maintenance window; a VM
 * scope of 253 that loses two VMs; two unprotected VMs; a video-conference system; faults with
 * their responses, one late; a manual record and its correction), for the report's tests and for
 * looking at the documents it makes. November: the resource platform has repeated outages, the AI
 * platform misses the 95 % target.
 */
import { join } from "node:path";
import { ManualClock } from "../../agent/clock.js";
import { indicatorsOf } from "../../agent/kpi/kpi-report.js";
import { recordManualValue } from "../../agent/kpi/records.js";
import { SqliteStore, type StoredSample } from "../../agent/store/sqlite.js";
import { parseConfigText } from "../../config/load.js";
import { tempDir } from "../helpers/tmp.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const t = (text: string) => new Date(text).getTime();

export const APPS = [
  { id: "bigplatform", system: "智慧教育大平台" },
  { id: "online-education", system: "线上教育中心" },
  { id: "ecard", system: "E卡通" },
  { id: "videoconf-web", system: "视频会议管理平台" },
  { id: "resources", system: "资源平台" },
  { id: "ai-platform", system: "人工智能平台" },
] as const;

/** Down runs: application, local start, minutes, reason. */
const OUTAGES: readonly { app: string; at: string; minutes: number; reason: string; detail?: string }[] = [
  {
    app: "bigplatform",
    at: "2026-10-09T10:00:00+08:00",
    minutes: 30,
    reason: "status",
    detail: "status 502, expected 200",
  },
  { app: "ai-platform", at: "2026-10-21T14:00:00+08:00", minutes: 120, reason: "timeout" },
  {
    app: "bigplatform",
    at: "2026-11-05T10:00:00+08:00",
    minutes: 40,
    reason: "status",
    detail: "status 502, expected 200",
  },
  { app: "resources", at: "2026-11-03T09:00:00+08:00", minutes: 30, reason: "connect" },
  { app: "resources", at: "2026-11-10T15:00:00+08:00", minutes: 50, reason: "connect" },
  { app: "resources", at: "2026-11-17T11:00:00+08:00", minutes: 30, reason: "connect" },
  { app: "resources", at: "2026-11-24T16:00:00+08:00", minutes: 20, reason: "connect" },
  { app: "ai-platform", at: "2026-11-12T08:00:00+08:00", minutes: 26 * 60, reason: "timeout" },
  { app: "ai-platform", at: "2026-11-20T20:00:00+08:00", minutes: 14 * 60, reason: "timeout" },
  { app: "ecard", at: "2026-11-26T13:00:00+08:00", minutes: 20, reason: "tls" },
];

function downAt(app: string, ms: number): (typeof OUTAGES)[number] | undefined {
  return OUTAGES.find((o) => o.app === app && ms >= t(o.at) && ms < t(o.at) + o.minutes * MIN);
}

/** Saturdays 02:00–04:00 local (the config's recurring window). */
function inMaintenance(ms: number): boolean {
  const local = new Date(ms + 8 * HOUR);
  return local.getUTCDay() === 6 && local.getUTCHours() >= 2 && local.getUTCHours() < 4;
}

export interface MonthStore {
  store: SqliteStore;
  config: ReturnType<typeof configOf>;
  indicators: ReturnType<typeof indicatorsOf>;
  clock: ManualClock;
  dir: string;
}

function configOf(dir: string) {
  const targets = APPS.map(
    (a) => `      - { name: ${a.id}, url: "http://127.0.0.1:1/${a.id}", labels: { system: ${a.system} } }`,
  ).join("\n");
  const loaded = parseConfigText(`data_dir: ${dir}
site: default
collectors:
  - type: http
    name: platforms
    every: 10m
    targets:
${targets}
maintenance:
  - { name: 每周例行维护, cron: "0 2 * * 6", duration: 2h }
`);
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  return loaded.config;
}

/** October and November 2026 in a new store; the clock stands at `now` (default 2026-12-01 08:00 local). */
export function monthStore(now = "2026-12-01T08:00:00+08:00", dir = tempDir()): MonthStore {
  const config = configOf(dir);
  const clock = new ManualClock("2026-10-01T00:00:00+08:00");
  const store = SqliteStore.open({
    path: join(dir, "m.db"),
    clock,
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
  const scope = { key: "vcenter:scope", kind: "inventory", name: "maintained-systems" };
  const videoconf = { key: "videoconf:city", kind: "videoconf_system", name: "市级视频会议系统" };
  const unprotected = [
    { key: "vm:vm-201", kind: "vm", name: "zy-web-03", labels: { system: "资源平台" } },
    { key: "vm:vm-207", kind: "vm", name: "ai-gpu-02", labels: { system: "人工智能平台" } },
  ];
  const start = t("2026-10-01T00:00:00+08:00");
  const end = Math.min(t("2026-12-01T00:00:00+08:00"), t(now));
  for (let day = start; day < end; day += 24 * HOUR) {
    const batch: StoredSample[] = [];
    for (let ms = day; ms < Math.min(day + 24 * HOUR, end); ms += 10 * MIN) {
      for (const a of APPS) {
        const down = downAt(a.id, ms);
        batch.push({
          target: { key: `http:${a.id}`, kind: "application", name: a.id, labels: { system: a.system } },
          metric: "http_probe_up",
          value: down === undefined ? 1 : 0,
          up: down === undefined,
          ...(down === undefined
            ? {}
            : { reason: down.reason, ...(down.detail === undefined ? {} : { detail: down.detail }) }),
          maintenance: inMaintenance(ms),
          time: new Date(ms),
        });
      }
      for (const state of ["healthy", "degraded", "down"] as const) {
        const current =
          ms >= t("2026-11-18T09:00:00+08:00") && ms < t("2026-11-18T11:00:00+08:00")
            ? "degraded"
            : "healthy";
        batch.push({
          target: videoconf,
          metric: "videoconf_system_state",
          labels: { state },
          value: state === current ? 1 : 0,
          time: new Date(ms),
        });
      }
      batch.push({
        target: videoconf,
        metric: "videoconf_endpoints_online_ratio",
        value: 0.93,
        time: new Date(ms),
      });
    }
    const november = day >= t("2026-11-01T00:00:00+08:00");
    batch.push({
      target: scope,
      metric: "vms_in_scope",
      value: day >= t("2026-11-16T00:00:00+08:00") ? 251 : 253,
      time: new Date(day),
    });
    batch.push({
      target: scope,
      metric: "antivirus_coverage_ratio",
      value: november ? 0.968 : 0.975,
      time: new Date(day),
    });
    for (const vm of unprotected)
      batch.push({
        target: vm,
        metric: "antivirus_protected",
        value: 0,
        up: false,
        reason: vm.key === "vm:vm-201" ? "anti_malware_off" : "stale_contact",
        time: new Date(day),
      });
    clock.set(day);
    store.writeSamples("gen", batch, new Date(day));
  }
  const fault = (
    title: string,
    at: string,
    ackMin: number | null,
    category: "platform" | "videoconf",
    priority: "P1" | "P2" | "P3",
  ) => {
    const incident = store.incidents.open(
      {
        source: "probe",
        sourceKey: `${title}@${at}`,
        subject: title,
        category,
        priority,
        title,
        target: title,
        startedAt: new Date(at),
      },
      "agent",
    );
    if (ackMin !== null) store.incidents.acknowledge(incident.id, "张工", new Date(t(at) + ackMin * MIN));
    store.incidents.resolve(incident.id, "张工", new Date(t(at) + 3 * HOUR));
  };
  fault("智慧教育大平台：状态码 502", "2026-10-09T10:00:00+08:00", 8, "platform", "P2");
  fault("人工智能平台：响应超时", "2026-10-21T14:00:00+08:00", 20, "platform", "P2");
  if (t(now) > t("2026-11-25T00:00:00+08:00")) {
    fault("智慧教育大平台：状态码 502", "2026-11-05T10:00:00+08:00", 6, "platform", "P2");
    fault("资源平台：连接失败", "2026-11-03T09:00:00+08:00", 12, "platform", "P2");
    fault("资源平台：连接失败", "2026-11-10T15:00:00+08:00", 45, "platform", "P2");
    fault("人工智能平台：响应超时", "2026-11-12T08:00:00+08:00", 25, "platform", "P2");
    fault("资源平台：连接失败", "2026-11-17T11:00:00+08:00", 9, "platform", "P2");
    fault("市级视频会议系统：MCU 降级", "2026-11-18T09:00:00+08:00", 11, "videoconf", "P1");
    fault("人工智能平台：响应超时", "2026-11-20T20:00:00+08:00", 70, "platform", "P3");
    fault("资源平台：连接失败", "2026-11-24T16:00:00+08:00", 4, "platform", "P2");
  }
  clock.set(now);
  const indicators = indicatorsOf(config);
  const record = (value: string, date: string, note: string, corrects?: number): number => {
    const r = recordManualValue(store, config, indicators, new Date(now), {
      key: "ecard_equipment_overhauls",
      value,
      date,
      note,
      by: "王老师",
      ...(corrects === undefined ? {} : { corrects }),
    });
    if (!r.ok) throw new Error(r.error);
    return r.record.id;
  };
  const first = record("2", "2026-11-12", "机房UPS与空调检修");
  record("1", "2026-11-12", "更正：只检修了UPS", first);
  return { store, config, indicators, clock, dir };
}
