import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { pino } from "pino";
import { ManualClock } from "../../agent/clock.js";
import { Housekeeping } from "../../agent/housekeeping.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { tempDir } from "../helpers/tmp.js";
import { probeBatch, prng } from "../helpers/samples.js";

const START = new Date("2026-03-01T00:00:00+08:00");
const DAY = 86_400_000;
const RETENTION = { raw_retention: 1 * DAY, hourly_retention: 3 * DAY, daily_retention: 800 * DAY };

describe("housekeeping", () => {
  it("compacts closed hours in steps with the event loop free between them, then applies the retention", async () => {
    const clock = new ManualClock(START);
    const store = SqliteStore.open({
      path: join(tempDir(), "a.db"),
      clock,
      timeZone: "Asia/Shanghai",
      role: "agent",
    });
    const random = prng(4);
    // Three days of 10-minute probes of 300 applications: 600 series, over the 200-series slice.
    for (let t = START.getTime(); t < START.getTime() + 3 * DAY; t += 600_000) {
      store.writeSamples("http", probeBatch(300, new Date(t), random), new Date(t));
    }
    const total = store.rawSampleCount();
    clock.set(START.getTime() + 3 * DAY);
    const housekeeping = new Housekeeping(store, clock, pino({ level: "silent" }), () => RETENTION, 0);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    await housekeeping.run();
    clearInterval(ticker);
    // Timers ran while it worked: it yielded between slices.
    expect(ticks).toBeGreaterThan(10);
    // One day kept (cut at local midnight), everything before the previous hour compacted.
    expect(store.rawSampleCount()).toBe(total / 3);
    const [first] = store.listSeries("http_probe_up");
    const kept = store.querySamples(first!.seriesId, 0, 2e9);
    expect(kept).toHaveLength(144);
    expect(kept[0]?.ts).toBe(START.getTime() / 1000 + 2 * 86_400);
    await housekeeping.stop();
    store.close();
  });

  it("stop() waits for a run in flight, which ends at its next step", async () => {
    const clock = new ManualClock(START);
    const store = SqliteStore.open({
      path: join(tempDir(), "a.db"),
      clock,
      timeZone: "Asia/Shanghai",
      role: "agent",
    });
    const random = prng(5);
    for (let t = START.getTime(); t < START.getTime() + DAY; t += 600_000) {
      store.writeSamples("http", probeBatch(300, new Date(t), random), new Date(t));
    }
    clock.set(START.getTime() + DAY);
    const housekeeping = new Housekeeping(store, clock, pino({ level: "silent" }), () => RETENTION, 0);
    const running = housekeeping.run();
    await housekeeping.stop();
    await running;
    store.close(); // nothing touches the store after stop(): no "database is closed" error
    expect(await housekeeping.run()).toBeUndefined();
  });
});
