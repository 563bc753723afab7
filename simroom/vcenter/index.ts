/** The simulated vCenter of the simulated machine room (see server.ts for the API it serves). */
export { startVcenterSim } from "./server.js";
export type { RecordedRequest, VcenterSim, VcenterSimFaults, VcenterSimOptions } from "./server.js";
export { INVENTORY_FACTS, SYSTEMS, deterministicUuid, generateInventory } from "./inventory.js";
export type { PowerState, SimCluster, SimFolder, SimInventory, SimVm } from "./inventory.js";
