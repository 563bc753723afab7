/**
 * Per-target intervals on top of one collector schedule: a target with its own `every` (a
 * multiple of the collector's period) is probed on the first run at which that much time has
 * passed since its last probe, and left alone on the runs between. Half a period of slack keeps
 * a run that fires a few milliseconds early (jitter, clock steps) from skipping a whole period.
 */
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
      if (every === undefined || last === undefined || now - last >= every - this.periodMs / 2) {
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
