/**
 * The VM inventory as the latest state holds it: what the last good run of each inventory
 * collector (vcenter, static inventory) published as `vm_power_state` samples. Collectors that
 * build on the inventory (icmp from guest IPs, antivirus coverage) read it through InventoryView.
 */
import type { InventoryView, InventoryVm, Sample } from "../collectors/types.js";
import type { InventoryEntry } from "./inventory-changes.js";
import type { LatestState, LatestValue } from "./store/latest.js";

/** Collector types whose runs publish the VM inventory. */
export const INVENTORY_TYPES: ReadonlySet<string> = new Set(["vcenter", "inventory"]);

const POWER_STATES = new Set<InventoryVm["powerState"]>(["POWERED_ON", "POWERED_OFF", "SUSPENDED"]);

export class LatestInventory implements InventoryView {
  constructor(
    private readonly latest: LatestState,
    /** Names of the configured inventory collector instances. */
    private readonly inventoryCollectors: () => readonly string[],
  ) {}

  vms(): readonly InventoryVm[] | undefined {
    const names = this.inventoryCollectors();
    if (names.length === 0) return undefined;
    const byKey = new Map<string, InventoryVm>();
    for (const name of names) {
      const values = this.latest.of(name);
      // One source unknown makes the whole inventory unknown: a partial list would undercount.
      if (!values) return undefined;
      for (const v of values) {
        const vm = v.metric === "vm_power_state" ? toVm(v) : undefined;
        if (vm && !byKey.has(vm.key)) byKey.set(vm.key, vm);
      }
    }
    return [...byKey.values()];
  }
}

function toVm(v: LatestValue): InventoryVm | undefined {
  const state = v.labels.power_state as InventoryVm["powerState"] | undefined;
  if (state === undefined || !POWER_STATES.has(state)) return undefined;
  const { ip, bios_uuid: biosUuid, instance_uuid: instanceUuid, ...labels } = v.target.labels ?? {};
  return {
    key: v.target.key,
    name: v.target.name,
    powerState: state,
    ...(ip ? { ip } : {}),
    ...(biosUuid ? { biosUuid } : {}),
    ...(instanceUuid ? { instanceUuid } : {}),
    labels,
  };
}

/** The VMs an inventory run published, as the change log compares them. */
export function inventoryEntries(samples: readonly Sample[]): InventoryEntry[] {
  const entries = new Map<string, InventoryEntry>();
  for (const s of samples) {
    const state = s.labels?.power_state as InventoryVm["powerState"] | undefined;
    if (s.metric !== "vm_power_state" || state === undefined || !POWER_STATES.has(state)) continue;
    if (!entries.has(s.target.key))
      entries.set(s.target.key, { key: s.target.key, name: s.target.name, powerState: state });
  }
  return [...entries.values()];
}
