/**
 * The latest good measurement of every series, per collector instance: what /metrics exports at
 * scrape time and what /healthz and `once` show. A collector whose last run failed has no entry
 * here — its targets are "unknown" (exported as absent series, never as a false 0 or 1) until
 * its next good run replaces them.
 */
import type { LatestReading, LatestView, Sample } from "../../collectors/types.js";

export interface LatestValue extends LatestReading {
  collector: string;
}

export class LatestState implements LatestView {
  private readonly byCollector = new Map<string, LatestValue[]>();
  private byMetricCache: Map<string, LatestValue[]> | undefined;

  /**
   * A good run: its samples become the collector's current state (those with a value). Targets
   * in `kept` were not due this run: their previous values stand.
   */
  replace(
    collector: string,
    samples: readonly Sample[],
    runTime: Date,
    kept: ReadonlySet<string> = new Set(),
  ): void {
    const values: LatestValue[] =
      kept.size === 0 ? [] : (this.byCollector.get(collector) ?? []).filter((v) => kept.has(v.target.key));
    for (const s of samples) {
      if (s.value === null || !Number.isFinite(s.value)) continue;
      values.push({
        collector,
        target: s.target,
        metric: s.metric,
        labels: s.labels ?? {},
        value: s.value,
        ...(s.up === undefined ? {} : { up: s.up }),
        ...(s.reason === undefined ? {} : { reason: s.reason }),
        ...(s.detail === undefined ? {} : { detail: s.detail }),
        time: s.time ?? runTime,
      });
    }
    this.byCollector.set(collector, values);
    this.byMetricCache = undefined;
  }

  /** A failed run: everything the collector measures becomes unknown. */
  markUnknown(collector: string): void {
    this.byCollector.delete(collector);
    this.byMetricCache = undefined;
  }

  /** Keep only these collectors (after a config reload removed some). */
  retain(collectors: ReadonlySet<string>): void {
    for (const name of [...this.byCollector.keys()]) if (!collectors.has(name)) this.byCollector.delete(name);
    this.byMetricCache = undefined;
  }

  of(collector: string): readonly LatestValue[] | undefined {
    return this.byCollector.get(collector);
  }

  /** Latest values grouped by metric name; rebuilt only after a change, so scrapes stay cheap. */
  byMetric(): ReadonlyMap<string, readonly LatestValue[]> {
    if (!this.byMetricCache) {
      const map = new Map<string, LatestValue[]>();
      for (const values of this.byCollector.values()) {
        for (const v of values) {
          let list = map.get(v.metric);
          if (!list) map.set(v.metric, (list = []));
          list.push(v);
        }
      }
      this.byMetricCache = map;
    }
    return this.byMetricCache;
  }
}
