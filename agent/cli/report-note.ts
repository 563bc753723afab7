/**
 * `ops-agent report note`: operators' text for a month's report sections, kept in the store so
 * that regenerating the report keeps it.
 *
 *   ops-agent report note --month 2026-11 --section 问题 "……"          add a paragraph
 *   ops-agent report note --month 2026-11 --section 计划 --replace --file plan.txt
 *   ops-agent report note --month 2026-11 --list [--json]
 *   ops-agent report note --remove 3
 *
 * Every option is parsed with zod; a bad one is refused (exit 78) with the option, the value and
 * what is expected.
 */
import { readFileSync } from "node:fs";
import * as z from "zod";
import { systemClock } from "../clock.js";
import { formatDateTimeWithOffset } from "../report/format.js";
import { noteSection, noteSectionChoices } from "../report/note-sections.js";
import { loadOrExit } from "./config-arg.js";
import { openStoreForCli } from "./open-store.js";
import { renderTable } from "./table.js";
import { cliLang, headers } from "./cli-text.js";

export interface ReportNoteOptions {
  config: string;
  month?: string;
  section?: string;
  file?: string;
  replace?: boolean;
  by?: string;
  list?: boolean;
  remove?: string;
  json?: boolean;
}

const monthSchema = z
  .string({ error: "give the report's month, e.g. --month 2026-11" })
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: "expected a month like 2026-11" });

const addSchema = z.object({
  month: monthSchema,
  section: z.string({ error: `give one of ${noteSectionChoices()}` }).transform((value, ctx) => {
    const section = noteSection(value);
    if (section === undefined) {
      ctx.addIssue({ code: "custom", message: `expected one of ${noteSectionChoices()}` });
      return z.NEVER;
    }
    return section.id;
  }),
  text: z
    .string()
    .transform((t) => t.replace(/\r\n?/g, "\n").trim())
    .pipe(
      z.string().min(1, "the note is empty: give the text as an argument or with --file FILE").max(20_000),
    ),
  by: z.string().trim().min(1).max(100),
});

function refuse(field: string, value: unknown, message: string): number {
  console.error(`report note: ${field}: ${message} (got ${JSON.stringify(value ?? null)})`);
  return 78;
}

export function reportNoteCommand(text: string | undefined, options: ReportNoteOptions): number {
  const config = loadOrExit(options.config, "defer");
  if (options.remove !== undefined) {
    const id = z.coerce.number().int().positive().safeParse(options.remove);
    if (!id.success)
      return refuse("--remove", options.remove, "expected a note id from --list, e.g. --remove 3");
    const store = openStoreForCli(config);
    if (!store) return 1;
    try {
      if (!store.reportNotes.remove(id.data)) {
        console.error(
          `report note: --remove: no note #${id.data} (see ops-agent report note --month … --list)`,
        );
        return 1;
      }
      console.log(`removed note #${id.data}`);
      return 0;
    } finally {
      store.close();
    }
  }
  if (options.list) {
    const month = monthSchema.safeParse(options.month);
    if (!month.success) return refuse("--month", options.month, month.error.issues[0]?.message ?? "invalid");
    const store = openStoreForCli(config);
    if (!store) return 1;
    try {
      const notes = store.reportNotes.list(month.data);
      if (options.json) console.log(JSON.stringify(notes, null, 2));
      else if (notes.length === 0)
        console.log(cliLang() === "zh" ? `${month.data}：没有备注` : `${month.data}: no notes`);
      else
        console.log(
          renderTable(
            headers("reportNotes"),
            notes.map((n) => [
              String(n.id),
              noteSection(n.section)?.heading ?? n.section,
              n.mode === "replace" ? "替换" : "补充",
              n.author,
              formatDateTimeWithOffset(n.createdAt, config.timezone),
              n.text.length > 40 ? `${n.text.slice(0, 40)}…` : n.text,
            ]),
          ),
        );
      return 0;
    } finally {
      store.close();
    }
  }
  if (text !== undefined && options.file !== undefined)
    return refuse("--file", options.file, "give the text either as an argument or with --file, not both");
  let body = text;
  if (options.file !== undefined) {
    try {
      body = readFileSync(options.file, "utf8");
    } catch (error) {
      return refuse("--file", options.file, `cannot read it: ${(error as Error).message}`);
    }
  }
  const parsed = addSchema.safeParse({
    month: options.month,
    section: options.section,
    text: body ?? "",
    by: options.by ?? (process.env.USER || "cli"),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? "");
    const flag = field === "text" ? "TEXT" : `--${field}`;
    const given = field === "text" ? body : (options as unknown as Record<string, unknown>)[field];
    return refuse(flag, given, issue?.message ?? "invalid");
  }
  const store = openStoreForCli(config);
  if (!store) return 1;
  try {
    const note = store.reportNotes.add({
      month: parsed.data.month,
      section: parsed.data.section,
      text: parsed.data.text,
      mode: options.replace === true ? "replace" : "add",
      author: parsed.data.by,
      createdAt: systemClock.now(),
    });
    console.log(
      `note #${note.id} kept for ${note.month} ${noteSection(note.section)?.heading ?? note.section}` +
        ` (${note.mode === "replace" ? "replaces the drafted text" : "added after the drafted text"}); ` +
        `it is in every report of the month written from now on: ops-agent report --month ${note.month}`,
    );
    return 0;
  } finally {
    store.close();
  }
}
