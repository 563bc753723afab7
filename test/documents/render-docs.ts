/**
 * `npm run docs:render`: regenerates the pictures the README shows — docs/report-html.png (the top
 * of the last closed month's HTML report in headless Chromium), docs/report-page1.png (page 1 of
 * its DOCX through LibreOffice) and docs/self-evaluation-page1.png (page 1 of the year's 绩效自评表
 * XLSX) — from the demo's data: a simulated room on loopback and its simulated history up to now.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { previousMonth } from "../../agent/local-time.js";
import { seededDemo } from "../helpers/demo-history.js";
import { pngOf, screenshotHtml, toPdf } from "../helpers/documents.js";
import { writeDemoDocuments } from "./demo-documents.js";

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-docs-render-"));
  try {
    const now = new Date();
    const year = now.getUTCFullYear();
    const t0 = Date.now();
    const { config } = await seededDemo(dir, new Date(`${year}-01-01T00:00:00+08:00`), now, (l) =>
      console.error(l),
    );
    const month = previousMonth(now, config.timezone);
    const out = join(dir, "out");
    mkdirSync(out);
    const docs = await writeDemoDocuments(config, out, { month, period: String(year), now });
    await screenshotHtml(docs.html, join("docs", "report-html.png"), 1600);
    const report = toPdf(docs.docx, out);
    copyFileSync(pngOf(report, 1, join(out, "report-page1")), join("docs", "report-page1.png"));
    const form = toPdf(docs.xlsx, out);
    copyFileSync(
      pngOf(form, 1, join(out, "self-evaluation-page1")),
      join("docs", "self-evaluation-page1.png"),
    );
    console.error(
      `docs:render: ${month} report and ${year} self-evaluation rendered to docs/ in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
  } finally {
    // DOCS_RENDER_KEEP=1 keeps the seeded store and the written documents, to look at all pages.
    if (process.env.DOCS_RENDER_KEEP) console.error(`docs:render: kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
