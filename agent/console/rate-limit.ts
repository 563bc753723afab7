/**
 * Login rate limiting: failed attempts counted per key (a user name, a client address) within a
 * sliding window; at the limit, further attempts are refused without checking the password. In
 * memory (a restart forgets, which only helps a person locked out), bounded in size.
 */
const MAX_KEYS = 10_000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limit: () => { attempts: number; windowMs: number }) {}

  /**
   * Whether every key is still under its limit at `now`. An address key ("address:…") allows four
   * times a user's attempts: an office behind one NAT address is several people.
   */
  allowed(keys: readonly string[], now: number): boolean {
    return this.retryAfterMs(keys, now) === 0;
  }

  /**
   * How long until every key is under its limit again (0: now): the oldest failures that keep a
   * key at its limit leave the window then. The refusal's Retry-After.
   */
  retryAfterMs(keys: readonly string[], now: number): number {
    const { attempts, windowMs } = this.limit();
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now, windowMs);
      const limit = key.startsWith("address:") ? attempts * 4 : attempts;
      // Under the limit once all but limit − 1 of the recent failures have left the window.
      const release = recent[recent.length - limit];
      if (release !== undefined) wait = Math.max(wait, release + windowMs - now);
    }
    return wait;
  }

  fail(keys: readonly string[], now: number): void {
    const { windowMs } = this.limit();
    if (this.failures.size >= MAX_KEYS) this.prune(now, windowMs);
    for (const key of keys) {
      const list = this.recent(key, now, windowMs);
      list.push(now);
      this.failures.set(key, list);
    }
  }

  /** A successful login clears the user's count (not the address's: one good password does not vouch for the rest). */
  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number, windowMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < windowMs);
  }

  private prune(now: number, windowMs: number): void {
    for (const [key, times] of this.failures)
      if (times.every((t) => now - t >= windowMs)) this.failures.delete(key);
    // Still full (an attack from many keys): forget the oldest half rather than grow.
    if (this.failures.size >= MAX_KEYS)
      for (const key of [...this.failures.keys()].slice(0, MAX_KEYS / 2)) this.failures.delete(key);
  }
}
