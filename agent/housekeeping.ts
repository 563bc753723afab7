/**
 * The store's periodic housekeeping: compact the raw samples of closed hours, then delete what
 * the retention no longer keeps. Compaction goes in steps of STEP_MS with the event loop free in
 * between: an hour of the default scale is ~100,000 rows, and holding the loop for a second would
 * stretch the timings of the probes in flight (a false latency spike, even a false timeout).
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { performance } from "node:perf_hooks";
import type { Clock } from "./clock.js";
import type { Logger } from "./log.js";
import { retentionCutoffs } from "./store/retention.js";
import type { SqliteStore } from "./store/sqlite.js";

const STEP_MS = 25;

export interface RetentionSettings {
  raw_retention: number;
  hourly_retention: number;
  daily_retention: number;
}

export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: SqliteStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Read at each run: a reload may change the retention. */
    private readonly settings: () => RetentionSettings,
    /** Compaction work between two yields to the event loop. */
    private readonly stepMs = STEP_MS,
  ) {}

  /** A run now, then one every `intervalMs`. */
  start(intervalMs: number): void {
    this.run();
    this.timer = setInterval(() => this.run(), intervalMs);
  }

  /** Starts a run unless one is going; resolves when that run ends. */
  run(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.current ??= this.runOnce().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  /** No new runs; waits for the one going (it stops at its next step), so the store can close. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.current;
  }

  private async runOnce(): Promise<void> {
    try {
      let compacted = 0;
      for (;;) {
        const step = this.store.compactRaw(performance.now() + this.stepMs);
        compacted += step.moved;
        if (step.done) break;
        await yieldToLoop();
        if (this.stopped) return;
      }
      const s = this.settings();
      const cutoffs = retentionCutoffs(
        this.clock.now(),
        { rawMs: s.raw_retention, hourlyMs: s.hourly_retention, dailyMs: s.daily_retention },
        this.store.calendar,
      );
      const deleted = this.store.deleteOlderThan(cutoffs);
      if (compacted + deleted.raw + deleted.hour + deleted.day > 0)
        this.log.info({ compacted, deleted }, "housekeeping: raw samples compacted, retention applied");
    } catch (error) {
      this.log.error({ err: error }, "housekeeping failed; will retry at the next interval");
    }
  }
}
