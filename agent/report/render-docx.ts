/**
 * The monthly report as a Word document (DOCX): A4 portrait with 2 cm / 1.5 cm margins; body text
 * in 宋体 and headings in 黑体 with a font table naming their alternatives (fonts.ts), so Word, WPS
 * and LibreOffice each find the face or its closest match; the title, the period, sections 一 to
 * 八, the sign-off (编制、审核、日期), then the appendix on a new page. Each chart is its SVG (the
 * Office 2016 svgBlip extension: vector, with its Chinese labels) over a PNG drawn at 3× (≈290 dpi
 * at print width) for readers without SVG. The outage list keeps the longest rows (the HTML and
 * Markdown keep every row), so a normal month prints in about six to eight pages.
 *
 * Written directly as WordprocessingML strings and zipped here (docx/): an object per element
 * took seconds for a month of a year-scale room; strings take milliseconds. Text goes through
 * docx/wordml.ts xml(): characters XML cannot carry are dropped, & < > " are escaped.
 */
import { chartPng, chartSvg } from "./charts/index.js";
import { blockXml, paragraph, picture, run, table } from "./docx/wordml.js";

/** The charts' printed size against their CSS size. */
const PRINT_SCALE = 0.85;
import {
  contentTypes,
  coreProperties,
  documentRels,
  documentXml,
  fontTable,
  footer,
  packageRels,
  settings,
  styles,
} from "./docx/package.js";
import { zip, type ZipEntry } from "./docx/zip.js";
import type { MonthlyReport } from "./model.js";
import {
  footerText,
  labels,
  OUTAGE_ROWS_IN_PRINT,
  reportSections,
  signOffBlock,
  type Block,
  type ChartItem,
  type ReportSection,
} from "./text.js";

/** Device pixels per CSS pixel of the PNG fallback (640 px shown 16.9 cm wide: 3× ≈ 290 dpi). */
const CHART_SCALE = 3;

/** The appendix's outage table cut to its longest rows, with a line saying so. */
function printable(section: ReportSection, report: MonthlyReport): Block[] {
  if (section.id !== "outages") return section.blocks;
  const outages = report.availability.outages;
  if (outages.length <= OUTAGE_ROWS_IN_PRINT) return section.blocks;
  const [full, ...rest] = section.blocks;
  if (full === undefined || full.kind !== "table") return section.blocks;
  const order = outages
    .map((o, i) => ({ i, minutes: o.durationMinutes }))
    .sort((a, b) => b.minutes - a.minutes || a.i - b.i)
    .slice(0, OUTAGE_ROWS_IN_PRINT)
    .map((x) => x.i)
    .sort((a, b) => a - b);
  const t = labels(report.lang);
  return [
    { ...full, rows: order.map((i) => full.rows[i] ?? []) },
    { kind: "paragraph", note: true, text: t.moreRows(OUTAGE_ROWS_IN_PRINT, outages.length) },
    ...rest,
  ];
}

/** The report as a DOCX file. */
export async function renderDocx(report: MonthlyReport): Promise<Buffer> {
  const t = labels(report.lang);
  const media: ZipEntry[] = [];
  const images: { id: string; target: string }[] = [];
  const image = (c: ChartItem): string => {
    const n = images.length / 2 + 1;
    images.push(
      { id: `rIdImage${n}`, target: `media/chart${n}.png` },
      { id: `rIdSvg${n}`, target: `media/chart${n}.svg` },
    );
    media.push(
      { name: `word/media/chart${n}.png`, data: chartPng(c.scene, CHART_SCALE), store: true },
      { name: `word/media/chart${n}.svg`, data: Buffer.from(chartSvg(c.scene), "utf8") },
    );
    // Printed at 85 % of the scene's CSS size (5.7 in wide): every label stays legible (the PNG is
    // drawn at 3×, about 340 dpi at this size) and a normal month keeps to 6–8 A4 pages.
    const size = (px: number) => Math.round(px * PRINT_SCALE);
    return picture(n, `rIdImage${n}`, size(c.scene.width), size(c.scene.height), c.caption, `rIdSvg${n}`);
  };
  const body = [
    paragraph(run(t.title(report)), { style: "Title", spaceBefore: 240 }),
    paragraph(run(t.period(report)), { style: "Subtitle" }),
    paragraph(run(footerText(report), { size: 18, color: "555555" }), { align: "center" }),
  ];
  const sections = reportSections(report);
  for (const s of sections.filter((x) => x.appendix !== true)) {
    body.push(paragraph(run(s.title), { style: "Heading2" }));
    for (const b of s.blocks) body.push(blockXml(b, image));
  }
  body.push(blockXml(signOffBlock(report), image));
  body.push(paragraph(run(t.sections.appendix), { style: "Heading1", pageBreakBefore: true }));
  for (const s of sections.filter((x) => x.appendix === true)) {
    body.push(paragraph(run(s.title), { style: "Heading3" }));
    for (const b of printable(s, report)) body.push(b.kind === "table" ? table(b) : blockXml(b, image, true));
  }
  const text = (s: string) => Buffer.from(s, "utf8");
  return Promise.resolve(
    zip([
      { name: "[Content_Types].xml", data: text(contentTypes()) },
      { name: "_rels/.rels", data: text(packageRels()) },
      {
        name: "docProps/core.xml",
        data: text(
          coreProperties({
            title: `${t.title(report)}（${t.period(report)}）`,
            description: footerText(report),
            created: report.generatedAt,
          }),
        ),
      },
      { name: "word/document.xml", data: text(documentXml(body.join(""))) },
      { name: "word/_rels/document.xml.rels", data: text(documentRels(images)) },
      { name: "word/styles.xml", data: text(styles()) },
      { name: "word/settings.xml", data: text(settings()) },
      { name: "word/fontTable.xml", data: text(fontTable()) },
      { name: "word/footer1.xml", data: text(`${footer(`${footerText(report)} · `)}`) },
      ...media,
    ]),
  );
}
