/**
 * The VM inventory as the latest state holds it: what the last good run of each inventory
 * collector (vcenter, static inventory) published as `vm_power_state` samples. Collectors that
 * build on the inventory (icmp from guest IPs, antivirus coverage) read it through InventoryView.
 */
import { normaliseUuid } from "../collectors/antivirus/coverage.js";
import { pluginFor } from "../collectors/index.js";
import type { InventoryMetric } from "../collectors/inventory/metrics.js";
import type { VcenterMetric } from "../collectors/vcenter/metrics.js";
import type { InventoryView, InventoryVm, Sample } from "../collectors/types.js";
import type { InventoryEntry } from "./inventory-changes.js";
import type { LatestState, LatestValue } from "./store/latest.js";

/** The metric inventory collectors publish each VM as (vcenter's and the static list's). */
const POWER_STATE_METRIC = "vm_power_state" satisfies VcenterMetric & InventoryMetric;

/** Whether runs of this collector type publish the VM inventory (its plugin says so). */
export function isInventoryType(type: string): boolean {
  return pluginFor(type)?.inventory !== undefined;
}

const POWER_STATES = new Set<InventoryVm["powerState"]>(["POWERED_ON", "POWERED_OFF", "SUSPENDED"]);

export interface InventorySource {
  /** Collector instance name. */
  name: string;
  /** Its type: "vcenter" or "inventory" (the static list). */
  type: string;
}

/** A static-list entry whose name matches several hypervisor VMs: left out, never merged. */
export interface AmbiguousEntry {
  /** The static inventory collector instance. */
  source: string;
  name: string;
  /** The keys of the hypervisor VMs that carry the name. */
  candidates: string[];
}

/**
 * The hypervisor is the authority on which VMs exist and their power state; a static list
 * supplements it. A VM is its key (vCenter's VM id), never its name: two VMs of one vCenter with
 * the same name (clones) are two VMs. A static entry joins a hypervisor VM by BIOS UUID when
 * both have one (the UUID wins: a same-named VM with another UUID is another VM), else by name
 * (case-insensitive) when exactly one hypervisor VM carries it; it then fills in what the
 * hypervisor lacks (guest IP, BIOS UUID, system, owner). An entry no hypervisor VM matches is a
 * VM of its own. An entry whose name several hypervisor VMs carry is **ambiguous**: it is
 * neither merged into one of them nor counted as another VM, and it is reported (onAmbiguous).
 */
export class LatestInventory implements InventoryView {
  /** The ambiguous entries last reported, so each change is reported once, not on every read. */
  private reported = "";

  constructor(
    private readonly latest: LatestState,
    /** The configured inventory collector instances. */
    private readonly sources: () => readonly InventorySource[],
    /** Told when the set of ambiguous static entries changes (empty: none any more). */
    private readonly onAmbiguous: (entries: readonly AmbiguousEntry[]) => void = () => undefined,
  ) {}

  whyUnknown(): string {
    const sources = this.sources();
    if (sources.length === 0) return "no inventory collector (vcenter or inventory) is configured";
    const silent = sources.filter((s) => this.latest.of(s.name) === undefined).map((s) => s.name);
    return silent.length === 0
      ? "the inventory is known"
      : `no good run yet, or the last run failed, of the inventory collector(s) ${silent.join(", ")}` +
          " (see opsagent_collector_up and the agent's log)";
  }

  vms(): readonly InventoryVm[] | undefined {
    const sources = [...this.sources()].sort((a, b) => rank(a) - rank(b));
    if (sources.length === 0) return undefined;
    const byKey = new Map<string, InventoryVm>();
    const statics: InventoryVm[] = [];
    for (const source of sources) {
      const values = this.latest.of(source.name);
      // One source unknown makes the whole inventory unknown: a partial list would undercount.
      if (!values) return undefined;
      for (const v of values) {
        const vm = v.metric === POWER_STATE_METRIC ? toVm(v, source.name) : undefined;
        if (!vm) continue;
        if (source.type !== "vcenter") statics.push(vm);
        // A key is one VM wherever it is listed (the store keys targets the same way): two
        // scopes of one vCenter that both list it list it once.
        else if (!byKey.has(vm.key)) byKey.set(vm.key, vm);
      }
    }
    const ambiguous = this.joinStatics(byKey, statics);
    this.report(ambiguous);
    return [...byKey.values()];
  }

  /** Merges the static entries into the hypervisor's VMs (in place); returns the ambiguous ones. */
  private joinStatics(byKey: Map<string, InventoryVm>, statics: readonly InventoryVm[]): AmbiguousEntry[] {
    const byUuid = new Map<string, InventoryVm[]>();
    const byName = new Map<string, InventoryVm[]>();
    for (const vm of byKey.values()) {
      const uuid = normaliseUuid(vm.biosUuid);
      if (uuid !== undefined) push(byUuid, uuid, vm);
      push(byName, vm.name.trim().toLowerCase(), vm);
    }
    const ambiguous: AmbiguousEntry[] = [];
    for (const entry of statics) {
      const uuid = normaliseUuid(entry.biosUuid);
      const sameUuid = uuid === undefined ? [] : (byUuid.get(uuid) ?? []);
      const candidates =
        sameUuid.length > 0
          ? sameUuid
          : (byName.get(entry.name.trim().toLowerCase()) ?? []).filter(
              // The UUID wins: a same-named VM with another UUID is another VM.
              (vm) => uuid === undefined || normaliseUuid(vm.biosUuid) === undefined,
            );
      if (candidates.length === 1) {
        const vm = candidates[0] as InventoryVm;
        byKey.set(vm.key, supplement(byKey.get(vm.key) ?? vm, entry));
      } else if (candidates.length > 1) {
        ambiguous.push({
          source: entry.source,
          name: entry.name,
          candidates: candidates.map((vm) => vm.key),
        });
      } else if (!byKey.has(entry.key)) {
        byKey.set(entry.key, entry);
      }
    }
    return ambiguous;
  }

  private report(ambiguous: readonly AmbiguousEntry[]): void {
    const signature = JSON.stringify(ambiguous);
    if (signature === this.reported || (ambiguous.length === 0 && this.reported === "")) return;
    this.reported = ambiguous.length === 0 ? "" : signature;
    this.onAmbiguous(ambiguous);
  }
}

/** Hypervisor sources first, so their VMs and power states win. */
function rank(source: InventorySource): number {
  return pluginFor(source.type)?.inventory === "hypervisor" ? 0 : 1;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
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

function toVm(v: LatestValue, source: string): InventoryVm | undefined {
  const state = v.labels.power_state as InventoryVm["powerState"] | undefined;
  if (state === undefined || !POWER_STATES.has(state)) return undefined;
  const { ip, bios_uuid: biosUuid, instance_uuid: instanceUuid, ...labels } = v.target.labels ?? {};
  return {
    key: v.target.key,
    id: v.target.vmId ?? v.target.key.replace(/^vm:/, ""),
    source,
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
    if (s.metric !== POWER_STATE_METRIC || state === undefined || !POWER_STATES.has(state)) continue;
    if (!entries.has(s.target.key))
      entries.set(s.target.key, { key: s.target.key, name: s.target.name, powerState: state });
  }
  return [...entries.values()];
}
