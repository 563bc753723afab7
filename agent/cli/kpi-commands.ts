/** Registers `ops-agent targets import|check`, `report`, `kpi` and `record` on the command line. */
import type { Command } from "commander";
import { DEFAULT_CONFIG_PATH } from "./default-config.js";
import type { ReportOptions } from "./report.js";

// The commands' code is loaded when one of them runs, not by the daemon (see agent/main.ts).

export function registerKpiCommands(program: Command): void {
  const targets = program
    .command("targets")
    .description("the performance-target form's indicators file (config targets_file)");
  targets
    .command("import")
    .description(
      "read the tab-separated export of a performance-target form and write a targets file (bindings manual, " +
        "the 履职 rows' duty and task to fill in); a malformed export exits 78 and writes nothing",
    )
    .argument("<form>", "the form exported as tab-separated text")
    .option("--out <file>", "where to write (default: config/targets-<year>.yaml)")
    .option("--year <year>", "the form's year (default: read from the form)")
    .option("--force", "overwrite an existing --out file")
    .action(async (form: string, opts: { out?: string; year?: string; force?: boolean }) => {
      const { targetsImportCommand } = await import("./targets.js");
      process.exitCode = targetsImportCommand(form, {
        ...(opts.out === undefined ? {} : { out: opts.out }),
        ...(opts.year === undefined ? {} : { year: Number(opts.year) }),
        ...(opts.force === undefined ? {} : { force: opts.force }),
      });
    });
  targets
    .command("check")
    .description("validate a targets file: every error with its line (exit 78)")
    .argument("<file>")
    .action(async (file: string) => {
      const { targetsCheckCommand } = await import("./targets.js");
      process.exitCode = targetsCheckCommand(file);
    });

  program
    .command("report")
    .description(
      "write the monthly platform operations report (大平台月度运营报告) for a month (default: the last one) " +
        "in HTML, Markdown and DOCX, and record it; --list shows a year's reports (the form's count)",
    )
    .option("--month <YYYY-MM>", "the month (default: the previous month)")
    .option("--format <list>", "html,md,docx (default: the config's report.formats)")
    .option("--out <dir>", "where to write (default: report.out_dir, or <data_dir>/reports)")
    .option("--lang <lang>", "zh (default) or en")
    .option("--list", "list the reports generated in --year (default this year) instead")
    .option("--year <year>", "with --list")
    .option("--json", "print JSON")
    .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
    .action(async (opts: ReportOptions) => {
      const { reportCommand } = await import("./report.js");
      process.exitCode = await reportCommand(opts);
    });

  program
    .command("kpi")
    .description(
      "the form's indicators for a period (2026, 2026-H1, 2026-10): value, target, status, coverage; " +
        "exit 1 when an automatic indicator is not met",
    )
    .option(
      "--period <period>",
      "2026 (the year), 2026-H1 (the half-year) or 2026-10 (a month); default: this year so far",
    )
    .option("--keys", "list every indicator's key (what record takes) with its Chinese name")
    .option("--json", "print JSON (with how each value was computed)")
    .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
    .action(async (opts: { config: string; period?: string; json?: boolean; keys?: boolean }) => {
      const { kpiCommand } = await import("./kpi.js");
      process.exitCode = kpiCommand(opts);
    });

  program
    .command("record")
    .description(
      "record a value of a manual indicator (one no probe sees), by its key or its Chinese name; " +
        "a correction is a new record (--corrects ID), never an overwrite; --list shows the history",
    )
    .argument("[key]", "indicator key or its Chinese name (ops-agent kpi --keys lists both)")
    .argument("[value]", 'value in the indicator\'s unit: "7", "96.5%", "1.2万人次", "及时" / "不及时"')
    .option("--date <YYYY-MM-DD>", "the local date the value belongs to (default today)")
    .option("--note <text>", "why / where from (kept with the record)")
    .option("--corrects <id>", "this record corrects record ID")
    .option(
      "--evidence <file>",
      "an evidence file kept with the record (stored by its SHA-256, at most 10 MB)",
    )
    .option("--by <who>", "who records it (default $USER, or cli)")
    .option("--list", "list the records (of KEY, or all) instead of adding one")
    .option("--json", "with --list: print JSON")
    .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
    .action(
      async (
        key: string | undefined,
        value: string | undefined,
        opts: {
          config: string;
          date?: string;
          note?: string;
          corrects?: string;
          evidence?: string;
          by?: string;
          list?: boolean;
          json?: boolean;
        },
      ) => {
        const { recordCommand, recordListCommand } = await import("./kpi.js");
        if (opts.list) {
          process.exitCode = recordListCommand(key, opts);
          return;
        }
        if (key === undefined || value === undefined) {
          console.error("record: give KEY and VALUE (or --list)");
          process.exitCode = 78;
          return;
        }
        process.exitCode = recordCommand(key, value, opts);
      },
    );
}
