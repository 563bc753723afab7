/**
 * The console in a real browser (Debian's chromium driven by playwright-core) against a real
 * agent: log in, record a manual value and see it on 总览, acknowledge an incident, add a
 * maintenance window, generate and download a report. With UPDATE_SCREENSHOTS=1 it also writes
 * the pages' screenshots to docs/console/ (shown in the README).
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPeer } from "../helpers/peers.js";
import { openIncident, PASSWORD, startConsoleAgent, type ConsoleAgent } from "./console-agent.js";

const chromiumPath = findPeer("chromium", "chromium");
const SHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? join(process.cwd(), "docs/console") : undefined;

describe.skipIf(chromiumPath === undefined)("web console in chromium", () => {
  let running: ConsoleAgent;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    running = await startConsoleAgent("ops-agent-console-browser-");
    await openIncident(running.base, "教育城域网门户 无响应", "00000000000000bb");
    // A fresh profile each run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "ops-agent-chromium-")), {
      executablePath: chromiumPath,
      locale: "zh-CN",
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
      args: [
        "--headless",
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
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
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
  });

  it("acknowledges an incident under the user's name", async () => {
    await page.goto(`${running.base}/incidents`);
    const row = page.locator("tr[data-incident]").first();
    await row.locator('button[value="ack"]').click();
    await page.waitForURL(/done=/);
    await expect(page.locator("tr[data-incident]").first().textContent()).resolves.toContain("admin1");
    await shot("incidents");
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
    for (const name of ["room", "videoconf"]) {
      await page.goto(`${running.base}/${name}`);
      expect(await page.locator("main h2").first().isVisible()).toBe(true);
      await shot(name);
    }
  });
});
