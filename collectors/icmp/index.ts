/** The `icmp` collector plugin: reachability, packet loss and round-trip time of many hosts. */
import { definePlugin, type InventoryView } from "../types.js";
import { createIcmpCollector, type ExtraTarget } from "./collector.js";
import { icmpMetrics } from "./metrics.js";
import { icmpOptions } from "./options.js";

export { createIcmpCollector } from "./collector.js";
export type { ExtraTarget, ExtraTargets, IcmpInternals } from "./collector.js";
export type { IcmpOptions, IcmpTarget } from "./options.js";
export type { IcmpReason } from "./backends.js";
export { IcmpBackendError } from "./process.js";

export const icmpPlugin = definePlugin({
  type: "icmp",
  description: "ICMP echo (fping): is each host reachable, how many pings were lost, mean round-trip time.",
  schema: icmpOptions,
  usesInventory: true,
  metrics: icmpMetrics,
  create: (config, deps) =>
    createIcmpCollector(
      config,
      deps,
      config.from_inventory ? () => inventoryTargets(deps.inventory) : undefined,
    ),
});

/** The running VMs that report a guest IP; undefined while the inventory is unknown. */
function inventoryTargets(inventory: InventoryView): ExtraTarget[] | undefined {
  const vms = inventory.vms();
  if (vms === undefined) return undefined;
  return vms
    .filter((vm) => vm.powerState === "POWERED_ON" && vm.ip !== undefined)
    .map((vm) => ({ name: vm.name, address: vm.ip as string, labels: { ...vm.labels }, vmId: vm.id }));
}
