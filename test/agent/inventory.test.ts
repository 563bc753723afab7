import { describe, expect, it } from "vitest";
import { LatestInventory } from "../../agent/inventory.js";
import { LatestState } from "../../agent/store/latest.js";
import type { Sample } from "../../collectors/types.js";

const vm = (id: string, state: string, labels: Record<string, string> = {}): Sample => ({
  target: { key: `vm:${id}`, kind: "vm", name: `name-${id}`, labels },
  metric: "vm_power_state",
  labels: { power_state: state },
  value: state === "POWERED_ON" ? 1 : 0,
});

describe("the VM inventory read from the latest state", () => {
  it("lists the VMs the inventory collectors published, with their identifiers split from their labels", () => {
    const latest = new LatestState();
    const inventory = new LatestInventory(latest, () => [{ name: "vcenter", type: "vcenter" }]);
    expect(inventory.vms()).toBeUndefined(); // no good run yet: unknown, not empty
    latest.replace(
      "vcenter",
      [
        vm("1", "POWERED_ON", { ip: "127.0.1.1", bios_uuid: "4207-aa", system: "jyj" }),
        vm("2", "SUSPENDED"),
        { target: { key: "scope:all", kind: "scope", name: "all" }, metric: "vms_in_scope", value: 2 },
      ],
      new Date(),
    );
    expect(inventory.vms()).toEqual([
      {
        key: "vm:1",
        id: "1",
        source: "vcenter",
        name: "name-1",
        powerState: "POWERED_ON",
        ip: "127.0.1.1",
        biosUuid: "4207-aa",
        labels: { system: "jyj" },
      },
      { key: "vm:2", id: "2", source: "vcenter", name: "name-2", powerState: "SUSPENDED", labels: {} },
    ]);
  });

  it("is unknown when any inventory source is unknown, and without inventory collectors", () => {
    const latest = new LatestState();
    latest.replace("vcenter", [vm("1", "POWERED_ON")], new Date());
    expect(
      new LatestInventory(latest, () => [
        { name: "vcenter", type: "vcenter" },
        { name: "static", type: "inventory" },
      ]).vms(),
    ).toBeUndefined();
    expect(new LatestInventory(latest, () => []).vms()).toBeUndefined();
    latest.markUnknown("vcenter");
    const unknown = new LatestInventory(latest, () => [{ name: "vcenter", type: "vcenter" }]);
    expect(unknown.vms()).toBeUndefined();
    // What an error message built on it says is missing: the source by name.
    expect(unknown.whyUnknown()).toMatch(/last run failed, of the inventory collector\(s\) vcenter/);
    expect(new LatestInventory(latest, () => []).whyUnknown()).toMatch(/no inventory collector/);
  });

  it("merges a static list into the hypervisor's by name: it fills gaps and adds VMs, never overrides", () => {
    const latest = new LatestState();
    latest.replace(
      "vcenter",
      [vm("vm-1", "POWERED_ON", { system: "jyj" }), vm("vm-2", "POWERED_OFF")],
      new Date(),
    );
    const staticVm = (name: string, labels: Record<string, string>): Sample => ({
      target: { key: `vm:static:${name}`, kind: "vm", name, labels },
      metric: "vm_power_state",
      labels: { power_state: "POWERED_ON" },
      value: 1,
    });
    latest.replace(
      "static",
      [
        staticVm("NAME-vm-1", { ip: "127.0.9.1", system: "other", owner: "net" }),
        staticVm("physical-db", { ip: "127.0.9.2" }),
      ],
      new Date(),
    );
    const inventory = new LatestInventory(latest, () => [
      { name: "static", type: "inventory" },
      { name: "vcenter", type: "vcenter" },
    ]);
    expect(inventory.vms()).toEqual([
      {
        key: "vm:vm-1",
        id: "vm-1",
        source: "vcenter",
        name: "name-vm-1",
        powerState: "POWERED_ON",
        ip: "127.0.9.1",
        labels: { system: "jyj", owner: "net" },
      },
      {
        key: "vm:vm-2",
        id: "vm-2",
        source: "vcenter",
        name: "name-vm-2",
        powerState: "POWERED_OFF",
        labels: {},
      },
      {
        key: "vm:static:physical-db",
        id: "static:physical-db",
        source: "static",
        name: "physical-db",
        powerState: "POWERED_ON",
        ip: "127.0.9.2",
        labels: {},
      },
    ]);
  });

  it("keeps VMs of one vCenter that share a name apart, joins a static entry by BIOS UUID before name, and reports an ambiguous name instead of merging it", () => {
    const latest = new LatestState();
    const clone = (id: string, labels: Record<string, string>): Sample => ({
      target: { key: `vm:${id}`, kind: "vm", name: "edu-dup-web", labels, vmId: id },
      metric: "vm_power_state",
      labels: { power_state: "POWERED_ON" },
      value: 1,
    });
    latest.replace(
      "vcenter",
      [clone("vm-7", { bios_uuid: "4207aaaa-0000-0000-0000-000000000007" }), clone("vm-8", {})],
      new Date(),
    );
    const staticVm = (name: string, labels: Record<string, string>): Sample => ({
      target: { key: `vm:static:${name.toLowerCase()}`, kind: "vm", name, labels },
      metric: "vm_power_state",
      labels: { power_state: "POWERED_ON" },
      value: 1,
    });
    const ambiguous: unknown[] = [];
    const inventory = new LatestInventory(
      latest,
      () => [
        { name: "vcenter", type: "vcenter" },
        { name: "static", type: "inventory" },
      ],
      (entries) => ambiguous.push(entries),
    );
    // By UUID: the entry names a clone by its BIOS UUID, whatever name it gives.
    latest.replace(
      "static",
      [staticVm("web-by-uuid", { ip: "127.0.9.7", bios_uuid: "4207AAAA-0000-0000-0000-000000000007" })],
      new Date(),
    );
    expect(inventory.vms()?.map((vm) => [vm.key, vm.ip])).toEqual([
      ["vm:vm-7", "127.0.9.7"],
      ["vm:vm-8", undefined],
    ]);
    expect(ambiguous).toEqual([]);
    // By name: two VMs carry it, so it is neither merged nor a third VM, and it is reported once.
    latest.replace("static", [staticVm("EDU-dup-web", { ip: "127.0.9.9" })], new Date());
    expect(inventory.vms()?.map((vm) => [vm.key, vm.ip])).toEqual([
      ["vm:vm-7", undefined],
      ["vm:vm-8", undefined],
    ]);
    inventory.vms();
    expect(ambiguous).toEqual([
      [{ source: "static", name: "EDU-dup-web", candidates: ["vm:vm-7", "vm:vm-8"] }],
    ]);
    // The UUID wins: an entry with another UUID is not vm-7 (whose UUID differs), so of the two
    // VMs with its name only vm-8 (no UUID) can be it.
    latest.replace(
      "static",
      [staticVm("edu-dup-web", { ip: "127.0.9.8", bios_uuid: "4207bbbb-0000-0000-0000-000000000009" })],
      new Date(),
    );
    expect(inventory.vms()?.map((vm) => [vm.key, vm.ip])).toEqual([
      ["vm:vm-7", undefined],
      ["vm:vm-8", "127.0.9.8"],
    ]);
    expect(ambiguous).toEqual([
      [{ source: "static", name: "EDU-dup-web", candidates: ["vm:vm-7", "vm:vm-8"] }],
      [],
    ]);
  });
});
