/**
 * The maintenance calendar the running agent applies: the config's windows plus those added with
 * `ops-agent maintenance add`, re-read from the store every few seconds so a window added beside
 * the running agent applies without a restart. Kept apart from the daemon, which only asks it for
 * the calendar in force and tells it when the config changes.
 */
import type { Config } from "../config/schema.js";
import type { Logger } from "./log.js";
import { MaintenanceCalendar, windowSpec } from "./maintenance.js";
import type { SqliteStore, StoredMaintenanceWindow } from "./store/sqlite.js";

/** How often the maintenance windows added from the command line are read from the store. */
const MAINTENANCE_REFRESH_MS = 5_000;

export class LiveMaintenanceCalendar {
  private calendar = MaintenanceCalendar.empty();
  /** The command-line windows the calendar was built from (to rebuild only when they change). */
  private storedWindowsSignature: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: SqliteStore,
    private readonly log: Logger,
  ) {}

  /** The calendar in force now; a refresh replaces it (and closes the one it replaces). */
  get current(): MaintenanceCalendar {
    return this.calendar;
  }

  /** Re-reads the stored windows every few seconds, with the config `config` gives at the time. */
  startRefreshing(config: () => Config): void {
    this.timer = setInterval(() => this.refresh(config()), MAINTENANCE_REFRESH_MS);
  }

  stopRefreshing(): void {
    clearInterval(this.timer);
  }

  /**
   * The config's windows plus the stored ones. Rebuilt when the stored windows change, or always
   * when `force` (a new config).
   */
  refresh(config: Config, force = false): void {
    let stored: StoredMaintenanceWindow[];
    try {
      stored = this.store.listMaintenanceWindows();
    } catch (error) {
      this.log.error({ err: error }, "maintenance windows could not be read; will retry");
      if (!force) return;
      stored = [];
    }
    const signature = JSON.stringify(stored);
    if (!force && signature === this.storedWindowsSignature) return;
    let next: MaintenanceCalendar;
    try {
      next = maintenanceCalendar(config, stored);
    } catch (error) {
      this.log.error({ err: error }, "maintenance windows from the store rejected; config windows only");
      next = maintenanceCalendar(config, []);
    }
    if (!force) {
      this.log.info({ windows: stored.map((w) => w.name) }, "maintenance windows from the store changed");
    }
    this.storedWindowsSignature = signature;
    const old = this.calendar;
    this.calendar = next;
    old.close();
  }

  close(): void {
    this.calendar.close();
  }
}

/** The config's maintenance windows and those stored from the command line, in one calendar. */
function maintenanceCalendar(
  config: Config,
  stored: readonly StoredMaintenanceWindow[],
): MaintenanceCalendar {
  return new MaintenanceCalendar([...config.maintenance.map(windowSpec), ...stored], config.timezone);
}
