/**
 * Issue 18, point 11: the documents as a person sees them, from the demo's data (its simulated
 * history up to 2026-12-04 10:00 Asia/Shanghai). The November report (zh) screenshotted in headless
 * Chromium and converted from DOCX to PDF by LibreOffice; the 2026 self-evaluation XLSX converted
 * too; then: DOCX 6–8 A4 pages, no text drawn over text, every chart titled with labelled axes, no
 * English words outside the allow list. These are the targets: while the documents are
 * being rewritten some of them fail, and the failure names the text found.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../config/schema.js";
import { seededDemo } from "../helpers/demo-history.js";
import {
  englishWords,
  overlappingLines,
  pdfPageCount,
  pdfPageSize,
  pdfWords,
  pngOf,
  screenshotHtml,
  toPdf,
} from "../helpers/documents.js";
import { findPeer } from "../helpers/peers.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { allowedLatin, writeDemoDocuments, type DemoDocuments } from "./demo-documents.js";

const NOW = new Date("2026-12-04T10:00:00+08:00");
const peers = () =>
  Boolean(findPeer("fping", "fping")) &&
  Boolean(findPeer("chromium", "chromium")) &&
  Boolean(findPeer("soffice", "libreoffice-writer-nogui")) &&
  Boolean(findPeer("pdftotext", "poppler-utils"));

let docs: DemoDocuments;
let config: Config;
let out: string;
let ready = false;

beforeAll(async () => {
  if (!peers()) return;
  // Kept under /tmp on purpose (not removed): the PNGs are for looking at after a failure.
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-documents-"));
  const seeded = await seededDemo(dir, new Date("2026-01-01T00:00:00+08:00"), NOW);
  config = seeded.config;
  out = join(dir, "out");
  mkdirSync(out);
  docs = await writeDemoDocuments(config, out, { month: "2026-11", period: "2026", now: NOW });
  ready = true;
}, 900_000);

describe("the documents as a person sees them", () => {
  it("the HTML report: every chart has a title and labelled axes; no English outside the allow list", async (c) => {
    if (!ready) return c.skip();
    const shot = await screenshotHtml(docs.html, join(out, "report-html.png"));
    expect(shot.charts.length, "charts in the report").toBeGreaterThan(0);
    const untitled = shot.charts.filter((chart) => chart.title === "" && chart.caption === "");
    expect(
      untitled.map((u) => u.texts.slice(0, 5).join(" ")),
      "charts without a <title> or caption",
    ).toEqual([]);
    const unlabelled = shot.charts.filter((chart) => chart.texts.length < 2);
    expect(
      unlabelled.map((u) => u.title || u.caption),
      "charts without axis labels",
    ).toEqual([]);
    expect(englishWords(shot.text, allowedLatin(config)), "English words in the zh report").toEqual([]);
  }, 300_000);

  it("the DOCX report: 6–8 A4 pages, no overlapping text, no English outside the allow list", (c) => {
    if (!ready) return c.skip();
    const pdf = toPdf(docs.docx, out);
    pngOf(pdf, 1, join(out, "report-page1"));
    const size = pdfPageSize(pdf);
    expect(Math.round(size.width), "A4 width (pt)").toBeCloseTo(595, -1);
    expect(Math.round(size.height), "A4 height (pt)").toBeCloseTo(842, -1);
    const pages = pdfPageCount(pdf);
    expect(pages, "pages").toBeGreaterThanOrEqual(6);
    expect(pages, "pages").toBeLessThanOrEqual(8);
    expect(overlappingLines(pdfWords(pdf)).slice(0, 10), "text drawn over text").toEqual([]);
    // Words from the document's own paragraphs, not the PDF: a narrow cell wraps an identifier
    // mid-word ("educati" / "on").
    expect(englishWords(docxText(docs.docx), allowedLatin(config)), "English words in the zh report").toEqual(
      [],
    );
  }, 300_000);

  it("the self-evaluation XLSX: converts, no overlapping text, no English outside the allow list", async (c) => {
    if (!ready) return c.skip();
    const pdf = toPdf(docs.xlsx, out);
    pngOf(pdf, 1, join(out, "self-evaluation-page1"));
    const pages = pdfPageCount(pdf);
    expect(pages, "pages").toBeGreaterThanOrEqual(1);
    expect(pages, "pages").toBeLessThanOrEqual(10);
    expect(overlappingLines(pdfWords(pdf)).slice(0, 10), "text drawn over text").toEqual([]);
    // The words are read from the cells, not the PDF: a narrow column wraps an identifier mid-word
    // ("compl" / "iance"). Identifier columns (指标代码, SHA-256) hold keys and hashes, not prose.
    expect(
      englishWords(await readableCellText(docs.xlsx), allowedLatin(config)),
      "English words in the self-evaluation",
    ).toEqual([]);
  }, 300_000);
});

/** The text of every cell a person reads: all sheets, but not the identifier columns. */
async function readableCellText(xlsx: string): Promise<string> {
  const ExcelJS = (await import("exceljs")).default;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(xlsx);
  const parts: string[] = [];
  wb.eachSheet((ws) => {
    const identifierColumns = new Set<number>();
    ws.eachRow((row) =>
      row.eachCell((cell, column) => {
        const text = cell.text;
        if (/^(指标代码|SHA-256|文件)/.test(text)) identifierColumns.add(column);
        else if (!identifierColumns.has(column)) parts.push(text);
      }),
    );
  });
  return parts.join("\n");
}

/** The text of a DOCX's paragraphs (word/document.xml), read with python3's standard zipfile. */
function docxText(docx: string): string {
  const script =
    "import re,sys,zipfile\n" +
    "x = zipfile.ZipFile(sys.argv[1]).read('word/document.xml').decode('utf-8')\n" +
    "for p in re.findall(r'<w:p[ >].*?</w:p>', x, re.S):\n" +
    "    print(''.join(re.findall(r'<w:t(?: [^>]*)?>([^<]*)</w:t>', p)))\n";
  return execFileSync("python3", ["-c", script, docx], { encoding: "utf8" });
}
