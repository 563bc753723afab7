/** Registers `ops-agent incident …` and `ops-agent tickets import` on the command line. */
import type { Command } from "commander";
import { DEFAULT_CONFIG_PATH } from "./default-config.js";

/** The commands' code, loaded when one of them runs (not by the daemon: see agent/main.ts). */
const commands = () => import("./incident.js");

type Opts = { config: string; json?: boolean; by?: string; note?: string };

export function registerIncidentCommands(program: Command): void {
  const incident = program
    .command("incident")
    .description(
      "incidents from probes, Alertmanager and helpdesk tickets: list, show, acknowledge, resolve, note",
    );
  const configOption = (c: Command) =>
    c.option("-c, --config <file>", "config file (YAML)", DEFAULT_CONFIG_PATH);

  configOption(
    incident
      .command("list")
      .description("incidents, newest first, with their response time against the SLA")
      .option("--status <status>", "open, acknowledged, resolved or unresolved")
      .option("--category <category>", "videoconf, platform, machine_room or antivirus")
      .option("--limit <n>", "at most this many", "100")
      .option("--json", "print JSON instead of a table"),
  ).action(async (opts: Opts & { status?: string; category?: string; limit?: string }) => {
    process.exitCode = (await commands()).incidentListCommand(opts);
  });

  configOption(
    incident
      .command("show")
      .description("one incident and its event log")
      .argument("<id>")
      .option("--json", "print JSON"),
  ).action(async (id: string, opts: Opts) => {
    process.exitCode = (await commands()).incidentShowCommand(id, opts);
  });

  for (const kind of ["ack", "resolve"] as const) {
    configOption(
      incident
        .command(kind)
        .description(
          kind === "ack"
            ? "acknowledge: the first acknowledgement is the response time (who and when are recorded)"
            : "resolve: the end of the fault",
        )
        .argument("<id>")
        .option("--by <who>", "who (default $USER, or cli)")
        .option("--note <text>", "a note kept with the event"),
    ).action(async (id: string, opts: Opts) => {
      process.exitCode = (await commands()).incidentChangeCommand(kind, id, opts);
    });
  }

  configOption(
    incident
      .command("note")
      .description("add a note to an incident's log")
      .argument("<id>")
      .argument("<text>")
      .option("--by <who>", "who (default $USER, or cli)"),
  ).action(async (id: string, text: string, opts: Opts) => {
    process.exitCode = (await commands()).incidentChangeCommand("note", id, { ...opts, text });
  });

  configOption(
    incident
      .command("timeliness")
      .description("fault response timeliness (故障响应及时) per category, with the rule")
      .option("--window <window>", "month, half_year or year_to_date", "month")
      .option("--json", "print JSON"),
  ).action(async (opts: Opts & { window?: string }) => {
    process.exitCode = (await commands()).incidentTimelinessCommand(opts);
  });

  const tickets = program
    .command("tickets")
    .description("the helpdesk's tickets (mapping: incidents.tickets in the config)");
  configOption(
    tickets
      .command("import")
      .description(
        "import a helpdesk CSV export (UTF-8 or GBK); re-imports update, bad rows are listed, good rows kept",
      )
      .argument("<file>")
      .option("--json", "print the summary as JSON"),
  ).action(async (file: string, opts: Opts) => {
    process.exitCode = await (await commands()).ticketsImportCommand(file, opts);
  });
}
