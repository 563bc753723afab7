/**
 * The report's blocks as WordprocessingML (the body of word/document.xml), written as strings:
 * paragraphs and runs, tables (grouping row, header rows repeated on each page, rows kept whole,
 * tones as text colour and shading), and charts as inline PNG pictures. The docx package built the
 * same markup from an object per element, which took seconds for a month's outage table of
 * thousands of rows; strings take milliseconds. ECMA-376 Part 1, §17 (WordprocessingML) and
 * §20.4 (DrawingML pictures).
 */
import { plainText } from "../escape.js";
import type { Block, Cell, ChartItem, TableBlock, Tone } from "../text.js";
import { columnWidths } from "./column-widths.js";

/** Text colour and shading per tone, as in the HTML. */
export const TONES: Record<Tone, { color: string; fill: string }> = {
  met: { color: "2E7D32", fill: "E8F5E9" },
  good: { color: "2E7D32", fill: "E8F5E9" },
  not_met: { color: "C62828", fill: "FFEBEE" },
  bad: { color: "C62828", fill: "FFEBEE" },
  at_risk: { color: "B26A00", fill: "FFF4E0" },
  warn: { color: "B26A00", fill: "FFF4E0" },
  no_data: { color: "616161", fill: "EEEEEE" },
  "n/a": { color: "616161", fill: "EEEEEE" },
};

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Text for XML content or a quoted attribute: plainText (no control characters, no line breaks), then & < > " escaped. */
export function xml(text: string): string {
  return plainText(text).replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
}

export interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  color?: string;
  /** Half-points (18 = 9 pt). */
  size?: number;
}

export function run(text: string, style: RunStyle = {}): string {
  const props =
    (style.bold === true ? "<w:b/><w:bCs/>" : "") +
    (style.italics === true ? "<w:i/><w:iCs/>" : "") +
    (style.color === undefined ? "" : `<w:color w:val="${style.color}"/>`) +
    (style.size === undefined ? "" : `<w:sz w:val="${style.size}"/><w:szCs w:val="${style.size}"/>`);
  return `<w:r>${props === "" ? "" : `<w:rPr>${props}</w:rPr>`}<w:t xml:space="preserve">${xml(text)}</w:t></w:r>`;
}

export interface ParagraphStyle {
  style?: string;
  /** Space before, twentieths of a point. */
  spaceBefore?: number;
  /** First-line indent in characters (2 for body text, as Chinese documents indent). */
  indentChars?: number;
  keepNext?: boolean;
  pageBreakBefore?: boolean;
  align?: "left" | "center" | "right";
}

export function paragraph(runs: string, p: ParagraphStyle = {}): string {
  const props =
    (p.style === undefined ? "" : `<w:pStyle w:val="${p.style}"/>`) +
    (p.keepNext === true ? "<w:keepNext/>" : "") +
    (p.pageBreakBefore === true ? "<w:pageBreakBefore/>" : "") +
    (p.spaceBefore === undefined ? "" : `<w:spacing w:before="${p.spaceBefore}"/>`) +
    (p.indentChars === undefined ? "" : `<w:ind w:firstLineChars="${p.indentChars * 100}"/>`) +
    (p.align === undefined ? "" : `<w:jc w:val="${p.align}"/>`);
  return `<w:p>${props === "" ? "" : `<w:pPr>${props}</w:pPr>`}${runs}</w:p>`;
}

const BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="CFD8DC"';
/** Full text width, borders, and the cell margins once for the table (40 / 80 twips) rather than per cell. */
const TABLE_PROPS =
  `<w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders><w:top ${BORDER}/><w:left ${BORDER}/>` +
  `<w:bottom ${BORDER}/><w:right ${BORDER}/><w:insideH ${BORDER}/><w:insideV ${BORDER}/></w:tblBorders>` +
  `<w:tblLayout w:type="autofit"/><w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>` +
  `<w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr>`;
const HEADER_FILL = "ECEFF1";
/** The A4 text width in twips (11906 − 2 × 850), shared out in the grid by gridWidths. */
const TEXT_WIDTH = 10206;

function cellXml(c: Cell, header: boolean, span = 1): string {
  const tone = c.tone === undefined ? undefined : TONES[c.tone];
  const fill = header ? HEADER_FILL : tone?.fill;
  const props =
    (span > 1 ? `<w:gridSpan w:val="${span}"/>` : "") +
    (fill === undefined ? "" : `<w:shd w:val="clear" w:color="auto" w:fill="${fill}"/>`);
  return (
    `<w:tc>${props === "" ? "" : `<w:tcPr>${props}</w:tcPr>`}` +
    paragraph(run(c.text, { bold: header, size: 18, ...(tone === undefined ? {} : { color: tone.color }) }), {
      align: c.numeric === true ? "right" : "left",
      style: "TableText",
    }) +
    `</w:tc>`
  );
}

/** The grid's widths (column-widths.ts): from each column's header and cells. */
function gridWidths(t: TableBlock): number[] {
  return columnWidths(
    t.headers.map((header, i) => [header, ...t.rows.map((row) => row[i]?.text ?? "")]),
    TEXT_WIDTH,
  );
}

export function table(t: TableBlock): string {
  if (t.rows.length === 0) return paragraph(run(t.empty, { italics: true, color: "616161" }));
  const grid = `<w:tblGrid>${gridWidths(t)
    .map((w) => `<w:gridCol w:w="${w}"/>`)
    .join("")}</w:tblGrid>`;
  const headerRow = (cells: string) => `<w:tr><w:trPr><w:tblHeader/></w:trPr>${cells}</w:tr>`;
  const parts = [`<w:tbl>${TABLE_PROPS}${grid}`];
  if (t.groups !== undefined)
    parts.push(headerRow(t.groups.map((g) => cellXml({ text: g.text }, true, g.span)).join("")));
  parts.push(
    headerRow(t.headers.map((x, i) => cellXml({ text: x, numeric: t.numeric?.[i] === true }, true)).join("")),
  );
  for (const row of t.rows)
    parts.push(
      `<w:tr><w:trPr><w:cantSplit/></w:trPr>${t.headers.map((_, i) => cellXml(row[i] ?? { text: "" }, false)).join("")}</w:tr>`,
    );
  parts.push("</w:tbl>");
  return parts.join("");
}

/**
 * The vector form of a picture (Office 2016+ SVG extension, also read by WPS and LibreOffice): the
 * chart with its Chinese labels, sharp at any size; the PNG in r:embed is what older readers show.
 */
function svgBlip(rel: string): string {
  return (
    '<a:extLst><a:ext uri="{96DAC541-7B7A-43D3-8B79-37D633B846F1}">' +
    `<asvg:svgBlip xmlns:asvg="http://schemas.microsoft.com/office/drawing/2016/SVG/main" r:embed="${rel}"/>` +
    "</a:ext></a:extLst>"
  );
}

/** English Metric Units per CSS pixel (96 dpi): 914400 per inch. */
const EMU_PER_PX = 9525;

/** An inline picture: `id` numbers the drawing (unique in the document), `rel` is its image relationship. */
export function picture(
  id: number,
  rel: string,
  widthPx: number,
  heightPx: number,
  caption: string,
  svgRel?: string,
): string {
  const cx = Math.round(widthPx * EMU_PER_PX);
  const cy = Math.round(heightPx * EMU_PER_PX);
  const name = xml(caption);
  const a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"';
  return (
    `<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="${cx}" cy="${cy}"/>` +
    `<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="${id}" name="${name}" descr="${name}" title="${name}"/>` +
    `<wp:cNvGraphicFramePr><a:graphicFrameLocks ${a} noChangeAspect="1"/></wp:cNvGraphicFramePr>` +
    `<a:graphic ${a}><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">` +
    `<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr>` +
    `<pic:cNvPr id="${id}" name="chart${id}.png"/><pic:cNvPicPr><a:picLocks noChangeAspect="1"/></pic:cNvPicPr></pic:nvPicPr>` +
    `<pic:blipFill><a:blip r:embed="${rel}">${svgRel === undefined ? "" : svgBlip(svgRel)}</a:blip><a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
    `<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm>` +
    `<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>` +
    `</wp:inline></w:drawing></w:r>`
  );
}

/**
 * One block as WordprocessingML; `image` adds a chart's PNG to the package and returns the run that
 * shows it. `small`: the appendix's smaller print (9 pt, as its tables), so that a normal month's
 * rules and details do not spill onto a page of their own.
 */
export function blockXml(b: Block, image: (chart: ChartItem) => string, small = false): string {
  switch (b.kind) {
    case "heading":
      return paragraph(run(b.text), { style: "Heading3" });
    case "paragraph":
      return b.note === true || small
        ? paragraph(run(b.text, { color: b.note === true ? "555555" : "000000", size: 18 }))
        : paragraph(run(b.text), { indentChars: 2 });
    case "figures":
      return b.items
        .map((i) =>
          paragraph(
            run(`${i.label}：`) +
              run(i.value, { bold: true, ...(i.tone === undefined ? {} : { color: TONES[i.tone].color }) }),
          ),
        )
        .join("");
    case "table":
      return table(b) + paragraph("");
    case "charts":
      return (
        b.charts
          .map(
            (c) =>
              paragraph(image(c), { keepNext: true, align: "center" }) +
              (c.legend === undefined
                ? ""
                : paragraph(
                    c.legend
                      .map(
                        (l) =>
                          run("■ ", { color: l.colour.replace("#", "").toUpperCase(), size: 18 }) +
                          run(`${l.name}\u3000`, { size: 18 }),
                      )
                      .join(""),
                    { keepNext: true, align: "center" },
                  )) +
              paragraph(run(c.caption, { size: 18, color: "555555" }), { align: "center", style: "Caption" }),
          )
          .join("") + (b.data === undefined ? "" : table(b.data) + paragraph(""))
      );
    case "signoff":
      // One line, right-aligned, each item followed by room to sign.
      return paragraph(b.items.map((i) => run(`${i}＿＿＿＿＿＿\u3000\u3000`)).join(""), {
        align: "right",
        spaceBefore: 480,
      });
  }
}
