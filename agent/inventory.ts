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

export interface InventorySource {
  /** Collector instance name. */
  name: string;
  /** Its type: "vcenter" or "inventory" (the static list). */
  type: string;
}

/**
 * The hypervisor is the authority on which VMs exist and their power state; a static list
 * supplements it. VMs are merged by name (case-insensitive): a static entry fills in what the
 * hypervisor lacks (guest IP, BIOS UUID, system, owner) and adds VMs it does not list.
 */
export class LatestInventory implements InventoryView {
  constructor(
    private readonly latest: LatestState,
    /** The configured inventory collector instances. */
    private readonly sources: () => readonly InventorySource[],
  ) {}

  vms(): readonly InventoryVm[] | undefined {
    const sources = [...this.sources()].sort((a, b) => rank(a) - rank(b));
    if (sources.length === 0) return undefined;
    const byName = new Map<string, InventoryVm>();
    for (const source of sources) {
      const values = this.latest.of(source.name);
      // One source unknown makes the whole inventory unknown: a partial list would undercount.
      if (!values) return undefined;
      for (const v of values) {
        const vm = v.metric === "vm_power_state" ? toVm(v) : undefined;
        if (!vm) continue;
        const name = vm.name.toLowerCase();
        const known = byName.get(name);
        byName.set(name, known ? supplement(known, vm) : vm);
      }
    }
    return [...byName.values()];
  }
}

/** Hypervisor sources first, so their VMs and power states win. */
function rank(source: InventorySource): number {
  return source.type === "vcenter" ? 0 : 1;
}

function supplement(vm: InventoryVm, extra: InventoryVm): InventoryVm {
  return {
    ...vm,
    ...(vm.ip === undefined && extra.ip !== undefined ? { ip: extra.ip } : {}),
    ...(vm.biosUuid === undefined && extra.biosUuid !== undefined ? { biosUuid: extra.biosUuid } : {}),
    ...(vm.instanceUuid === undefined && extra.instanceUuid !== undefined
      ? { instanceUuid: extra.instanceUuid }
      : {}),
    labels: { ...extra.labels, ...vm.labels },
  };
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
