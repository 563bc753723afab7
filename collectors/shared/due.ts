/**
 * Per-target intervals on top of one collector schedule: a target with its own `every` (a
 * multiple of the collector's period) is probed on the first run at which that much time has
 * passed since its last probe, and left alone on the runs between. Half a period of slack keeps
 * a run that fires a few milliseconds early (jitter, clock steps) from skipping a whole period.
 */
/**
 * The interval at which a target with its own `every` is really probed on a collector of period
 * `periodMs`: the first run at or after `every` (less half a period of slack) since its last
 * probe, so `every` rounded to the nearest multiple of the period, never below one period. The
 * one home of this rule: the scheduler below, the availability figure (one expected sample per
 * this interval) and check-config (which refuses an `every` that this would round) all use it.
 */
export function targetIntervalMs(periodMs: number, every: number | undefined): number {
  if (every === undefined) return periodMs;
  return Math.max(periodMs, Math.ceil(every / periodMs - 0.5) * periodMs);
}

export class DueTracker {
  private readonly lastProbe = new Map<string, number>();

  constructor(
    /** The collector's nominal period, ms. */
    private readonly periodMs: number,
  ) {}

  /** Splits the targets into those to probe now and the keys of those not due yet. */
  split<T>(
    targets: readonly T[],
    now: number,
    keyOf: (target: T) => string,
    everyOf: (target: T) => number | undefined,
  ): { due: T[]; notDue: string[] } {
    const due: T[] = [];
    const notDue: string[] = [];
    for (const target of targets) {
      const key = keyOf(target);
      const every = everyOf(target);
      const last = this.lastProbe.get(key);
      const interval = targetIntervalMs(this.periodMs, every);
      if (every === undefined || last === undefined || now - last >= interval - this.periodMs / 2) {
        due.push(target);
      } else {
        notDue.push(key);
      }
    }
    return { due, notDue };
  }

  /** Records that these targets were probed in the run that started at `now`. */
  probed(keys: readonly string[], now: number): void {
    for (const key of keys) this.lastProbe.set(key, now);
  }
}
