/**
 * The pure part of the antivirus collector: join the running VMs of the inventory with the
 * machines an antivirus manager knows, and compute the coverage ratio. No I/O, no clock: the
 * caller passes `now`, so every rule below is tested on a table of cases.
 *
 * Join rules (in this order, per running VM):
 * 1. BIOS UUID, when the VM has one: case-insensitive, dashes, braces and spaces ignored. A VM
 *    whose UUID the manager does not know also tries the UUID with its first three groups
 *    byte-swapped (the mixed-endian form a guest's SMBIOS shows for a vSphere VM).
 * 2. Name, case-insensitive (trimmed), against every name the manager has for a machine
 *    (Deep Security: hostName and displayName) — but **the UUID wins when both sides have one**:
 *    a machine whose UUID differs from the VM's is another machine that happens to carry the
 *    name (a clone, a rebuilt VM, a reused name), never a match.
 * 3. A name is only used when it is unambiguous: one running-or-not VM of the inventory with the
 *    name and one candidate machine. Otherwise the VM counts as unprotected ("ambiguous_name")
 *    — a guess would risk counting one protected machine for two VMs.
 *
 * A running VM with no match counts as unprotected ("not_known_to_manager"). Manager machines
 * that match no running VM (powered-off VMs, decommissioned records, physical servers) are
 * ignored. VMs that are not POWERED_ON are out of the ratio altogether.
 */
import type { InventoryVm } from "../types.js";

/** What a source (Deep Security, a generic export) says about one machine it manages. */
export interface ManagedMachine {
  /** Every name the source has for it (hostName, displayName, …); empty entries are ignored. */
  names: readonly string[];
  biosUuid?: string | undefined;
  /** Anti-malware module state; "unknown" when the source left the field out. */
  antiMalware: "on" | "off" | "unknown";
  /**
   * Agentless (virtual appliance) protection state. "not_applicable" when the source has no
   * such notion (a generic export's single protected flag).
   */
  appliance: "active" | "inactive" | "unknown" | "not_applicable";
  /**
   * When the manager last heard from the machine's protection. undefined = the source does not
   * report contact (not checked); null = the source reports it, but has none (counts as stale).
   */
  lastContact?: Date | null | undefined;
}

export type CoverageReason =
  | "not_known_to_manager"
  | "ambiguous_name"
  | "anti_malware_off"
  | "protection_unknown"
  | "appliance_inactive"
  | "stale_contact";

export interface VmVerdict {
  vm: InventoryVm;
  protected: boolean;
  reason?: CoverageReason;
  /** One line for an operator; bounded, names quoted. */
  detail?: string;
  matchedBy?: "bios_uuid" | "name";
}

export interface CoverageResult {
  /** Running (POWERED_ON) VMs in scope. */
  running: number;
  protected: number;
  /** protected ÷ running; undefined when no VM runs (no ratio, the run is unknown). */
  ratio: number | undefined;
  /** One verdict per running VM, in inventory order. */
  vms: VmVerdict[];
  /** Manager machines that matched no running VM (ignored). */
  unmatchedMachines: number;
}

export interface CoverageOptions {
  now: Date;
  /** A last contact older than this is stale; undefined = contact is not checked. */
  staleAfterMs?: number | undefined;
}

/** Lower-case hex without dashes, braces or spaces; undefined when nothing is left. */
export function normaliseUuid(uuid: string | undefined): string | undefined {
  if (uuid === undefined) return undefined;
  const text = uuid.replace(/[\s{}-]/g, "").toLowerCase();
  return text === "" ? undefined : text;
}

/** The mixed-endian twin of a 32-hex-digit UUID (first three groups byte-swapped). */
export function swapUuidEndianness(normalised: string): string | undefined {
  if (!/^[0-9a-f]{32}$/.test(normalised)) return undefined;
  const bytes = (hex: string): string[] => hex.match(/../g) ?? [];
  return (
    bytes(normalised.slice(0, 8)).reverse().join("") +
    bytes(normalised.slice(8, 12)).reverse().join("") +
    bytes(normalised.slice(12, 16)).reverse().join("") +
    normalised.slice(16)
  );
}

export function normaliseName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const text = name.trim().toLowerCase();
  return text === "" ? undefined : text;
}

/** A name as it may appear in a detail line: JSON-quoted (newlines escaped), at most ~120 chars. */
export function quoteName(name: string): string {
  const short = name.length > 120 ? `${name.slice(0, 120)}…` : name;
  return JSON.stringify(short);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function computeCoverage(
  inventory: readonly InventoryVm[],
  machines: readonly ManagedMachine[],
  options: CoverageOptions,
): CoverageResult {
  const byUuid = new Map<string, ManagedMachine[]>();
  const byName = new Map<string, ManagedMachine[]>();
  for (const machine of machines) {
    const uuid = normaliseUuid(machine.biosUuid);
    if (uuid !== undefined) push(byUuid, uuid, machine);
    const names = new Set(machine.names.map(normaliseName).filter((n): n is string => n !== undefined));
    for (const name of names) push(byName, name, machine);
  }
  // How many inventory VMs (any power state) carry each name: a shared name is no identity.
  const inventoryNames = new Map<string, number>();
  for (const vm of inventory) {
    const name = normaliseName(vm.name);
    if (name !== undefined) inventoryNames.set(name, (inventoryNames.get(name) ?? 0) + 1);
  }

  const matched = new Set<ManagedMachine>();
  const verdicts: VmVerdict[] = [];
  for (const vm of inventory) {
    if (vm.powerState !== "POWERED_ON") continue;
    const verdict = judge(vm, byUuid, byName, inventoryNames, options, matched);
    verdicts.push(verdict);
  }
  const running = verdicts.length;
  const protectedCount = verdicts.filter((v) => v.protected).length;
  return {
    running,
    protected: protectedCount,
    ratio: running === 0 ? undefined : protectedCount / running,
    vms: verdicts,
    unmatchedMachines: machines.filter((m) => !matched.has(m)).length,
  };
}

function judge(
  vm: InventoryVm,
  byUuid: Map<string, ManagedMachine[]>,
  byName: Map<string, ManagedMachine[]>,
  inventoryNames: Map<string, number>,
  options: CoverageOptions,
  matched: Set<ManagedMachine>,
): VmVerdict {
  const uuid = normaliseUuid(vm.biosUuid);
  if (uuid !== undefined) {
    const swapped = swapUuidEndianness(uuid);
    const candidates = byUuid.get(uuid) ?? (swapped !== undefined ? byUuid.get(swapped) : undefined);
    if (candidates !== undefined) {
      // Several records for one UUID (a re-activated machine): the best one decides.
      const verdicts = candidates.map((m) => evaluate(vm, m, options));
      candidates.forEach((m) => matched.add(m));
      const best = verdicts.find((v) => v.protected) ?? (verdicts[0] as VmVerdict);
      return { ...best, matchedBy: "bios_uuid" };
    }
  }
  const name = normaliseName(vm.name);
  if (name !== undefined) {
    const candidates = (byName.get(name) ?? []).filter((m) => {
      const machineUuid = normaliseUuid(m.biosUuid);
      // The UUID wins: a machine with another UUID is another machine.
      return uuid === undefined || machineUuid === undefined;
    });
    if (candidates.length > 0) {
      if (candidates.length > 1 || (inventoryNames.get(name) ?? 0) > 1) {
        return {
          vm,
          protected: false,
          reason: "ambiguous_name",
          detail: `name ${quoteName(vm.name)} is shared by ${inventoryNames.get(name) ?? 0} inventory VMs and ${candidates.length} manager machines; not matched`,
        };
      }
      const machine = candidates[0] as ManagedMachine;
      matched.add(machine);
      return { ...evaluate(vm, machine, options), matchedBy: "name" };
    }
  }
  return {
    vm,
    protected: false,
    reason: "not_known_to_manager",
    detail:
      uuid !== undefined
        ? "the manager knows no machine with this BIOS UUID or name"
        : "the manager knows no machine with this name (the VM has no BIOS UUID)",
  };
}

function evaluate(vm: InventoryVm, machine: ManagedMachine, options: CoverageOptions): VmVerdict {
  if (machine.antiMalware === "unknown") {
    return {
      vm,
      protected: false,
      reason: "protection_unknown",
      detail: "the manager reports no anti-malware state",
    };
  }
  if (machine.antiMalware === "off") {
    return { vm, protected: false, reason: "anti_malware_off", detail: "anti-malware is off" };
  }
  if (machine.appliance === "inactive" || machine.appliance === "unknown") {
    return {
      vm,
      protected: false,
      reason: machine.appliance === "inactive" ? "appliance_inactive" : "protection_unknown",
      detail:
        machine.appliance === "inactive"
          ? "the agentless protection (virtual appliance) is not active"
          : "the manager reports no agentless protection status",
    };
  }
  if (options.staleAfterMs !== undefined && machine.lastContact !== undefined) {
    if (machine.lastContact === null) {
      return { vm, protected: false, reason: "stale_contact", detail: "the manager has no last contact" };
    }
    const ageMs = options.now.getTime() - machine.lastContact.getTime();
    // NaN (an invalid date from the manager) is not "recent": only a known, recent contact protects.
    if (!(ageMs <= options.staleAfterMs)) {
      return {
        vm,
        protected: false,
        reason: "stale_contact",
        detail: `last contact ${machine.lastContact.toISOString()}, ${Math.round(ageMs / 60_000)} min ago`,
      };
    }
  }
  return { vm, protected: true };
}
