/**
 * The self-evaluation as its readers see it, through real LibreOffice (soffice, Debian's
 * libreoffice-calc-nogui) and poppler (pdftotext, pdfinfo):
 *  - the XLSX printed to PDF: a sane number of A4 pages, every wrapped line of text clear of every
 *    other (pdftotext -bbox-layout: no two text lines overlap, so no row is too short for its
 *    wrapped text — the check is shown to catch a row that is), every sentence on the page, no
 *    raw float and no UTC "…Z" time;
 *  - the CSV opened by LibreOffice: "＝253个" and a hostile note are text, while the same text
 *    with an ASCII "=" is evaluated (the reason the CSV writes the full-width sign).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Workbook } from "exceljs";
import { describe, expect, it } from "vitest";
import { buildFormExport } from "../../agent/form-export/build.js";
import { writeFormExport } from "../../agent/form-export/write.js";
import { findPeer } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { halfYear, HOSTILE_NOTE, NOW } from "./fixture.js";

const SOFFICE = findPeer("soffice", "libreoffice-calc-nogui");
const PDFTOTEXT = findPeer("pdftotext", "poppler-utils");
const PDFINFO = findPeer("pdfinfo", "poppler-utils");
const PEERS = SOFFICE !== undefined && PDFTOTEXT !== undefined && PDFINFO !== undefined;

/** Converts a file with LibreOffice in a fresh profile; returns the converted file's path. */
function convert(file: string, to: string, dir: string, infilter?: string): string {
  execFileSync(
    SOFFICE as string,
    [
      `-env:UserInstallation=file://${join(dir, "lo-profile")}`,
      "--headless",
      ...(infilter === undefined ? [] : [`--infilter=${infilter}`]),
      "--convert-to",
      to,
      "--outdir",
      dir,
      file,
    ],
    { stdio: "pipe", timeout: 120_000 },
  );
  const base = (file.split("/").at(-1) as string).replace(/\.[^.]+$/, "");
  return join(dir, `${base}.${to.split(":")[0] as string}`);
}

interface TextLine {
  page: number;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  text: string;
}

/** The text lines of a PDF with their boxes (pdftotext -bbox-layout). */
function textLines(pdf: string): TextLine[] {
  const xhtml = execFileSync(PDFTOTEXT as string, ["-bbox-layout", pdf, "-"], { encoding: "utf8" });
  const out: TextLine[] = [];
  const pages = xhtml.split(/<page /).slice(1);
  pages.forEach((page, index) => {
    for (const m of page.matchAll(
      /<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([\s\S]*?)<\/line>/g,
    )) {
      const words = [...(m[5] as string).matchAll(/<word[^>]*>([^<]*)<\/word>/g)].map((w) => w[1]);
      out.push({
        page: index + 1,
        xMin: Number(m[1]),
        yMin: Number(m[2]),
        xMax: Number(m[3]),
        yMax: Number(m[4]),
        text: words.join(" "),
      });
    }
  });
  return out;
}

/** Pairs of lines on one page whose boxes overlap by more than a quarter of the lower's height. */
function overlaps(lines: readonly TextLine[]): [string, string][] {
  const found: [string, string][] = [];
  for (let i = 0; i < lines.length; i++)
    for (let j = i + 1; j < lines.length; j++) {
      const a = lines[i] as TextLine;
      const b = lines[j] as TextLine;
      if (a.page !== b.page) continue;
      const x = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
      const y = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
      const height = Math.min(a.yMax - a.yMin, b.yMax - b.yMin);
      if (x > 1 && y > height / 4) found.push([`p${a.page} ${a.text}`, `p${b.page} ${b.text}`]);
    }
  return found;
}

const squeeze = (s: string) => s.replace(/\s+/g, "");

async function readWorkbook(path: string): Promise<Workbook> {
  const ExcelJS = (await import("exceljs")).default;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb;
}

describe.skipIf(!PEERS)("the self-evaluation rendered by LibreOffice", () => {
  it("catches a row too short for its wrapped text (the check below means something)", async () => {
    const dir = tempDir();
    const ExcelJS = (await import("exceljs")).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("t");
    ws.getColumn(1).width = 20;
    ws.getCell(1, 1).value = "这是一段很长的偏差原因分析文字，".repeat(6);
    ws.getCell(1, 1).alignment = { wrapText: true, vertical: "top" };
    ws.getRow(1).height = 15;
    ws.getCell(2, 1).value = "下一行的文字也在同一列";
    ws.getCell(2, 1).alignment = { wrapText: true, vertical: "top" };
    ws.getRow(2).height = 15;
    const file = join(dir, "short.xlsx");
    writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
    const lines = textLines(convert(file, "pdf", dir));
    expect(lines.length).toBeGreaterThan(2);
    expect(overlaps(lines).length).toBeGreaterThan(0);
  }, 180_000);

  it("prints the XLSX on sane A4 pages with no line of text over another", async () => {
    const fx = halfYear(tempDir());
    const [file] = await writeFormExport(fx.store, fx.config, fx.indicators, {
      by: "test",
      period: "2026-H1",
      formats: ["xlsx"],
      outDir: fx.dir,
      now: NOW,
    });
    const pdf = convert(file?.path as string, "pdf", fx.dir);
    const info = execFileSync(PDFINFO as string, [pdf], { encoding: "utf8" });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    // Three sheets, 63 rows + 6 totals + notes on landscape A4 fitted to the width: a handful of
    // pages each, not one page per row (heights far too tall) nor a single unreadable page.
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThanOrEqual(16);
    const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
    expect([Math.round(Number(size?.[1])), Math.round(Number(size?.[2]))]).toEqual([842, 595]);

    const lines = textLines(pdf);
    expect(overlaps(lines)).toEqual([]);

    // Every sentence a person reads is on the page, whole; no raw float, no UTC "…Z" time.
    const text = squeeze(lines.map((l) => l.text).join(""));
    const raw = squeeze(execFileSync(PDFTOTEXT as string, ["-raw", pdf, "-"], { encoding: "utf8" }));
    const exp = buildFormExport(fx.store, fx.config, fx.indicators, { period: "2026-H1", now: NOW });
    for (const row of exp.rows) {
      expect(text).toContain(squeeze(row.name));
      if (row.reason !== "") expect(raw).toContain(squeeze(row.reason));
      if (row.measure !== "") expect(raw).toContain(squeeze(row.measure));
    }
    expect(raw).toContain(squeeze("表中时间均为Asia/Shanghai时区时间（UTC+08:00）"));
    // Word by word (squeezed text runs neighbouring cells' digits together).
    const words = lines.flatMap((l) => l.text.split(" "));
    expect(words.filter((w) => /\d\.\d{5,}/.test(w))).toEqual([]);
    expect(raw).not.toMatch(/\d{2}:\d{2}(:\d{2})?(\.\d+)?Z/);
    // The header is printed again on every page of the main sheet.
    const headerPages = new Set(lines.filter((l) => l.text === "偏差原因分析").map((l) => l.page));
    expect(headerPages.size).toBeGreaterThanOrEqual(2);
    fx.store.close();
  }, 180_000);

  it("opens the CSV with =253个 as text and no visible apostrophe, where an ASCII = is evaluated", async () => {
    const fx = halfYear(tempDir());
    const [file] = await writeFormExport(fx.store, fx.config, fx.indicators, {
      by: "test",
      period: "2026-H1",
      formats: ["csv"],
      outDir: fx.dir,
      now: NOW,
    });
    const control = join(fx.dir, "control.csv");
    writeFileSync(control, '\uFEFF"=1+1",=253\r\n');
    // 44 comma, 34 quote, 76 UTF-8, first line 1: as a person opening the file would.
    const filter = "CSV:44,34,76,1";
    const book = await readWorkbook(convert(file?.path as string, "xlsx", fx.dir, filter));
    const controlBook = await readWorkbook(convert(control, "xlsx", fx.dir, filter));
    expect(controlBook.worksheets[0]?.getCell("A1").formula).toBe("1+1");

    const ws = book.worksheets[0];
    if (ws === undefined) throw new Error("no sheet");
    const plain = (v: unknown): string =>
      typeof v === "object" && v !== null && "richText" in v
        ? (v as { richText: { text: string }[] }).richText.map((r) => r.text).join("")
        : String(v);
    let vmRow = 0;
    let budgetRow = 0;
    for (let r = 2; r <= ws.rowCount; r++) {
      const name = plain(ws.getCell(r, 4).value);
      if (name === "日常维护信息系统所使用的虚拟机数量") vmRow = r;
      if (name === "预算执行率") budgetRow = r;
    }
    expect(ws.getCell(vmRow, 5).formula).toBeUndefined();
    expect(plain(ws.getCell(vmRow, 5).value)).toBe("＝253个");
    expect(ws.getCell(budgetRow, 14).formula).toBeUndefined();
    expect(plain(ws.getCell(budgetRow, 14).value)).toBe(`＝${HOSTILE_NOTE.slice(1)}`);
    // No cell LibreOffice read is a formula.
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        expect(cell.formula).toBeUndefined();
      }),
    );
    expect(readFileSync(file?.path as string, "utf8").startsWith("\uFEFF")).toBe(true);
    fx.store.close();
  }, 180_000);
});
