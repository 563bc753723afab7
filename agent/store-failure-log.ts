/**
 * One clear log line when the store stops taking writes, not one per lost batch. A full disk
 * fails every write of every collector, every few seconds — and lets one through now and then,
 * when a checkpoint or a deletion frees a page — so logging each failure, or each recovery,
 * buries the cause (and fills what little space is left on a shared disk). So: the first failure
 * of each kind of write is logged with its error; repeats of the same error are only counted (the
 * metric opsagent_store_write_errors_total counts each lost batch), with a reminder every
 * `repeatEveryMs`; a different error is logged at once; and writing counts as resumed after
 * `settleSuccesses` successes in a row, said in one line with how many writes failed.
 */
import type { Logger } from "./log.js";

interface Failing {
  since: Date;
  failures: number;
  lastLoggedAt: Date;
  lastMessage: string;
  successesInRow: number;
}

export class StoreFailureLog {
  private readonly failing = new Map<string, Failing>();

  constructor(
    private readonly log: Logger,
    private readonly repeatEveryMs = 10 * 60_000,
    private readonly settleSuccesses = 5,
  ) {}

  /** `message` is the line's text ("could not write samples to the store; …"); `what` keys repeats. */
  failed(what: string, message: string, time: Date, error: unknown, fields: Record<string, unknown>): void {
    const text = error instanceof Error ? error.message : String(error);
    const state = this.failing.get(what);
    if (state === undefined || state.lastMessage !== text) {
      this.failing.set(what, {
        since: state?.since ?? time,
        failures: (state?.failures ?? 0) + 1,
        lastLoggedAt: time,
        lastMessage: text,
        successesInRow: 0,
      });
      this.log.error({ ...fields, err: error }, message);
      return;
    }
    state.failures++;
    state.successesInRow = 0;
    const elapsed = time.getTime() - state.lastLoggedAt.getTime();
    // A clock step back (elapsed < 0) restarts the reminder interval rather than silencing it.
    if (elapsed >= this.repeatEveryMs || elapsed < 0) {
      state.lastLoggedAt = time;
      this.log.error(
        { ...fields, err: error, failures: state.failures, since: state.since.toISOString() },
        `${message} (still failing)`,
      );
    }
  }

  succeeded(what: string, time: Date): void {
    const state = this.failing.get(what);
    if (state === undefined || ++state.successesInRow < this.settleSuccesses) return;
    this.failing.delete(what);
    this.log.warn(
      { what, failures: state.failures, since: state.since.toISOString(), until: time.toISOString() },
      `store writes resumed (${what}) after ${state.failures} failed`,
    );
  }
}
