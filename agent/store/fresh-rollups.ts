/**
 * Exact rollups for a reader beside a running agent (`ops-agent kpi`, `availability`, `report`,
 * `form export` while the daemon runs). The agent keeps its rollup deltas in memory and adds them
 * to rollup_hour / rollup_day once per flush interval (10 minutes by default), marking the hours
 * they belong to in rollup_dirty; a reader that took the stored rows as they are would see up to
 * ten minutes less than the agent (right after `npm start`: nothing at all).
 *
 * So on a reader's connection the names rollup_hour and rollup_day are TEMP views (SQLite looks
 * in the temp schema first): the stored rows, with the dirty hours — and their days — replaced by
 * what the raw samples make of them (RollupStore.rebuild, the same code the agent's crash repair
 * stores). Every query of the store reads through them unchanged. They are rebuilt when another
 * connection has committed since (PRAGMA data_version), which the agent does with every batch.
 * The result is what the agent itself computes after its next flush.
 */
import type Database from "better-sqlite3";
import { rollupParams, upsertSql, type RollupStore } from "./rollup-store.js";

export class FreshRollups {
  private dataVersion = -1;
  /** Empty the overlay: its rows and the buckets they replace. */
  private readonly clear: Database.Statement[];
  private readonly putHour: Database.Statement;
  private readonly putDay: Database.Statement;
  private readonly markHour: Database.Statement;
  private readonly markDay: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly rollups: RollupStore,
  ) {
    db.exec(`
      CREATE TEMP TABLE fresh_hour AS SELECT * FROM main.rollup_hour WHERE 0;
      CREATE UNIQUE INDEX temp.fresh_hour_key ON fresh_hour (bucket, series_id);
      CREATE TEMP TABLE fresh_day AS SELECT * FROM main.rollup_day WHERE 0;
      CREATE UNIQUE INDEX temp.fresh_day_key ON fresh_day (bucket, series_id);
      CREATE TEMP TABLE fresh_hours (bucket INTEGER PRIMARY KEY);
      CREATE TEMP TABLE fresh_days (bucket INTEGER PRIMARY KEY);
      CREATE TEMP VIEW rollup_hour AS
        SELECT * FROM main.rollup_hour WHERE bucket NOT IN (SELECT bucket FROM fresh_hours)
        UNION ALL SELECT * FROM fresh_hour;
      CREATE TEMP VIEW rollup_day AS
        SELECT * FROM main.rollup_day WHERE bucket NOT IN (SELECT bucket FROM fresh_days)
        UNION ALL SELECT * FROM fresh_day;
    `);
    this.clear = ["fresh_hour", "fresh_day", "fresh_hours", "fresh_days"].map((t) =>
      db.prepare(`DELETE FROM temp.${t}`),
    );
    this.putHour = db.prepare(upsertSql("temp.fresh_hour"));
    this.putDay = db.prepare(upsertSql("temp.fresh_day"));
    this.markHour = db.prepare("INSERT OR IGNORE INTO fresh_hours (bucket) VALUES (?)");
    this.markDay = db.prepare("INSERT OR IGNORE INTO fresh_days (bucket) VALUES (?)");
  }

  /** Before a query: rebuild the overlay when another connection committed since the last one. */
  refresh(): void {
    const version = this.db.pragma("data_version", { simple: true }) as number;
    if (version === this.dataVersion) return;
    this.db.transaction(() => {
      for (const statement of this.clear) statement.run();
      const dirty = this.rollups.dirtyHours();
      if (dirty.length === 0) return;
      const { hours, days } = this.rollups.rebuild(dirty);
      for (const hour of dirty) this.markHour.run(hour);
      for (const row of hours) this.putHour.run(rollupParams(row));
      for (const row of days) {
        this.markDay.run(row.bucket);
        this.putDay.run(rollupParams(row));
      }
    })();
    // Our own transaction above does not change data_version (it counts other connections' commits).
    this.dataVersion = version;
  }
}
