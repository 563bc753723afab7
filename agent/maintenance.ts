/**
 * Maintenance windows: one-off (start – end) or recurring (a cron expression in the centre's time
 * zone, each firing opening a window of `duration`), for every application or named ones. Samples
 * taken inside a window are stored marked and left out of availability (up ÷ (all − maintenance)).
 */
import cron, { type ScheduledTask } from "node-cron";
import type { MaintenanceWindowConfig } from "../config/schema.js";

export interface MaintenanceWindowSpec {
  name: string;
  /** Target names the window covers; absent = every target. */
  applications?: readonly string[];
  cron?: string;
  durationMs?: number;
  start?: Date;
  end?: Date;
}

/** A window as the config (or the CLI, validated by the same schema) writes it. */
export function windowSpec(w: MaintenanceWindowConfig): MaintenanceWindowSpec {
  return {
    name: w.name,
    ...(w.applications === undefined ? {} : { applications: w.applications }),
    ...(w.cron === undefined ? {} : { cron: w.cron }),
    ...(w.duration === undefined ? {} : { durationMs: w.duration }),
    ...(w.start === undefined ? {} : { start: w.start }),
    ...(w.end === undefined ? {} : { end: w.end }),
  };
}

export interface ActiveWindow {
  name: string;
  applications: readonly string[] | undefined;
}

const MINUTE = 60_000;

interface CompiledWindow {
  spec: MaintenanceWindowSpec;
  covers: ReadonlySet<string> | undefined;
  task: ScheduledTask | undefined;
}

export class MaintenanceCalendar {
  private readonly windows: CompiledWindow[];
  /** Recurring windows: whether a window is open at a given minute (samples of a run share it). */
  private readonly openAtMinute = new Map<string, boolean>();

  constructor(specs: readonly MaintenanceWindowSpec[], timeZone: string) {
    this.windows = specs.map((spec) => ({
      spec,
      covers: spec.applications ? new Set(spec.applications) : undefined,
      task:
        spec.cron === undefined
          ? undefined
          : cron.createTask(spec.cron, () => undefined, { timezone: timeZone }),
    }));
  }

  static empty(): MaintenanceCalendar {
    return new MaintenanceCalendar([], "UTC");
  }

  get size(): number {
    return this.windows.length;
  }

  /** Is the target (by name) inside a maintenance window at `time`? */
  covers(targetName: string, time: Date): boolean {
    return this.windows.some(
      (w) => (w.covers === undefined || w.covers.has(targetName)) && this.isOpen(w, time),
    );
  }

  /** The windows open at `time`. */
  active(time: Date): ActiveWindow[] {
    return this.windows
      .filter((w) => this.isOpen(w, time))
      .map((w) => ({ name: w.spec.name, applications: w.spec.applications }));
  }

  private isOpen(w: CompiledWindow, time: Date): boolean {
    const t = time.getTime();
    if (w.spec.start !== undefined && w.spec.end !== undefined) {
      return t >= w.spec.start.getTime() && t < w.spec.end.getTime();
    }
    if (w.task === undefined || w.spec.durationMs === undefined) return false;
    const minute = Math.floor(t / MINUTE) * MINUTE;
    const key = `${w.spec.name}\u0000${minute}`;
    const cached = this.openAtMinute.get(key);
    if (cached !== undefined) return cached;
    // Open when the expression fired in (t − duration, t]: look back minute by minute.
    let open = false;
    for (let m = minute; m > t - w.spec.durationMs; m -= MINUTE) {
      if (w.task.match(new Date(m))) {
        open = true;
        break;
      }
    }
    if (this.openAtMinute.size > 10_000) this.openAtMinute.clear();
    this.openAtMinute.set(key, open);
    return open;
  }

  close(): void {
    for (const w of this.windows) void w.task?.destroy();
  }
}
