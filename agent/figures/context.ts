/** What every figure reads: the store, the config, and (in the daemon) the availability cache. */
import type { Config } from "../../config/schema.js";
import type { ApplicationSpec, AvailabilityLookups } from "../kpi/availability-store.js";
import type { SqliteStore } from "../store/sqlite.js";

export interface FigureContext {
  store: SqliteStore;
  config: Config;
  /** The running agent's availability cache; the CLI and the documents read the store. */
  lookups?: AvailabilityLookups;
  /**
   * The counted applications when the caller already has them (applicationsOf(config)): the
   * daemon's refresh reads four windows from one list instead of building it four times.
   */
  applications?: readonly ApplicationSpec[];
}
