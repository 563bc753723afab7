/**
 * What changed in the VM inventory between two runs: VMs added, removed, renamed (same key, new
 * name) and power-state changes. Pure; agent/store/inventory-log.ts stores the result as events.
 */
import type { InventoryVm } from "../collectors/types.js";

export interface InventoryEntry {
  key: string;
  name: string;
  powerState: InventoryVm["powerState"];
}

export type InventoryChange =
  | { kind: "vm_added"; key: string; name: string; powerState: string }
  | { kind: "vm_removed"; key: string; name: string; powerState: string }
  | { kind: "vm_renamed"; key: string; name: string; previousName: string }
  | { kind: "vm_power_changed"; key: string; name: string; powerState: string; previousPowerState: string };

export function diffInventory(
  previous: readonly InventoryEntry[],
  next: readonly InventoryEntry[],
): InventoryChange[] {
  const before = new Map(previous.map((e) => [e.key, e]));
  const after = new Map(next.map((e) => [e.key, e]));
  const changes: InventoryChange[] = [];
  for (const vm of next) {
    const old = before.get(vm.key);
    if (!old) {
      changes.push({ kind: "vm_added", key: vm.key, name: vm.name, powerState: vm.powerState });
      continue;
    }
    if (old.name !== vm.name)
      changes.push({ kind: "vm_renamed", key: vm.key, name: vm.name, previousName: old.name });
    if (old.powerState !== vm.powerState) {
      changes.push({
        kind: "vm_power_changed",
        key: vm.key,
        name: vm.name,
        powerState: vm.powerState,
        previousPowerState: old.powerState,
      });
    }
  }
  for (const vm of previous) {
    if (!after.has(vm.key))
      changes.push({ kind: "vm_removed", key: vm.key, name: vm.name, powerState: vm.powerState });
  }
  return changes;
}
