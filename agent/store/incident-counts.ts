/**
 * The unresolved incidents by category and priority, kept beside the incident table so that a
 * /metrics scrape never reads that table: with 10,000 unresolved incidents listing them took
 * ~100 ms a scrape, and 500 concurrent scrapers timed out.
 *
 * The agent's own changes adjust the counts as they commit (IncidentStore tells each row's state
 * before and after). Changes made through another connection — `ops-agent incident ack/resolve`
 * and `ops-agent tickets import` beside the running agent — are seen through SQLite's
 * `PRAGMA data_version`, which moves when another connection commits: the counts are then taken
 * again, once, with one aggregate query. A rolled-back change the counts may already hold is
 * handled the same way (`invalidate()`).
 */
import type Database from "better-sqlite3";
import { CATEGORIES, PRIORITIES, type Category, type Priority } from "../incidents/types.js";

/** What the counts need of an incident row: its category, priority and whether it is resolved. */
export interface CountedState {
  category: Category;
  priority: Priority;
  unresolved: boolean;
}

export interface OpenCount {
  category: Category;
  priority: Priority;
  count: number;
}

const keyOf = (category: string, priority: string) => `${category}\u0000${priority}`;

export class OpenIncidentCounts {
  private readonly counts = new Map<string, number>();
  /** Counts the agent's own deltas cannot be trusted for (start, rollback): take them again. */
  private stale = true;
  private seenVersion = -1;
  private readonly dataVersion: Database.Statement;
  private readonly recount: Database.Statement;

  constructor(db: Database.Database) {
    this.dataVersion = db.prepare("PRAGMA data_version").pluck();
    this.recount = db.prepare(
      "SELECT category, priority, count(*) AS n FROM incidents WHERE resolved_at IS NULL GROUP BY category, priority",
    );
  }

  /** One committed change of one incident: `before` undefined for a new one. */
  change(before: CountedState | undefined, after: CountedState): void {
    if (before?.unresolved) this.add(before.category, before.priority, -1);
    if (after.unresolved) this.add(after.category, after.priority, 1);
  }

  /** Something the counts may hold did not commit after all: take them again on the next read. */
  invalidate(): void {
    this.stale = true;
  }

  /**
   * Every category × priority (zero included), current as of the last commit of any connection.
   * Reads the incident table only when another connection changed the database, or after
   * invalidate(); otherwise one PRAGMA and the map.
   */
  current(): OpenCount[] {
    const version = this.dataVersion.get() as number;
    if (this.stale || version !== this.seenVersion) {
      this.counts.clear();
      for (const r of this.recount.all() as { category: string; priority: string; n: number }[])
        this.counts.set(keyOf(r.category, r.priority), r.n);
      this.stale = false;
      this.seenVersion = version;
    }
    const out: OpenCount[] = [];
    for (const category of CATEGORIES)
      for (const priority of PRIORITIES)
        out.push({ category, priority, count: this.counts.get(keyOf(category, priority)) ?? 0 });
    return out;
  }

  private add(category: Category, priority: Priority, delta: number): void {
    const key = keyOf(category, priority);
    this.counts.set(key, (this.counts.get(key) ?? 0) + delta);
  }
}
