/**
 * A reader beside a running agent sees every stored sample: the agent holds its rollup deltas for
 * the flush interval (a day here), and a reader's queries must still equal what the agent
 * computes once it has flushed — and must leave the agent's dirty marks alone (its crash repair
 * depends on them). Two connections to one file, as the daemon and `ops-agent kpi` are.
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { Figures } from "../../agent/figures/index.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { parseConfigText } from "../../config/load.js";
import { tempDir } from "../helpers/tmp.js";

const T0 = Date.parse("2026-12-04T08:00:00+08:00");
const app = { key: "http:portal", kind: "application", name: "portal" };
const vc = { key: "vcenter:vc:scope", kind: "inventory", name: "vc" };

function config() {
  const loaded = parseConfigText(`collectors:
  - type: http
    name: web
    every: 1m
    targets: [{ name: portal, url: "http://127.0.0.1:1/" }]
`);
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  return loaded.config;
}

describe("fresh rollups for readers", () => {
  it("a reader's figures equal the agent's after its flush, before the flush happens", () => {
    const path = join(tempDir(), "fresh.db");
    const clock = new ManualClock(new Date(T0));
    const agent = SqliteStore.open({
      path,
      clock,
      timeZone: "Asia/Shanghai",
      role: "agent",
      rollupFlushIntervalMs: 86_400_000,
    });
    const reader = SqliteStore.open({ path, clock, timeZone: "Asia/Shanghai", role: "reader" });
    try {
      const cfg = config();
      // Unix seconds from local midnight (daily rollups are whole local days), as the KPI's periods.
      const span = { from: Date.parse("2026-12-04T00:00:00+08:00") / 1000, to: T0 / 1000 + 90 * 60 };
      // Nothing yet: both say so.
      expect(new Figures({ store: reader, config: cfg }).availability(span).value).toBeNull();

      // 90 minutes of one-minute probes (5 down) and inventory counts, across an hour boundary.
      for (let m = 0; m < 90; m++) {
        const at = new Date(T0 + m * 60_000);
        clock.set(at);
        agent.writeSamples(
          "web",
          [{ target: app, metric: "http_probe_up", value: m % 18 === 0 ? 0 : 1, up: m % 18 !== 0, time: at }],
          at,
        );
        agent.writeSamples(
          "vc",
          [{ target: vc, metric: "vms_in_scope", value: 250 + (m % 4), time: at }],
          at,
        );
      }
      clock.set(new Date(span.to * 1000));
      const raw = new Database(path, { readonly: true });
      const dirty = () => raw.prepare("SELECT count(*) FROM rollup_dirty").pluck().get() as number;
      const storedHours = () => raw.prepare("SELECT count(*) FROM main.rollup_hour").pluck().get() as number;
      // The agent has flushed nothing: the stored rollups are empty, the hours marked dirty.
      expect(storedHours()).toBe(0);
      expect(dirty()).toBe(2);

      const fromReader = new Figures({ store: reader, config: cfg });
      const readerAvailability = fromReader.availability(span);
      const readerVms = fromReader.vmsInScope(span);
      const readerHours = reader.queryRollups({ resolution: "hour", from: span.from, to: span.to });
      expect(readerAvailability.value).toBeCloseTo(85 / 90, 12);
      expect(readerVms.value).toBe(250 + (89 % 4));
      // The reader read; it wrote nothing and cleared nothing.
      expect(dirty()).toBe(2);
      expect(storedHours()).toBe(0);

      // The agent's own figures, after its flush, are the same.
      const fromAgent = new Figures({ store: agent, config: cfg });
      // (The figure's helper functions aside: they differ by identity only.)
      const { judged: _j, weightOf: _w, ...readerFigure } = readerAvailability;
      const { judged: _aj, weightOf: _aw, ...agentFigure } = fromAgent.availability(span);
      expect(agentFigure).toEqual(readerFigure);
      expect(fromAgent.vmsInScope(span)).toEqual(readerVms);
      expect(agent.queryRollups({ resolution: "hour", from: span.from, to: span.to })).toEqual(readerHours);
      expect(dirty()).toBe(0);

      // More samples after the flush: the reader sees them too, once the agent commits them.
      const at = new Date(span.to * 1000);
      agent.writeSamples(
        "web",
        [{ target: app, metric: "http_probe_up", value: 0, up: false, time: at }],
        at,
      );
      const later = { from: span.from, to: span.to + 60 };
      expect(fromReader.availability(later).value).toBeCloseTo(85 / 91, 12);
      expect(fromAgent.availability(later).value).toBeCloseTo(85 / 91, 12);
      // Only the agent writes samples: a reader's would be missing from the rollups.
      expect(() => reader.writeSamples("web", [], at)).toThrow(/reader store does not write samples/);
      raw.close();
    } finally {
      reader.close();
      agent.close();
    }
  });
});
