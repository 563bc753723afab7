import { describe, expect, it } from "vitest";
import { escapeHtml, escapeMarkdown, escapeMarkdownBlock } from "../../agent/report/escape.js";
import { renderDocx } from "../../agent/report/render-docx.js";
import { renderHtml } from "../../agent/report/render-html.js";
import { renderMarkdown } from "../../agent/report/render-markdown.js";
import { HOSTILE_NOTE, HOSTILE_REASON, HOSTILE_VM, octoberReport } from "./fixture.js";
import { decodePng, markdownCells, svgsOf, unzip, xmlErrors } from "./helpers.js";

const ZH_SECTIONS = [
  "一、运营指标摘要",
  "二、平台可用性",
  "三、中心机房",
  "四、视频会议",
  "五、故障处理",
  "六、维护窗口",
  "七、本月手工记录",
  "八、数据覆盖与计算规则",
];

/** Figures of the fixture every format must print. */
const FIGURES = [
  "96.30%", // the online platform's month availability
  "97.58%", // education applications, month
  "97.41%", // year to date
  "96.3%", // the summary value in the form's notation
  "≥95%",
  "=253个",
  "94.10%", // antivirus coverage
  "98.71%", // data coverage
  "68小时43分", // error budget left: 4123 min
  "超支 1小时35分", // overspent by 95 min
  "7小时0分", // the longest outage
  "3.4 ms",
];

const CHARTS = 6; // 3 applications, VM count, antivirus coverage, response times

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

  it("has a print stylesheet for A4 that keeps colours and breaks pages before sections", () => {
    expect(html).toContain("@page { size: A4;");
    expect(html).toContain("print-color-adjust: exact");
    expect(html).toMatch(/@media print \{[\s\S]*page-break-before: always/);
  });

  it("prints every section, in order, and the figures", () => {
    const at = ZH_SECTIONS.map((s) => html.indexOf(`<h2>${s}</h2>`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    for (const f of FIGURES) expect(html, f).toContain(escapeHtml(f));
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("<h1>苏州市电化教育馆大平台月度运营报告</h1>");
    expect(html).toMatch(
      /<footer>生成时间 2026-11-01 09:30 \(Asia\/Shanghai\) · 站点 苏州电教馆中心机房 · 数据覆盖 98\.71%<\/footer>/,
    );
  });

  it("colours statuses: met, not met, at risk, no data", () => {
    expect(html).toContain('<td class="tone-met">达标</td>');
    expect(html).toContain('<td class="tone-not_met">未达标</td>');
    expect(html).toContain('<td class="tone-at_risk">有风险</td>');
    expect(html).toContain('<td class="tone-no_data">无数据</td>');
    expect(html).toMatch(/\.tone-met[^{]*\{ color: var\(--met\)/);
  });

  it("escapes every string from the outside world", () => {
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>bad");
    expect(html).not.toContain("<img");
    expect(html).toContain(escapeHtml(HOSTILE_VM));
    expect(html).toContain("status: status 502 &amp; &lt;b&gt;bad gateway&lt;/b&gt;");
    expect(html).toContain(escapeHtml(HOSTILE_NOTE));
    expect(html).toContain("agent offline &amp; not seen for 7d");
  });

  it("draws the charts as inline SVG that parses as XML", () => {
    const svgs = svgsOf(html);
    expect(svgs).toHaveLength(CHARTS);
    expect(html.match(/<svg\b/g)).toHaveLength(CHARTS);
    const errors = xmlErrors(svgs.map((s) => s.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ')));
    expect(errors).toEqual(svgs.map(() => ""));
    expect(svgs[0]).toContain('aria-label="苏州线上教育平台 每日可用率"');
  });

  it("is deterministic", () => {
    expect(renderHtml(octoberReport())).toBe(html);
  });

  it("speaks English with lang en", () => {
    const en = renderHtml(octoberReport({ lang: "en" }));
    expect(en).toContain('<html lang="en">');
    expect(en).toContain("<h2>2. Platform availability</h2>");
    expect(en).toContain("<h2>8. Data coverage and accounting rules</h2>");
    expect(en).toContain("Oct 2026");
    expect(en).toContain("68 h 43 min");
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
    expect(out).toContain('<h2>七、本月手工记录</h2>\n<p class="note">无</p>');
    expect(svgsOf(out)).toHaveLength(3);
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

  it("replaces each chart with the daily numbers", () => {
    expect(md).toContain("| 日期 | 苏州线上教育平台 | 教育城域网门户 | E卡通服务 |");
    expect(md).toContain("| 2026-10-12 | 71.00% | 100.00% | — |");
    expect(md).toContain("| 2026-10-25 | — | — |");
    expect(md).toContain("| ≤5 min | 3 | 42.9% |");
    expect(lines.filter((l) => /^\| 2026-10-\d\d \|/.test(l))).toHaveLength(31 * 2);
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
    expect(zip.text["word/styles.xml"]).toContain('w:eastAsia="Microsoft YaHei"');
  });

  it("prints the headings, the figures and the tables", () => {
    for (const s of ZH_SECTIONS) expect(text).toContain(s);
    for (const f of FIGURES) expect(text, f).toContain(escapeHtml(f));
    expect(document.match(/<w:tbl>/g)?.length).toBeGreaterThanOrEqual(15);
    expect(document).toContain('<w:pStyle w:val="Heading2"/>');
    expect(text).toContain(escapeHtml(HOSTILE_VM));
    expect(text).toContain("第一行 [link](javascript:alert(1))"); // the newline became a space
    expect(document).not.toContain("<script>");
  });

  it("embeds each chart as a valid PNG at 2×", () => {
    const media = Object.keys(zip.binary).sort();
    expect(media).toHaveLength(CHARTS);
    expect(media.every((m) => m.endsWith(".png"))).toBe(true);
    expect(document.match(/<pic:pic\b/g)).toHaveLength(CHARTS);
    expect(zip.text["[Content_Types].xml"]).toMatch(/Extension="png"/);
    for (const m of media) {
      const png = decodePng(zip.binary[m]!);
      expect([png.width, png.height]).toEqual([1280, 440]);
    }
    // shown at 640×220 px = 6096000×2095500 EMU
    expect(document).toContain('<wp:extent cx="6096000" cy="2095500"/>');
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
  // 50 applications (a chart each) and 2,000 outages: every row is in the document, every part
  // parses, every picture is referenced by a relationship of the document.
  const base = octoberReport();
  const applications = Array.from({ length: 50 }, (_, i) => ({
    ...base.availability.applications[i % 3]!,
    application: `应用-${i}`,
  }));
  const outages = Array.from({ length: 2000 }, (_, i) => ({
    ...base.availability.outages[i % 3]!,
    application: `应用-${i % 50}`,
    start: new Date(base.availability.outages[0]!.start.getTime() + i * 60_000),
  }));
  const report = { ...base, availability: { ...base.availability, applications, outages } };
  const zip = unzip(await renderDocx(report));
  const document = zip.text["word/document.xml"] ?? "";

  it("holds every outage row and a picture per chart, each with its relationship", () => {
    expect(document.match(/<w:tr>/g)?.length).toBeGreaterThan(2000);
    expect(document.match(/<w:t xml:space="preserve">应用-7<\/w:t>/g)?.length).toBeGreaterThanOrEqual(40);
    const embeds = [...document.matchAll(/r:embed="([^"]+)"/g)].map((m) => m[1]);
    expect(embeds).toHaveLength(50 + 3);
    const rels = zip.text["word/_rels/document.xml.rels"] ?? "";
    for (const id of embeds) expect(rels).toContain(`Id="${id}"`);
    expect(Object.keys(zip.binary)).toHaveLength(53);
    expect(xmlErrors(Object.values(zip.text))).toEqual(Object.values(zip.text).map(() => ""));
  });
});
