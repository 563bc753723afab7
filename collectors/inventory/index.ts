/** The `inventory` collector plugin: a static VM list (CSV or YAML) for rooms without vCenter, or beside it. */
import { definePlugin } from "../types.js";
import { createInventoryCollector } from "./collector.js";
import { inventoryMetrics } from "./metrics.js";
import { inventoryOptions } from "./options.js";

export { createInventoryCollector, formatOf, MAX_FILE_BYTES } from "./collector.js";
export { CsvSyntaxError, parseCsv, type CsvRecord } from "./csv.js";
export {
  InventoryFileError,
  MAX_LISTED_PROBLEMS,
  parseInventory,
  type Problem,
  type StaticVm,
} from "./parse.js";
export type { InventoryOptions, InventoryScope } from "./options.js";

export const inventoryPlugin = definePlugin({
  type: "inventory",
  description:
    "Static VM inventory from a CSV or YAML file: VMs and their power state, IP, system, owner, BIOS UUID; listed vs expected count.",
  schema: inventoryOptions,
  metrics: inventoryMetrics,
  inventory: "list",
  create: (config, deps) => createInventoryCollector(config, deps),
});
