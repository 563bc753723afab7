import { describe, expect, it } from "vitest";
import { escapeHtml, escapeMarkdown, escapeMarkdownBlock } from "../../agent/report/escape.js";
import { renderDocx } from "../../agent/report/render-docx.js";
import { renderHtml } from "../../agent/report/render-html.js";
import { renderMarkdown } from "../../agent/report/render-markdown.js";
import { HOSTILE_NOTE, HOSTILE_REASON, HOSTILE_VM, octoberReport } from "./fixture.js";
import { decodePng, markdownCells, svgsOf, unzip, xmlErrors } from "./helpers.js";

const ZH_SECTIONS = [
  "一、总体运行情况",
  "二、各平台运行情况",
  "三、机房与虚拟化资源",
  "四、网络安全（无代理杀毒）",
  "五、视频会议",
  "六、故障与响应",
  "七、存在问题与整改措施",
  "八、下月工作计划",
];

/** Figures of the fixture every format must print. */
const FIGURES = [
  "96.30%", // the online platform's month availability
  "97.58%", // education applications, month
  "96.3%", // the summary value in the form's notation
  "≥95%",
  "=253个",
  "94.10%", // antivirus coverage
  "98.71%", // data coverage
  "26小时0分", // the online platform's down time: 1560 min
  "12小时5分", // its longest outage: 725 min
  "−0.82个百分点", // its 环比: 96.30% − 97.12%
  "−0.43个百分点", // the overall 环比: 97.58% − 98.01%
  "7小时0分", // the longest outage
  "3.4 ms",
];

const CHARTS = 5; // daily availability (all systems), VM count, antivirus coverage, faults per day, response times

describe("escaping", () => {
  it("escapes the five HTML characters and drops control characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>\u0007`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });

  it("escapes Markdown so it renders as the text: no cell break, link, HTML or list", () => {
    expect(escapeMarkdown("x|y*z")).toBe("x\\|y\\*z");
    expect(escapeMarkdown("a\nb\r\n c")).toBe("a b c");
    expect(escapeMarkdown("[l](javascript:alert(1))")).toBe("\\[l\\]\\(javascript:alert\\(1\\)\\)");
    expect(escapeMarkdown("<script>")).toBe("\\<script\\>");
    expect(escapeMarkdown("# h")).toBe("\\# h");
    expect(escapeMarkdown("1.5 - x")).toBe("1.5 - x");
    expect(escapeMarkdownBlock("- item")).toBe("\\- item");
    expect(escapeMarkdownBlock("1. item")).toBe("1\\. item");
    expect(escapeMarkdown("a\\b")).toBe("a\\\\b");
  });
});

describe("renderHtml", () => {
  const html = renderHtml(octoberReport());

  it("is one self-contained document: no scripts, nothing fetched from the network", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html.match(/<html/g)).toHaveLength(1);
    expect(html).not.toMatch(/<[^>]*\s(?:src|href)\s*=/i);
    expect(html).not.toMatch(/@import|@font-face/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<(?:script|link|img|iframe|object)\b/i);
  });

  it("has a print stylesheet for A4 that keeps colours and puts the appendix on a new page", () => {
    expect(html).toContain("@page { size: A4;");
    expect(html).toContain("print-color-adjust: exact");
    expect(html).toMatch(/@media print \{[\s\S]*page-break-before: always/);
  });

  it("prints every section, in order, and the figures", () => {
    const at = [
      ...ZH_SECTIONS.map((s) => html.indexOf(`<h2>${s}</h2>`)),
      html.indexOf('<div class="signoff">'),
    ];
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    for (const f of FIGURES) expect(html, f).toContain(escapeHtml(f));
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("<h1>苏州市电化教育馆大平台月度运营报告</h1>");
    expect(html).toContain('<p class="subtitle">2026年10月</p>');
    expect(html).toContain(
      "<footer>苏州市电化教育馆 · 2026年10月 · 生成时间 2026-11-01 09:30 +08:00</footer>",
    );
    expect(html).toContain("<span>编制：</span><span>审核：</span><span>日期：</span>");
    // The systems by their Chinese names; the ids only in the appendix's table of ids.
    expect(html.indexOf("online-education")).toBeGreaterThan(html.indexOf('<h2 class="appendix">附录</h2>'));
  });

  it("colours statuses: met, not met, at risk, no data", () => {
    expect(html).toContain('<td class="tone-met">达成</td>');
    expect(html).toContain('<td class="tone-not_met">未达成</td>');
    expect(html).toContain('<td class="tone-at_risk">有风险</td>');
    expect(html).toContain('<td class="tone-no_data">无数据</td>');
    expect(html).toMatch(/\.tone-met[^{]*\{ color: var\(--met\)/);
  });

  it("escapes every string from the outside world", () => {
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>bad");
    expect(html).not.toContain("<img");
    expect(html).toContain(escapeHtml(HOSTILE_VM));
    expect(html).toContain("状态码异常（status 502 &amp; &lt;b&gt;bad gateway&lt;/b&gt;）");
    expect(html).toContain(escapeHtml(HOSTILE_NOTE));
    expect(html).toContain("agent offline &amp; not seen for 7d");
  });

  it("draws the charts as inline SVG that parses as XML", () => {
    const svgs = svgsOf(html);
    expect(svgs).toHaveLength(CHARTS);
    expect(html.match(/<svg\b/g)).toHaveLength(CHARTS);
    const errors = xmlErrors(svgs.map((s) => s.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ')));
    expect(errors).toEqual(svgs.map(() => ""));
    // One chart of every system's daily availability, its legend naming them in Chinese.
    expect(svgs[0]).toContain('aria-label="图1 各系统每日可用率（虚线为95%目标线）"');
    for (const name of ["苏州线上教育平台", "教育城域网门户", "E卡通服务"])
      expect(svgs[0]).toContain(`>${name}</text>`);
    expect(svgs[0]).toContain(">≥95%</text>");
    // Every response bar is labelled with its count and share.
    expect(svgs[4]).toContain(">3 (43%)</text>");
    expect(svgs[4]).toContain(">≤15min</text>");
  });

  it("is deterministic", () => {
    expect(renderHtml(octoberReport())).toBe(html);
  });

  it("speaks English with lang en", () => {
    const en = renderHtml(octoberReport({ lang: "en" }));
    expect(en).toContain('<html lang="en">');
    expect(en).toContain("<h2>2. Platforms</h2>");
    expect(en).toContain("<h3>E. Data coverage and accounting rules</h3>");
    expect(en).toContain("Oct 2026");
    expect(en).toContain("26 h 0 min");
    expect(en).toContain(">at risk</td>");
    expect(en).not.toContain("<script>");
  });

  it("renders a month without data", () => {
    const empty = octoberReport({
      availability: { overallMonth: null, overallYearToDate: null, applications: [], outages: [] },
      records: [],
      maintenance: [],
    });
    const out = renderHtml(empty);
    expect(out).toContain('<h3>附录四 本月手工记录（已按更正记录处理）</h3>\n<p class="note">无</p>');
    expect(out).toContain("本月无教育应用可用率数据");
    expect(svgsOf(out)).toHaveLength(CHARTS);
  });
});

describe("renderMarkdown", () => {
  const md = renderMarkdown(octoberReport());
  const lines = md.split("\n");

  it("prints every section and the figures", () => {
    for (const s of ZH_SECTIONS) expect(lines).toContain(`## ${s}`);
    for (const f of FIGURES) expect(md, f).toContain(escapeMarkdown(f));
    expect(md.startsWith("# 苏州市电化教育馆大平台月度运营报告\n")).toBe(true);
  });

  it("keeps every table row at its header's column count, hostile names included", () => {
    const tables: string[][] = [];
    let current: string[] | undefined;
    for (const line of lines) {
      if (line.startsWith("|")) (current ??= (tables.push([]), tables[tables.length - 1]!)).push(line);
      else current = undefined;
    }
    expect(tables.length).toBeGreaterThanOrEqual(15);
    for (const table of tables) {
      const width = markdownCells(table[0]!).length;
      expect(markdownCells(table[1]!).every((c) => /^-+:?$/.test(c))).toBe(true);
      for (const row of table) expect(markdownCells(row), row).toHaveLength(width);
    }
    const vmRow = lines.find((l) => l.includes("alert\\(1\\)\\</script\\>"));
    expect(vmRow).toBeDefined();
  });

  it("cannot inject HTML or links", () => {
    expect(md).not.toMatch(/(?<!\\)<(?:script|b|img)/);
    expect(md).not.toMatch(/(?<!\\)\]\(/);
    expect(md).toContain("第一行 \\[link\\]\\(javascript:alert\\(1\\)\\) 见 \\`附件\\` \\_斜体\\_");
    expect(md).toContain(escapeMarkdown(HOSTILE_REASON));
  });

  it("replaces each chart with its caption or its numbers", () => {
    expect(md).toContain("*图1 各系统每日可用率（虚线为95%目标线）*");
    expect(md).toContain("| 响应时间 | 故障数 | 占全部故障 |");
    expect(md).toContain("| ≤15分钟（P1时限） | 3 | 42.9% |");
  });

  it("is deterministic", () => {
    expect(renderMarkdown(octoberReport())).toBe(md);
  });
});

describe("renderDocx", async () => {
  const docx = await renderDocx(octoberReport());
  const zip = unzip(docx);
  const document = zip.text["word/document.xml"] ?? "";
  /** The document's text, run by run. */
  const text = [...document.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join("\n");

  it("is a ZIP with a Word document", () => {
    expect(docx.subarray(0, 2).toString("ascii")).toBe("PK");
    expect(zip.names).toEqual(
      expect.arrayContaining(["[Content_Types].xml", "word/document.xml", "word/styles.xml"]),
    );
    expect(xmlErrors([document, zip.text["word/styles.xml"] ?? ""])).toEqual(["", ""]);
  });

  it("is A4 with margins and a CJK font in the styles", () => {
    expect(document).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(document).toMatch(/<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="850"/);
    // 宋体 body, 黑体 headings, and the font table naming their alternatives and GB2312 charset.
    expect(zip.text["word/styles.xml"]).toContain('w:eastAsia="宋体"');
    expect(zip.text["word/styles.xml"]).toContain('w:eastAsia="黑体"');
    expect(zip.text["word/fontTable.xml"]).toContain(
      '<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:charset w:val="86"/>',
    );
  });

  it("prints the headings, the figures and the tables", () => {
    for (const s of ZH_SECTIONS) expect(text).toContain(s);
    for (const f of FIGURES) expect(text, f).toContain(escapeHtml(f));
    expect(document.match(/<w:tbl>/g)?.length).toBeGreaterThanOrEqual(15);
    expect(document).toContain('<w:pStyle w:val="Heading2"/>');
    expect(text).toContain(escapeHtml(HOSTILE_VM));
    expect(text).toContain("第一行 [link](javascript:alert(1))"); // the newline became a space
    expect(text).toContain("更正第12号记录（原值 =40人次）");
    expect(document).not.toContain("<script>");
  });

  it("embeds each chart as SVG over a PNG at 3× (≥200 dpi at print size)", () => {
    const media = Object.keys(zip.binary).sort();
    expect(media.filter((m) => m.endsWith(".png"))).toHaveLength(CHARTS);
    expect(document.match(/<pic:pic\b/g)).toHaveLength(CHARTS);
    expect(document.match(/<asvg:svgBlip /g)).toHaveLength(CHARTS);
    expect(zip.text["[Content_Types].xml"]).toMatch(/Extension="png"/);
    expect(zip.text["[Content_Types].xml"]).toMatch(/Extension="svg" ContentType="image\/svg\+xml"/);
    for (const m of media.filter((x) => x.endsWith(".png"))) {
      const png = decodePng(zip.binary[m]!);
      // 1920 px over 640 px shown (6.67 in) = 288 dpi.
      expect(png.width).toBe(1920);
    }
    // The VM chart, 640×220 px at 85 % = 544×187 px = 5181600×1781175 EMU.
    expect(document).toContain('<wp:extent cx="5181600" cy="1781175"/>');
    // The PNG cannot write Chinese: the legend is printed under the picture.
    expect(text).toContain("苏州线上教育平台\u3000");
  });

  it("writes the same document text for the same report", async () => {
    const again = unzip(await renderDocx(octoberReport()));
    // Drawing ids come from a process-wide counter in docx; they are unique within each file.
    const ids = (xml: string | undefined) => (xml ?? "").replace(/<wp:docPr id="\d+"/g, '<wp:docPr id=""');
    expect(ids(again.text["word/document.xml"]) === ids(document)).toBe(true);
    expect(Object.values(again.binary).map((b) => b.toString("base64"))).toEqual(
      Object.values(zip.binary).map((b) => b.toString("base64")),
    );
  });
});

describe("renderDocx of a year-scale month", async () => {
  // 50 applications and 2,000 outages: the platforms table holds every system, the printed
  // appendix the longest outages (the HTML keeps every row), every part parses, every picture is
  // referenced by a relationship of the document.
  const base = octoberReport();
  const applications = Array.from({ length: 50 }, (_, i) => ({
    ...base.availability.applications[i % 3]!,
    application: `app-${i}`,
    name: `应用-${i}`,
  }));
  const outages = Array.from({ length: 2000 }, (_, i) => ({
    ...base.availability.outages[i % 3]!,
    application: `app-${i % 50}`,
    durationMinutes: i,
    start: new Date(base.availability.outages[0]!.start.getTime() + i * 60_000),
  }));
  const report = { ...base, availability: { ...base.availability, applications, outages } };
  const zip = unzip(await renderDocx(report));
  const document = zip.text["word/document.xml"] ?? "";

  it("holds every system, the longest outages and a picture per chart, each with its relationship", () => {
    for (let i = 0; i < 50; i++) expect(document).toContain(`<w:t xml:space="preserve">应用-${i}</w:t>`);
    // The 15 longest outages (durations 1985 … 1999 min) and the line that says so.
    expect(document).toContain("33小时19分");
    expect(document).not.toContain(">33小时4分<");
    expect(document).toContain("仅列出最长的 15 条，共 2000 条");
    const embeds = [...document.matchAll(/r:embed="([^"]+)"/g)].map((m) => m[1]);
    expect(embeds).toHaveLength(CHARTS * 2);
    const rels = zip.text["word/_rels/document.xml.rels"] ?? "";
    for (const id of embeds) expect(rels).toContain(`Id="${id}"`);
    expect(Object.keys(zip.binary).filter((m) => m.endsWith(".png"))).toHaveLength(CHARTS);
    expect(xmlErrors(Object.values(zip.text))).toEqual(Object.values(zip.text).map(() => ""));
  });
});
