/**
 * Per-channel rate limit on an injected clock: at most `limit` sends in any `windowMs`.
 *
 * A sliding window rather than a token bucket, on purpose: the robots document "N messages per
 * minute" and punish the excess (DingTalk blocks a robot for 10 minutes). A bucket of N tokens
 * refilled at N/minute lets up to 2N through in one minute (a full bucket, then the refill); the
 * window never lets more than N through in any minute. Several windows can apply at once (Feishu:
 * 100/minute and 5/second).
 */
import type { Clock } from "../clock.js";

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  readonly #windows: readonly RateWindow[];
  readonly #clock: Clock;
  /** Send times (ms), oldest first, kept for the longest window. */
  readonly #sent: number[] = [];
  readonly #longest: number;

  constructor(windows: readonly RateWindow[], clock: Clock) {
    this.#windows = windows;
    this.#clock = clock;
    this.#longest = Math.max(0, ...windows.map((w) => w.windowMs));
  }

  /** Milliseconds until a send is allowed; 0 when one is allowed now. */
  delay(): number {
    const now = this.#clock.now().getTime();
    while (this.#sent.length > 0 && (this.#sent[0] as number) <= now - this.#longest) this.#sent.shift();
    let wait = 0;
    for (const { limit, windowMs } of this.#windows) {
      const inWindow = this.#sent.filter((t) => t > now - windowMs);
      if (inWindow.length >= limit) {
        // The send that must age out of the window before another may go.
        const blocking = inWindow[inWindow.length - limit] as number;
        wait = Math.max(wait, blocking + windowMs - now);
      }
    }
    return wait;
  }

  /** Counts a send made now. */
  record(): void {
    this.#sent.push(this.#clock.now().getTime());
  }
}
