/**
 * `ops-agent report --month 2026-10 [--format html,md,docx] [--out DIR] [--lang zh|en]` writes a
 * month's operations report (beside a running agent) and records it; `ops-agent report --list
 * [--year 2026]` lists the reports generated in a year — their count is the value of the form's
 * 大平台月度运营报告 row.
 */
import { REPORT_FORMATS, type ReportFormat } from "../../config/report.js";
import { systemClock } from "../clock.js";
import { previousMonth, REPORT_KIND, reportDirectory, writeMonthlyReport } from "../report/write.js";
import { outputErrorLine } from "./output-error.js";
import { loadOrExit } from "./config-arg.js";
import { openStoreForCli } from "./open-store.js";
import { renderTable } from "./table.js";
import { cliLang, headers } from "./cli-text.js";
import { printJson } from "./print-json.js";
import { localDateTimeWithOffset } from "../local-time.js";
import { indicatorsOrReport } from "./indicators-arg.js";

export interface ReportOptions {
  config: string;
  month?: string;
  format?: string;
  out?: string;
  lang?: string;
  list?: boolean;
  year?: string;
  json?: boolean;
}

export async function reportCommand(options: ReportOptions): Promise<number> {
  const config = loadOrExit(options.config, "defer");
  if (options.list) return listReports(options, config);
  const formats = (options.format ?? config.report.formats.join(","))
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (unknown.length > 0 || formats.length === 0) {
    console.error(
      `report: --format: expected a list of ${REPORT_FORMATS.join(", ")}, got "${options.format ?? ""}"`,
    );
    return 78;
  }
  if (options.lang !== undefined && options.lang !== "zh" && options.lang !== "en") {
    console.error(`report: --lang: expected zh or en, got "${options.lang}"`);
    return 78;
  }
  const now = systemClock.now();
  const month = options.month ?? previousMonth(now, config.timezone);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    console.error(`report: --month: expected a month like 2026-10, got "${month}"`);
    return 78;
  }
  const indicators = indicatorsOrReport(config, "report");
  if (indicators === undefined) return 78;
  const store = openStoreForCli(config);
  if (!store) return 1;
  try {
    const files = await writeMonthlyReport(store, config, indicators, {
      month,
      formats: formats as ReportFormat[],
      ...(options.out === undefined ? {} : { outDir: options.out }),
      ...(options.lang === undefined ? {} : { lang: options.lang as "zh" | "en" }),
      now,
      // Who: as every CLI change records it.
      by: process.env.USER || "cli",
    });
    if (options.json) printJson(files, config.timezone);
    else for (const f of files) console.log(`wrote ${f.path} (${f.bytes} bytes)`);
    return 0;
  } catch (error) {
    if (error instanceof Error && /has not begun yet|expected a month/.test(error.message)) {
      console.error(`report: --month: ${error.message}`);
      return 78;
    }
    const line = outputErrorLine("report", reportDirectory(config, options.out), error);
    if (line !== undefined) {
      console.error(line);
      return 1;
    }
    throw error;
  } finally {
    store.close();
  }
}

function listReports(options: ReportOptions, config: ReturnType<typeof loadOrExit>): number {
  const year =
    options.year ??
    new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone, year: "numeric" }).format(
      systemClock.now(),
    );
  const store = openStoreForCli(config);
  if (!store) return 1;
  try {
    const files = store.reports.list(REPORT_KIND, `${year}-`);
    const months = [...new Set(files.map((f) => f.period))];
    if (options.json) {
      printJson({ year, count: months.length, months, files }, config.timezone);
      return 0;
    }
    console.log(
      renderTable(
        headers("reports"),
        files.map((f) => [
          f.period,
          f.format,
          localDateTimeWithOffset(f.generatedAt, config.timezone),
          f.path,
        ]),
      ),
    );
    console.log(
      cliLang() === "zh"
        ? `\n${year}年：已生成 ${months.length} 个月的月度报告（即指标“大平台月度运营报告”的取值来源）`
        : `\n${year}: ${months.length} monthly report(s) — the value of 大平台月度运营报告`,
    );
    return 0;
  } finally {
    store.close();
  }
}
