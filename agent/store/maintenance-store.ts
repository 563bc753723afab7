/**
 * Maintenance windows added from the command line (`ops-agent maintenance add`), kept in the
 * maintenance_windows table. The agent reads them periodically and merges them with the config's
 * windows; they are validated by the CLI exactly like the config's before they are stored here.
 */
import type Database from "better-sqlite3";
import type { MaintenanceWindowSpec } from "../maintenance.js";

export interface StoredMaintenanceWindow extends MaintenanceWindowSpec {
  note?: string;
  createdBy: string;
  createdAt: Date;
}

/** A window taken out of force: kept with who removed it and when. */
export interface RemovedMaintenanceWindow extends StoredMaintenanceWindow {
  removedBy: string;
  removedAt: Date;
}

/** Adding a window whose name is already taken. */
export class DuplicateWindowError extends Error {
  constructor(readonly windowName: string) {
    super(`a maintenance window named "${windowName}" already exists`);
    this.name = "DuplicateWindowError";
  }
}

interface Row {
  name: string;
  applications: string | null;
  cron: string | null;
  duration_ms: number | null;
  start_ms: number | null;
  end_ms: number | null;
  note: string | null;
  created_by: string;
  created_at: number;
  removed_by: string | null;
  removed_at: number | null;
}

const COLUMNS =
  "name, applications, cron, duration_ms, start_ms, end_ms, note, created_by, created_at, removed_by, removed_at";

export class MaintenanceStore {
  private readonly insert: Database.Statement;
  private readonly exists: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly selectRemoved: Database.Statement;
  private readonly markRemoved: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO maintenance_windows
         (name, applications, cron, duration_ms, start_ms, end_ms, note, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.exists = db
      .prepare("SELECT 1 FROM maintenance_windows WHERE name = ? AND removed_at IS NULL")
      .pluck();
    this.selectAll = db.prepare(
      `SELECT ${COLUMNS} FROM maintenance_windows WHERE removed_at IS NULL ORDER BY name`,
    );
    this.selectRemoved = db.prepare(
      `SELECT ${COLUMNS} FROM maintenance_windows WHERE removed_at IS NOT NULL ORDER BY removed_at, id`,
    );
    this.markRemoved = db.prepare(
      "UPDATE maintenance_windows SET removed_by = ?, removed_at = ? WHERE name = ? AND removed_at IS NULL",
    );
  }

  /** Store a window; a name already taken is a DuplicateWindowError. */
  add(w: StoredMaintenanceWindow): void {
    this.db.transaction(() => {
      if (this.exists.get(w.name) !== undefined) throw new DuplicateWindowError(w.name);
      this.insert.run(
        w.name,
        w.applications === undefined ? null : JSON.stringify(w.applications),
        w.cron ?? null,
        w.durationMs ?? null,
        w.start?.getTime() ?? null,
        w.end?.getTime() ?? null,
        w.note ?? null,
        w.createdBy,
        w.createdAt.getTime(),
      );
    })();
  }

  /** The windows in force (not removed). */
  list(): StoredMaintenanceWindow[] {
    return (this.selectAll.all() as Row[]).map(windowOf);
  }

  /** The removed windows, oldest removal first: what was removed, by whom and when. */
  removed(): RemovedMaintenanceWindow[] {
    return (this.selectRemoved.all() as Row[]).map((r) => ({
      ...windowOf(r),
      removedBy: r.removed_by ?? "",
      removedAt: new Date(r.removed_at ?? 0),
    }));
  }

  /**
   * Take a window out of force by name, recording who and when (the row stays, like a
   * correction of a manual record); false when no window of that name is in force.
   */
  remove(name: string, by: string, at: Date): boolean {
    return this.markRemoved.run(by, at.getTime(), name).changes > 0;
  }
}

function windowOf(r: Row): StoredMaintenanceWindow {
  return {
    name: r.name,
    ...(r.applications === null ? {} : { applications: JSON.parse(r.applications) as string[] }),
    ...(r.cron === null ? {} : { cron: r.cron }),
    ...(r.duration_ms === null ? {} : { durationMs: r.duration_ms }),
    ...(r.start_ms === null ? {} : { start: new Date(r.start_ms) }),
    ...(r.end_ms === null ? {} : { end: new Date(r.end_ms) }),
    ...(r.note === null ? {} : { note: r.note }),
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
  };
}
