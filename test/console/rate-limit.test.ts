/**
 * The login limiter's arithmetic with injected times: per user name `attempts` failures within the
 * window, four times that per address, and the Retry-After it gives (when the oldest failure that
 * keeps a key at its limit leaves the window).
 */
import { describe, expect, it } from "vitest";
import { LoginLimiter } from "../../agent/console/rate-limit.js";

const WINDOW = 60_000;

describe("LoginLimiter", () => {
  it("refuses a user name at its limit until its oldest failure leaves the window", () => {
    const limiter = new LoginLimiter(() => ({ attempts: 3, windowMs: WINDOW }));
    const keys = ["user:li", "address:10.0.0.1"];
    for (const t of [0, 10_000, 20_000]) {
      expect(limiter.retryAfterMs(keys, t)).toBe(0);
      limiter.fail(keys, t);
    }
    expect(limiter.allowed(keys, 30_000)).toBe(false);
    expect(limiter.retryAfterMs(keys, 30_000)).toBe(30_000);
    // The first failure leaves the window at 60 s: two left, under the limit again.
    expect(limiter.retryAfterMs(keys, 59_999)).toBe(1);
    expect(limiter.retryAfterMs(keys, 60_000)).toBe(0);
    // Another name from the same address is not limited by li's count.
    expect(limiter.allowed(["user:wang", "address:10.0.0.1"], 30_000)).toBe(true);
  });

  it("allows an address four times a user's attempts, then refuses every name from it", () => {
    const limiter = new LoginLimiter(() => ({ attempts: 3, windowMs: WINDOW }));
    for (let i = 0; i < 12; i++) limiter.fail([`user:u${i}`, "address:10.0.0.2"], i * 1000);
    expect(limiter.retryAfterMs(["user:fresh", "address:10.0.0.2"], 12_000)).toBe(48_000);
    expect(limiter.allowed(["user:fresh", "address:10.0.0.3"], 12_000)).toBe(true);
    // A success clears the user's count, not the address's.
    limiter.succeed("user:u11");
    expect(limiter.allowed(["user:u11", "address:10.0.0.2"], 12_000)).toBe(false);
  });
});
