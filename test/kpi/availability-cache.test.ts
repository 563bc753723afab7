import { describe, expect, it } from "vitest";
import { AvailabilityCache, MAX_AGE_MS, RECENT_MS, SETTLE_MS } from "../../agent/kpi/availability-cache.js";
import type { SqliteStore } from "../../agent/store/sqlite.js";

/** A store that counts the reads the cache is meant to save, and hands out what the test sets. */
function fakeStore() {
  const reads = { series: 0, targets: 0, day: 0, hour: 0 };
  const state = { apps: ["a"], nUp: 1 };
  const store = {
    listSeries: () => {
      reads.series += 1;
      return state.apps.map((name, i) => ({ seriesId: i + 1, targetName: name }));
    },
    listTargets: () => {
      reads.targets += 1;
      return state.apps.map((name) => ({ name, firstSeen: new Date(0) }));
    },
    sumRollupCounts: (q: { resolution: "day" | "hour" }) => {
      reads[q.resolution] += 1;
      return [{ seriesId: 1, n: state.nUp, nUp: state.nUp, nDown: 0, nMaint: 0 }];
    },
  };
  return { store: store as unknown as SqliteStore, reads, state };
}

describe("availability cache", () => {
  const app = (application: string) => ({ application, intervalSeconds: 60 });

  it("reads the catalogue again for an application it does not know, or once it is old", () => {
    const { store, reads, state } = fakeStore();
    let now = 1_000_000_000_000;
    const cache = new AvailabilityCache(store, { now: () => new Date(now) });
    cache.catalogue([app("a")]);
    cache.catalogue([app("a")]);
    expect(reads.series).toBe(1);
    state.apps = ["a", "b"];
    expect(cache.catalogue([app("a"), app("b")]).firstSeen.has("b")).toBe(true);
    expect(reads.series).toBe(2);
    now += MAX_AGE_MS;
    cache.catalogue([app("a")]);
    expect(reads.series).toBe(3);
  });

  it("keeps the sums of a settled range, and those of the running day only for one refresh", () => {
    const { store, reads, state } = fakeStore();
    let now = 1_000_000_000_000;
    const cache = new AvailabilityCache(store, { now: () => new Date(now) });
    const settledTo = (now - SETTLE_MS) / 1000;
    const runningTo = now / 1000;
    expect(cache.daySums(0, settledTo)[0]?.nUp).toBe(1);
    cache.hourSums(settledTo, runningTo);
    cache.hourSums(settledTo, runningTo);
    expect(reads).toMatchObject({ day: 1, hour: 1 });
    state.nUp = 2;
    now += RECENT_MS;
    expect(cache.daySums(0, settledTo)[0]?.nUp).toBe(1);
    expect(cache.hourSums(settledTo, runningTo)[0]?.nUp).toBe(2);
    now += MAX_AGE_MS;
    expect(cache.daySums(0, settledTo)[0]?.nUp).toBe(2);
    expect(reads).toMatchObject({ day: 2, hour: 2 });
  });

  it("reads again when the clock stepped back past an entry", () => {
    const { store, reads } = fakeStore();
    let now = 1_000_000_000_000;
    const cache = new AvailabilityCache(store, { now: () => new Date(now) });
    cache.daySums(0, (now - SETTLE_MS) / 1000);
    now -= 1000;
    cache.daySums(0, (now + 1000 - SETTLE_MS) / 1000);
    expect(reads.day).toBe(2);
  });
});
