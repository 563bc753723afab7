import { describe, expect, it } from "vitest";
import { mapLimit } from "../../collectors/shared/limit.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("mapLimit", () => {
  it("keeps input order and never exceeds the limit", async () => {
    let active = 0;
    let maxActive = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);
    const out = await mapLimit(items, 3, async (n) => {
      active++;
      maxActive = Math.max(maxActive, active);
      await sleep(n % 4); // finish out of order
      active--;
      return n * 2;
    });
    expect(out).toEqual(items.map((n) => n * 2));
    expect(maxActive).toBe(3);
  });

  it("returns [] for no items without calling fn", async () => {
    let calls = 0;
    expect(await mapLimit([], 4, async () => ++calls)).toEqual([]);
    expect(calls).toBe(0);
  });

  it("rejects with the first error and starts nothing after it", async () => {
    const started: number[] = [];
    const boom = new Error("boom");
    await expect(
      mapLimit([0, 1, 2, 3, 4, 5], 2, async (n) => {
        started.push(n);
        await sleep(5);
        if (n === 1) throw boom;
        return n;
      }),
    ).rejects.toBe(boom);
    await sleep(30);
    expect(started.length).toBeLessThanOrEqual(3);
  });

  it("turns a synchronous throw into a rejection", async () => {
    await expect(
      mapLimit([1], 1, () => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
  });

  it("rejects promptly with the abort reason and starts no more items", async () => {
    const controller = new AbortController();
    const reason = new Error("stopped");
    let started = 0;
    const run = mapLimit(
      [1, 2, 3, 4],
      1,
      async () => {
        started++;
        await sleep(1_000);
      },
      controller.signal,
    );
    setTimeout(() => controller.abort(reason), 20);
    const t0 = performance.now();
    await expect(run).rejects.toBe(reason);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(started).toBe(1);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("already"));
    let calls = 0;
    await expect(mapLimit([1], 1, async () => ++calls, controller.signal)).rejects.toThrow("already");
    expect(calls).toBe(0);
  });

  it("refuses a limit below 1", async () => {
    await expect(mapLimit([1], 0, async (n) => n)).rejects.toThrow(RangeError);
  });
});
