/**
 * The monthly report as a Word document (DOCX): A4 portrait with 2 cm / 1.5 cm margins, a
 * CJK-capable font in the styles (Microsoft YaHei for Latin and East Asian text; Word and WPS
 * substitute an installed CJK font where it is missing), the same sections and tables as the HTML,
 * each chart as a PNG image (charts/index.ts explains why PNG) followed by the table of the numbers
 * it draws, and a footer with generation time, site, coverage and the page number.
 *
 * Written directly as WordprocessingML strings and zipped here (docx/): the docx package built an
 * object per element and serialised the tree, which took seconds for a month of a year-scale room
 * (50 applications, thousands of outage rows); the same markup as strings takes milliseconds.
 * Text goes through docx/wordml.ts xml(): characters XML cannot carry are dropped, line breaks
 * become spaces, & < > " are escaped.
 */
import { chartPng } from "./charts/index.js";
import { blockXml, paragraph, picture, run } from "./docx/wordml.js";
import {
  contentTypes,
  coreProperties,
  documentRels,
  documentXml,
  footer,
  packageRels,
  settings,
  styles,
} from "./docx/package.js";
import { zip, type ZipEntry } from "./docx/zip.js";
import type { MonthlyReport } from "./model.js";
import { footerText, labels, reportSections, type ChartItem } from "./text.js";

/** Device pixels per CSS pixel of the chart bitmaps (shown at the scene's size: 640 px ≈ 16.9 cm). */
const CHART_SCALE = 2;

/** The report as a DOCX file. */
export async function renderDocx(report: MonthlyReport): Promise<Buffer> {
  const t = labels(report.lang);
  const media: ZipEntry[] = [];
  const images: { id: string; target: string }[] = [];
  const image = (c: ChartItem): string => {
    const n = images.length + 1;
    const target = `media/chart${n}.png`;
    images.push({ id: `rIdImage${n}`, target });
    media.push({ name: `word/${target}`, data: chartPng(c.scene, CHART_SCALE), store: true });
    return picture(n, `rIdImage${n}`, c.scene.width, c.scene.height, c.caption);
  };
  const body = [
    paragraph(run(t.title(report)), { style: "Title" }),
    paragraph(run(t.subtitle(report), { size: 24 })),
    paragraph(run(footerText(report), { size: 18, color: "555555" })),
  ];
  reportSections(report).forEach((s, i) => {
    body.push(paragraph(run(s.title), { style: "Heading2", pageBreakBefore: i > 0 }));
    for (const b of s.blocks) body.push(blockXml(b, image));
  });
  const text = (s: string) => Buffer.from(s, "utf8");
  return Promise.resolve(
    zip([
      { name: "[Content_Types].xml", data: text(contentTypes()) },
      { name: "_rels/.rels", data: text(packageRels()) },
      {
        name: "docProps/core.xml",
        data: text(
          coreProperties({
            title: `${t.title(report)} ${t.subtitle(report)}`,
            description: footerText(report),
            created: report.generatedAt,
          }),
        ),
      },
      { name: "word/document.xml", data: text(documentXml(body.join(""))) },
      { name: "word/_rels/document.xml.rels", data: text(documentRels(images)) },
      { name: "word/styles.xml", data: text(styles()) },
      { name: "word/settings.xml", data: text(settings()) },
      { name: "word/footer1.xml", data: text(`${footer(`${footerText(report)} · `)}`) },
      ...media,
    ]),
  );
}
