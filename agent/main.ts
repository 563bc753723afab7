#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=65536 node --max-semi-space-size=1 --optimize-for-size
// How the agent runs (the same in package.json's start script, the Dockerfile and
// deploy/ops-agent.service; bench/rss.ts reads the start script), measured on the default config
// (`npx tsx bench/index.ts --only rss`, see bench/rss.ts):
// - --max-semi-space-size=1: a 1 MiB young generation (V8's default is 16 MiB); the agent's
//   allocations are small and short-lived. About 4 MiB less resident memory.
// - --optimize-for-size: V8 grows the old generation by at most 1.3× its live size after a full
//   GC (up to 4× otherwise on a machine with much memory), so the heap stays near what is live —
//   about 6 MiB less on the default config, and a flat soak. It does not turn the optimising
//   compiler off (--lite-mode would; measured below).
// - MALLOC_ARENA_MAX=2: glibc gives each thread that mallocs (V8's compiler and GC workers) its
//   own arena, which keeps freed memory resident; two arenas save 2 to 4 MiB. Read by glibc at
//   start, so it must be in the environment (env -S sets it here).
// - MALLOC_TRIM_THRESHOLD_=65536: glibc gives free memory at the top of its heap back once 64 KiB
//   are free (its default starts at 128 KiB and rises with every large block freed, so after the
//   first runs it keeps megabytes). 1 to 3 MiB less on the default config.
// - The shebang stays under 128 bytes: Linux before 5.1 reads no more of it.
// Measured and not used (several agents side by side on one simulated machine room, 300 s; the
// 10,000-target case as bench/rss.ts runs it):
// - --no-sparkplug: 2.5 to 3.5 MiB less on the default config, but at 10,000 targets the median
//   /metrics response doubles (105 against 47 ms): the code that is not hot enough to optimise
//   then runs interpreted, and the event loop is busier.
// - --compact-on-every-full-gc (with --no-sparkplug): 79 MiB steady, but a peak of 98 MiB against
//   89 (compaction copies pages before it frees them) and 20 to 30 MiB more at 10,000 targets.
// - --max-opt=1 (no optimising compiler): 3 to 6 MiB less, but the store's ingest falls to 0.41×
//   the prepared-insert ceiling (its target is 0.6×) and the monthly report takes twice as long.
// - --lite-mode (no optimising compiler, lazy feedback): on the default config with the console
//   opened (bench/rss.ts), 80.2 MB steady / 87.7 MB peak against 88.7 / 94.2 — both inside the
//   90/95-MB targets either way; but at 10,000 targets /metrics takes 52 ms against 21 (median),
//   the start 4.6 s against 1.8, SIGTERM to exit 6.3 s against 1.5, and the store's ingest falls
//   to 0.40× the prepared-insert ceiling (0.81× without; target 0.6×). Measured 2026-12-05,
//   one agent after the other on a quiet machine.
// - --max-lazy, zod's jitless mode, MALLOC_MMAP_THRESHOLD_, MALLOC_ARENA_MAX=1, fewer V8 and libuv
//   threads, --single-threaded-gc, earlier bytecode flushing: within the ±1.5 MiB run-to-run noise.
// The code itself is one minified bundle (agent/build/bundle.ts says why).
/** The ops-agent command line. Each command lives in agent/cli/. */
import { Command } from "commander";
import { DEFAULT_CONFIG_PATH } from "./cli/default-config.js";
import { consoleLanguageOption, type ConsoleLanguage } from "./cli/console-language-option.js";
import type { AddOptions } from "./cli/maintenance.js";
import { registerIncidentCommands } from "./cli/incident-commands.js";
import { registerKpiCommands } from "./cli/kpi-commands.js";
import { registerFormExportCommand } from "./cli/form-export-command.js";
import type { DemoOptions } from "./cli/demo.js";
import { registerReportNoteCommand } from "./cli/report-note-command.js";
import { printCliError } from "./cli/print-error.js";
import { wantsChinese } from "./cli/locale.js";
import { VERSION } from "./version.js";

// Each command's code is imported when that command runs, not here: the daemon (`run`, `demo`)
// would otherwise carry every other command's modules — the simulated machine room, the report and
// form writers, the CLI tables — in its heap for its whole life (it is measured against an RSS
// budget). Registration files only describe the commands.

// Files the agent and people share — the database, reports, form exports — are created 0640 and
// folders 0750 whatever the shell's umask (the systemd unit sets UMask=0027 too; the container and
// a shell run this line): the group (ops-agent) reads them, other users do not.
process.umask(0o027);

const program = new Command()
  .name("ops-agent")
  .description(
    "Machine-room monitoring agent of the Suzhou Municipal Audio-Visual Education Centre: measures the " +
      "performance-target form's operational indicators all year, stores them, and serves Prometheus metrics.",
  )
  .version(VERSION, "-V, --version")
  .option(
    "--verbose",
    "on an error, print its stack trace too (the bundle's, mapped with node --enable-source-maps)",
  );

// commander's own errors (unknown option, missing argument…) in Chinese where the locale is: set on
// the root here, before any .command(), because commander copies it to subcommands as they are
// created. Not loaded otherwise, so the English ones stay commander's exactly.
if (wantsChinese(process.env)) (await import("./cli/commander-errors-zh.js")).chineseCommanderErrors(program);

program
  .command("run")
  .description("run the agent: schedule the collectors, store samples, serve /metrics and /healthz")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .addOption(consoleLanguageOption())
  .action(async (opts: { config: string; lang?: ConsoleLanguage }) =>
    (await import("./cli/run.js")).runCommand(opts.config, { language: opts.lang }),
  );

program
  .command("demo")
  .description(
    "run the agent on the simulated machine room (a simulated vCenter and Deep Security Manager on loopback)",
  )
  .option("-c, --config <file>", "config file (YAML)", "config/default.yaml")
  .option(
    "--history-from <date>",
    "on an empty database, first write the simulated room's history (模拟数据) from this date (default: 1 January of this year)",
  )
  .option("--no-history", "do not write the simulated history")
  .option("--history-only", "write the simulated history, then exit (no live agent)")
  .addOption(consoleLanguageOption())
  .action(async (opts: DemoOptions) => (await import("./cli/demo.js")).demoCommand(opts));

program
  .command("once")
  .description("run every enabled collector once and print what it measured (writes nothing)")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .option("--json", "print the runs as JSON instead of a table")
  .option(
    "--collector <name>",
    "run and print only this collector (repeatable; the ones it builds on run too)",
    (value: string, previous: string[]) => [...previous, value],
    [] as string[],
  )
  .action(async (opts: { config: string; json?: boolean; collector: string[] }) => {
    const { onceCommand } = await import("./cli/once.js");
    process.exitCode = await onceCommand(opts.config, opts);
  });

program
  .command("availability")
  .description("education-application availability per application and window, with the accounting rule")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .option("-w, --window <window>", "day, month, half_year or year_to_date (default: all)")
  .option("--json", "print JSON instead of a table")
  .action(async (opts: { config: string; window?: string; json?: boolean }) => {
    const { availabilityCommand } = await import("./cli/availability.js");
    process.exitCode = availabilityCommand(opts.config, opts);
  });

program
  .command("check-config")
  .description(
    "validate a config file; print every error with its field, value and what is expected (exit 78)",
  )
  .argument("[file]", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .action(async (file: string) => (await import("./cli/check-config.js")).checkConfigCommand(file));

const maintenance = program
  .command("maintenance")
  .description(
    "maintenance windows added from the command line, beside the config's (the running agent picks them up)",
  );

maintenance
  .command("add")
  .description(
    "add a window: one-off (--start, --end) or recurring (--cron, --duration, in the config's timezone); " +
      "bad input exits 78",
  )
  .argument("<name>", "window name (unique)")
  .option(
    "--start <time>",
    'one-off: start, "2026-12-05 22:00" in the config\'s timezone or with an offset ("…T22:00:00+08:00")',
  )
  .option("--end <time>", "one-off: end, after --start")
  .option("--cron <expr>", 'recurring: a cron expression, e.g. "0 2 * * 6"')
  .option("--duration <duration>", 'recurring: how long each window lasts, e.g. "2h"')
  .option(
    "--application <name>",
    "a target the window covers (repeatable); none = every application",
    (value: string, previous: string[]) => [...previous, value],
    [] as string[],
  )
  .option("--note <text>", "why")
  .option("--by <who>", "who adds it (default $USER, or cli)")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .action(async (name: string, opts: AddOptions) => {
    const { maintenanceAddCommand } = await import("./cli/maintenance.js");
    process.exitCode = maintenanceAddCommand(name, opts);
  });

maintenance
  .command("list")
  .description("list the config's and the command line's windows, and whether each is open now")
  .option("--json", "print JSON instead of a table")
  .option("--removed", "list the removed windows instead, with who removed them and when")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .action(async (opts: { config: string; json?: boolean; removed?: boolean }) => {
    const { maintenanceListCommand } = await import("./cli/maintenance.js");
    process.exitCode = maintenanceListCommand(opts);
  });

maintenance
  .command("remove")
  .description("remove a window added with maintenance add (config windows are edited in the config)")
  .argument("<name>", "window name")
  .option("--by <who>", "who removes it (default $USER, or cli)")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .action(async (name: string, opts: { config: string; by?: string }) => {
    const { maintenanceRemoveCommand } = await import("./cli/maintenance.js");
    process.exitCode = maintenanceRemoveCommand(name, opts);
  });

program
  .command("backup")
  .description(
    "copy the database safely beside a running agent (SQLite online backup), verified (integrity_check, " +
      "schema version), written atomically, mode 0640; default: a timestamped copy in backup.dir",
  )
  .option("--out <file>", "write the copy to this file (never overwrites one)")
  .option("--dir <dir>", "write ops-agent-<local time><offset>.db into this directory")
  .option("--keep <n>", "with --dir: keep the newest N copies the tool made there, delete older ones")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .action(async (opts: { config: string; out?: string; dir?: string; keep?: string }) => {
    process.exitCode = await (await import("./cli/backup.js")).backupCommand(opts);
  });

program
  .command("restore")
  .description(
    "put a backup in the database's place: refused while an agent runs on it (exit 75) or for a newer " +
      "schema (no downgrade); the current database is kept aside, renamed with the time",
  )
  .argument("<file>", "a backup made by ops-agent backup")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .action(async (file: string, opts: { config: string }) => {
    process.exitCode = await (await import("./cli/backup.js")).restoreCommand(file, opts);
  });

program
  .command("user")
  .description("web console accounts (config console.users)")
  .command("passwd")
  .description("print a console user entry with a scrypt hash of a password read from the terminal or stdin")
  .argument("<name>", "login name")
  .option("--role <role>", "viewer, recorder, operator or admin", "viewer")
  .action(async (name: string, opts: { role: string }) => {
    const { userPasswdCommand } = await import("./cli/user-passwd.js");
    process.exitCode = await userPasswdCommand(name, opts);
  });

registerIncidentCommands(program);
registerKpiCommands(program);
registerReportNoteCommand(program);
registerFormExportCommand(program);

// `notify test [ROUTE]`: one test message per notification route, and the robot's answer.
program
  .command("notify")
  .description("notification routes (incidents.notifications.channels)")
  .command("test")
  .description(
    "send one test message on every route (or ROUTE) and print each robot's answer; exit 1 on a failure",
  )
  .argument("[route]", "a channel name (default: every route)")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .action(async (route: string | undefined, opts: { config: string }) => {
    const { loadOrExit } = await import("./cli/config-arg.js");
    const { notifyTest } = await import("./notify/test-command.js");
    process.exitCode = await notifyTest(loadOrExit(opts.config, "resolve"), route);
  });

// Help (examples, Chinese where LANG is zh_CN) is loaded only when asked for: see agent/cli/help-text.ts.
const args = process.argv.slice(2);
if (args.length === 0 || args.some((a) => a === "--help" || a === "-h" || a === "help")) {
  (await import("./cli/help-text.js")).applyHelpText(program, process.env);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  printCliError(error);
  process.exitCode = 1;
}
