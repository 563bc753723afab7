/**
 * One figure, one place — the console's read-only pages against the monthly report: 平台's
 * outages, 机房's counts, power states and unprotected VMs, and 视频会议's health shares are the
 * numbers the report's model holds for the same month (both read agent/figures/), and every cause,
 * reason and state the pages print in Chinese is the report's own word for it (report/labels.ts),
 * with the raw English code only on ?lang=en.
 *
 * The month: December 2026 (Asia/Shanghai) to Dec 4 10:00, samples every 10 minutes written
 * through the store; the latest readings are what the running collectors would hold now.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import type { PageContext } from "../../agent/console/context.js";
import type { ConsoleDeps } from "../../agent/console/deps.js";
import { messages, type Lang } from "../../agent/console/i18n.js";
import { overviewPage } from "../../agent/console/pages/overview.js";
import {
  maintenanceAddSubmit,
  maintenanceRemoveSubmit,
  platformPage,
} from "../../agent/console/pages/platform.js";
import { roomPage } from "../../agent/console/pages/room.js";
import { videoconfPage } from "../../agent/console/pages/videoconf.js";
import type { Reply } from "../../agent/console/reply.js";
import { consoleTime } from "../../agent/console/time.js";
import { indicatorsOf } from "../../agent/kpi/kpi-report.js";
import { silentLogger } from "../../agent/log.js";
import { buildMonthlyReport } from "../../agent/report/build.js";
import { formatMinutes, formatRatio } from "../../agent/report/format.js";
import { labels } from "../../agent/report/labels.js";
import type { MonthlyReport } from "../../agent/report/model.js";
import type { LatestValue } from "../../agent/store/latest.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { parseConfigText } from "../../config/load.js";
import type { Config } from "../../config/schema.js";

const STEP_MS = 10 * 60_000;
const START = Date.parse("2026-12-01T00:00:00+08:00");
const NOW = new Date("2026-12-04T10:00:00+08:00");
const SYSTEM = "市教育视频会议系统";

function config(): Config {
  const loaded = parseConfigText(`site: pages
timezone: Asia/Shanghai
collectors:
  - type: http
    name: platforms
    every: 10m
    targets:
      - { name: bigplatform, url: "http://127.0.0.1:1/a", labels: { system: 智慧教育大平台 } }
      - { name: ecard, url: "http://127.0.0.1:1/b", labels: { system: E卡通 } }
maintenance:
  - { name: 每周例行维护, applications: [bigplatform], cron: "0 2 * * 6", duration: 2h }
  - { name: 去年的机房搬迁, start: "2025-06-01T22:00:00+08:00", end: "2025-06-02T02:00:00+08:00" }
`);
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  return loaded.config;
}

const vm = (id: string, name: string) => ({
  key: `vm:${id}`,
  kind: "vm",
  name,
  vmId: id,
  labels: { system: "教务系统" },
});
const mcu = { key: `mcu:${SYSTEM}:mcu-2`, kind: "mcu", name: "mcu-2", labels: { system: SYSTEM } };
const vcSystem = { key: `videoconf:${SYSTEM}`, kind: "videoconf-system", name: SYSTEM };

function generate(store: SqliteStore, clock: ManualClock): void {
  for (let ms = START; ms < NOW.getTime(); ms += STEP_MS) {
    const at = new Date(ms);
    clock.set(at);
    const step = (ms - START) / STEP_MS;
    // bigplatform answers 502 for 30 minutes every day at 03:00; ecard times out for 20 minutes
    // every 8 hours.
    const bigDown = step % 144 >= 18 && step % 144 < 21;
    const ecardDown = step % 48 >= 10 && step % 48 < 12;
    store.writeSamples(
      "platforms",
      [
        {
          target: { key: "http:bigplatform", kind: "application", name: "bigplatform" },
          metric: "http_probe_up",
          value: bigDown ? 0 : 1,
          up: !bigDown,
          ...(bigDown ? { reason: "status" } : {}),
        },
        {
          target: { key: "http:ecard", kind: "application", name: "ecard" },
          metric: "http_probe_up",
          value: ecardDown ? 0 : 1,
          up: !ecardDown,
          ...(ecardDown ? { reason: "timeout" } : {}),
        },
      ],
      at,
    );
    // Three running VMs; two of them unprotected, each for its own reason.
    store.writeSamples(
      "antivirus",
      [
        {
          target: vm("vm-201", "jw-web"),
          metric: "antivirus_protected",
          value: 0,
          up: false,
          reason: "anti_malware_off",
        },
        {
          target: vm("vm-202", "jw-db"),
          metric: "antivirus_protected",
          value: 0,
          up: false,
          reason: "stale_contact",
        },
        { target: vm("vm-203", "jw-app"), metric: "antivirus_protected", value: 1, up: true },
      ],
      at,
    );
    store.writeSamples(
      "vcenter",
      ["jw-web", "jw-db", "jw-app", "jw-old"].map((name, i) => ({
        target: vm(`vm-20${i + 1}`, name),
        metric: "vm_power_state",
        labels: { power_state: i === 3 ? "POWERED_OFF" : "POWERED_ON" },
        value: i === 3 ? 0 : 1,
      })),
      at,
    );
    // The video-conference system: degraded one run in four, its MCU answering SIP three in four.
    const degraded = step % 4 === 0;
    store.writeSamples(
      "videoconf",
      [
        ...(["healthy", "degraded", "down"] as const).map((state) => ({
          target: vcSystem,
          metric: "videoconf_system_state",
          labels: { state },
          value: state === (degraded ? "degraded" : "healthy") ? 1 : 0,
        })),
        { target: vcSystem, metric: "videoconf_system_health", value: degraded ? 1 : 2 },
        { target: vcSystem, metric: "videoconf_endpoints_online_ratio", value: 0.9 },
        {
          target: mcu,
          metric: "videoconf_mcu_sip_up",
          labels: { transport: "udp" },
          value: degraded ? 0 : 1,
        },
        { target: mcu, metric: "videoconf_mcu_sip_rtt_seconds", labels: { transport: "udp" }, value: 0.004 },
      ],
      at,
    );
  }
  clock.set(NOW);
}

/** What the running collectors hold now: ecard timed out, a VM does not answer ping, the system degraded. */
const LATEST: LatestValue[] = [
  {
    collector: "platforms",
    target: { key: "http:ecard", kind: "application", name: "ecard" },
    metric: "http_probe_up",
    labels: {},
    value: 0,
    up: false,
    reason: "timeout",
    detail: "no answer within 5s",
    time: NOW,
  },
  {
    collector: "platforms",
    target: { key: "http:bigplatform", kind: "application", name: "bigplatform" },
    metric: "http_probe_up",
    labels: {},
    value: 1,
    up: true,
    time: NOW,
  },
  {
    collector: "reachability",
    target: { key: "icmp:127.0.0.9", kind: "host", name: "jw-db", vmId: "vm-202" },
    metric: "icmp_probe_up",
    labels: {},
    value: 0,
    up: false,
    reason: "unreachable",
    detail: "ICMP Host Unreachable from 127.0.0.1",
    time: NOW,
  },
  {
    collector: "videoconf",
    target: vcSystem,
    metric: "videoconf_system_health",
    labels: {},
    value: 1,
    reason: "mcu_degraded",
    detail: "MCU mcu-2 udp/15062: status 486 Busy Here",
    time: NOW,
  },
];

let dir: string;
let store: SqliteStore;
let cfg: Config;
let report: MonthlyReport;

beforeAll(() => {
  const clock = new ManualClock(new Date(START));
  dir = mkdtempSync(join(tmpdir(), "ops-agent-pages-"));
  store = SqliteStore.open({ path: join(dir, "month.db"), clock, timeZone: "Asia/Shanghai", role: "agent" });
  cfg = config();
  generate(store, clock);
  // Added at run time (the console or `ops-agent maintenance add`), open now.
  store.addMaintenanceWindow({
    name: "核心交换机更换",
    applications: ["ecard"],
    start: new Date("2026-12-04T09:30:00+08:00"),
    end: new Date("2026-12-04T12:00:00+08:00"),
    note: "供电改造",
    createdBy: "operator1",
    createdAt: new Date("2026-12-03T16:00:00+08:00"),
  });
  report = buildMonthlyReport(store, cfg, indicatorsOf(cfg), { month: "2026-12", lang: "zh", now: NOW });
}, 60_000);

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function deps(): ConsoleDeps {
  const clock = new ManualClock(NOW);
  return {
    config: () => cfg,
    store,
    clock,
    log: silentLogger,
    indicators: () => [],
    lookups: () => undefined,
    latest: () => LATEST,
    changeIncident: () => {
      throw new Error("read-only pages change nothing");
    },
    extraUsers: () => [],
  };
}

/** The context a page is rendered in: a viewer, in the given language, at NOW. */
function pageContext(path: string, lang: Lang): PageContext {
  const url = new URL(`http://127.0.0.1${path}${lang === "en" ? "?lang=en" : ""}`);
  return {
    request: {} as PageContext["request"],
    client: { address: "127.0.0.1", tls: false },
    url,
    lang,
    langExplicit: lang === "en",
    t: messages(lang),
    viewer: { name: "viewer1", display: "值班员", role: "viewer" },
    now: NOW,
    timeZone: "Asia/Shanghai",
  };
}

/** A page's visible text (tags dropped, entities decoded), as a viewer sees it. */
function render(view: (d: ConsoleDeps, c: PageContext) => Reply, path: string, lang: Lang): string {
  const reply = view(deps(), pageContext(path, lang));
  if (reply.kind !== "page") throw new Error(`${path}: ${reply.kind}`);
  return String(reply.html)
    .replace(/<style>[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe("the console's read-only pages show the report's figures, in the report's words", () => {
  it("平台: the month's outages are the report's, with its durations and causes in Chinese", () => {
    const outages = report.availability.outages;
    // 4 days of bigplatform's daily 502s (Dec 1–4) and ecard's timeouts every 8 hours.
    expect(outages.filter((o) => o.application === "bigplatform")).toHaveLength(4);
    expect(outages.filter((o) => o.application === "ecard").length).toBeGreaterThanOrEqual(10);
    const zh = render(platformPage, "/platform", "zh");
    const zhWords = labels("zh");
    for (const o of outages) {
      // An outage still going on when the month's figures were read says so, not a recovery time.
      const end = o.openAtEnd === true ? "尚未恢复 ≥ " : `${consoleTime(o.end, "Asia/Shanghai")} `;
      const row = `${consoleTime(o.start, "Asia/Shanghai")} ${end}${formatMinutes(o.durationMinutes, "zh")} ${zhWords.outageCause(o.reason)}`;
      expect(zh, row).toContain(row);
    }
    // ecard's last timeout (09:40–) is still going on at 10:00.
    expect(outages.at(-1)).toMatchObject({ application: "ecard", openAtEnd: true });
    // Each outage once: the page lists exactly the report's rows.
    const starts =
      zh.match(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} \+08:00 (\d{4}-\d{2}-\d{2} \d{2}:\d{2} \+08:00|尚未恢复)/g) ??
      [];
    expect(starts).toHaveLength(outages.length);
    expect(zh).toContain("响应超时"); // the current state's cause and the outages' cause
    expect(zh).toContain("状态码异常");
    expect(zh).toContain("智慧教育大平台"); // applications by their system names
    for (const raw of ["timeout", "status", " min", "no answer within 5s"])
      expect(zh, raw).not.toContain(raw);
    const en = render(platformPage, "/platform", "en");
    expect(en).toContain("timeout (no answer within 5s)");
    expect(en).toContain(formatMinutes(outages[0]!.durationMinutes, "en"));
  });

  it("平台: the maintenance windows are the report's, with the recurring one in Chinese", () => {
    const zh = render(platformPage, "/platform", "zh");
    // Last year's one-off window covers nothing of this month: the report leaves it out; 平台,
    // where windows are managed, lists every window (the same list, not filtered to the month).
    expect(report.maintenance.map((m) => m.name)).toEqual(["每周例行维护", "核心交换机更换"]);
    expect(zh).toContain(
      "去年的机房搬迁 全部应用 2025-06-01 22:00 +08:00 – 2025-06-02 02:00 +08:00 配置文件",
    );
    expect(zh).toContain("每周例行维护 智慧教育大平台 定时“0 2 * * 6”，每次 2小时 配置文件");
    expect(zh).toContain(
      "核心交换机更换 E卡通 2026-12-04 09:30 +08:00 – 2026-12-04 12:00 +08:00 进行中 operator1 · 2026-12-03 16:00 +08:00 供电改造",
    );
    expect(render(platformPage, "/platform", "en")).toContain('cron "0 2 * * 6", 2 h each');
  });

  it("机房: counts, power states and unprotected VMs are the report's; causes in Chinese", () => {
    const zh = render(roomPage, "/room", "zh");
    const room = report.machineRoom;
    expect(room.unprotected.map((u) => [u.id, u.name])).toEqual([
      ["vm-201", "jw-web"],
      ["vm-202", "jw-db"],
    ]);
    expect(zh).toContain(`未受防病毒保护的虚拟机（${room.unprotected.length}）`);
    for (const u of room.unprotected)
      expect(zh).toContain(`${u.name} ${u.id} 教务系统 ${labels("zh").unprotectedReason(u.reason!)}`);
    expect(room.powerStates).toEqual({ on: 3, off: 1, suspended: 0 });
    expect(zh).toContain(`运行：${room.powerStates!.on}`);
    expect(zh).toContain(`关机：${room.powerStates!.off}`);
    // The VM that does not answer ping, by id, with its cause in Chinese.
    expect(zh).toContain("不可达的虚拟机（1）");
    expect(zh).toContain("jw-db vm-202 网络不可达");
    for (const raw of ["anti_malware_off", "stale_contact", "unreachable", "POWERED_ON", "Host Unreachable"])
      expect(zh, raw).not.toContain(raw);
    const en = render(roomPage, "/room", "en");
    expect(en).toContain("anti-malware module off");
    expect(en).toContain("network unreachable (ICMP Host Unreachable from 127.0.0.1)");
    expect(en).toContain("powered on: 3");
    expect(en).toContain("Unreachable VMs (1)");
  });

  it("视频会议: the month's health shares are the report's; the current cause in Chinese", () => {
    const zh = render(videoconfPage, "/videoconf", "zh");
    const [system] = report.videoconf.systems;
    expect(system?.system).toBe(SYSTEM);
    expect(system!.degraded).toBeCloseTo(0.25, 2);
    const shares = [system!.healthy, system!.degraded, system!.down, system!.endpointsOnline]
      .map((v) => formatRatio(v))
      .join(" ");
    expect(zh).toContain(`${SYSTEM} 降级 MCU 忙或部分端口无应答 ${shares}`);
    expect(zh).toContain(`mcu-2 · ${formatRatio(system!.mcus[0]!.sipUp)} · 4 ms`);
    for (const raw of ["mcu_degraded", "Busy Here", "degraded"]) expect(zh, raw).not.toContain(raw);
    const en = render(videoconfPage, "/videoconf", "en");
    expect(en).toContain(
      "degraded an MCU is busy or answers on some ports only (MCU mcu-2 udp/15062: status 486 Busy Here)",
    );
  });

  it("总览 without its targets file says so in Chinese", () => {
    // deps() gives no indicators: the agent could not load the targets file.
    const zh = render(overviewPage, "/", "zh");
    expect(zh).toContain("指标目标文件未能加载，请查看代理日志（");
    expect(zh).not.toContain("is not loaded");
    expect(render(overviewPage, "/", "en")).toContain("The targets file is not loaded");
  });

  it("平台's maintenance form refuses a window in Chinese, and keeps nothing", () => {
    const submit = (handler: typeof maintenanceAddSubmit, form: Record<string, string>, lang: Lang): string =>
      render((d, c) => handler(d, c, [], form), "/platform/maintenance", lang);
    const before = store.listMaintenanceWindows().length;
    const window = { name: "机房空调检修", start: "明天晚上", end: "2026-12-06T02:00" };
    expect(submit(maintenanceAddSubmit, window, "zh")).toContain(
      "开始时间应为本地时间，如 2026-12-05 22:00；收到“明天晚上”",
    );
    expect(submit(maintenanceAddSubmit, { ...window, name: "" }, "zh")).toContain("请填写维护窗口名称");
    expect(
      submit(maintenanceAddSubmit, { ...window, name: "每周例行维护", start: "2026-12-05T22:00" }, "zh"),
    ).toContain("已有同名的维护窗口（含配置文件中的），请换一个名称：“每周例行维护”");
    expect(submit(maintenanceRemoveSubmit, { name: "每周例行维护" }, "zh")).toContain(
      "没有在此添加的这个维护窗口（配置文件中的窗口请在配置文件中修改）：“每周例行维护”",
    );
    expect(submit(maintenanceAddSubmit, window, "en")).toContain(
      'start: expected a local time like 2026-12-05 22:00, got "明天晚上"',
    );
    expect(store.listMaintenanceWindows()).toHaveLength(before);
  });

  it("平台's maintenance form checks what the CLI checks (end after start, known applications), in the page's language", () => {
    const submit = (form: Record<string, string>, lang: Lang): string =>
      render((d, c) => maintenanceAddSubmit(d, c, [], form), "/platform/maintenance", lang);
    const before = store.listMaintenanceWindows().length;
    const base = { name: "交换机升级", start: "2026-12-06T22:00", end: "2026-12-07T02:00" };
    expect(submit({ ...base, end: "2026-12-06T21:00" }, "zh")).toContain("结束时间须晚于开始时间");
    expect(submit({ ...base, end: "2026-12-06T21:00" }, "en")).toContain("end: must be after start");
    // A misspelt id: refused with the nearest, as `maintenance add --application` does.
    expect(submit({ ...base, applications: "ecrad" }, "zh")).toContain(
      "配置中没有名为“ecrad”的监测目标，是否要找“ecard”？",
    );
    expect(submit({ ...base, applications: "ecrad" }, "en")).toContain(
      'no target named "ecrad" in the config; did you mean "ecard"?',
    );
    expect(store.listMaintenanceWindows()).toHaveLength(before);
  });

  it("平台's maintenance form takes a system's name as the pages show it and stores the target's id", () => {
    const form = {
      name: "E卡通升级",
      start: "2026-12-06T22:00",
      end: "2026-12-07T02:00",
      applications: "E卡通",
    };
    const reply = maintenanceAddSubmit(deps(), pageContext("/platform/maintenance", "zh"), [], form);
    expect(reply.kind).toBe("redirect");
    const stored = store.listMaintenanceWindows().find((w) => w.name === "E卡通升级");
    expect(stored?.applications).toEqual(["ecard"]);
    store.removeMaintenanceWindow("E卡通升级", "operator1", NOW);
    // Removed, it is out of the windows in force and in the audit trail with who and when.
    const page = render(platformPage, "/platform", "zh");
    expect(page).toContain("已删除的维护窗口（1 个）");
    const trail = page.slice(page.indexOf("已删除的维护窗口"));
    expect(trail).toContain("E卡通升级");
    expect(trail).toMatch(/operator1 · 2026-\d\d-\d\d \d\d:\d\d \+08:00/);
  });
});
