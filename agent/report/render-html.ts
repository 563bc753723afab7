/**
 * The monthly report as one self-contained HTML file: inline CSS (with a print stylesheet for A4),
 * charts as inline SVG, system fonts only — no scripts, no network fetches, nothing to load. Every
 * string is escaped (& < > " '), the report's own labels included.
 */
import { toSvg } from "./charts/index.js";
import { escapeHtml as h } from "./escape.js";
import { CSS_BODY_FONTS, CSS_HEADING_FONTS } from "./fonts.js";
import type { MonthlyReport } from "./model.js";
import {
  footerText,
  labels,
  reportSections,
  signOffBlock,
  type Block,
  type Cell,
  type TableBlock,
  type Tone,
} from "./text.js";

const CSS = `
body { font-family: ${CSS_BODY_FONTS}; }
h1, h2, h3, th, .signoff, figcaption { font-family: ${CSS_HEADING_FONTS}; }
:root { --met: #2e7d32; --met-bg: #e8f5e9; --bad: #c62828; --bad-bg: #ffebee; --warn: #b26a00; --warn-bg: #fff4e0;
  --grey: #616161; --grey-bg: #eeeeee; --line: #cfd8dc; --head: #eceff1; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 960px; padding: 24px; color: #222; background: #fff; font-size: 15px; line-height: 1.7; }
header.cover { text-align: center; border-bottom: 3px solid #1a3d6d; margin-bottom: 16px; padding-bottom: 10px; }
h1 { font-size: 26px; margin: 8px 0 6px; letter-spacing: 1px; }
main p { text-indent: 2em; }
main p.note, main figure p { text-indent: 0; }
.signoff { display: flex; justify-content: flex-end; gap: 48px; margin: 36px 0 12px; }
.signoff span { min-width: 150px; border-bottom: 1px solid #555; padding-bottom: 2px; }
section.appendix { font-size: 13px; }
h2.appendix { text-align: center; border: none; }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); color: #1a3d6d; }
h3 { font-size: 15px; margin: 18px 0 8px; }
p.subtitle, p.meta { margin: 2px 0; color: #555; }
p.note { color: #555; font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 13px; page-break-inside: auto; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
thead th { background: var(--head); }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.empty { color: var(--grey); text-align: center; }
.tone-met, .tone-good { color: var(--met); background: var(--met-bg); }
.tone-not_met, .tone-bad { color: var(--bad); background: var(--bad-bg); }
.tone-at_risk, .tone-warn { color: var(--warn); background: var(--warn-bg); }
.tone-no_data, .tone-n\\/a { color: var(--grey); background: var(--grey-bg); }
.figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 12px; }
.figure { border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; min-width: 150px; }
.figure .label { display: block; font-size: 12px; color: #555; }
.figure .value { display: block; font-size: 20px; font-weight: 600; }
figure.chart { margin: 8px 0 14px; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 12px; color: #555; margin-top: 2px; }
footer { margin-top: 28px; padding-top: 8px; border-top: 1px solid var(--line); font-size: 12px; color: #555; }
@page { size: A4; margin: 18mm 15mm 18mm 15mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  section.appendix:first-of-type, h2.appendix { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  table { font-size: 9pt; }
  .figure { min-width: 120px; }
}
`.trim();

function td(c: Cell, tag: "td" | "th" = "td"): string {
  const classes = [c.numeric === true ? "num" : "", c.tone === undefined ? "" : `tone-${c.tone}`].filter(
    (x) => x !== "",
  );
  const cls = classes.length === 0 ? "" : ` class="${h(classes.join(" "))}"`;
  return `<${tag}${cls}>${h(c.text)}</${tag}>`;
}

function tableHtml(t: TableBlock): string {
  if (t.rows.length === 0) return `<p class="note">${h(t.empty)}</p>`;
  const groups =
    t.groups === undefined
      ? ""
      : `<tr>${t.groups.map((g) => `<th${g.span > 1 ? ` colspan="${g.span}"` : ""}>${h(g.text)}</th>`).join("")}</tr>`;
  const head = `<tr>${t.headers.map((x) => `<th>${h(x)}</th>`).join("")}</tr>`;
  const body = t.rows.map((row) => `<tr>${row.map((c) => td(c)).join("")}</tr>`).join("\n");
  return `<table>\n<thead>${groups}${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function toneClass(tone: Tone | undefined): string {
  return tone === undefined ? "" : ` tone-${tone}`;
}

function blockHtml(b: Block): string {
  switch (b.kind) {
    case "heading":
      return `<h${b.level}${b.id === undefined ? "" : ` id="${h(b.id)}"`}>${h(b.text)}</h${b.level}>`;
    case "paragraph":
      return `<p${b.note === true ? ` class="note"` : ""}>${h(b.text)}</p>`;
    case "figures":
      return `<div class="figures">${b.items
        .map(
          (i) =>
            `<div class="figure${h(toneClass(i.tone))}"><span class="label">${h(i.label)}</span><span class="value">${h(i.value)}</span></div>`,
        )
        .join("")}</div>`;
    case "table":
      return tableHtml(b);
    case "signoff":
      return `<div class="signoff">${b.items.map((i) => `<span>${h(i)}</span>`).join("")}</div>`;
    case "charts":
      return b.charts
        .map(
          (c) =>
            `<figure class="chart">\n${toSvg(c.scene, { xmlns: false })}\n<figcaption>${h(c.caption)}</figcaption>\n</figure>`,
        )
        .join("\n");
  }
}

/** The report as one HTML document (UTF-8). */
export function renderHtml(report: MonthlyReport): string {
  const t = labels(report.lang);
  const lang = report.lang === "en" ? "en" : "zh-CN";
  const section = (s: ReturnType<typeof reportSections>[number]) =>
    `<section class="report-section${s.appendix === true ? " appendix" : ""}" id="${h(s.id)}">\n<h${s.appendix === true ? 3 : 2}>${h(s.title)}</h${s.appendix === true ? 3 : 2}>\n${s.blocks.map(blockHtml).join("\n")}\n</section>`;
  const all = reportSections(report);
  const sections = [
    ...all.filter((s) => s.appendix !== true).map(section),
    blockHtml(signOffBlock(report)),
    `<h2 class="appendix">${h(t.sections.appendix)}</h2>`,
    ...all.filter((s) => s.appendix === true).map(section),
  ].join("\n");
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ops-agent">
<title>${h(`${t.title(report)}（${t.period(report)}）`)}</title>
<style>
${CSS}
</style>
</head>
<body>
<header class="cover">
<h1>${h(t.title(report))}</h1>
<p class="subtitle">${h(t.period(report))}</p>
<p class="meta">${h(footerText(report))}</p>
</header>
<main>
${sections}
</main>
<footer>${h(footerText(report))}</footer>
</body>
</html>
`;
}
