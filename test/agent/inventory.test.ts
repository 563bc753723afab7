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
    const inventory = new LatestInventory(latest, () => ["vcenter"]);
    expect(inventory.vms()).toBeUndefined(); // no good run yet: unknown, not empty
    latest.replace(
      "vcenter",
      [
        vm("1", "POWERED_ON", { ip: "127.0.1.1", bios_uuid: "4207-aa", system: "jyj" }),
        vm("2", "SUSPENDED"),
        { target: { key: "scope:all", kind: "scope", name: "all" }, metric: "vm_inventory_count", value: 2 },
      ],
      new Date(),
    );
    expect(inventory.vms()).toEqual([
      {
        key: "vm:1",
        name: "name-1",
        powerState: "POWERED_ON",
        ip: "127.0.1.1",
        biosUuid: "4207-aa",
        labels: { system: "jyj" },
      },
      { key: "vm:2", name: "name-2", powerState: "SUSPENDED", labels: {} },
    ]);
  });

  it("is unknown when any inventory source is unknown, and without inventory collectors", () => {
    const latest = new LatestState();
    latest.replace("vcenter", [vm("1", "POWERED_ON")], new Date());
    expect(new LatestInventory(latest, () => ["vcenter", "static"]).vms()).toBeUndefined();
    expect(new LatestInventory(latest, () => []).vms()).toBeUndefined();
    latest.markUnknown("vcenter");
    expect(new LatestInventory(latest, () => ["vcenter"]).vms()).toBeUndefined();
  });
});
