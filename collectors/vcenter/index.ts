/** The `vcenter` collector plugin: VM inventory, power states and guest IPs from vCenter's REST API. */
import { definePlugin } from "../types.js";
import { createVcenterCollector } from "./collector.js";
import { vcenterMetrics } from "./metrics.js";
import { vcenterOptions } from "./options.js";

export { boundName, createVcenterCollector, globToRegExp, systemFromName } from "./collector.js";
export type { VcenterOptions, VcenterScope } from "./options.js";

export const vcenterPlugin = definePlugin({
  type: "vcenter",
  description:
    "vCenter VM inventory: VMs in scope and their power state, guest IPs, listed vs expected count.",
  schema: vcenterOptions,
  metrics: vcenterMetrics,
  inventory: "hypervisor",
  create: (config, deps) => createVcenterCollector(config, deps),
});
