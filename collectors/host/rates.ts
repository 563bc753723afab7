/**
 * Counter → per-second rate between two runs. A rate needs two readings, so the first reading of
 * a series (and the first after a counter reset) yields nothing rather than a false 0.
 */
interface Reading {
  value: number;
  atMs: number;
}

export class CounterRates {
  private readonly last = new Map<string, Reading>();

  /** Records `value` for `key` at `at`; returns the rate since the previous reading, if one exists. */
  update(key: string, value: number, at: Date): number | undefined {
    const atMs = at.getTime();
    const previous = this.last.get(key);
    this.last.set(key, { value, atMs });
    if (previous === undefined) return undefined;
    const seconds = (atMs - previous.atMs) / 1000;
    // A lower value means the counter restarted (reboot, interface re-created, 32-bit wrap):
    // the delta is unknown. A clock that did not move cannot give a rate either.
    if (value < previous.value || seconds <= 0) return undefined;
    return (value - previous.value) / seconds;
  }

  /**
   * Forgets series not seen in the latest reading, so interfaces that come and go (veth pairs of
   * containers) do not grow the map without bound. Call only after a successful reading: a failed
   * one keeps the state so the next run still has a base.
   */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.last.keys()) {
      if (!keys.has(key)) this.last.delete(key);
    }
  }
}
