/**
 * Per-target intervals: a target with its own `every` is probed on the collector's runs once that
 * long has passed, and between those runs its latest state stands (kept, not unknown) while
 * nothing is stored for it. A real HTTP server on loopback counts the probes.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { applicationsOf } from "../../agent/kpi/availability-store.js";
import { LatestState } from "../../agent/store/latest.js";
import { createHttpCollector, httpPlugin } from "../../collectors/http/index.js";
import { DueTracker } from "../../collectors/shared/due.js";
import { noInventory, type CollectContext } from "../../collectors/types.js";
import { parseConfigText } from "../../config/load.js";

const log = pino({ level: "silent" });
const hits = new Map<string, number>();
let server: http.Server;
let base = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.set(req.url ?? "", (hits.get(req.url ?? "") ?? 0) + 1);
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("per-target intervals", () => {
  it("probes a target with its own every only on the runs it is due, and keeps its latest state between", async () => {
    const clock = new ManualClock("2026-11-28T08:00:00+08:00");
    const options = httpPlugin.schema.parse({
      targets: [
        { name: "portal", url: `${base}/portal` },
        { name: "search", url: `${base}/search`, every: "1m30s" },
      ],
    });
    const collector = createHttpCollector(options, {
      clock,
      log,
      inventory: noInventory,
      periodMs: 30_000,
    });
    const latest = new LatestState();
    const probedPerRun: string[][] = [];
    for (let run = 0; run < 7; run++) {
      const kept = new Set<string>();
      const ctx: CollectContext = {
        signal: new AbortController().signal,
        now: () => clock.now(),
        log,
        keepLatest: (keys) => keys.forEach((k) => kept.add(k)),
      };
      const samples = await collector.collect(ctx);
      latest.replace("web", samples, clock.now(), kept);
      probedPerRun.push([...new Set(samples.map((s) => s.target.name))].sort());
      // Between its probes, the search target's latest up stays known.
      const state = latest.of("web")?.filter((v) => v.metric === "http_probe_up");
      expect(state?.map((v) => v.target.name).sort()).toEqual(["portal", "search"]);
      // A run that fires a little early (jitter) still counts as due.
      clock.advance(run % 2 === 0 ? 29_990 : 30_010);
    }
    expect(probedPerRun).toEqual([
      ["portal", "search"],
      ["portal"],
      ["portal"],
      ["portal", "search"],
      ["portal"],
      ["portal"],
      ["portal", "search"],
    ]);
    expect(hits.get("/portal")).toBe(7);
    expect(hits.get("/search")).toBe(3);
  });

  it("a run's latest state drops targets that were neither probed nor kept", () => {
    const latest = new LatestState();
    const target = (name: string) => ({ key: `http:${name}`, kind: "application", name });
    const up = (name: string) => ({ target: target(name), metric: "http_probe_up", value: 1, up: true });
    latest.replace("web", [up("a"), up("b"), up("c")], new Date());
    latest.replace("web", [up("a")], new Date(), new Set(["http:b"]));
    expect(latest.of("web")?.map((v) => v.target.name)).toEqual(["b", "a"]);
  });

  it("the tracker treats a target without its own every as due on every run", () => {
    const tracker = new DueTracker(60_000);
    const targets = [{ key: "a" }, { key: "b", every: 300_000 }];
    const split = (now: number) =>
      tracker.split(
        targets,
        now,
        (t) => t.key,
        (t) => t.every,
      );
    expect(split(0)).toEqual({ due: targets, notDue: [] });
    tracker.probed(["a", "b"], 0);
    expect(split(60_000)).toEqual({ due: [targets[0]], notDue: ["b"] });
    expect(split(270_000).notDue).toEqual([]);
  });

  it("availability expects one sample per target interval", () => {
    const loaded = parseConfigText(`collectors:
  - type: http
    every: 30s
    targets:
      - { name: portal, url: "http://127.0.0.1:1/" }
      - { name: search, url: "http://127.0.0.1:1/search", every: 5m }
`);
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    expect(applicationsOf(loaded.config)).toEqual([
      { application: "portal", intervalSeconds: 30 },
      { application: "search", intervalSeconds: 300 },
    ]);
  });
});
