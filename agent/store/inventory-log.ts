/**
 * Inventory changes as events: each inventory collector's last VM list is kept in
 * inventory_snapshot; a new list is compared with it (agent/inventory-changes.ts) and every
 * difference becomes an event with its time, in one transaction with the new snapshot. The very
 * first list of a collector is one "inventory_baseline" event, not 253 "vm_added" ones.
 */
import type Database from "better-sqlite3";
import { diffInventory, type InventoryChange, type InventoryEntry } from "../inventory-changes.js";

export interface InventoryRecord {
  baseline: boolean;
  changes: InventoryChange[];
}

export class InventoryLog {
  private readonly readSnapshot: Database.Statement;
  private readonly clearSnapshot: Database.Statement;
  private readonly writeSnapshot: Database.Statement;
  private readonly targetId: Database.Statement;
  private readonly insertEvent: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.readSnapshot = db.prepare(
      "SELECT target_key AS key, name, power_state AS powerState FROM inventory_snapshot WHERE collector = ?",
    );
    this.clearSnapshot = db.prepare("DELETE FROM inventory_snapshot WHERE collector = ?");
    this.writeSnapshot = db.prepare(
      "INSERT INTO inventory_snapshot (collector, target_key, name, power_state) VALUES (?, ?, ?, ?)",
    );
    this.targetId = db.prepare("SELECT id FROM targets WHERE key = ?").pluck();
    this.insertEvent = db.prepare("INSERT INTO events (ts, target_id, kind, detail) VALUES (?, ?, ?, ?)");
  }

  record(collector: string, entries: readonly InventoryEntry[], time: Date): InventoryRecord {
    return this.db.transaction((): InventoryRecord => {
      const previous = this.readSnapshot.all(collector) as InventoryEntry[];
      const ts = time.getTime();
      let result: InventoryRecord;
      if (previous.length === 0) {
        this.insertEvent.run(
          ts,
          null,
          "inventory_baseline",
          JSON.stringify({ collector, vms: entries.length }),
        );
        result = { baseline: true, changes: [] };
      } else {
        const changes = diffInventory(previous, entries);
        for (const change of changes) {
          const { kind, key, ...detail } = change;
          const id = (this.targetId.get(key) as number | undefined) ?? null;
          this.insertEvent.run(ts, id, kind, JSON.stringify({ collector, key, ...detail }));
        }
        result = { baseline: false, changes };
      }
      this.clearSnapshot.run(collector);
      for (const e of entries) this.writeSnapshot.run(collector, e.key, e.name, e.powerState);
      return result;
    })();
  }
}
