/**
 * The catalogue: targets, series and failure reasons, each created on first sight and cached by
 * id so a batch of samples costs no lookups. Collectors hand over TargetRef objects that are
 * treated as immutable: one already resolved is recognised by identity.
 */
import type Database from "better-sqlite3";
import type { Clock } from "../clock.js";
import type { Labels, TargetRef } from "../../collectors/types.js";

export class Catalogue {
  private readonly targetIds = new Map<string, { id: number; fingerprint: string }>();
  private readonly seriesIds = new Map<string, number>();
  private readonly reasonIds = new Map<string, number>();
  /** Targets already resolved, by the TargetRef object a collector handed over. */
  private resolvedTargets = new WeakMap<object, { collector: string; id: number }>();
  private readonly insertTarget: Database.Statement;
  private readonly insertSeries: Database.Statement;
  private readonly insertReason: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
  ) {
    this.insertTarget = db.prepare(
      `INSERT INTO targets (key, kind, name, labels, collector, first_seen, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, name = excluded.name, labels = excluded.labels,
           collector = excluded.collector, updated_at = excluded.updated_at
         RETURNING id`,
    );
    this.insertSeries = db.prepare(
      `INSERT INTO series (target_id, metric, labels) VALUES (?, ?, ?)
         ON CONFLICT (target_id, metric, labels) DO UPDATE SET metric = excluded.metric RETURNING id`,
    );
    this.insertReason = db.prepare(
      `INSERT INTO reasons (code) VALUES (?) ON CONFLICT (code) DO UPDATE SET code = excluded.code RETURNING id`,
    );
    this.load();
  }

  reload(): void {
    this.targetIds.clear();
    this.seriesIds.clear();
    this.reasonIds.clear();
    this.resolvedTargets = new WeakMap();
    this.load();
  }

  private load(): void {
    for (const row of this.db.prepare("SELECT id, key, kind, name, labels, collector FROM targets").all() as {
      id: number;
      key: string;
      kind: string;
      name: string;
      labels: string;
      collector: string;
    }[]) {
      this.targetIds.set(row.key, {
        id: row.id,
        fingerprint: targetFingerprint(row.kind, row.name, row.labels, row.collector),
      });
    }
    for (const row of this.db.prepare("SELECT id, target_id, metric, labels FROM series").all() as {
      id: number;
      target_id: number;
      metric: string;
      labels: string;
    }[]) {
      this.seriesIds.set(seriesCacheKey(row.target_id, row.metric, row.labels), row.id);
    }
    for (const row of this.db.prepare("SELECT id, code FROM reasons").all() as {
      id: number;
      code: string;
    }[]) {
      this.reasonIds.set(row.code, row.id);
    }
  }

  seriesIdFor(collector: string, sample: { target: TargetRef; metric: string; labels?: Labels }): number {
    const targetId = this.targetIdFor(collector, sample.target);
    const labels = canonicalLabels(sample.labels);
    const key = seriesCacheKey(targetId, sample.metric, labels);
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      id = (this.insertSeries.get(targetId, sample.metric, labels) as { id: number }).id;
      this.seriesIds.set(key, id);
    }
    return id;
  }

  private targetIdFor(collector: string, t: TargetRef): number {
    const resolved = this.resolvedTargets.get(t);
    if (resolved && resolved.collector === collector) return resolved.id;
    const id = this.resolveTarget(collector, t);
    this.resolvedTargets.set(t, { collector, id });
    return id;
  }

  private resolveTarget(collector: string, t: TargetRef): number {
    const labels = JSON.stringify(sortedLabels(t.labels));
    const fingerprint = targetFingerprint(t.kind, t.name, labels, collector);
    const known = this.targetIds.get(t.key);
    if (known && known.fingerprint === fingerprint) return known.id;
    const now = this.clock.now().getTime();
    const { id } = this.insertTarget.get(t.key, t.kind, t.name, labels, collector, now, now) as {
      id: number;
    };
    this.targetIds.set(t.key, { id, fingerprint });
    return id;
  }

  /**
   * Every failure reason by id, read from the table (not the cache: a reader beside a running
   * agent sees the reasons the agent added since). The table holds a few dozen codes.
   */
  reasonCodes(): Map<number, string> {
    const rows = this.db.prepare("SELECT id, code FROM reasons").all() as { id: number; code: string }[];
    return new Map(rows.map((r) => [r.id, r.code]));
  }

  reasonIdFor(code: string): number {
    let id = this.reasonIds.get(code);
    if (id === undefined) {
      id = (this.insertReason.get(code) as { id: number }).id;
      this.reasonIds.set(code, id);
    }
    return id;
  }
}

function sortedLabels(labels: Labels | undefined): Labels {
  if (!labels) return {};
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Series labels as canonical JSON ('' for none) so the same labels always find the same series. */
export function canonicalLabels(labels: Labels | undefined): string {
  if (!labels || Object.keys(labels).length === 0) return "";
  return JSON.stringify(sortedLabels(labels));
}

function seriesCacheKey(targetId: number, metric: string, labels: string): string {
  return `${targetId}\u0000${metric}\u0000${labels}`;
}

function targetFingerprint(kind: string, name: string, labels: string, collector: string): string {
  return `${kind}\u0000${name}\u0000${labels}\u0000${collector}`;
}
