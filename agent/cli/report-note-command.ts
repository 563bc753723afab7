/** Registers `ops-agent report note` under the `report` command (the code loads when it runs). */
import type { Command } from "commander";
import { DEFAULT_CONFIG_PATH } from "./default-config.js";
import type { ReportNoteOptions } from "./report-note.js";

export function registerReportNoteCommand(program: Command): void {
  const report = program.commands.find((c) => c.name() === "report");
  if (report === undefined) throw new Error("register the report command before report note");
  report
    .command("note")
    .description(
      "text for a section of a month's report (问题 = 七、存在问题与整改措施, 计划 = 八、下月工作计划, …), " +
        "added to the drafted text or (--replace) in its place; kept when the report is regenerated",
    )
    .argument("[text]", "the text (or --file FILE)")
    // --month, --list, --json and -c are the report command's own options: commander parses them
    // there (before or after "note"), so the action takes them from it.
    .option("--section <name>", "总体 平台 机房 安全 视频会议 故障 问题 计划 (or their ids)")
    .option("--file <file>", "read the text from a UTF-8 file")
    .option("--replace", "replace the section's drafted text instead of adding to it")
    .option("--by <who>", "who writes it (default $USER, or cli)")
    .option("--remove <id>", "remove a note (its id from --list)")
    .action(async (text: string | undefined, own: Partial<ReportNoteOptions>, command: Command) => {
      const parent = command.parent?.opts<Partial<ReportNoteOptions>>() ?? {};
      const { reportNoteCommand } = await import("./report-note.js");
      process.exitCode = reportNoteCommand(text, {
        ...parent,
        ...own,
        config: parent.config ?? DEFAULT_CONFIG_PATH,
      });
    });
}
