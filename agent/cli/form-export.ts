/**
 * `ops-agent form export [--period 2026-H1|2026] [--format xlsx,csv] [--out DIR] [--json]` writes
 * the performance self-evaluation (绩效自评表) of the half-year or the year — the form filled in
 * from the store, with the evidence behind every figure — beside a running agent, and records it.
 * Without --period: the period that ended last (2026-H1 from July 1, the previous year before).
 */
import type { Config } from "../../config/schema.js";
import { printJson } from "./print-json.js";
import { systemClock } from "../clock.js";
import { FormExportPeriodError, EXPORT_PERIOD } from "../form-export/build.js";
import { FORM_EXPORT_FORMATS, type FormExportFormat, type FormExportOptions } from "../form-export/config.js";
import { lastEndedPeriod } from "../form-export/schedule.js";
import { formExportDirectory, writeFormExport } from "../form-export/write.js";
import { loadOrExit } from "./config-arg.js";
import { openStoreForCli } from "./open-store.js";
import { indicatorsOrReport } from "./indicators-arg.js";
import { outputErrorLine } from "./output-error.js";

export interface FormExportCommandOptions {
  config: string;
  period?: string;
  format?: string;
  out?: string;
  json?: boolean;
  /** For tests; default the system clock. */
  now?: Date;
}

const EX_CONFIG = 78;

/** The config's `form_export` section when the schema has it (a plain object either way). */
export function formExportOptionsOf(config: Config): FormExportOptions {
  const section = (config as Config & { form_export?: Partial<FormExportOptions> }).form_export;
  return {
    enabled: section?.enabled ?? true,
    formats: section?.formats ?? [...FORM_EXPORT_FORMATS],
    ...(section?.schedule === undefined ? {} : { schedule: section.schedule }),
    ...(section?.out_dir === undefined ? {} : { out_dir: section.out_dir }),
  };
}

/** Returns the exit code: 0 written, 78 bad arguments or targets file, 1 store unavailable. */
export async function formExportCommand(options: FormExportCommandOptions): Promise<number> {
  const config = loadOrExit(options.config, "defer");
  const defaults = formExportOptionsOf(config);
  const formats =
    options.format === undefined
      ? [...defaults.formats]
      : options.format
          .split(",")
          .map((f) => f.trim().toLowerCase())
          .filter(Boolean);
  const unknown = formats.filter((f) => !(FORM_EXPORT_FORMATS as readonly string[]).includes(f));
  if (unknown.length > 0 || formats.length === 0) {
    console.error(
      `form export: --format: expected a list of ${FORM_EXPORT_FORMATS.join(", ")}, got "${options.format ?? ""}"`,
    );
    return EX_CONFIG;
  }
  const now = options.now ?? systemClock.now();
  const period = options.period?.trim() ?? lastEndedPeriod(now, config.timezone);
  if (!EXPORT_PERIOD.test(period)) {
    console.error(
      `form export: --period: expected 2026-H1 (the half-year) or 2026 (the year), got "${period}"`,
    );
    return EX_CONFIG;
  }
  const indicators = indicatorsOrReport(config, "form export");
  if (indicators === undefined) return EX_CONFIG;
  const store = openStoreForCli(config);
  if (!store) return 1;
  try {
    const outDir = options.out ?? defaults.out_dir;
    const files = await writeFormExport(store, config, indicators, {
      period,
      formats: formats as FormExportFormat[],
      ...(outDir === undefined ? {} : { outDir }),
      now,
      // Who: as every CLI change records it.
      by: process.env.USER || "cli",
    });
    if (options.json) printJson(files, config.timezone);
    else for (const f of files) console.log(`wrote ${f.path} (${f.bytes} bytes)`);
    return 0;
  } catch (error) {
    if (error instanceof FormExportPeriodError) {
      console.error(`form export: --period: ${error.message}`);
      return EX_CONFIG;
    }
    const line = outputErrorLine(
      "form export",
      formExportDirectory(config, options.out ?? defaults.out_dir),
      error,
    );
    if (line !== undefined) {
      console.error(line);
      return 1;
    }
    throw error;
  } finally {
    store.close();
  }
}
