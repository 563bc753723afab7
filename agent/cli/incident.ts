/**
 * `ops-agent incident list | show | ack | resolve | note | timeliness` and `ops-agent tickets
 * import FILE`: the incidents in the store, from the command line. They open the store as a
 * reader, so they work beside a running agent (which reads the store, not a copy, so an ack here
 * counts at once). Exit 1 for an unknown incident or an unreadable file, 78 for a bad config.
 */
import { accessSync, constants } from "node:fs";
import { systemClock } from "../clock.js";
import { judgeResponse } from "../incidents/sla.js";
import { incidentTimeliness, type TimelinessWindow } from "../incidents/timeliness-report.js";
import { CATEGORIES, type Category, type IncidentStatus } from "../incidents/types.js";
import { NoSuchIncidentError, type StoredIncident } from "../store/incident-store-types.js";
import type { SqliteStore } from "../store/sqlite.js";
import { importTicketsFile, TicketsFileTooLargeError } from "../tickets/import-file.js";
import { describeTicketProblems } from "../tickets/ticket.js";
import { loadOrExit } from "./config-arg.js";
import { openStoreForCli } from "./open-store.js";
import { renderTable } from "./table.js";
import { printJson } from "./print-json.js";
import { localDateTimeWithOffset } from "../local-time.js";
import { cliLang, headers, incidentWords } from "./cli-text.js";
import { ruleOf } from "../figures/rules.js";

export interface CliOptions {
  config: string;
  json?: boolean;
}

function withStore(
  options: CliOptions,
  body: (store: SqliteStore, config: ReturnType<typeof loadOrExit>) => number,
): number {
  const config = loadOrExit(options.config, "defer");
  const store = openStoreForCli(config);
  if (!store) return 1;
  try {
    return body(store, config);
  } catch (error) {
    if (error instanceof NoSuchIncidentError) {
      console.error(`ops-agent: ${error.message} (see ops-agent incident list)`);
      return 1;
    }
    throw error;
  } finally {
    store.close();
  }
}

/** "2026-11-30 14:05 +08:00": in the centre's zone, with its offset. */
function local(at: Date | undefined, timeZone: string): string {
  return at === undefined ? "-" : localDateTimeWithOffset(at, timeZone);
}

export function incidentListCommand(
  options: CliOptions & { status?: string; category?: string; limit?: string },
): number {
  const status = options.status as IncidentStatus | "unresolved" | undefined;
  if (status !== undefined && !["open", "acknowledged", "resolved", "unresolved"].includes(status)) {
    console.error(
      `incident list: --status: expected open, acknowledged, resolved or unresolved, got "${status}"`,
    );
    return 78;
  }
  if (options.category !== undefined && !(CATEGORIES as readonly string[]).includes(options.category)) {
    console.error(
      `incident list: --category: expected one of ${CATEGORIES.join(", ")}, got "${options.category}"`,
    );
    return 78;
  }
  return withStore(options, (store, config) => {
    const now = systemClock.now();
    const list = store.incidents.list({
      ...(status === undefined ? {} : { status }),
      ...(options.category === undefined ? {} : { category: options.category as Category }),
      limit: Number(options.limit ?? 100),
    });
    if (options.json) {
      printJson(
        list.map((i) => ({ ...i, sla: judgeResponse(i, config.incidents.sla, now) })),
        config.timezone,
      );
      return 0;
    }
    const w = incidentWords();
    const rows = list.map((i) => {
      const judged = judgeResponse(i, config.incidents.sla, now);
      return [
        `#${i.id}`,
        w.status(i.status),
        w.category(i.category),
        i.priority,
        local(i.startedAt, config.timezone),
        w.minutes(judged.responseMs),
        w.verdict(judged.verdict),
        i.title,
      ];
    });
    console.log(renderTable(headers("incidents"), rows));
    return 0;
  });
}

export function incidentShowCommand(id: string, options: CliOptions): number {
  return withStore(options, (store, config) => {
    const incident = store.incidents.get(Number(id));
    if (incident === undefined) throw new NoSuchIncidentError(Number(id));
    const judged = judgeResponse(incident, config.incidents.sla, systemClock.now());
    const events = store.incidents.events(incident.id);
    if (options.json) {
      printJson({ ...incident, sla: judged, events }, config.timezone);
      return 0;
    }
    const w = incidentWords();
    printIncident(incident, config.timezone);
    console.log(
      cliLang() === "zh"
        ? `响应用时 ${w.minutes(judged.responseMs)}（时限 ${w.minutes(judged.boundMs)}：${w.verdict(judged.verdict)}）` +
            `\n恢复用时 ${w.minutes(judged.resolutionMs)}\n`
        : `response   ${w.minutes(judged.responseMs)} (bound ${w.minutes(judged.boundMs)}: ${judged.verdict})` +
            `\nresolution ${w.minutes(judged.resolutionMs)}\n`,
    );
    console.log(
      renderTable(
        headers("incidentEvents"),
        events.map((e) => [local(e.at, config.timezone), w.event(e.kind), e.actor, e.text ?? ""]),
      ),
    );
    return 0;
  });
}

function printIncident(i: StoredIncident, timeZone: string): void {
  if (cliLang() === "zh") {
    const w = incidentWords("zh");
    const by = (who: string | undefined) => (who ? `（${who}）` : "");
    console.log(
      [
        `#${i.id} ${i.title}`,
        `状态     ${w.status(i.status)}（来源：${i.source}）`,
        `类别     ${w.category(i.category)}，优先级 ${i.priority}，对象 ${i.target}`,
        `开始时间 ${local(i.startedAt, timeZone)}`,
        `确认时间 ${local(i.acknowledgedAt, timeZone)}${by(i.acknowledgedBy)}`,
        `恢复时间 ${local(i.resolvedAt, timeZone)}${by(i.resolvedBy)}`,
      ].join("\n"),
    );
    return;
  }
  console.log(
    [
      `#${i.id} ${i.title}`,
      `status     ${i.status} (${i.source})`,
      `category   ${i.category}, priority ${i.priority}, target ${i.target}`,
      `started    ${local(i.startedAt, timeZone)}`,
      `acknowledged ${local(i.acknowledgedAt, timeZone)}${i.acknowledgedBy ? ` by ${i.acknowledgedBy}` : ""}`,
      `resolved   ${local(i.resolvedAt, timeZone)}${i.resolvedBy ? ` by ${i.resolvedBy}` : ""}`,
    ].join("\n"),
  );
}

export function incidentChangeCommand(
  kind: "ack" | "resolve" | "note",
  id: string,
  options: CliOptions & { by?: string; note?: string; text?: string },
): number {
  const by = options.by ?? (process.env.USER || "cli");
  return withStore(options, (store) => {
    const now = systemClock.now();
    const n = Number(id);
    if (kind === "note") {
      if (!options.text) {
        console.error("incident note: the note's text is required");
        return 78;
      }
      store.incidents.note(n, by, now, options.text);
      console.log(`#${n}: note added by ${by}`);
      return 0;
    }
    const result =
      kind === "ack"
        ? store.incidents.acknowledge(n, by, now, options.note)
        : store.incidents.resolve(n, by, now, options.note);
    const what = kind === "ack" ? "acknowledged" : "resolved";
    console.log(result.first ? `#${n}: ${what} by ${by}` : `#${n}: already ${what}; recorded as a note`);
    return 0;
  });
}

export function incidentTimelinessCommand(options: CliOptions & { window?: string }): number {
  const window = (options.window ?? "month") as TimelinessWindow;
  if (!["month", "half_year", "year_to_date"].includes(window)) {
    console.error(
      `incident timeliness: --window: expected month, half_year or year_to_date, got "${window}"`,
    );
    return 78;
  }
  return withStore(options, (store, config) => {
    const report = incidentTimeliness(
      store.incidents,
      config.incidents.sla,
      systemClock.now(),
      config.timezone,
      window,
    );
    if (options.json) {
      console.log(JSON.stringify(report, null, 2));
      return 0;
    }
    const lang = cliLang();
    const w = incidentWords(lang);
    const rows = report.categories.map((c) => [
      w.category(c.category),
      String(c.incidents),
      String(c.within),
      String(c.late),
      String(c.pending),
      c.share === null ? "-" : `${(c.share * 100).toFixed(1)}%`,
      w.timely(c.noData, c.timely),
    ]);
    const span = `${local(new Date(report.from), config.timezone)} – ${local(new Date(report.to), config.timezone)}`;
    console.log(lang === "zh" ? `${WINDOW_ZH[window]}：${span}` : `${window}: ${span}`);
    console.log(renderTable(headers("timeliness", lang), rows));
    // The rule in Chinese is the read model's (the form's and the report's 口径), not a translation.
    const rule =
      lang === "zh"
        ? ruleOf({ source: "fault_timeliness", category: "platform" }, config, "zh")
        : report.rule;
    console.log(lang === "zh" ? `\n口径：${rule}` : `\nRule: ${rule}`);
    return 0;
  });
}

const WINDOW_ZH: Readonly<Record<TimelinessWindow, string>> = {
  month: "本月",
  half_year: "上半年",
  year_to_date: "年初至今",
};

export async function ticketsImportCommand(file: string, options: CliOptions): Promise<number> {
  const config = loadOrExit(options.config, "defer");
  const tickets = config.incidents.tickets;
  if (tickets === undefined) {
    console.error(
      "tickets import: no incidents.tickets section in the config: map the helpdesk's columns there first",
    );
    return 78;
  }
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    console.error(
      `tickets import: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
    return 1;
  }
  const store = openStoreForCli(config);
  if (!store) return 1;
  let result;
  try {
    // Streamed: the file is never held whole (agent/tickets/import-file.ts).
    result = await importTicketsFile(file, tickets, store.incidents, {
      actor: `tickets import ${file}`,
      now: systemClock.now(),
      maxBytes: tickets.max_file_size,
    });
  } catch (error) {
    if (error instanceof TicketsFileTooLargeError) {
      console.error(`tickets import: ${error.message}`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === "string" && code.startsWith("E")) {
      console.error(`tickets import: cannot read ${file}: ${code}`);
      return 1;
    }
    throw error;
  } finally {
    store.close();
  }
  const counts = result.counts;
  for (const line of describeTicketProblems(file, result.problems)) console.error(line);
  if (result.problemCount > result.problems.length)
    console.error(`… and ${result.problemCount - result.problems.length} more`);
  const summary = { file, encoding: result.encoding ?? null, ...counts, rejected: result.problemCount };
  if (options.json) console.log(JSON.stringify(summary, null, 2));
  else {
    console.log(
      `${file} (${summary.encoding ?? "unreadable"}): ${counts.created} new, ${counts.updated} updated, ` +
        `${counts.unchanged} unchanged, ${result.problemCount} rejected`,
    );
  }
  // Good rows are kept even when some are bad; exit 1 says the file needs attention.
  return result.problemCount > 0 ? 1 : 0;
}
