/**
 * `ops-agent maintenance add | list | remove`: maintenance windows from the command line, stored in
 * the database beside the config's own windows. The running agent reads them within seconds (no
 * restart). The store is opened as a "reader", so these commands work beside a running agent.
 *
 * A window is validated exactly like one in the config's `maintenance:` list; bad input is printed
 * field by field (exit 78), a name already taken is exit 1.
 */
import { formatDuration } from "../../config/duration.js";
import { formatIssues } from "../../config/errors.js";
import { EXIT_CONFIG } from "../../config/load.js";
import { maintenanceWindow } from "../../config/schema.js";
import { systemClock } from "../clock.js";
import { MaintenanceCalendar, windowSpec, type MaintenanceWindowSpec } from "../maintenance.js";
import {
  DuplicateWindowError,
  type RemovedMaintenanceWindow,
  type StoredMaintenanceWindow,
} from "../store/sqlite.js";
import { loadOrExit, printConfigErrors } from "./config-arg.js";
import { openStoreForCli } from "./open-store.js";
import { renderTable } from "./table.js";
import { cliLang, headers, yesNo } from "./cli-text.js";
import { labels } from "../report/labels.js";
import { knownTargetNames } from "./target-names.js";
import { isoWithOffset, localDateTimeWithOffset, parseLocalDateTime } from "../local-time.js";
import { unknownApplications } from "../maintenance-applications.js";

export interface AddOptions {
  config: string;
  start?: string;
  end?: string;
  cron?: string;
  duration?: string;
  application?: string[];
  note?: string;
  by?: string;
}

export type ParsedWindow = { ok: true; window: MaintenanceWindowSpec } | { ok: false; errors: string[] };

/** The command-line name of each schema field, for error lines. */
function optionName(path: string): string {
  if (path === "name") return "NAME";
  if (path === "(top level)") return "options";
  const field = /^[a-z]+/.exec(path)?.[0] ?? path;
  return field === "applications" ? "--application" : `--${field}`;
}

/**
 * --start / --end as the schema takes them: a time with its offset. A local time a person types
 * without one ("2026-12-05 22:00") is taken in the config's zone; without a zone, as written.
 */
function withOffset(text: string, timeZone: string | undefined): string {
  if (timeZone === undefined) return text;
  const at = parseLocalDateTime(text, timeZone);
  return at === undefined ? text : isoWithOffset(at, timeZone);
}

/** Validate the arguments of `maintenance add` with the config's own schema for a window. */
export function parseWindowArgs(
  name: string,
  options: Omit<AddOptions, "config">,
  timeZone?: string,
): ParsedWindow {
  const input: Record<string, unknown> = { name };
  if (options.application !== undefined && options.application.length > 0)
    input.applications = options.application;
  if (options.cron !== undefined) input.cron = options.cron;
  if (options.duration !== undefined) input.duration = options.duration;
  if (options.start !== undefined) input.start = withOffset(options.start, timeZone);
  if (options.end !== undefined) input.end = withOffset(options.end, timeZone);
  const parsed = maintenanceWindow.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: formatIssues(parsed.error, input).map((line) => {
        const at = line.indexOf(": ");
        const message = line.slice(at + 2).replace(/\b(cron|duration|start|end):/g, "--$1");
        return `${optionName(line.slice(0, at))}: ${message}`;
      }),
    };
  }
  return { ok: true, window: windowSpec(parsed.data) };
}

const openStore = openStoreForCli;

export function maintenanceAddCommand(name: string, options: AddOptions): number {
  const config = loadOrExit(options.config, "defer");
  const parsed = parseWindowArgs(name, options, config.timezone);
  if (!parsed.ok) {
    printConfigErrors("maintenance add", parsed.errors);
    return EXIT_CONFIG;
  }
  const unknown = unknownApplicationLines(options.application ?? [], knownTargetNames(config));
  if (unknown.length > 0) {
    printConfigErrors("maintenance add", unknown);
    return EXIT_CONFIG;
  }
  if (config.maintenance.some((w) => w.name === name)) {
    console.error(
      `maintenance add: a maintenance window named "${name}" is already in the config file ${options.config}; choose another name`,
    );
    return 1;
  }
  const store = openStore(config);
  if (!store) return 1;
  try {
    store.addMaintenanceWindow({
      ...parsed.window,
      ...(options.note === undefined ? {} : { note: options.note }),
      createdBy: options.by ?? (process.env.USER || "cli"),
      createdAt: systemClock.now(),
    });
  } catch (error) {
    if (!(error instanceof DuplicateWindowError)) throw error;
    console.error(
      `maintenance add: ${error.message}; remove it first (ops-agent maintenance remove ${name}) or choose another name`,
    );
    return 1;
  } finally {
    store.close();
  }
  console.log(
    `added maintenance window "${name}": ${describeWhen(parsed.window, config.timezone)}, ` +
      `${parsed.window.applications?.join(", ") ?? "every application"}`,
  );
  return 0;
}

/** An --application no collector of the config probes covers nothing: refused, with the nearest name. */
function unknownApplicationLines(given: readonly string[], known: readonly string[]): string[] {
  return unknownApplications(given, known).map(
    ({ name, hint }) =>
      `--application: no target named "${name}" in the config` +
      (hint === undefined ? "" : `; did you mean "${hint}"?`) +
      ` (targets: ${known.join(", ") || "none"})`,
  );
}

export interface ListedWindow {
  name: string;
  source: "config" | "cli";
  applications: string[] | null;
  cron: string | null;
  duration_ms: number | null;
  start: string | null;
  end: string | null;
  note: string | null;
  created_by: string | null;
  created_at: string | null;
  open_now: boolean;
}

export function maintenanceListCommand(options: {
  config: string;
  json?: boolean;
  removed?: boolean;
}): number {
  const config = loadOrExit(options.config, "defer");
  const store = openStore(config);
  if (!store) return 1;
  if (options.removed) {
    let removed: RemovedMaintenanceWindow[];
    try {
      removed = store.listRemovedMaintenanceWindows();
    } finally {
      store.close();
    }
    return printRemoved(removed, config.timezone, options.json === true);
  }
  let stored: StoredMaintenanceWindow[];
  try {
    stored = store.listMaintenanceWindows();
  } finally {
    store.close();
  }
  const now = systemClock.now();
  const fromConfig: (MaintenanceWindowSpec & Partial<StoredMaintenanceWindow>)[] = config.maintenance.map(
    (w) => ({
      name: w.name,
      ...(w.applications === undefined ? {} : { applications: w.applications }),
      ...(w.cron === undefined ? {} : { cron: w.cron }),
      ...(w.duration === undefined ? {} : { durationMs: w.duration }),
      ...(w.start === undefined ? {} : { start: w.start }),
      ...(w.end === undefined ? {} : { end: w.end }),
    }),
  );
  const all = [
    ...fromConfig.map((w) => ({ w, source: "config" as const })),
    ...stored.map((w) => ({ w, source: "cli" as const })),
  ];
  const listed: ListedWindow[] = all.map(({ w, source }) => {
    const calendar = new MaintenanceCalendar([w], config.timezone);
    const open = calendar.active(now).length > 0;
    calendar.close();
    return {
      name: w.name,
      source,
      applications: w.applications === undefined ? null : [...w.applications],
      cron: w.cron ?? null,
      duration_ms: w.durationMs ?? null,
      start: w.start === undefined ? null : isoWithOffset(w.start, config.timezone),
      end: w.end === undefined ? null : isoWithOffset(w.end, config.timezone),
      note: w.note ?? null,
      created_by: w.createdBy ?? null,
      created_at: w.createdAt === undefined ? null : isoWithOffset(w.createdAt, config.timezone),
      open_now: open,
    };
  });
  if (options.json) {
    console.log(JSON.stringify(listed, null, 2));
    return 0;
  }
  const zh = cliLang() === "zh";
  if (listed.length === 0) {
    console.log(zh ? "没有维护窗口" : "no maintenance windows");
    return 0;
  }
  const sourceText = (source: "config" | "cli") =>
    zh ? (source === "config" ? "配置文件" : "命令行/控制台") : source;
  console.log(
    renderTable(
      headers("maintenance"),
      all.map(({ w, source }, i) => [
        w.name,
        sourceText(source),
        w.applications?.join(",") ?? (zh ? "全部" : "*"),
        describeWhen(w, config.timezone),
        yesNo(listed[i]?.open_now === true),
        w.createdBy ?? "",
        w.note ?? "",
      ]),
    ),
  );
  return 0;
}

/** The removed windows with who added and who removed them, and when (the audit trail). */
function printRemoved(removed: readonly RemovedMaintenanceWindow[], timeZone: string, json: boolean): number {
  const at = (d: Date) => isoWithOffset(d, timeZone);
  if (json) {
    console.log(
      JSON.stringify(
        removed.map((w) => ({
          name: w.name,
          created_by: w.createdBy,
          created_at: at(w.createdAt),
          removed_by: w.removedBy,
          removed_at: at(w.removedAt),
        })),
        null,
        2,
      ),
    );
    return 0;
  }
  if (removed.length === 0) {
    console.log(cliLang() === "zh" ? "没有已移除的维护窗口" : "no removed maintenance windows");
    return 0;
  }
  const local = (d: Date) => localDateTimeWithOffset(d, timeZone);
  console.log(
    renderTable(
      headers("maintenanceRemoved"),
      removed.map((w) => [
        w.name,
        describeWhen(w, timeZone),
        w.createdBy,
        local(w.createdAt),
        w.removedBy,
        local(w.removedAt),
      ]),
    ),
  );
  return 0;
}

export function maintenanceRemoveCommand(name: string, options: { config: string; by?: string }): number {
  const config = loadOrExit(options.config, "defer");
  const store = openStore(config);
  if (!store) return 1;
  let removed: boolean;
  try {
    // Kept with who removed it and when, the audit fields `maintenance add` records.
    removed = store.removeMaintenanceWindow(
      name,
      options.by ?? (process.env.USER || "cli"),
      systemClock.now(),
    );
  } finally {
    store.close();
  }
  if (removed) {
    console.log(`removed maintenance window "${name}"`);
    return 0;
  }
  if (config.maintenance.some((w) => w.name === name)) {
    console.error(
      `maintenance remove: "${name}" is defined in the config file ${options.config}; ` +
        "edit its maintenance: list there and reload the agent (SIGHUP)",
    );
  } else {
    console.error(
      `maintenance remove: no maintenance window named "${name}" (see ops-agent maintenance list)`,
    );
  }
  return 1;
}

/** "2026-12-05 22:00 +08:00 – 2026-12-06 02:00 +08:00" or 'cron "0 2 * * 6" for 2h (Asia/Shanghai)'. */
function describeWhen(w: MaintenanceWindowSpec, timeZone: string): string {
  if (w.cron !== undefined) {
    return cliLang() === "zh"
      ? `${labels("zh").cronWindow(w.cron, Math.round((w.durationMs ?? 0) / 60_000))}（${timeZone}）`
      : `cron "${w.cron}" for ${formatDuration(w.durationMs ?? 0)} (${timeZone})`;
  }
  const show = (d: Date | undefined) => (d === undefined ? "?" : localDateTimeWithOffset(d, timeZone));
  return `${show(w.start)} – ${show(w.end)}`;
}
