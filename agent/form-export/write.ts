/**
 * Writes the self-evaluation (绩效自评表) of a period in the requested formats and records each
 * file in the store (kind form_export, period "2026-H1" / "2026", format), like the monthly
 * reports: regenerating replaces the file and its row. Files go to a temporary name first and are
 * renamed, so a reader never sees half a workbook.
 */
import { join, resolve } from "node:path";
import type { Config } from "../../config/schema.js";
import { writeDocument, type WrittenDocument } from "../documents.js";
import type { Indicator } from "../form/types.js";
import type { SqliteStore } from "../store/sqlite.js";
import { buildFormExport, FORM_EXPORT_KIND, FORM_EXPORT_TITLE } from "./build.js";
import type { FormExportFormat } from "./config.js";
import { renderCsv } from "./render-csv.js";
import { renderXlsx } from "./render-xlsx.js";

export type WrittenExport = WrittenDocument<FormExportFormat>;

export interface WriteFormExportOptions {
  /** "2026-H1" or "2026". */
  period: string;
  formats: readonly FormExportFormat[];
  /** Default: `config.report.out_dir`, else <data_dir>/reports. */
  outDir?: string;
  now: Date;
  organisation?: string;
  /** Who generates it: recorded with the file (ReportLog). */
  by: string;
}

/** "2026-H1-绩效自评表.xlsx". */
export function formExportFileName(period: string, format: FormExportFormat): string {
  return `${period}-${FORM_EXPORT_TITLE}.${format}`;
}

export function formExportDirectory(config: Config, outDir?: string): string {
  return resolve(outDir ?? config.report.out_dir ?? join(config.data_dir, "reports"));
}

export async function writeFormExport(
  store: SqliteStore,
  config: Config,
  indicators: readonly Indicator[],
  options: WriteFormExportOptions,
): Promise<WrittenExport[]> {
  const exp = buildFormExport(store, config, indicators, {
    period: options.period,
    now: options.now,
    ...(options.organisation === undefined ? {} : { organisation: options.organisation }),
  });
  const dir = formExportDirectory(config, options.outDir);
  const written: WrittenExport[] = [];
  for (const format of [...new Set(options.formats)]) {
    const content = format === "xlsx" ? await renderXlsx(exp) : renderCsv(exp);
    written.push(
      writeDocument(store, {
        kind: FORM_EXPORT_KIND,
        period: options.period,
        format,
        dir,
        fileName: formExportFileName(options.period, format),
        content,
        now: options.now,
        by: options.by,
      }),
    );
  }
  return written;
}
