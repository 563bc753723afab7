/**
 * The monthly report as GitHub-flavoured Markdown: the same sections, figures and tables as the
 * HTML; each chart is replaced by the daily numbers it draws, as a compact table. Every string is
 * escaped (escape.ts): a VM named `x|y*z` or `<script>` cannot split a table cell, open a link or
 * inject HTML, and line breaks inside a value become spaces.
 */
import { escapeMarkdown as md, escapeMarkdownBlock as mdBlock } from "./escape.js";
import type { MonthlyReport } from "./model.js";
import {
  footerText,
  labels,
  reportSections,
  signOffBlock,
  type Block,
  type Cell,
  type TableBlock,
} from "./text.js";

function cellText(c: Cell): string {
  const text = md(c.text);
  return text === "" ? " " : text;
}

function tableMd(t: TableBlock): string {
  if (t.rows.length === 0) return `*${md(t.empty)}*`;
  const headers =
    t.groups === undefined
      ? t.headers
      : t.headers.map((hdr, i) => {
          // No colspan in GFM: prefix each header with its group's caption ("10月 数值").
          let at = 0;
          for (const g of t.groups ?? []) {
            if (i < at + g.span) return g.text === "" ? hdr : `${g.text} ${hdr}`;
            at += g.span;
          }
          return hdr;
        });
  const align = headers.map((_, i) => (t.numeric?.[i] === true ? "---:" : "---"));
  const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  return [
    line(headers.map((x) => md(x))),
    line(align),
    ...t.rows.map((row) => line(headers.map((_, i) => cellText(row[i] ?? { text: "" })))),
  ].join("\n");
}

function blockMd(b: Block): string {
  switch (b.kind) {
    case "heading":
      return `${"#".repeat(b.level)} ${md(b.text)}`;
    case "paragraph":
      return b.note === true ? `*${md(b.text)}*` : mdBlock(b.text);
    case "figures":
      return b.items.map((i) => `- ${md(i.label)}：**${md(i.value)}**`).join("\n");
    case "table":
      return tableMd(b);
    case "charts":
      // No pictures in Markdown: the chart's own numbers (a table per chart when it has one).
      return b.data === undefined ? b.charts.map((c) => `*${md(c.caption)}*`).join("\n\n") : tableMd(b.data);
    case "signoff":
      return b.items.map((i) => `${md(i)}＿＿＿＿＿＿`).join("　　");
  }
}

/** The report as Markdown (GFM tables). */
export function renderMarkdown(report: MonthlyReport): string {
  const t = labels(report.lang);
  const all = reportSections(report);
  const section = (s: (typeof all)[number]) => [
    `${s.appendix === true ? "###" : "##"} ${md(s.title)}`,
    ...s.blocks.map(blockMd),
  ];
  const parts = [
    `# ${md(t.title(report))}`,
    mdBlock(t.period(report)),
    ...all.filter((s) => s.appendix !== true).flatMap(section),
    blockMd(signOffBlock(report)),
    `## ${md(t.sections.appendix)}`,
    ...all.filter((s) => s.appendix === true).flatMap(section),
    "---",
    mdBlock(footerText(report)),
  ];
  return `${parts.join("\n\n")}\n`;
}
