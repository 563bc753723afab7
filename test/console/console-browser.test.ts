/**
 * The console in a real browser (Debian's chromium driven by playwright-core) against a real
 * agent: log in, record a manual value with an evidence file and see it on 总览, then in
 * `ops-agent kpi`, the monthly report and the self-evaluation (the built CLI on the same config,
 * beside the running agent: issue 19's "done when"); acknowledge an incident (also at phone
 * width); add a maintenance window; generate and download a report; a VM named like markup in a
 * simulated vCenter shows as text on 机房; every page reads in Chinese. The agent watches the
 * simulated machine room's platforms and MCUs (simroom/) on loopback, so 平台 and 视频会议 show
 * measured data. With UPDATE_SCREENSHOTS=1 it also writes the pages' screenshots to docs/console/
 * (shown in the README).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { DEMO_DIR } from "../../simroom/index.js";
import { startMcu, type Mcu } from "../../simroom/mcu/index.js";
import { startPlatforms, type Platforms } from "../../simroom/platforms/index.js";
import { createTestCa, type TestCa } from "../../simroom/test-ca.js";
import {
  deterministicUuid,
  startVcenterSim,
  type SimVm,
  type VcenterSim,
} from "../../simroom/vcenter/index.js";
import { CLI, waitFor } from "../helpers/agent-process.js";
import { englishWords } from "../helpers/documents.js";
import { findPeer } from "../helpers/peers.js";
import {
  ConsoleClient,
  openIncident,
  PASSWORD,
  startConsoleAgent,
  type ConsoleAgent,
} from "./console-agent.js";

const HOSTILE_VM = "<img src=x onerror=alert(1)>";

/**
 * Latin words a Chinese page may show: protocols and units the staff use by their Latin names (as
 * the report's check allows them), the language switch, and the names this test's config and
 * peers give (login names, VM and MCU names, the markup VM) — labels shown as written.
 */
const ALLOWED_LATIN = [
  ...["SIP", "MCU", "HTTP", "HTTPS", "ms", "MB", "KB", "SHA", "AI", "vCenter"],
  // File formats, as the download links name them.
  ...["PDF", "HTML", "Markdown", "DOCX", "XLSX", "CSV"],
  "English",
  ...["admin", "viewer", "operator", "recorder"],
  ...["vm", "jyj", "web", "mcu", "img", "src", "onerror", "alert"],
];

/** The English words of a page's visible text; an evidence file's SHA-256 prefix is not a word. */
const englishOn = (text: string) => englishWords(text.replace(/\b[0-9a-f]{8,}…/g, " "), ALLOWED_LATIN);

/** A running VM in folder jyj (the simulated vCenter's shape). */
function simVm(id: string, name: string): SimVm {
  return {
    vm: id,
    name,
    power_state: "POWERED_ON",
    cpu_count: 2,
    memory_size_MiB: 4096,
    folder: "group-v1001",
    cluster: "domain-c7",
    resource_pool: "resgroup-9",
    bios_uuid: deterministicUuid(`console/${id}`),
    instance_uuid: deterministicUuid(`console/instance/${id}`),
    tools_running: true,
    ip_address: "127.0.0.1",
    host_name: id,
  };
}

/** The built CLI on the test agent's config; its stdout (stderr on failure in the message). */
function cli(config: string, ...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args, "--config", config], { encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** The month of now in the centre's zone, e.g. "2026-12". */
function monthNow(): string {
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
  }).format(new Date());
}

const chromiumPath = findPeer("chromium", "chromium");
const SHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? join(process.cwd(), "docs/console") : undefined;

describe.skipIf(chromiumPath === undefined)("web console in chromium", () => {
  let running: ConsoleAgent;
  let browser: BrowserContext;
  let page: Page;
  let ca: TestCa;
  let vcenter: VcenterSim;
  let platforms: Platforms;
  let mcus: Mcu[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    // A simulated vCenter with a VM whose name is markup, and an antivirus export saying it is
    // unprotected: 机房 lists it by name.
    ca = createTestCa();
    process.env.CONSOLE_TEST_VCENTER_PASSWORD = "Sim-Passw0rd!";
    vcenter = await startVcenterSim({
      tls: ca.serverTls(),
      inventory: {
        folders: [{ folder: "group-v1001", name: "jyj", type: "VIRTUAL_MACHINE" }],
        clusters: [{ cluster: "domain-c7", name: "Cluster-A", ha_enabled: true, drs_enabled: true }],
        vms: [simVm("vm-3001", HOSTILE_VM), simVm("vm-3002", "jyj-web-01")],
      },
    });
    const avExport = join(ca.dir, "av-export.csv");
    writeFileSync(
      avExport,
      `Host Name,SMBIOS UUID,Status\n"${HOSTILE_VM}",${deterministicUuid("console/vm-3001")},off\njyj-web-01,${deterministicUuid("console/vm-3002")},protected\n`,
    );
    // The simulated machine room's platforms (E卡通 flaps, 资源平台 answers 502 now and then, the
    // videoconf web is slow) and its two MCUs (one answers 486 Busy Here): 平台 and 视频会议 show
    // what the agent measured.
    platforms = await startPlatforms({
      tls: {
        key: readFileSync(join(DEMO_DIR, "server.key"), "utf8"),
        cert: readFileSync(join(DEMO_DIR, "server.pem"), "utf8"),
      },
    });
    mcus = [await startMcu(), await startMcu({ optionsStatus: "486 Busy Here" })];
    const [mcu1, mcu2] = mcus as [Mcu, Mcu];
    const app = (name: keyof Platforms["platforms"], system: string, check: string) =>
      `      - { name: ${name}, url: "${platforms.platforms[name].url}${name === "resources" ? "/" : "/health"}", ${check}, max_latency: 1s, labels: { system: ${system} } }\n`;
    const ok = `assert: [{ json_path: "$.status", equals: "ok" }]`;
    running = await startConsoleAgent(
      "ops-agent-console-browser-",
      `  - type: http
    name: platforms
    every: 15s
    timeout: 10s
    tls_ca_file: ${join(DEMO_DIR, "ca.pem")}
    targets:
${app("bigplatform", "智慧教育大平台", ok)}${app("ecard", "E卡通", ok)}${app("videoconf-web", "视频会议管理平台", ok)}${app("resources", "资源平台", "assert: [{ contains: 资源平台 }]")}${app("ai-platform", "人工智能平台", ok)}  - type: videoconf
    name: videoconf
    every: 30s
    timeout: 20s
    systems:
      - name: 市教育视频会议系统
        mcus:
          - name: mcu-1
            host: 127.0.0.1
            sip: [{ port: ${mcu1.port}, transport: udp }, { port: ${mcu1.port}, transport: tcp }]
        endpoints_file: ${join(DEMO_DIR, "videoconf-endpoints.csv")}
      - name: 区县互动课堂系统
        mcus:
          - name: mcu-2
            host: 127.0.0.1
            sip: [{ port: ${mcu2.port}, transport: udp }]
        management_web: { collector: platforms, target: videoconf-web }
  - type: icmp
    name: reachability
    every: 30s
    timeout: 20s
    from_inventory: true
  - type: vcenter
    name: vcenter
    every: 5m
    url: ${vcenter.url}
    username: administrator@vsphere.local
    password: "\${CONSOLE_TEST_VCENTER_PASSWORD}"
    tls_ca_file: ${ca.caCert}
    scope: { name: maintained-systems, folders: [jyj], expected: 2 }
  - type: antivirus
    name: antivirus
    every: 5m
    source:
      kind: export
      path: ${avExport}
      format: csv
      fields: { name: Host Name, bios_uuid: SMBIOS UUID, protected: Status }
      protected_values: [protected]
`,
    );
    await openIncident(running.base, "教育城域网门户 无响应", "00000000000000bb");
    // A fresh profile each run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "ops-agent-chromium-")), {
      executablePath: chromiumPath,
      locale: "zh-CN",
      // The browser's own widgets (date field, file picker) take their words from LANGUAGE (with
      // Debian's chromium-l10n); --lang alone leaves them in English. LANG stays C.UTF-8: a clean
      // machine has no zh_CN locale, and Chromium without a UTF-8 locale names every download
      // with a Chinese file name "download".
      env: { ...process.env, LANG: "C.UTF-8", LANGUAGE: "zh_CN:zh" },
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
      args: [
        "--headless",
        // The browser's own words (file picker, date field) in Chinese, as on the office's PCs.
        "--lang=zh-CN",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage();
    // Any alert() a page manages to run is recorded (and dismissed): there must be none.
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await vcenter?.close();
    await platforms?.close();
    for (const m of mcus) await m.close();
    ca?.cleanup();
  });

  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };

  it("logs in from the redirect and lands on 总览", async () => {
    await page.goto(`${running.base}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await shot("login");
    await page.fill('input[name="user"]', "admin1");
    await page.fill('input[name="password"]', PASSWORD);
    await page.click("button");
    await page.waitForURL(`${running.base}/`);
    await expect(page.locator("h2").first().textContent()).resolves.toContain("总览");
  });

  it("records a manual value that then shows on 总览 with its record as evidence", async () => {
    await page.goto(`${running.base}/records`);
    await shot("records");
    await page.click('a[href="/records/budget_execution_rate"]');
    await page.fill('input[name="value"]', "41%");
    await page.fill('textarea[name="note"]', "财务处 11 月报表");
    await page.setInputFiles('input[name="evidence"]', {
      name: "财务处11月预算执行报表.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n预算执行 41%\n"),
    });
    await page.click('form[action="/records/budget_execution_rate"] button');
    await page.waitForURL(/saved=/);
    await expect(page.locator(".flash.ok").textContent()).resolves.toContain("已记录");
    await shot("record-form");
    await page.goto(`${running.base}/?period=year`);
    const row = page.locator('tr[data-key="budget_execution_rate"]');
    await expect(row.textContent()).resolves.toContain("41%");
    await shot("overview");
    await row.locator("a").click();
    await expect(page.locator("main").textContent()).resolves.toContain("财务处 11 月报表");
    await expect(page.locator("main").textContent()).resolves.toContain("财务处11月预算执行报表.pdf");
  });

  it("the value entered in the browser is in `ops-agent kpi`, the monthly report and the self-evaluation", async () => {
    const year = monthNow().slice(0, 4);
    const kpi = cli(running.config, "kpi", "--period", year);
    expect(kpi.out).toMatch(/预算执行率[^\n]*41(\.0+)?%/);

    const out = mkdtempSync(join(tmpdir(), "ops-agent-console-out-"));
    const report = cli(running.config, "report", "--month", monthNow(), "--format", "html", "--out", out);
    expect(report.code, report.out).toBe(0);
    const html = readdirSync(out).find((f) => f.endsWith(".html"));
    expect(html, report.out).toBeDefined();
    const reportText = readFileSync(join(out, html as string), "utf8");
    expect(reportText).toContain("预算执行率");
    expect(reportText).toContain("41%");

    const form = cli(
      running.config,
      "form",
      "export",
      "--period",
      year,
      "--format",
      "xlsx,csv",
      "--out",
      out,
    );
    expect(form.code, form.out).toBe(0);
    const csv = readdirSync(out).find((f) => f.endsWith(".csv"));
    const csvText = readFileSync(join(out, csv as string), "utf8");
    expect(csvText).toMatch(/预算执行率[^\n]*41%/);
    const xlsx = readdirSync(out).find((f) => f.endsWith(".xlsx"));
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(out, xlsx as string));
    const evidence: string[] = [];
    book.getWorksheet("佐证")?.eachRow((r) => evidence.push((r.values as unknown[]).join(" | ")));
    const line = evidence.find((l) => l.includes("财务处11月预算执行报表.pdf"));
    expect(line, evidence.join("\n")).toBeDefined();
    // name, SHA-256 of the bytes, size, who, when (with the zone's offset)
    expect(line).toMatch(
      /预算执行率 \| #\d+ \| \d{4}-\d{2}-\d{2} \| 财务处11月预算执行报表\.pdf \| [0-9a-f]{64} \| \d+ \| admin1 \| \d{4}-\d{2}-\d{2} \d{2}:\d{2} \+08:00/,
    );
  });

  it("acknowledges an incident under the user's name", async () => {
    await page.goto(`${running.base}/incidents`);
    const row = page.locator("tr[data-incident]").first();
    await row.locator('button[value="ack"]').click();
    await page.waitForURL(/done=/);
    await expect(page.locator("tr[data-incident]").first().textContent()).resolves.toContain("admin1");
    await shot("incidents");
  });

  it("the duty engineer acknowledges from a phone: 故障 at 390 px wide, nothing wider than the screen", async () => {
    await openIncident(running.base, "视频会议 MCU 无应答", "00000000000000cc");
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${running.base}/incidents`);
      const row = page.locator("tr[data-incident]", { hasText: "MCU" }).first();
      await expect(row.locator('button[value="ack"]').isVisible()).resolves.toBe(true);
      const width = await page.evaluate("document.documentElement.scrollWidth");
      expect(width).toBeLessThanOrEqual(390);
      await shot("incidents-phone");
      await row.locator('button[value="ack"]').click();
      await page.waitForURL(/done=/);
      await expect(
        page.locator("tr[data-incident]", { hasText: "MCU" }).first().textContent(),
      ).resolves.toContain("admin1");
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it("adds a maintenance window", async () => {
    await page.goto(`${running.base}/platform`);
    await page.fill('input[name="name"]', "机房空调检修");
    await page.fill('input[name="start"]', "2030-01-05T22:00");
    await page.fill('input[name="end"]', "2030-01-06T02:00");
    await page.fill('input[name="note"]', "供电改造");
    await page.click('form[action="/platform/maintenance"] button');
    await page.waitForURL(/done=/);
    const row = page.locator('tr[data-window="机房空调检修"]');
    await expect(row.textContent()).resolves.toContain("2030-01-05 22:00 +08:00");
    await shot("platform");
  });

  it("generates a monthly report and downloads it", async () => {
    await page.goto(`${running.base}/reports`);
    const month = await page.locator('input[name="period"]').first().inputValue();
    await page.locator('form[action="/reports/generate"] button').first().click();
    await page.waitForURL(/done=/);
    const link = page.locator(`a[href*="period=${month}"][href*="format=html"]`);
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toContain(month);
    const body = await download.createReadStream().then(async (stream) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    });
    expect(body).toContain("月度运营报告");
    await shot("reports");
  });

  it("a VM named like markup in vCenter is text on 机房: shown as written, no script runs", async () => {
    const client = new ConsoleClient(running.base);
    await client.login("viewer1");
    await waitFor(
      async () =>
        (await client.get("/room")).body.includes("&lt;img src=x onerror=alert(1)&gt;") ? true : undefined,
      60_000,
      "the hostile VM on 机房",
    );
    await page.goto(`${running.base}/room`);
    await expect(page.getByText(HOSTILE_VM).first().isVisible()).resolves.toBe(true);
    expect(await page.locator("main img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    await shot("room");
  });

  it("平台 and 视频会议 show what the agent measured in the simulated machine room", async () => {
    const client = new ConsoleClient(running.base);
    await client.login("viewer1");
    // The first runs of the platforms' and the MCUs' probes: 视频会议 then has the month's shares
    // and each system's health now.
    await waitFor(
      async () => {
        const body = (await client.get("/videoconf")).body;
        return body.includes("区县互动课堂系统") &&
          body.includes("市教育视频会议系统") &&
          body.includes("降级")
          ? true
          : undefined;
      },
      120_000,
      "both video-conference systems measured on 视频会议",
    );
    await page.goto(`${running.base}/videoconf`);
    const busy = page.locator("tr", { hasText: "区县互动课堂系统" });
    // The district system's MCU answers 486 Busy Here: degraded, said in Chinese.
    await expect(busy.textContent()).resolves.toContain("降级");
    await expect(busy.textContent()).resolves.toContain("MCU 忙或部分端口无应答");
    await expect(busy.textContent()).resolves.toContain("mcu-2");
    await shot("videoconf");
    // Each platform's first probe (the HTTPS one and the slow one take their time): a row with a figure.
    const systems = ["智慧教育大平台", "E卡通", "资源平台", "人工智能平台"];
    await waitFor(
      async () => {
        const rows = (await client.get("/platform")).body.split("<tr");
        return systems.every((s) => rows.some((r) => r.includes(s) && /\d+\.\d{2}%/.test(r)))
          ? true
          : undefined;
      },
      60_000,
      "a figure for each platform on 平台",
    );
    await page.goto(`${running.base}/platform`);
    for (const system of systems)
      await expect(page.locator("tbody tr", { hasText: system }).first().textContent()).resolves.toMatch(
        /\d+\.\d{2}%/,
      );
    await shot("platform");
  }, 180_000);

  it("every page reads in Chinese: no English word a person would have to read", async () => {
    const paths = [
      "/",
      "/?period=month",
      "/kpi/availability",
      "/room",
      "/platform",
      "/videoconf",
      "/incidents",
      "/records",
      "/records/budget_execution_rate",
      "/reports",
    ];
    const found: Record<string, string[]> = {};
    for (const path of paths) {
      await page.goto(`${running.base}${path}`);
      const text = await page.evaluate<string>("document.body.innerText");
      const words = englishOn(text);
      if (words.length > 0) found[path] = words;
    }
    expect(found).toEqual({});
    // ?lang=en still gives the English page.
    await page.goto(`${running.base}/room?lang=en`);
    await expect(page.locator("main h2").first().textContent()).resolves.toContain("Machine room");
    // The login page, signed out.
    await browser.clearCookies();
    await page.goto(`${running.base}/login`);
    expect(englishOn(await page.evaluate<string>("document.body.innerText"))).toEqual([]);
  });
});
