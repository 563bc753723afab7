#!/usr/bin/env -S node --max-semi-space-size=1
// A 1 MiB semi-space (V8 defaults to 16 MiB): the agent allocates little, and this lowers its
// resident memory by about 4 MiB, to about 75 MiB on the default config (npm run bench, rss).
/** The ops-agent command line. Each command lives in agent/cli/. */
import { Command } from "commander";
import { availabilityCommand } from "./cli/availability.js";
import { checkConfigCommand } from "./cli/check-config.js";
import { demoCommand } from "./cli/demo.js";
import { DEFAULT_CONFIG_PATH } from "./cli/config-arg.js";
import {
  maintenanceAddCommand,
  maintenanceListCommand,
  maintenanceRemoveCommand,
  type AddOptions,
} from "./cli/maintenance.js";
import { registerIncidentCommands } from "./cli/incident-commands.js";
import { registerKpiCommands } from "./cli/kpi-commands.js";
import { registerFormExportCommand } from "./cli/form-export.js";
import { onceCommand } from "./cli/once.js";
import { runCommand } from "./cli/run.js";
import { VERSION } from "./version.js";

const program = new Command()
  .name("ops-agent")
  .description(
    "Machine-room monitoring agent of the Suzhou Municipal Audio-Visual Education Centre: measures the " +
      "performance-target form's operational indicators all year, stores them, and serves Prometheus metrics.",
  )
  .version(VERSION, "-V, --version");

program
  .command("run")
  .description("run the agent: schedule the collectors, store samples, serve /metrics and /healthz")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .action(async (opts: { config: string }) => runCommand(opts.config));

program
  .command("demo")
  .description(
    "run the agent on the simulated machine room (a simulated vCenter and Deep Security Manager on loopback)",
  )
  .option("-c, --config <file>", "config file (YAML)", "config/default.yaml")
  .action(async (opts: { config: string }) => demoCommand(opts.config));

program
  .command("once")
  .description("run every enabled collector once and print what it measured (writes nothing)")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .option("--json", "print the runs as JSON instead of a table")
  .action(async (opts: { config: string; json?: boolean }) => {
    process.exitCode = await onceCommand(opts.config, opts);
  });

program
  .command("availability")
  .description("education-application availability per application and window, with the accounting rule")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .option("-w, --window <window>", "day, month, half_year or year_to_date (default: all)")
  .option("--json", "print JSON instead of a table")
  .action((opts: { config: string; window?: string; json?: boolean }) => {
    process.exitCode = availabilityCommand(opts.config, opts);
  });

program
  .command("check-config")
  .description(
    "validate a config file; print every error with its field, value and what is expected (exit 78)",
  )
  .argument("[file]", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .action((file: string) => checkConfigCommand(file));

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
  .option("--start <time>", 'one-off: start, ISO 8601 with offset, e.g. "2026-12-05T22:00:00+08:00"')
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
  .action((name: string, opts: AddOptions) => {
    process.exitCode = maintenanceAddCommand(name, opts);
  });

maintenance
  .command("list")
  .description("list the config's and the command line's windows, and whether each is open now")
  .option("--json", "print JSON instead of a table")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .action((opts: { config: string; json?: boolean }) => {
    process.exitCode = maintenanceListCommand(opts);
  });

maintenance
  .command("remove")
  .description("remove a window added with maintenance add (config windows are edited in the config)")
  .argument("<name>", "window name")
  .option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH)
  .action((name: string, opts: { config: string }) => {
    process.exitCode = maintenanceRemoveCommand(name, opts);
  });

registerIncidentCommands(program);
registerKpiCommands(program);
registerFormExportCommand(program);

await program.parseAsync(process.argv);
