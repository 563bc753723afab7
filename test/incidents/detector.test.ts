import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { Sample, TargetRef } from "../../collectors/types.js";
import { ManualClock } from "../../agent/clock.js";
import { IncidentDetector, type IncidentChange } from "../../agent/incidents/detector.js";
import type { RunOutcome } from "../../agent/runner.js";
import type { IncidentStore } from "../../agent/store/incident-store.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { incidentsSchema, type IncidentsConfig } from "../../config/incidents.js";
import { tempDir } from "../helpers/tmp.js";

const MIN = 60_000;
const T0 = new Date("2026-03-02T09:00:00+08:00").getTime();
const at = (minutes: number): Date => new Date(T0 + minutes * MIN);

const BIG: TargetRef = { key: "http:bigplatform", kind: "application", name: "bigplatform" };
const SUBJECT = "platforms|http:bigplatform";

function openStore(): IncidentStore {
  const dir = tempDir();
  const store = SqliteStore.open({
    path: join(dir, "agent.db"),
    clock: new ManualClock(T0),
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
  onTestFinished(() => store.close());
  return store.incidents;
}

const config = (over: Record<string, unknown> = {}): IncidentsConfig => incidentsSchema.parse(over);

function probe(
  up: boolean,
  minute: number,
  target: TargetRef = BIG,
  detail = "status 502, expected 200",
): Sample {
  return {
    target,
    metric: "http_probe_up",
    value: up ? 1 : 0,
    up,
    ...(up ? {} : { reason: "status", detail }),
    time: at(minute),
  };
}

function run(samples: Sample[], minute: number, over: Partial<RunOutcome> = {}): RunOutcome {
  return {
    collector: "platforms",
    type: "http",
    status: "ok",
    startedAt: at(minute),
    finishedAt: at(minute),
    durationMs: 120,
    samples,
    kept: new Set(),
    ...over,
  };
}

interface Harness {
  store: IncidentStore;
  detector: IncidentDetector;
  changes: IncidentChange[];
  /** One run per step: true good, false failing, at minute `start + i * every`. */
  feed(pattern: readonly boolean[], start: number, every?: number, target?: TargetRef): void;
}

function harness(
  cfg: IncidentsConfig = config(),
  inMaintenance: (name: string, time: Date) => boolean = () => false,
  store: IncidentStore = openStore(),
): Harness {
  const changes: IncidentChange[] = [];
  const detector = new IncidentDetector(store, cfg, inMaintenance, (c) => changes.push(c));
  return {
    store,
    detector,
    changes,
    feed(pattern, start, every = 1, target = BIG) {
      pattern.forEach((up, i) => {
        const minute = start + i * every;
        detector.observe(run([probe(up, minute, target)], minute));
      });
    },
  };
}

const F = false;
const G = true;
const kinds = (store: IncidentStore, id: number) => store.events(id).map((e) => e.kind);

describe("IncidentDetector: opening and resolving", () => {
  it("the defaults: open after 3, resolve after 2, reopen within 15 min, endpoints ignored", () => {
    expect(config()).toMatchObject({
      detect: true,
      open_after: 3,
      resolve_after: 2,
      reopen_within: 15 * MIN,
      ignore_kinds: ["endpoint"],
      rules: [],
    });
  });

  it("2 failures then a good probe open nothing", () => {
    const h = harness();
    h.feed([F, F, G, F, F, G, F, F], 0);
    expect(h.store.list()).toEqual([]);
    expect(h.changes).toEqual([]);
  });

  it("3 consecutive failures open one incident starting at the first of them", () => {
    const h = harness();
    h.feed([G, F, F], 0);
    expect(h.store.list()).toEqual([]);
    h.feed([F], 3);
    const list = h.store.list();
    expect(list).toHaveLength(1);
    const incident = list[0]!;
    expect(incident).toMatchObject({
      source: "probe",
      subject: SUBJECT,
      sourceKey: `${SUBJECT}|${at(1).getTime()}`,
      category: "platform",
      priority: "P2",
      target: "bigplatform",
      startedAt: at(1),
      status: "open",
    });
    expect(incident.title).toContain("status 502, expected 200");
    expect(incident.title).toContain("bigplatform");
    expect(h.store.events(incident.id)).toEqual([
      {
        incidentId: incident.id,
        at: at(1),
        kind: "open",
        actor: "agent",
        text: "3 consecutive failed probes: status 502, expected 200",
      },
    ]);
    // further failures open nothing more
    h.feed([F, F, F, F, F], 4);
    expect(h.store.list()).toHaveLength(1);
    expect(h.changes.map((c) => c.kind)).toEqual(["open"]);
  });

  it("the reason stands in for a missing detail, 'down' for both", () => {
    const h = harness();
    for (let m = 0; m < 3; m++) {
      const noDetail: Sample = {
        target: BIG,
        metric: "http_probe_up",
        value: 0,
        up: false,
        reason: "timeout",
        time: at(m),
      };
      h.detector.observe(run([noDetail], m));
    }
    expect(h.store.list()[0]?.title).toBe("bigplatform: timeout");
    const other: TargetRef = { key: "http:other", kind: "application", name: "other" };
    for (let m = 0; m < 3; m++) {
      h.detector.observe(
        run([{ target: other, metric: "http_probe_up", value: 0, up: false, time: at(m) }], m),
      );
    }
    expect(h.store.latest("probe", "platforms|http:other")?.title).toBe("other: down");
  });

  it("a sample's time defaults to the run's start", () => {
    const h = harness();
    for (let m = 0; m < 3; m++) {
      h.detector.observe(
        run([{ target: BIG, metric: "http_probe_up", value: 0, up: false, reason: "dns" }], 10 + m),
      );
    }
    expect(h.store.list()[0]?.startedAt).toEqual(at(10));
  });

  it("a bounded title: control characters blanked, at most 200 characters", () => {
    const h = harness();
    const detail = `bad\u0000\u001b[31m\r\n${"x".repeat(5000)}`;
    for (let m = 0; m < 3; m++) h.detector.observe(run([probe(false, m, BIG, detail)], m));
    const title = h.store.list()[0]!.title;
    expect(Array.from(title)).toHaveLength(200);
    expect(title.startsWith("bigplatform: bad")).toBe(true);
    expect(title.endsWith("…")).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(title).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it("2 good probes resolve it at the first good probe's time", () => {
    const h = harness();
    h.feed([F, F, F, F], 0);
    const id = h.store.list()[0]!.id;
    h.feed([G], 4);
    expect(h.store.get(id)?.status).toBe("open");
    h.feed([G], 5);
    expect(h.store.get(id)).toMatchObject({ status: "resolved", resolvedAt: at(4), resolvedBy: "agent" });
    expect(h.store.events(id).map((e) => [e.kind, e.at, e.text])).toEqual([
      ["open", at(0), "3 consecutive failed probes: status 502, expected 200"],
      ["resolve", at(4), "2 consecutive good probes"],
    ]);
    expect(h.changes.map((c) => [c.kind, c.at])).toEqual([
      ["open", at(0)],
      ["resolve", at(4)],
    ]);
  });

  it("a good probe interrupted by a failure restarts the good streak", () => {
    const h = harness();
    h.feed([F, F, F, G, F, G, G], 0);
    const incident = h.store.list()[0]!;
    expect(incident.resolvedAt).toEqual(at(5));
  });

  it("several failing samples of one target in one run count once, their details joined", () => {
    const h = harness();
    for (let m = 0; m < 3; m++) {
      h.detector.observe(
        run(
          [
            probe(false, m, BIG, "status 502"),
            { ...probe(false, m, BIG, "tls expired"), metric: "http_tls_ok" },
            { target: BIG, metric: "http_duration_seconds", value: 0.2, time: at(m) }, // no up: ignored
          ],
          m,
        ),
      );
    }
    const list = h.store.list();
    expect(list).toHaveLength(1);
    expect(list[0]!.title).toBe("bigplatform: status 502; tls expired");
  });

  it("one failing sample among good ones of the same target is a failure", () => {
    const h = harness();
    for (let m = 0; m < 3; m++) {
      h.detector.observe(run([probe(true, m), { ...probe(false, m), metric: "http_tls_ok" }], m));
    }
    expect(h.store.list()).toHaveLength(1);
  });

  it("targets are counted separately", () => {
    const h = harness();
    const other: TargetRef = { key: "http:portal", kind: "application", name: "portal" };
    for (let m = 0; m < 3; m++) {
      h.detector.observe(run([probe(false, m), probe(m === 1, m, other)], m));
    }
    expect(h.store.list().map((i) => i.target)).toEqual(["bigplatform"]);
  });
});

describe("IncidentDetector: flapping", () => {
  it("failing again within reopen_within reopens the same incident", () => {
    const h = harness();
    h.feed([F, F, F, G, G], 0); // open at 0, resolved at 3
    h.feed([F, F, F], 5); // start 5: 2 min after the resolution
    const list = h.store.list();
    expect(list).toHaveLength(1);
    const incident = list[0]!;
    expect(incident).toMatchObject({ status: "open", startedAt: at(0) });
    expect(incident.resolvedAt).toBeUndefined();
    expect(kinds(h.store, incident.id)).toEqual(["open", "resolve", "reopen"]);
    expect(h.store.events(incident.id)[2]).toMatchObject({ at: at(5), actor: "agent" });
    expect(h.changes.map((c) => [c.kind, c.incident.id, c.at])).toEqual([
      ["open", incident.id, at(0)],
      ["resolve", incident.id, at(3)],
      ["reopen", incident.id, at(5)],
    ]);
    // and it resolves again
    h.feed([G, G], 8);
    expect(h.store.get(incident.id)).toMatchObject({ status: "resolved", resolvedAt: at(8) });
    expect(h.changes.map((c) => c.kind)).toEqual(["open", "resolve", "reopen", "resolve"]);
  });

  it("exactly reopen_within after the resolution still reopens", () => {
    const h = harness();
    h.feed([F, F, F, G, G], 0); // resolved at 3
    h.feed([F, F, F], 18); // start 18 = 3 + 15
    expect(h.store.list()).toHaveLength(1);
    expect(h.changes.map((c) => c.kind)).toEqual(["open", "resolve", "reopen"]);
  });

  it("failing again later than reopen_within opens a new incident", () => {
    const h = harness();
    h.feed([F, F, F, G, G], 0); // resolved at 3
    h.feed([F, F, F], 19); // start 19: 16 min later
    const list = h.store.list();
    expect(list).toHaveLength(2);
    expect(list.map((i) => [i.startedAt, i.status])).toEqual([
      [at(19), "open"],
      [at(0), "resolved"],
    ]);
    expect(kinds(h.store, list[0]!.id)).toEqual(["open"]);
    expect(kinds(h.store, list[1]!.id)).toEqual(["open", "resolve"]);
    expect(h.changes.map((c) => c.kind)).toEqual(["open", "resolve", "open"]);
  });

  it("reopen_within 0s never reopens", () => {
    const h = harness(config({ reopen_within: "0s" }));
    h.feed([F, F, F, G, G], 0);
    h.feed([F, F, F], 5);
    expect(h.store.list()).toHaveLength(2);
    expect(h.changes.map((c) => c.kind)).toEqual(["open", "resolve", "open"]);
  });
});

describe("IncidentDetector: what does not count", () => {
  it("inside a maintenance window nothing opens, even after 10 failures", () => {
    const seen: [string, Date][] = [];
    const h = harness(config(), (name, time) => {
      seen.push([name, time]);
      return true;
    });
    h.feed(Array<boolean>(10).fill(F), 0);
    expect(h.store.list()).toEqual([]);
    expect(h.changes).toEqual([]);
    expect(seen[0]).toEqual(["bigplatform", at(0)]);
  });

  it("failures inside maintenance do not carry over: counting starts again after it", () => {
    // maintenance during minutes [0, 5)
    const h = harness(config(), (_name, time) => time.getTime() < at(5).getTime());
    h.feed([F, F, F, F, F, F, F], 0); // 0..4 in maintenance, 5 and 6 count
    expect(h.store.list()).toEqual([]);
    h.feed([F], 7);
    expect(h.store.list()[0]?.startedAt).toEqual(at(5));
  });

  it("a failed run is unknown, not good: fail, fail, failed run, fail opens", () => {
    const h = harness();
    h.feed([F, F], 0);
    h.detector.observe(run([], 2, { status: "failed", error: "collector crashed" }));
    h.detector.observe(run([], 3, { status: "timeout", error: "run timed out" }));
    h.feed([F], 4);
    const list = h.store.list();
    expect(list).toHaveLength(1);
    expect(list[0]!.startedAt).toEqual(at(0));
  });

  it("a failed run neither counts toward resolving nor breaks a good streak", () => {
    const h = harness();
    h.feed([F, F, F, G], 0);
    h.detector.observe(run([], 4, { status: "failed" }));
    h.feed([G], 5);
    expect(h.store.list()[0]).toMatchObject({ status: "resolved", resolvedAt: at(3) });
  });

  it("a failed run's samples (if any) are ignored", () => {
    const h = harness();
    for (let m = 0; m < 5; m++) h.detector.observe(run([probe(false, m)], m, { status: "failed" }));
    expect(h.store.list()).toEqual([]);
  });

  it("kind endpoint is ignored by default", () => {
    const h = harness();
    const room: TargetRef = { key: "sip:room-12", kind: "endpoint", name: "room-12" };
    h.feed(Array<boolean>(5).fill(F), 0, 1, room);
    expect(h.store.list()).toEqual([]);
  });

  it("ignore_kinds can name other kinds (and then endpoints count)", () => {
    const h = harness(config({ ignore_kinds: ["application"] }));
    h.feed(Array<boolean>(5).fill(F), 0);
    expect(h.store.list()).toEqual([]);
    const room: TargetRef = { key: "sip:room-12", kind: "endpoint", name: "room-12" };
    h.feed(Array<boolean>(3).fill(F), 0, 1, room);
    expect(h.store.list().map((i) => i.target)).toEqual(["room-12"]);
  });

  it("detect false turns the detector off", () => {
    const h = harness(config({ detect: false }));
    h.feed(Array<boolean>(5).fill(F), 0);
    expect(h.store.list()).toEqual([]);
  });

  it("a rule { collector: platforms, enabled: false } disables it; other collectors still count", () => {
    const h = harness(config({ rules: [{ collector: "platforms", enabled: false }] }));
    h.feed(Array<boolean>(5).fill(F), 0);
    expect(h.store.list()).toEqual([]);
    for (let m = 0; m < 3; m++) h.detector.observe(run([probe(false, m)], m, { collector: "portals" }));
    expect(h.store.list().map((i) => i.subject)).toEqual(["portals|http:bigplatform"]);
  });
});

describe("IncidentDetector: rules", () => {
  it("a rule overrides category, priority and open_after", () => {
    const h = harness(
      config({
        rules: [
          {
            collector: "platforms",
            target: "bigplatform",
            category: "machine_room",
            priority: "P1",
            open_after: 1,
          },
        ],
      }),
    );
    h.feed([F], 0);
    expect(h.store.list()[0]).toMatchObject({ category: "machine_room", priority: "P1", startedAt: at(0) });
  });

  it("a rule's resolve_after applies", () => {
    const h = harness(config({ rules: [{ kind: "application", resolve_after: 3 }] }));
    h.feed([F, F, F, G, G], 0);
    expect(h.store.list()[0]?.status).toBe("open");
    h.feed([G], 5);
    expect(h.store.list()[0]).toMatchObject({ status: "resolved", resolvedAt: at(3) });
  });

  it("the first matching rule wins; a non-matching one is passed over", () => {
    const h = harness(
      config({
        rules: [
          { target: "someone-else", enabled: false },
          { kind: "application", priority: "P3" },
          { collector: "platforms", priority: "P1" },
        ],
      }),
    );
    h.feed([F, F, F], 0);
    expect(h.store.list()[0]?.priority).toBe("P3");
  });

  it.each<[string, string, string]>([
    ["sip", "videoconf", "sip"],
    ["videoconf", "videoconf", "videoconf"],
    ["antivirus", "antivirus", "antivirus"],
    ["snmp", "machine_room", "an unknown type"],
  ])("collector type %s → category %s (%s)", (type, category) => {
    const h = harness();
    for (let m = 0; m < 3; m++) h.detector.observe(run([probe(false, m)], m, { type }));
    expect(h.store.list()[0]?.category).toBe(category);
  });
});

describe("IncidentDetector: operators and restarts", () => {
  it("resolved by an operator, the next failure streak after a good probe reopens it (within 15 min)", () => {
    const h = harness();
    h.feed([F, F, F], 0);
    const id = h.store.list()[0]!.id;
    h.feed([G], 3); // one good probe: not yet resolved by the agent
    h.store.resolve(id, "zhang", at(4), "fixed");
    h.feed([F, F], 5);
    expect(h.changes.map((c) => c.kind)).toEqual(["open"]);
    h.feed([F], 7);
    expect(h.store.list()).toHaveLength(1);
    expect(h.store.get(id)?.status).toBe("open");
    expect(kinds(h.store, id)).toEqual(["open", "resolve", "reopen"]);
    expect(h.changes.map((c) => [c.kind, c.at])).toEqual([
      ["open", at(0)],
      ["reopen", at(5)],
    ]);
    // the agent then resolves it as usual
    h.feed([G, G], 8);
    expect(h.store.get(id)).toMatchObject({ status: "resolved", resolvedAt: at(8), resolvedBy: "agent" });
  });

  it("resolved by an operator, a failure streak more than 15 min later opens a new incident", () => {
    const h = harness();
    h.feed([F, F, F], 0);
    const id = h.store.list()[0]!.id;
    h.feed([G], 3);
    h.store.resolve(id, "zhang", at(4));
    h.feed([G, G, G], 5); // good: the agent has nothing open to resolve
    expect(h.store.get(id)).toMatchObject({ resolvedBy: "zhang", resolvedAt: at(4) });
    h.feed([F, F, F], 30);
    const list = h.store.list();
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ startedAt: at(30), status: "open" });
    expect(h.changes.map((c) => c.kind)).toEqual(["open", "open"]);
  });

  // An operator resolving a still-failing target starts a new failure cycle: counts and start begin again.
  it("resolved by an operator while still failing, reopen_within 0s: observe does not throw", () => {
    const h = harness(config({ reopen_within: "0s" }));
    h.feed([F, F, F], 0); // opened, start 0, sourceKey …|at(0)
    const id = h.store.list()[0]!.id;
    h.store.resolve(id, "zhang", at(4), "fixed, I think");
    expect(() => h.feed([F], 5)).not.toThrow(); // throws UNIQUE constraint failed
    h.feed([F, F], 6);
    const list = h.store.list();
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ startedAt: at(5), status: "open" });
  });

  // With the default reopen_within the incident reopens only after open_after fresh failures, dated at the first of them.
  it("resolved by an operator while still failing: a new cycle of open_after failures reopens it", () => {
    const h = harness();
    h.feed([F, F, F], 0);
    const id = h.store.list()[0]!.id;
    h.store.resolve(id, "zhang", at(4));
    h.feed([F, F], 5);
    expect(h.store.get(id)?.status).toBe("resolved"); // got "open": reopened by the first failure
    h.feed([F], 7);
    expect(h.changes.map((c) => [c.kind, c.at])).toEqual([
      ["open", at(0)],
      ["reopen", at(5)], // got at(0)
    ]);
  });

  it("acknowledged by an operator, it stays open and the agent resolves it", () => {
    const h = harness();
    h.feed([F, F, F], 0);
    const id = h.store.list()[0]!.id;
    h.store.acknowledge(id, "zhang", at(4));
    h.feed([F, G, G], 4);
    expect(h.store.get(id)).toMatchObject({ acknowledgedAt: at(4), resolvedAt: at(5), status: "resolved" });
    expect(h.store.list()).toHaveLength(1);
  });

  it("after a restart a new detector carries on the open incident: no duplicate, a good streak resolves it", () => {
    const store = openStore();
    const first = harness(config(), () => false, store);
    first.feed([F, F, F], 0);
    const id = store.list()[0]!.id;
    const second = harness(config(), () => false, store);
    second.feed([F, F, F, F], 3);
    expect(store.list()).toHaveLength(1);
    expect(second.changes).toEqual([]);
    second.feed([G, G], 7);
    expect(store.get(id)).toMatchObject({ status: "resolved", resolvedAt: at(7) });
    expect(kinds(store, id)).toEqual(["open", "resolve"]);
    expect(second.changes.map((c) => [c.kind, c.incident.id])).toEqual([["resolve", id]]);
  });

  it("after a restart, a reopened-then-open incident is carried on too and flapping still reopens", () => {
    const store = openStore();
    const first = harness(config(), () => false, store);
    first.feed([F, F, F, G, G], 0); // resolved at 3
    const second = harness(config(), () => false, store);
    second.feed([F, F, F], 5);
    expect(store.list()).toHaveLength(1);
    expect(second.changes.map((c) => c.kind)).toEqual(["reopen"]);
  });

  it("onChange receives open, reopen and resolve with the stored incident", () => {
    const h = harness();
    h.feed([F, F, F], 0);
    h.feed([G, G], 3);
    h.feed([F, F, F], 6);
    h.feed([G, G], 9);
    expect(h.changes.map((c) => ({ kind: c.kind, at: c.at, status: c.incident.status }))).toEqual([
      { kind: "open", at: at(0), status: "open" },
      { kind: "resolve", at: at(3), status: "resolved" },
      { kind: "reopen", at: at(6), status: "open" },
      { kind: "resolve", at: at(9), status: "resolved" },
    ]);
    const id = h.changes[0]!.incident.id;
    expect(h.changes.every((c) => c.incident.id === id && c.incident.subject === SUBJECT)).toBe(true);
  });
});
