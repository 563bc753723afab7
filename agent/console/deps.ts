/** What the console needs from the running agent: the same stores, services and config as the CLI and API. */
import type { ConsoleUserConfig } from "../../config/console.js";
import type { Config } from "../../config/schema.js";
import type { Clock } from "../clock.js";
import type { Indicator } from "../form/types.js";
import type { AvailabilityLookups } from "../kpi/availability-store.js";
import type { LatestValue } from "../store/latest.js";
import type { Logger } from "../log.js";
import type { StoredIncident } from "../store/incident-store-types.js";
import type { SqliteStore } from "../store/sqlite.js";

export interface ConsoleDeps {
  config: () => Config;
  store: SqliteStore;
  clock: Clock;
  log: Logger;
  /** The targets file as the running agent loaded it (empty when it failed to load). */
  indicators: () => readonly Indicator[];
  /** The running agent's availability cache, so a page costs no rollup scan. */
  lookups: () => AvailabilityLookups | undefined;
  /** The newest good reading of every series of the running collectors (current up/down, reasons). */
  latest: () => readonly LatestValue[];
  /**
   * An operator's acknowledgement, resolution or note, through the incident service: the same
   * store calls as the API and the CLI, with notifications and figures following.
   */
  changeIncident: (
    kind: "ack" | "resolve" | "note",
    id: number,
    by: string,
    text: string | undefined,
  ) => StoredIncident;
  /** Accounts that exist only in this process (the demo's one-time login). */
  extraUsers: () => readonly ConsoleUserConfig[];
}
