/**
 * The monthly report as a Word document (DOCX) via the `docx` package: A4 portrait with 2 cm / 1.5 cm
 * margins, a CJK-capable font in the styles (Microsoft YaHei for Latin and East Asian text; Word and
 * WPS substitute an installed CJK font where it is missing), the same sections and tables as the HTML, each
 * chart as a PNG image (charts/index.ts explains why PNG) followed by the table of the numbers it
 * draws, and a footer with generation time, site, coverage and the page number.
 *
 * Text runs go through plainText (escape.ts): the docx package escapes & < > itself; characters
 * XML cannot carry are dropped and line breaks become spaces.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  ImageRun,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
} from "docx";
import { chartPng } from "./charts/index.js";
import { plainText } from "./escape.js";
import type { MonthlyReport } from "./model.js";
import {
  footerText,
  labels,
  reportSections,
  type Block,
  type Cell,
  type TableBlock,
  type Tone,
} from "./text.js";

const FONT = "Microsoft YaHei";
const FONTS = { ascii: FONT, hAnsi: FONT, eastAsia: FONT, cs: FONT };

/** A4 in twentieths of a point, and the margins (top/bottom 2 cm, left/right 1.5 cm). */
const A4 = { width: 11906, height: 16838 } as const;
const MARGIN = { top: 1134, bottom: 1134, left: 850, right: 850 } as const;

/** Pixel size the charts are shown at (docx converts at 96 dpi): 640 px ≈ 16.9 cm of the 18 cm text width. */
const CHART_SCALE = 2;

/** Text colour and shading per tone, as in the HTML. */
const TONES: Record<Tone, { color: string; fill: string }> = {
  met: { color: "2E7D32", fill: "E8F5E9" },
  good: { color: "2E7D32", fill: "E8F5E9" },
  not_met: { color: "C62828", fill: "FFEBEE" },
  bad: { color: "C62828", fill: "FFEBEE" },
  at_risk: { color: "B26A00", fill: "FFF4E0" },
  warn: { color: "B26A00", fill: "FFF4E0" },
  no_data: { color: "616161", fill: "EEEEEE" },
  "n/a": { color: "616161", fill: "EEEEEE" },
};

const BORDER = { style: BorderStyle.SINGLE, size: 4, color: "CFD8DC" } as const;
const BORDERS = {
  top: BORDER,
  bottom: BORDER,
  left: BORDER,
  right: BORDER,
  insideHorizontal: BORDER,
  insideVertical: BORDER,
};

function run(text: string, options: Omit<IRunOptions, "text"> = {}): TextRun {
  return new TextRun({ ...options, text: plainText(text) });
}

function cellOf(c: Cell, header = false, span = 1): TableCell {
  const tone = c.tone === undefined ? undefined : TONES[c.tone];
  return new TableCell({
    children: [
      new Paragraph({
        alignment: c.numeric === true ? AlignmentType.RIGHT : AlignmentType.LEFT,
        children: [
          run(c.text, { bold: header, size: 18, ...(tone === undefined ? {} : { color: tone.color }) }),
        ],
      }),
    ],
    ...(span > 1 ? { columnSpan: span } : {}),
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    ...(header
      ? { shading: { type: ShadingType.CLEAR, color: "auto", fill: "ECEFF1" } }
      : tone === undefined
        ? {}
        : { shading: { type: ShadingType.CLEAR, color: "auto", fill: tone.fill } }),
  });
}

function tableOf(t: TableBlock): Paragraph | Table {
  if (t.rows.length === 0)
    return new Paragraph({ children: [run(t.empty, { italics: true, color: "616161" })] });
  const rows: TableRow[] = [];
  if (t.groups !== undefined)
    rows.push(
      new TableRow({
        tableHeader: true,
        children: t.groups.map((g) => cellOf({ text: g.text }, true, g.span)),
      }),
    );
  rows.push(
    new TableRow({
      tableHeader: true,
      children: t.headers.map((x, i) => cellOf({ text: x, numeric: t.numeric?.[i] === true }, true)),
    }),
  );
  for (const row of t.rows)
    rows.push(
      new TableRow({ cantSplit: true, children: t.headers.map((_, i) => cellOf(row[i] ?? { text: "" })) }),
    );
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, borders: BORDERS, rows });
}

function blocksOf(b: Block): (Paragraph | Table)[] {
  switch (b.kind) {
    case "heading":
      return [new Paragraph({ heading: HeadingLevel.HEADING_3, children: [run(b.text)] })];
    case "paragraph":
      return [
        new Paragraph({
          children: [run(b.text, b.note === true ? { italics: true, color: "555555", size: 18 } : {})],
        }),
      ];
    case "figures":
      return b.items.map(
        (i) =>
          new Paragraph({
            children: [
              run(`${i.label}：`),
              run(i.value, {
                bold: true,
                ...(i.tone === undefined ? {} : { color: TONES[i.tone].color }),
              }),
            ],
          }),
      );
    case "table":
      return [tableOf(b), new Paragraph({ children: [] })];
    case "charts":
      return [
        ...b.charts.flatMap((c) => [
          new Paragraph({
            keepNext: true,
            children: [
              new ImageRun({
                type: "png",
                data: chartPng(c.scene, CHART_SCALE),
                transformation: { width: c.scene.width, height: c.scene.height },
                altText: {
                  name: plainText(c.caption),
                  title: plainText(c.caption),
                  description: plainText(c.caption),
                },
              }),
            ],
          }),
          new Paragraph({
            keepNext: true,
            alignment: AlignmentType.CENTER,
            children: [run(c.caption, { size: 18, color: "555555" })],
          }),
        ]),
        tableOf(b.data),
        new Paragraph({ children: [] }),
      ];
  }
}

const heading = (size: number, color: string) => ({
  run: { font: FONTS, size, bold: true, color },
  paragraph: { spacing: { before: 240, after: 120 }, keepNext: true },
});

/** The report as a DOCX file. */
export async function renderDocx(report: MonthlyReport): Promise<Buffer> {
  const t = labels(report.lang);
  const children: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [run(t.title(report))] }),
    new Paragraph({ children: [run(t.subtitle(report), { size: 24 })] }),
    new Paragraph({ children: [run(footerText(report), { size: 18, color: "555555" })] }),
  ];
  reportSections(report).forEach((s, i) => {
    children.push(
      new Paragraph({ heading: HeadingLevel.HEADING_2, pageBreakBefore: i > 0, children: [run(s.title)] }),
    );
    for (const b of s.blocks) children.push(...blocksOf(b));
  });
  const doc = new Document({
    creator: "ops-agent",
    title: plainText(`${t.title(report)} ${t.subtitle(report)}`),
    description: plainText(footerText(report)),
    styles: {
      default: {
        document: { run: { font: FONTS, size: 20 }, paragraph: { spacing: { after: 80 } } },
        title: heading(36, "1A3D6D"),
        heading1: heading(32, "1A3D6D"),
        heading2: heading(28, "1A3D6D"),
        heading3: heading(24, "333333"),
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: A4.width, height: A4.height, orientation: PageOrientation.PORTRAIT },
            margin: MARGIN,
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  run(`${footerText(report)} · `, { size: 16, color: "555555" }),
                  new TextRun({ children: [PageNumber.CURRENT], size: 16, color: "555555" }),
                ],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
