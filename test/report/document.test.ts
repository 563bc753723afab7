/**
 * The monthly report as a finished document, from a real store holding October and November 2026
 * (month-store.ts): the eight sections and the sign-off, the systems by their `system:` names, the
 * 环比 from last month's figures, sections 七 and 八 drafted from the data, operators' notes kept
 * when the report is regenerated, a running month titled as such and not counted, manual records
 * with their corrections applied; and the DOCX as LibreOffice prints it: 6–8 A4 pages.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMonthlyReport } from "../../agent/report/build.js";
import { renderDocx } from "../../agent/report/render-docx.js";
import { renderHtml } from "../../agent/report/render-html.js";
import { REPORT_KIND, writeMonthlyReport } from "../../agent/report/write.js";
import { Figures } from "../../agent/figures/index.js";
import { findPeer } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { monthStore, type MonthStore } from "./month-store.js";

/** The store for a describe block: made once before its tests (tempDir() is per test), removed after. */
function sharedStore(now?: string): () => MonthStore {
  let m: MonthStore | undefined;
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-agent-report-"));
    m = monthStore(now, dir);
  });
  afterAll(() => {
    m?.store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => m as MonthStore;
}

const SECTIONS = [
  "一、总体运行情况",
  "二、各平台运行情况",
  "三、机房与虚拟化资源",
  "四、网络安全（无代理杀毒）",
  "五、视频会议",
  "六、故障与响应",
  "七、存在问题与整改措施",
  "八、下月工作计划",
];

describe("the November report from the store", () => {
  const store = sharedStore();
  const build = () =>
    buildMonthlyReport(store().store, store().config, store().indicators, {
      month: "2026-11",
      lang: "zh",
      now: store().clock.now(),
      organisation: store().config.report.organisation,
    });

  it("has the eight sections in order, the sign-off, and the centre's name, not the site id", () => {
    const html = renderHtml(build());
    const at = [...SECTIONS.map((s) => html.indexOf(`<h2>${s}</h2>`)), html.indexOf('<div class="signoff">')];
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).toContain("<h1>苏州市电化教育馆大平台月度运营报告</h1>");
    expect(html).toContain('<p class="subtitle">2026年11月</p>');
    // The site id ("default") only in the appendix.
    expect(html.indexOf("default")).toBeGreaterThan(html.indexOf('<h2 class="appendix">'));
  });

  it("names the systems by their system: labels, their ids only in the appendix", () => {
    const report = build();
    expect(report.availability.applications.map((a) => a.name)).toEqual([
      "智慧教育大平台",
      "线上教育中心",
      "E卡通",
      "视频会议管理平台",
      "资源平台",
      "人工智能平台",
    ]);
    const html = renderHtml(report);
    expect(html.indexOf("ai-platform")).toBeGreaterThan(html.indexOf('<h2 class="appendix">'));
    expect(html).toContain("<td>人工智能平台</td>");
    expect(html).toContain("连接失败"); // the resource platform's outages' cause
  });

  it("compares with last month's figures from the same read model (环比 in percentage points)", () => {
    const m = store();
    const report = build();
    const figures = new Figures({ store: m.store, config: m.config });
    const october = figures.availability({
      from: Date.parse("2026-10-01T00:00:00+08:00") / 1000,
      to: Date.parse("2026-11-01T00:00:00+08:00") / 1000,
    });
    expect(report.previous.overallMonth).toBe(october.value);
    const ai = report.availability.applications.find((a) => a.application === "ai-platform");
    expect(ai?.previousMonth).toBe(october.applications.find((a) => a.application === "ai-platform")?.ratio);
    // The AI platform was down 26 h + 14 h, of which 2 h fell in Saturday's maintenance window
    // (21 Nov 02:00–04:00): 228 down probes × 10 min outside maintenance. Its longest outage 26 h.
    expect(ai?.downMinutes).toBe(38 * 60);
    expect(ai?.longestOutageMinutes).toBe(26 * 60);
    const pp = (((report.availability.overallMonth ?? 0) - (october.value ?? 0)) * 100).toFixed(2);
    expect(renderHtml(report)).toContain(`环比 −${pp.replace("-", "")}个百分点`);
  });

  it("drafts 七 and 八 from what the data shows", () => {
    const html = renderHtml(build());
    const problems = html.slice(
      html.indexOf("<h2>七、存在问题与整改措施</h2>"),
      html.indexOf("<h2>八、下月工作计划</h2>"),
    );
    expect(problems).toContain("人工智能平台本月可用率 94.66%，低于 95% 目标");
    expect(problems).toContain("资源平台本月可用率 99.70%；中断 4 次（反复中断）");
    expect(problems).toContain("在管虚拟机 251 台，与目标 253 台不符");
    expect(problems).toContain("2 台运行虚拟机未受无代理杀毒保护");
    expect(problems).toContain("1 起故障响应超过时限");
    expect(html).toContain("落实本报告第七部分列出的 5 项整改措施");
  });

  it("keeps operators' notes when the report is regenerated, and replaces the drafted text when asked", async () => {
    const m = store();
    m.store.reportNotes.add({
      month: "2026-11",
      section: "problems",
      text: "资源平台反复中断已联系厂商，计划12月上旬更换负载均衡设备。",
      mode: "add",
      author: "李主任",
      createdAt: new Date("2026-11-30T06:05:00Z"),
    });
    const plan = m.store.reportNotes.add({
      month: "2026-11",
      section: "plan",
      text: "1. 完成资源平台负载均衡设备更换。\n\n2. 组织视频会议系统年度检修。",
      mode: "replace",
      author: "李主任",
      createdAt: new Date("2026-11-30T06:10:00Z"),
    });
    const out = tempDir();
    for (let i = 0; i < 2; i++) {
      const files = await writeMonthlyReport(m.store, m.config, m.indicators, {
        by: "test",
        month: "2026-11",
        formats: ["html"],
        outDir: out,
        now: m.clock.now(),
      });
      const html = readFileSync(files[0]!.path, "utf8");
      expect(html).toContain("计划12月上旬更换负载均衡设备。 （李主任 补充，2026-11-30 14:05 +08:00）");
      expect(html).toContain("<p>2. 组织视频会议系统年度检修。 （李主任 补充，2026-11-30 14:10 +08:00）</p>");
      expect(html).not.toContain("按时编制下月大平台月度运营报告"); // the drafted plan was replaced
      expect(html).toContain("人工智能平台本月可用率"); // the drafted problems were kept
    }
    expect(m.store.reportNotes.remove(plan.id)).toBe(true);
    expect(renderHtml(build())).toContain("按时编制下月大平台月度运营报告");
  });

  it("lists manual records with their corrections applied", () => {
    const report = build();
    expect(report.records).toEqual([
      expect.objectContaining({ value: "1", correctedValue: "2", note: "更正：只检修了UPS" }),
    ]);
    const html = renderHtml(report);
    expect(html).toContain("更正第1号记录（原值 2）");
    expect(html).not.toContain("机房UPS与空调检修");
  });

  it("prints the DOCX of a normal month on 6 to 8 A4 pages (LibreOffice)", async (ctx) => {
    const soffice = findPeer("soffice", "libreoffice-writer-nogui");
    const pdfinfo = findPeer("pdfinfo", "poppler-utils");
    if (soffice === undefined || pdfinfo === undefined) return ctx.skip();
    const dir = tempDir();
    const docx = join(dir, "report.docx");
    writeFileSync(docx, await renderDocx(build()));
    execFileSync(
      soffice,
      [`-env:UserInstallation=file://${dir}/lo`, "--headless", "--convert-to", "pdf", "--outdir", dir, docx],
      {
        stdio: "ignore",
      },
    );
    const info = execFileSync(pdfinfo, [join(dir, "report.pdf")], { encoding: "utf8" });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(pages).toBeGreaterThanOrEqual(6);
    expect(pages).toBeLessThanOrEqual(8);
  });
});

describe("a report of the running month", () => {
  const store = sharedStore("2026-11-20T10:00:00+08:00");

  it("is titled as of its day, says it is a draft, and does not count", async () => {
    const m = store();
    const report = buildMonthlyReport(m.store, m.config, m.indicators, {
      month: "2026-11",
      lang: "zh",
      now: m.clock.now(),
      organisation: m.config.report.organisation,
    });
    expect(report.runningAsOf).toEqual(m.clock.now());
    const html = renderHtml(report);
    expect(html).toContain('<p class="subtitle">2026年11月（截至11月20日）</p>');
    expect(html).toContain("本月尚未结束，本报告为截至生成时的草稿");
    await writeMonthlyReport(m.store, m.config, m.indicators, {
      by: "test",
      month: "2026-11",
      formats: ["html"],
      outDir: tempDir(),
      now: m.clock.now(),
    });
    expect(m.store.reports.list(REPORT_KIND, "2026-11")).toHaveLength(1);
    const figures = new Figures({ store: m.store, config: m.config });
    expect(figures.monthlyReports("2026-11", "2026-11", m.clock.now()).value).toBe(0);
  });
});
