/** The `antivirus` collector plugin: agentless-antivirus coverage of the running VMs in scope. */
import { definePlugin } from "../types.js";
import { createAntivirusCollector } from "./collector.js";
import { antivirusMetrics } from "./metrics.js";
import { antivirusOptions } from "./options.js";

export { COVERAGE_TARGET, createAntivirusCollector } from "./collector.js";
export { computeCoverage, normaliseUuid, swapUuidEndianness } from "./coverage.js";
export type { CoverageReason, CoverageResult, ManagedMachine, VmVerdict } from "./coverage.js";
export { interceptionTimeliness } from "./timeliness.js";
export type { InterceptionEvent, TimelinessResult } from "./timeliness.js";
export type { AntivirusOptions } from "./options.js";

export const antivirusPlugin = definePlugin({
  type: "antivirus",
  description:
    "Agentless-antivirus coverage of running VMs (Deep Security Manager or a CSV/JSON export), joined with the VM inventory.",
  schema: antivirusOptions,
  usesInventory: true,
  metrics: antivirusMetrics,
  incidentCategory: "antivirus",
  create: (config, deps) => createAntivirusCollector(config, deps),
});
