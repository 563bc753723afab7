/**
 * Registers `ops-agent form export` on the command line; the command's code (./form-export.ts) is
 * loaded when it runs, not by the daemon (see agent/main.ts).
 */
import type { Command } from "commander";
import { DEFAULT_CONFIG_PATH } from "./default-config.js";
import type { FormExportCommandOptions } from "./form-export.js";

/** Registers `ops-agent form export` (one line in main.ts: registerFormExportCommand(program)). */
export function registerFormExportCommand(program: Command): void {
  const form = program.command("form").description("the performance-target form filled in from the store");
  form
    .command("export")
    .description(
      "write the self-evaluation (绩效自评表) of the half-year or the year as XLSX and CSV — target, value " +
        "achieved, met or not, source and reason for every row of the form, and the evidence — and record it",
    )
    .option("--period <period>", "2026-H1 or 2026 (default: the period that ended last)")
    .option("--format <list>", "xlsx,csv (default: form_export.formats, or both)")
    .option(
      "--out <dir>",
      "where to write (default: form_export.out_dir, report.out_dir, or <data_dir>/reports)",
    )
    .option("--json", "print the written files as JSON")
    .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
    .action(async (opts: FormExportCommandOptions) => {
      const { formExportCommand } = await import("./form-export.js");
      process.exitCode = await formExportCommand(opts);
    });
}
