import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import type { IncidentStore } from "../../agent/store/incident-store.js";
import {
  NoSuchIncidentError,
  type ExternalIncident,
  type NewIncident,
} from "../../agent/store/incident-store-types.js";
import { tempDir } from "../helpers/tmp.js";

const MIN = 60_000;
const T0 = new Date("2026-03-02T09:00:00+08:00").getTime();
const at = (minutes: number): Date => new Date(T0 + minutes * MIN);

function openStore(): { incidents: IncidentStore; path: string } {
  const dir = tempDir();
  const path = join(dir, "agent.db");
  const store = SqliteStore.open({
    path,
    clock: new ManualClock(T0),
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
  onTestFinished(() => store.close());
  return { incidents: store.incidents, path };
}

/** A second connection to the same file, to look at the rows themselves. */
function raw(path: string): Database.Database {
  const db = new Database(path);
  onTestFinished(() => {
    db.close();
  });
  return db;
}
const eventRows = (db: Database.Database): number =>
  (db.prepare("SELECT count(*) AS n FROM incident_events").get() as { n: number }).n;

function spec(over: Partial<NewIncident> = {}): NewIncident {
  return {
    source: "probe",
    sourceKey: "platforms|http:bigplatform|1",
    subject: "platforms|http:bigplatform",
    category: "platform",
    priority: "P2",
    title: "bigplatform: status 502",
    target: "bigplatform",
    startedAt: at(0),
    ...over,
  };
}

function alert(over: Partial<ExternalIncident> = {}): ExternalIncident {
  return {
    source: "alertmanager",
    sourceKey: `5f6a2b6a3ff6e2c1|${at(0).getTime()}`,
    subject: "5f6a2b6a3ff6e2c1",
    category: "machine_room",
    priority: "P1",
    title: "UPS on battery",
    target: "ups-1",
    startedAt: at(0),
    ...over,
  };
}

describe("IncidentStore: open, get, events", () => {
  it("opens an incident with one open event and reads it back", () => {
    const { incidents } = openStore();
    const opened = incidents.open(spec(), "agent", "3 consecutive failed probes");
    expect(opened).toEqual({
      id: opened.id,
      source: "probe",
      sourceKey: "platforms|http:bigplatform|1",
      subject: "platforms|http:bigplatform",
      category: "platform",
      priority: "P2",
      title: "bigplatform: status 502",
      target: "bigplatform",
      startedAt: at(0),
      status: "open",
    });
    expect(incidents.get(opened.id)).toEqual(opened);
    expect(incidents.get(opened.id + 1000)).toBeUndefined();
    expect(incidents.events(opened.id)).toEqual([
      { incidentId: opened.id, at: at(0), kind: "open", actor: "agent", text: "3 consecutive failed probes" },
    ]);
    expect(incidents.latest("probe", "platforms|http:bigplatform")?.id).toBe(opened.id);
    expect(incidents.latest("alertmanager", "platforms|http:bigplatform")).toBeUndefined();
  });

  it("an open event without text has no text", () => {
    const { incidents } = openStore();
    const opened = incidents.open(spec(), "agent");
    expect(incidents.events(opened.id)).toEqual([
      { incidentId: opened.id, at: at(0), kind: "open", actor: "agent" },
    ]);
  });

  it("a second incident with the same source key is refused and leaves no event", () => {
    const { incidents, path } = openStore();
    incidents.open(spec(), "agent");
    expect(() => incidents.open(spec({ title: "again" }), "agent")).toThrow(/UNIQUE/);
    expect(incidents.list()).toHaveLength(1);
    expect(eventRows(raw(path))).toBe(1);
  });
});

describe("IncidentStore: acknowledge, resolve, reopen, note", () => {
  it("the first acknowledgement sets the response; a second one is a note and returns first false", () => {
    const { incidents } = openStore();
    const { id } = incidents.open(spec(), "agent");
    const first = incidents.acknowledge(id, "zhang", at(5), "looking");
    expect(first.first).toBe(true);
    expect(first.incident).toMatchObject({
      acknowledgedAt: at(5),
      acknowledgedBy: "zhang",
      status: "acknowledged",
    });
    const second = incidents.acknowledge(id, "li", at(9), "me too");
    expect(second.first).toBe(false);
    expect(second.incident).toMatchObject({
      acknowledgedAt: at(5),
      acknowledgedBy: "zhang",
      status: "acknowledged",
    });
    const third = incidents.acknowledge(id, "wang", at(10));
    expect(third.first).toBe(false);
    expect(incidents.events(id)).toEqual([
      { incidentId: id, at: at(0), kind: "open", actor: "agent" },
      { incidentId: id, at: at(5), kind: "ack", actor: "zhang", text: "looking" },
      { incidentId: id, at: at(9), kind: "note", actor: "li", text: "acknowledged again: me too" },
      { incidentId: id, at: at(10), kind: "note", actor: "wang", text: "acknowledged again" },
    ]);
  });

  it("resolving twice: the second returns first false and adds nothing", () => {
    const { incidents } = openStore();
    const { id } = incidents.open(spec(), "agent");
    const first = incidents.resolve(id, "zhang", at(20), "restarted");
    expect(first.first).toBe(true);
    expect(first.incident).toMatchObject({ resolvedAt: at(20), resolvedBy: "zhang", status: "resolved" });
    const second = incidents.resolve(id, "li", at(30));
    expect(second.first).toBe(false);
    expect(second.incident).toMatchObject({ resolvedAt: at(20), resolvedBy: "zhang", status: "resolved" });
    expect(incidents.events(id).map((e) => [e.kind, e.actor])).toEqual([
      ["open", "agent"],
      ["resolve", "zhang"],
    ]);
  });

  it("reopen clears the resolution, keeps start and acknowledgement, and logs it", () => {
    const { incidents } = openStore();
    const { id } = incidents.open(spec(), "agent");
    incidents.acknowledge(id, "zhang", at(3));
    incidents.resolve(id, "agent", at(10));
    const reopened = incidents.reopen(id, "agent", at(12), "failing again");
    expect(reopened).toMatchObject({ startedAt: at(0), acknowledgedAt: at(3), status: "acknowledged" });
    expect(reopened.resolvedAt).toBeUndefined();
    expect(reopened.resolvedBy).toBeUndefined();
    incidents.note(id, "li", at(13), "checked the logs");
    expect(incidents.events(id).map((e) => e.kind)).toEqual(["open", "ack", "resolve", "reopen", "note"]);
  });

  it.each<[string, (s: IncidentStore) => unknown]>([
    ["acknowledge", (s) => s.acknowledge(999, "zhang", at(1))],
    ["resolve", (s) => s.resolve(999, "zhang", at(1))],
    ["reopen", (s) => s.reopen(999, "agent", at(1))],
    ["note", (s) => s.note(999, "zhang", at(1), "x")],
  ])("%s of a non-existent incident throws NoSuchIncidentError and adds no event", (_name, act) => {
    const { incidents, path } = openStore();
    incidents.open(spec(), "agent");
    const db = raw(path);
    expect(eventRows(db)).toBe(1);
    expect(() => act(incidents)).toThrow(NoSuchIncidentError);
    expect(() => act(incidents)).toThrow("no incident #999");
    expect(eventRows(db)).toBe(1);
  });

  it("a transaction failing after its row was written leaves nothing of it", () => {
    const { incidents, path } = openStore();
    const db = raw(path);
    // Make the second event of a created external incident fail, after the row and the open event.
    db.exec(
      `CREATE TRIGGER refuse_resolve BEFORE INSERT ON incident_events WHEN NEW.kind = 'resolve'
       BEGIN SELECT RAISE(ABORT, 'refused by test'); END`,
    );
    expect(() => incidents.upsertExternal(alert({ resolvedAt: at(5) }), "alertmanager", at(6))).toThrow(
      "refused by test",
    );
    expect(incidents.list()).toEqual([]);
    expect(eventRows(db)).toBe(0);
    // the same on an existing incident: the update is rolled back with its event
    const { id } = incidents.open(spec(), "agent");
    expect(() => incidents.resolve(id, "zhang", at(5))).toThrow("refused by test");
    expect(incidents.get(id)?.resolvedAt).toBeUndefined();
    expect(incidents.events(id).map((e) => e.kind)).toEqual(["open"]);
  });

  it("stores a hostile title as given (bounding is the callers' job)", () => {
    const { incidents } = openStore();
    const hostile = `\u0000\u0007\u001b[31mred\u001b[0m\r\n\u202e${"x".repeat(10_000)}'); DROP TABLE incidents; --`;
    const { id } = incidents.open(spec({ title: hostile, target: hostile }), "agent", hostile);
    expect(incidents.get(id)?.title).toBe(hostile);
    expect(incidents.get(id)?.target).toBe(hostile);
    expect(incidents.events(id)[0]?.text).toBe(hostile);
    expect(incidents.list()).toHaveLength(1);
  });
});

describe("IncidentStore.list", () => {
  /**
   * a: platform probe, 0 → open
   * b: platform probe, 60 → acknowledged at 65
   * c: videoconf alertmanager, 120 → resolved at 130
   * d: machine_room ticket, 180 → acknowledged 181, resolved 200
   * e: videoconf alertmanager, 240 → open
   */
  function seeded() {
    const { incidents } = openStore();
    const a = incidents.open(spec({ sourceKey: "a", startedAt: at(0) }), "agent").id;
    const b = incidents.open(spec({ sourceKey: "b", startedAt: at(60) }), "agent").id;
    incidents.acknowledge(b, "zhang", at(65));
    const c = incidents.open(
      spec({ source: "alertmanager", sourceKey: "c", category: "videoconf", startedAt: at(120) }),
      "alertmanager",
    ).id;
    incidents.resolve(c, "alertmanager", at(130));
    const d = incidents.open(
      spec({ source: "ticket", sourceKey: "d", category: "machine_room", startedAt: at(180) }),
      "ticket import",
    ).id;
    incidents.acknowledge(d, "li", at(181));
    incidents.resolve(d, "li", at(200));
    const e = incidents.open(
      spec({ source: "alertmanager", sourceKey: "e", category: "videoconf", startedAt: at(240) }),
      "alertmanager",
    ).id;
    return { incidents, ids: { a, b, c, d, e } };
  }

  it.each<[string, Parameters<IncidentStore["list"]>[0], string[]]>([
    ["everything, latest start first", {}, ["e", "d", "c", "b", "a"]],
    ["status open", { status: "open" }, ["e", "a"]],
    ["status acknowledged", { status: "acknowledged" }, ["b"]],
    ["status resolved", { status: "resolved" }, ["d", "c"]],
    ["status unresolved", { status: "unresolved" }, ["e", "b", "a"]],
    ["category videoconf", { category: "videoconf" }, ["e", "c"]],
    ["category antivirus", { category: "antivirus" }, []],
    ["source probe", { source: "probe" }, ["b", "a"]],
    ["source ticket", { source: "ticket" }, ["d"]],
    ["source alertmanager, unresolved", { source: "alertmanager", status: "unresolved" }, ["e"]],
    ["to: started before 120 (exclusive)", { to: at(120) }, ["b", "a"]],
    ["to: started before 120 + 1 ms", { to: new Date(at(120).getTime() + 1) }, ["c", "b", "a"]],
    [
      "from 130: not resolved before it (c resolved exactly at 130 stays)",
      { from: at(130) },
      ["e", "d", "c", "b", "a"],
    ],
    ["from 131: c resolved before it drops out", { from: at(131) }, ["e", "d", "b", "a"]],
    ["from 201: d drops out as well", { from: at(201) }, ["e", "b", "a"]],
    ["[131, 240): overlapping the window", { from: at(131), to: at(240) }, ["d", "b", "a"]],
    ["limit 2", { limit: 2 }, ["e", "d"]],
    ["limit with a filter", { status: "unresolved", limit: 1 }, ["e"]],
  ])("%s", (_name, query, expected) => {
    const { incidents, ids } = seeded();
    const names = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    expect(incidents.list(query).map((i) => names.get(i.id))).toEqual(expected);
  });
});

describe("IncidentStore.upsertExternal", () => {
  it("creates once; the same spec again is unchanged and adds no event", () => {
    const { incidents } = openStore();
    const created = incidents.upsertExternal(alert(), "alertmanager", at(1));
    expect(created.change).toBe("created");
    expect(created.resolvedNow).toBe(false);
    expect(created.incident).toMatchObject({ status: "open", startedAt: at(0), title: "UPS on battery" });
    const id = created.incident.id;
    const before = incidents.events(id);
    expect(before.map((e) => [e.kind, e.actor])).toEqual([["open", "alertmanager"]]);
    for (const now of [at(5), at(10)]) {
      const again = incidents.upsertExternal(alert(), "alertmanager", now);
      expect(again.change).toBe("unchanged");
      expect(again.resolvedNow).toBe(false);
      expect(again.incident).toEqual(created.incident);
    }
    expect(incidents.events(id)).toEqual(before);
    expect(incidents.list()).toHaveLength(1);
  });

  it("a resolved re-delivery updates it: resolvedNow, a resolve event at the resolution, then unchanged", () => {
    const { incidents } = openStore();
    const { incident } = incidents.upsertExternal(alert(), "alertmanager", at(1));
    const resolved = alert({ resolvedAt: at(25), resolvedBy: "alertmanager" });
    const updated = incidents.upsertExternal(resolved, "alertmanager", at(26));
    expect(updated.change).toBe("updated");
    expect(updated.resolvedNow).toBe(true);
    expect(updated.incident).toMatchObject({
      id: incident.id,
      resolvedAt: at(25),
      resolvedBy: "alertmanager",
      status: "resolved",
    });
    expect(incidents.events(incident.id)).toEqual([
      { incidentId: incident.id, at: at(0), kind: "open", actor: "alertmanager" },
      { incidentId: incident.id, at: at(25), kind: "resolve", actor: "alertmanager" },
      {
        incidentId: incident.id,
        at: at(26),
        kind: "update",
        actor: "alertmanager",
        text: "changed: resolved_at",
      },
    ]);
    const again = incidents.upsertExternal(resolved, "alertmanager", at(30));
    expect(again).toMatchObject({ change: "unchanged", resolvedNow: false });
    expect(incidents.events(incident.id)).toHaveLength(3);
  });

  it("created already resolved: open and resolve events, resolvedNow true", () => {
    const { incidents } = openStore();
    const created = incidents.upsertExternal(alert({ resolvedAt: at(7) }), "alertmanager", at(8));
    expect(created).toMatchObject({ change: "created", resolvedNow: true });
    expect(created.incident).toMatchObject({ resolvedAt: at(7), resolvedBy: "alertmanager" });
    expect(incidents.events(created.incident.id).map((e) => [e.kind, e.at])).toEqual([
      ["open", at(0)],
      ["resolve", at(7)],
    ]);
  });

  it("a changed title or priority is an update naming the columns", () => {
    const { incidents } = openStore();
    const { incident } = incidents.upsertExternal(alert(), "alertmanager", at(1));
    const updated = incidents.upsertExternal(
      alert({ title: "UPS battery low", priority: "P2" }),
      "alertmanager",
      at(3),
    );
    expect(updated).toMatchObject({ change: "updated", resolvedNow: false });
    expect(updated.incident).toMatchObject({ title: "UPS battery low", priority: "P2" });
    expect(incidents.events(incident.id).at(-1)).toEqual({
      incidentId: incident.id,
      at: at(3),
      kind: "update",
      actor: "alertmanager",
      text: "changed: priority, title",
    });
  });

  it("ownsAcknowledgement false keeps an operator's acknowledgement when the source re-sends without one", () => {
    const { incidents } = openStore();
    const { incident } = incidents.upsertExternal(alert(), "alertmanager", at(1), false);
    incidents.acknowledge(incident.id, "zhang", at(4));
    const again = incidents.upsertExternal(alert(), "alertmanager", at(5), false);
    expect(again.change).toBe("unchanged");
    expect(again.incident).toMatchObject({
      acknowledgedAt: at(4),
      acknowledgedBy: "zhang",
      status: "acknowledged",
    });
    const resolved = incidents.upsertExternal(alert({ resolvedAt: at(20) }), "alertmanager", at(21), false);
    expect(resolved).toMatchObject({ change: "updated", resolvedNow: true });
    expect(resolved.incident).toMatchObject({
      acknowledgedAt: at(4),
      acknowledgedBy: "zhang",
      resolvedAt: at(20),
      status: "resolved",
    });
    expect(incidents.events(incident.id).map((e) => e.kind)).toEqual(["open", "ack", "resolve", "update"]);
  });

  it("ownsAcknowledgement true (a ticket) takes the source's acknowledgement", () => {
    const { incidents } = openStore();
    const ticket = alert({ source: "ticket", sourceKey: "T-1", subject: "T-1" });
    const { incident } = incidents.upsertExternal(ticket, "ticket import", at(1));
    const acked = incidents.upsertExternal(
      { ...ticket, acknowledgedAt: at(6), acknowledgedBy: "helpdesk-li" },
      "ticket import",
      at(7),
    );
    expect(acked.change).toBe("updated");
    expect(acked.incident).toMatchObject({ acknowledgedAt: at(6), acknowledgedBy: "helpdesk-li" });
    expect(incidents.events(incident.id).map((e) => [e.kind, e.actor, e.at])).toEqual([
      ["open", "ticket import", at(0)],
      ["ack", "helpdesk-li", at(6)],
      ["update", "ticket import", at(7)],
    ]);
    // without acknowledgedBy the actor is recorded
    const other = alert({ source: "ticket", sourceKey: "T-2", subject: "T-2", acknowledgedAt: at(3) });
    expect(incidents.upsertExternal(other, "ticket import", at(4)).incident.acknowledgedBy).toBe(
      "ticket import",
    );
  });

  it("a resolved incident described as unresolved again is reopened", () => {
    const { incidents } = openStore();
    const { incident } = incidents.upsertExternal(alert({ resolvedAt: at(5) }), "alertmanager", at(6));
    const back = incidents.upsertExternal(alert(), "alertmanager", at(9));
    expect(back).toMatchObject({ change: "updated", resolvedNow: false });
    expect(back.incident.status).toBe("open");
    expect(incidents.events(incident.id).map((e) => e.kind)).toEqual(["open", "resolve", "reopen", "update"]);
  });

  it("different start times of one fingerprint are different incidents", () => {
    const { incidents } = openStore();
    incidents.upsertExternal(alert(), "alertmanager", at(1));
    incidents.upsertExternal(
      alert({ sourceKey: `5f6a2b6a3ff6e2c1|${at(60).getTime()}`, startedAt: at(60) }),
      "alertmanager",
      at(61),
    );
    expect(incidents.list({ source: "alertmanager" })).toHaveLength(2);
    expect(incidents.latest("alertmanager", "5f6a2b6a3ff6e2c1")?.startedAt).toEqual(at(60));
  });
});
