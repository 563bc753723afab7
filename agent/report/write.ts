/**
 * Writes a month's operations report in the configured formats and records each file in the
 * store (kind monthly_report): regenerating a month replaces its files and rows, so it counts once
 * toward the form's 大平台月度运营报告 row. Files are written to a temporary name and renamed, so a
 * reader never sees half a report.
 */
import { join, resolve } from "node:path";
import type { ReportFormat } from "../../config/report.js";
import type { Config } from "../../config/schema.js";
import { writeDocument, type WrittenDocument } from "../documents.js";
import type { Indicator } from "../form/types.js";
import type { SqliteStore } from "../store/sqlite.js";
import { buildMonthlyReport } from "./build.js";
import type { Lang } from "./model.js";
import { renderHtml } from "./render-html.js";
import { renderMarkdown } from "./render-markdown.js";

export const REPORT_KIND = "monthly_report";
export const REPORT_TITLE = "大平台月度运营报告";

export type WrittenFile = WrittenDocument<ReportFormat>;

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
  options: {
    month: string;
    formats: readonly ReportFormat[];
    outDir?: string;
    lang?: Lang;
    now: Date;
    /** Who generates it: recorded with the file (ReportLog). */
    by: string;
  },
): Promise<WrittenFile[]> {
  const report = buildMonthlyReport(store, config, indicators, {
    month: options.month,
    lang: options.lang ?? config.report.lang,
    now: options.now,
    organisation: config.report.organisation,
  });
  const dir = reportDirectory(config, options.outDir);
  const written: WrittenFile[] = [];
  for (const format of options.formats) {
    const content: Buffer =
      format === "html"
        ? Buffer.from(renderHtml(report), "utf8")
        : format === "md"
          ? Buffer.from(renderMarkdown(report), "utf8")
          : // Loaded on first use: the docx package stays out of the daemon's memory until a report is written.
            await (await import("./render-docx.js")).renderDocx(report);
    written.push(
      writeDocument(store, {
        kind: REPORT_KIND,
        period: options.month,
        format,
        dir,
        fileName: reportFileName(options.month, format),
        content,
        now: options.now,
        by: options.by,
      }),
    );
  }
  return written;
}

export { previousMonth } from "../local-time.js";
