/**
 * Documents looked at as a person would (issue 18, point 11): the HTML report screenshotted in
 * headless Chromium, DOCX and XLSX converted to PDF by LibreOffice, then read back with poppler —
 * page count, the words and their boxes on each page, overlapping lines, English words left in a
 * Chinese document, and a page as a PNG to look at. Real binaries only (findPeer in the tests).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface HtmlShot {
  png: string;
  /** The page's visible text (document.body.innerText). */
  text: string;
  /** Every <svg> of the page: its <title> / aria-label / figure caption and its <text> labels. */
  charts: { title: string; caption: string; texts: string[] }[];
}

/**
 * A full-page PNG of an HTML file (1,000 px wide, zh-CN) — or its top `maxHeight` pixels — with
 * its text and its charts' labels.
 */
export async function screenshotHtml(file: string, png: string, maxHeight?: number): Promise<HtmlShot> {
  const profile = mkdtempSync(join(tmpdir(), "ops-agent-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1000, height: 800 },
    locale: "zh-CN",
    offline: true,
  });
  try {
    const page = await context.newPage();
    await page.goto(`file://${file}`);
    await page.screenshot(
      maxHeight === undefined
        ? { path: png, fullPage: true }
        : { path: png, fullPage: true, clip: { x: 0, y: 0, width: 1000, height: maxHeight } },
    );
    // Evaluated in the page (strings: this project's TypeScript has no DOM types).
    const text = (await page.evaluate("document.body.innerText")) as string;
    const charts = (await page.evaluate(`[...document.querySelectorAll("svg")].map((svg) => ({
      title: (svg.querySelector("title")?.textContent ?? svg.getAttribute("aria-label") ?? "").trim(),
      caption: (svg.closest("figure")?.querySelector("figcaption")?.textContent ?? "").trim(),
      texts: [...svg.querySelectorAll("text")].map((t) => (t.textContent ?? "").trim()).filter(Boolean),
    }))`)) as HtmlShot["charts"];
    return { png, text, charts };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * A DOCX or XLSX converted to PDF by LibreOffice into `outDir` (returns the PDF's path). Each call
 * has its own LibreOffice profile, so parallel tests do not share (and lock) one.
 */
export function toPdf(file: string, outDir: string): string {
  const profile = mkdtempSync(join(tmpdir(), "ops-agent-soffice-"));
  try {
    execFileSync(
      "soffice",
      [
        `-env:UserInstallation=file://${profile}`,
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        outDir,
        file,
      ],
      { stdio: "pipe", timeout: 180_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  const pdf = join(outDir, basename(file).replace(/\.[^.]+$/, ".pdf"));
  if (!readdirSync(outDir).includes(basename(pdf))) throw new Error(`soffice wrote no ${pdf}`);
  return pdf;
}

export function pdfPageCount(pdf: string): number {
  const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
  const pages = /^Pages:\s+(\d+)/m.exec(info)?.[1];
  if (pages === undefined) throw new Error(`pdfinfo ${pdf}: no page count in\n${info}`);
  return Number(pages);
}

export interface PdfPageSize {
  width: number;
  height: number;
}

/** The first page's size in points (A4 portrait is 595 × 842). */
export function pdfPageSize(pdf: string): PdfPageSize {
  const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
  const m = /^Page size:\s+([\d.]+) x ([\d.]+)/m.exec(info);
  if (m === null) throw new Error(`pdfinfo ${pdf}: no page size`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

export interface PdfWord {
  page: number;
  /** Which block and line of the page it is in (pdftotext's layout analysis). */
  block: number;
  line: number;
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** Every word of a PDF with its box (pdftotext -bbox-layout). */
export function pdfWords(pdf: string): PdfWord[] {
  const xml = execFileSync("pdftotext", ["-bbox-layout", pdf, "-"], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const words: PdfWord[] = [];
  let page = 0;
  let block = 0;
  let line = 0;
  const re =
    /<page\b|<block\b|<line\b|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g;
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) {
    if (m[0] === "<page") {
      page++;
      block = 0;
      line = 0;
    } else if (m[0] === "<block") block++;
    else if (m[0] === "<line") line++;
    else
      words.push({
        page,
        block,
        line,
        text: unescape(m[5] as string),
        xMin: Number(m[1]),
        yMin: Number(m[2]),
        xMax: Number(m[3]),
        yMax: Number(m[4]),
      });
  }
  return words;
}

/** The text of a PDF (pdftotext, reading order). */
export function pdfText(pdf: string): string {
  return execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8", maxBuffer: 64 << 20 });
}

export interface Overlap {
  page: number;
  a: string;
  b: string;
  /** The intersection's area in square points. */
  area: number;
}

/**
 * Words of different lines whose boxes intersect by more than `tolerance` points in both
 * directions: text drawn over text (a table cell overflowing into the next, a label on a label).
 * Words of one line may touch; pdftotext's boxes are tight, so a real overlap shows clearly.
 */
export function overlappingLines(words: readonly PdfWord[], tolerance = 1): Overlap[] {
  const out: Overlap[] = [];
  const byPage = new Map<number, PdfWord[]>();
  for (const w of words) {
    let list = byPage.get(w.page);
    if (list === undefined) byPage.set(w.page, (list = []));
    list.push(w);
  }
  for (const [page, list] of byPage) {
    const sorted = [...list].sort((a, b) => a.yMin - b.yMin);
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i] as PdfWord;
      for (let j = i + 1; j < sorted.length; j++) {
        const b = sorted[j] as PdfWord;
        if (b.yMin >= a.yMax - tolerance) break;
        if (a.block === b.block && a.line === b.line) continue;
        const w = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
        const h = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
        if (w > tolerance && h > tolerance) out.push({ page, a: a.text, b: b.text, area: w * h });
      }
    }
  }
  return out;
}

/**
 * Latin words of two letters or more that are not in `allow` (compared case-insensitively):
 * English left in a Chinese document. Units, protocol and product names go in the allow list.
 */
export function englishWords(text: string, allow: Iterable<string>): string[] {
  const allowed = new Set([...allow].map((w) => w.toLowerCase()));
  const found = new Set<string>();
  // Config options and identifiers (availability.weights, unknown_as_down) name settings, they are
  // not English prose: a reader copies them into the config.
  const prose = text.replace(/[A-Za-z][\w-]*(?:[._/][\w-]+)+/g, " ").replace(/\b[0-9a-f]{16,}\b/g, " ");
  for (const m of prose.matchAll(/[A-Za-z][A-Za-z]+/g)) if (!allowed.has(m[0].toLowerCase())) found.add(m[0]);
  return [...found].sort();
}

/** One page of a PDF as a PNG (pdftoppm at `dpi`); returns the PNG's path. */
export function pngOf(pdf: string, page: number, outPrefix: string, dpi = 80): string {
  execFileSync("pdftoppm", [
    "-png",
    "-r",
    String(dpi),
    "-f",
    String(page),
    "-l",
    String(page),
    "-singlefile",
    pdf,
    outPrefix,
  ]);
  return `${outPrefix}.png`;
}
