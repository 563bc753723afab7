/**
 * The maintenance windows in force: the config's and those added at run time (`ops-agent
 * maintenance add`, the console's 平台), each with where it comes from. The monthly report's 维护窗口
 * appendix and the console's 平台 list these, so the two show the same windows.
 */
import { MaintenanceCalendar, windowSpec, type MaintenanceWindowSpec } from "../maintenance.js";
import type { StoredMaintenanceWindow } from "../store/sqlite.js";
import type { FigureContext } from "./context.js";
import type { Span } from "./types.js";

export interface MaintenanceEntry {
  window: MaintenanceWindowSpec & Partial<Pick<StoredMaintenanceWindow, "note" | "createdBy" | "createdAt">>;
  /** The config file, or added at run time (CLI or console). */
  source: "config" | "cli";
  /** Open at `now` (when asked). */
  open?: boolean;
}

/**
 * The config's windows, then the stored ones. With `span`: only those that can cover part of it
 * (a recurring window always can; a one-off one when it overlaps). With `now`: whether each is
 * open then.
 */
export function maintenanceWindows(
  ctx: FigureContext,
  options: { span?: Span; now?: Date } = {},
): MaintenanceEntry[] {
  const { span, now } = options;
  const inSpan = (w: MaintenanceWindowSpec) =>
    span === undefined ||
    w.cron !== undefined ||
    ((w.end as Date).getTime() > span.from * 1000 && (w.start as Date).getTime() < span.to * 1000);
  const entries: MaintenanceEntry[] = [
    ...ctx.config.maintenance.map((w) => ({ window: windowSpec(w), source: "config" as const })),
    ...ctx.store.listMaintenanceWindows().map((w) => ({ window: w, source: "cli" as const })),
  ].filter((e) => inSpan(e.window));
  if (now === undefined) return entries;
  return entries.map((e) => {
    const calendar = new MaintenanceCalendar([e.window], ctx.config.timezone);
    try {
      return { ...e, open: calendar.active(now).length > 0 };
    } finally {
      calendar.close();
    }
  });
}
