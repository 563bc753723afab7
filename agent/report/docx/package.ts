/**
 * The parts of a DOCX package around the document body (ECMA-376 Part 2, Open Packaging
 * Conventions; Part 1 §17 for WordprocessingML): content types, relationships, core properties,
 * settings, the styles (a CJK-capable font for Latin and East Asian text, the title and heading
 * styles), the footer with the page number, and word/document.xml with the A4 section.
 */
import { DOCX_FONT_TABLE, DOCX_FONTS } from "../fonts.js";
import { xml } from "./wordml.js";

const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL = "http://schemas.openxmlformats.org/package/2006/relationships";
const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

export const FONT = DOCX_FONTS.body.eastAsia;
/** A4 in twentieths of a point, and the margins (top/bottom 2 cm, left/right 1.5 cm). */
const A4 = { width: 11906, height: 16838 } as const;
const MARGIN = { top: 1134, right: 850, bottom: 1134, left: 850 } as const;

const WML = "application/vnd.openxmlformats-officedocument.wordprocessingml";

export function contentTypes(): string {
  const override = (part: string, type: string) => `<Override PartName="${part}" ContentType="${type}"/>`;
  return (
    `${DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>' +
    '<Default Extension="svg" ContentType="image/svg+xml"/>' +
    override("/word/document.xml", `${WML}.document.main+xml`) +
    override("/word/styles.xml", `${WML}.styles+xml`) +
    override("/word/settings.xml", `${WML}.settings+xml`) +
    override("/word/fontTable.xml", `${WML}.fontTable+xml`) +
    override("/word/footer1.xml", `${WML}.footer+xml`) +
    override("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml") +
    "</Types>"
  );
}

function relationships(rels: readonly { id: string; type: string; target: string }[]): string {
  return (
    `${DECLARATION}<Relationships xmlns="${REL}">` +
    rels.map((r) => `<Relationship Id="${r.id}" Type="${r.type}" Target="${r.target}"/>`).join("") +
    "</Relationships>"
  );
}

export function packageRels(): string {
  return relationships([
    { id: "rId1", type: `${R}/officeDocument`, target: "word/document.xml" },
    { id: "rId2", type: `${REL}/metadata/core-properties`, target: "docProps/core.xml" },
  ]);
}

/** The document's relationships: styles, settings, the footer (rIdFooter), and an image per chart. */
export function documentRels(images: readonly { id: string; target: string }[]): string {
  return relationships([
    { id: "rIdStyles", type: `${R}/styles`, target: "styles.xml" },
    { id: "rIdSettings", type: `${R}/settings`, target: "settings.xml" },
    { id: "rIdFooter", type: `${R}/footer`, target: "footer1.xml" },
    { id: "rIdFonts", type: `${R}/fontTable`, target: "fontTable.xml" },
    ...images.map((i) => ({ id: i.id, type: `${R}/image`, target: i.target })),
  ]);
}

export function coreProperties(p: { title: string; description: string; created: Date }): string {
  const when = p.created.toISOString().replace(/\.\d{3}Z$/, "Z");
  return (
    `${DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${xml(p.title)}</dc:title><dc:creator>ops-agent</dc:creator><dc:description>${xml(p.description)}</dc:description>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified></cp:coreProperties>`
  );
}

/** Word 2013+ layout (not compatibility mode). */
export function settings(): string {
  return (
    `${DECLARATION}<w:settings xmlns:w="${W}"><w:defaultTabStop w:val="720"/>` +
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>' +
    "</w:settings>"
  );
}

const fonts = (f: { eastAsia: string; latin: string }) =>
  `<w:rFonts w:ascii="${f.latin}" w:hAnsi="${f.latin}" w:eastAsia="${f.eastAsia}" w:cs="${f.latin}" w:hint="eastAsia"/>`;
const FONTS = fonts(DOCX_FONTS.body);
const HEADING_FONTS = fonts(DOCX_FONTS.heading);

function headingStyle(
  id: string,
  name: string,
  size: number,
  color: string,
  outline?: number,
  align?: "center",
): string {
  return (
    `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="Normal"/>` +
    `<w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="200" w:after="100"/>` +
    `${align === undefined ? "" : `<w:jc w:val="${align}"/>`}` +
    `${outline === undefined ? "" : `<w:outlineLvl w:val="${outline}"/>`}</w:pPr>` +
    `<w:rPr>${HEADING_FONTS}<w:color w:val="${color}"/><w:sz w:val="${size}"/><w:szCs w:val="${size}"/></w:rPr></w:style>`
  );
}

/** word/fontTable.xml: each face with its other name and character set, so readers find it or its closest match. */
export function fontTable(): string {
  return (
    `${DECLARATION}<w:fonts xmlns:w="${W}">` +
    DOCX_FONT_TABLE.map(
      (f) =>
        `<w:font w:name="${xml(f.name)}">${f.altName === undefined ? "" : `<w:altName w:val="${f.altName}"/>`}` +
        `<w:charset w:val="${f.charset}"/><w:family w:val="${f.family}"/><w:pitch w:val="${f.pitch}"/></w:font>`,
    ).join("") +
    "</w:fonts>"
  );
}

export function styles(): string {
  return (
    `${DECLARATION}<w:styles xmlns:w="${W}"><w:docDefaults><w:rPrDefault><w:rPr>${FONTS}` +
    '<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="zh-CN" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>' +
    '<w:pPrDefault><w:pPr><w:spacing w:after="60" w:line="300" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>' +
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>' +
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>' +
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>' +
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>' +
    headingStyle("Title", "Title", 40, "000000", undefined, "center") +
    headingStyle("Subtitle", "Subtitle", 28, "000000", undefined, "center") +
    headingStyle("Heading1", "heading 1", 32, "000000", 0, "center") +
    headingStyle("Heading2", "heading 2", 30, "000000", 1) +
    headingStyle("Heading3", "heading 3", 24, "333333", 2) +
    '<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/>' +
    `<w:qFormat/><w:pPr><w:spacing w:after="160"/><w:jc w:val="center"/></w:pPr><w:rPr>${HEADING_FONTS}<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>` +
    '<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/>' +
    '<w:pPr><w:spacing w:after="0" w:line="276" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>' +
    "</w:styles>"
  );
}

/** The footer: the given text, then the page number (a PAGE field). */
export function footer(text: string): string {
  const props = '<w:rPr><w:color w:val="555555"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>';
  const field = (inner: string) => `<w:r>${props}${inner}</w:r>`;
  return (
    `${DECLARATION}<w:ftr xmlns:w="${W}" xmlns:r="${R}"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>` +
    `<w:r>${props}<w:t xml:space="preserve">${xml(text)}</w:t></w:r>` +
    field('<w:fldChar w:fldCharType="begin"/>') +
    field('<w:instrText xml:space="preserve"> PAGE </w:instrText>') +
    field('<w:fldChar w:fldCharType="separate"/>') +
    field("<w:t>1</w:t>") +
    field('<w:fldChar w:fldCharType="end"/>') +
    "</w:p></w:ftr>"
  );
}

/** word/document.xml: the body, then the one A4 portrait section with the footer. */
export function documentXml(body: string): string {
  return (
    `${DECLARATION}<w:document xmlns:w="${W}" xmlns:r="${R}" ` +
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">' +
    `<w:body>${body}<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/>` +
    `<w:pgSz w:w="${A4.width}" w:h="${A4.height}" w:orient="portrait"/>` +
    `<w:pgMar w:top="${MARGIN.top}" w:right="${MARGIN.right}" w:bottom="${MARGIN.bottom}" w:left="${MARGIN.left}" ` +
    'w:header="708" w:footer="708" w:gutter="0"/><w:docGrid w:linePitch="360"/></w:sectPr></w:body></w:document>'
  );
}
