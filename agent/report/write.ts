/**
 * Writes a month's operations report in the configured formats and records each file in the
 * store (kind monthly_report): regenerating a month replaces its files and rows, so it counts once
 * toward the form's 大平台月度运营报告 row. Files are written to a temporary name and renamed, so a
 * reader never sees half a report.
 */
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ReportFormat } from "../../config/report.js";
import type { Config } from "../../config/schema.js";
import type { Indicator } from "../form/types.js";
import type { SqliteStore } from "../store/sqlite.js";
import { buildMonthlyReport } from "./build.js";
import type { Lang } from "./model.js";
import { renderDocx } from "./render-docx.js";
import { renderHtml } from "./render-html.js";
import { renderMarkdown } from "./render-markdown.js";

export const REPORT_KIND = "monthly_report";
export const REPORT_TITLE = "大平台月度运营报告";

export interface WrittenFile {
  format: ReportFormat;
  path: string;
  bytes: number;
  sha256: string;
}

export function reportDirectory(config: Config, outDir?: string): string {
  return resolve(outDir ?? config.report.out_dir ?? join(config.data_dir, "reports"));
}

export function reportFileName(month: string, format: ReportFormat): string {
  return `${month}-${REPORT_TITLE}.${format}`;
}

export async function writeMonthlyReport(
  store: SqliteStore,
  config: Config,
  indicators: readonly Indicator[],
  options: { month: string; formats: readonly ReportFormat[]; outDir?: string; lang?: Lang; now: Date },
): Promise<WrittenFile[]> {
  const report = buildMonthlyReport(store, config, indicators, {
    month: options.month,
    lang: options.lang ?? config.report.lang,
    now: options.now,
    organisation: config.report.organisation,
  });
  const dir = reportDirectory(config, options.outDir);
  mkdirSync(dir, { recursive: true });
  const written: WrittenFile[] = [];
  for (const format of options.formats) {
    const content: Buffer =
      format === "html"
        ? Buffer.from(renderHtml(report), "utf8")
        : format === "md"
          ? Buffer.from(renderMarkdown(report), "utf8")
          : await renderDocx(report);
    const path = join(dir, reportFileName(options.month, format));
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, content);
    renameSync(temporary, path);
    const sha256 = createHash("sha256").update(content).digest("hex");
    store.reports.record({
      kind: REPORT_KIND,
      period: options.month,
      format,
      path,
      sha256,
      generatedAt: options.now,
    });
    written.push({ format, path, bytes: content.length, sha256 });
  }
  return written;
}

/** "2026-10" for the month before `now` in the time zone (the report written on the 1st). */
export function previousMonth(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
  }).formatToParts(now);
  const year = Number(parts.find((p) => p.type === "year")?.value);
  const month = Number(parts.find((p) => p.type === "month")?.value);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, "0")}`;
}
