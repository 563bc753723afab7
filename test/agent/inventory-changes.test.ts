import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ManualClock } from "../../agent/clock.js";
import { diffInventory, type InventoryEntry } from "../../agent/inventory-changes.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { tempDir } from "../helpers/tmp.js";

const vm = (
  key: string,
  name: string,
  powerState: InventoryEntry["powerState"] = "POWERED_ON",
): InventoryEntry => ({
  key,
  name,
  powerState,
});

describe("inventory changes", () => {
  it("finds VMs added, removed, renamed and powered on or off", () => {
    const before = [vm("vm:1", "jyj-web-01"), vm("vm:2", "jyj-db-01"), vm("vm:3", "old-app", "POWERED_OFF")];
    const after = [vm("vm:1", "jyj-web-01a"), vm("vm:2", "jyj-db-01", "SUSPENDED"), vm("vm:4", "new-app")];
    expect(diffInventory(before, after)).toEqual([
      { kind: "vm_renamed", key: "vm:1", name: "jyj-web-01a", previousName: "jyj-web-01" },
      {
        kind: "vm_power_changed",
        key: "vm:2",
        name: "jyj-db-01",
        powerState: "SUSPENDED",
        previousPowerState: "POWERED_ON",
      },
      { kind: "vm_added", key: "vm:4", name: "new-app", powerState: "POWERED_ON" },
      { kind: "vm_removed", key: "vm:3", name: "old-app", powerState: "POWERED_OFF" },
    ]);
    expect(diffInventory(before, before)).toEqual([]);
  });

  it("are stored as events with time; the first list is a baseline; a restart adds nothing spurious", () => {
    const path = join(tempDir(), "agent.db");
    const clock = new ManualClock("2026-06-01T08:00:00+08:00");
    const open = () => SqliteStore.open({ path, clock, timeZone: "Asia/Shanghai", role: "agent" });
    let store = open();
    const t1 = new Date("2026-06-01T08:00:00+08:00");
    const t2 = new Date("2026-06-01T08:05:00+08:00");
    // The VMs exist as targets (the run's samples are written before its inventory is recorded).
    const sample = (key: string, name: string) => ({
      target: { key, kind: "vm", name },
      metric: "vm_power_state",
      value: 1,
    });
    store.writeSamples("vcenter", [sample("vm:1", "a"), sample("vm:2", "b"), sample("vm:3", "c")], t1);
    expect(store.recordInventory("vcenter", [vm("vm:1", "a"), vm("vm:2", "b")], t1)).toEqual({
      baseline: true,
      changes: [],
    });
    expect(
      store.recordInventory("vcenter", [vm("vm:1", "a", "POWERED_OFF"), vm("vm:3", "c")], t2).changes,
    ).toHaveLength(3);
    store.close();
    store = open();
    expect(store.recordInventory("vcenter", [vm("vm:1", "a", "POWERED_OFF"), vm("vm:3", "c")], t2)).toEqual({
      baseline: false,
      changes: [],
    });
    const events = store.listEvents(t1, new Date(t2.getTime() + 1));
    expect(events.map((e) => [e.time.toISOString(), e.kind, e.targetKey])).toEqual([
      [t1.toISOString(), "inventory_baseline", null],
      [t2.toISOString(), "vm_power_changed", "vm:1"],
      [t2.toISOString(), "vm_added", "vm:3"],
      [t2.toISOString(), "vm_removed", "vm:2"],
    ]);
    expect(events[1]?.detail).toEqual({
      collector: "vcenter",
      key: "vm:1",
      name: "a",
      powerState: "POWERED_OFF",
      previousPowerState: "POWERED_ON",
    });
    store.close();
  });
});
