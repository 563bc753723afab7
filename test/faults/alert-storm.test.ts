/**
 * Fault: an alert storm — one Alertmanager webhook payload of 10,000 distinct alerts (the most
 * one payload may carry; version 4, shaped as Alertmanager sends it: bench/alert-payload.ts) posted
 * to a real agent (Agent.start in this process, listening on loopback, no collectors).
 *
 * - The agent answers /metrics while the payload is being stored: a scrape made after the post
 *   shows the payload's alerts pending, and nothing of it yet in the open counts — the event loop
 *   is free between the steps, and the payload becomes visible only whole.
 * - The payload is stored whole: 10,000 incidents and their events, counted in
 *   opsagent_incidents_open; the incident figures were computed once for it
 *   (opsagent_incident_figures_refreshes_total went up by one, not 10,000).
 * - Or not at all: when SQLite refuses the 9,001st alert (a trigger another connection put on
 *   the table), the answer is 500, no incident and no event of the payload is stored, the counts
 *   stay as they were, and the same payload posted again once the fault is gone is stored whole.
 * - With 10,000 unresolved incidents a scrape reads nothing from the incident table.
 *
 * Behaviour only; how long it takes is the incidents-scale benchmark's (bench/incidents-scale.ts).
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../agent/clock.js";
import { Agent } from "../../agent/daemon.js";
import { silentLogger } from "../../agent/log.js";
import { databasePath, parseConfigText } from "../../config/load.js";
import { alertmanagerPayload, fingerprint } from "../../bench/alert-payload.js";

const TOKEN = "alert-storm-test-token";
const ALERTS = 10_000;

function sumOf(metrics: string, name: string): number | undefined {
  let total: number | undefined;
  for (const m of metrics.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm")))
    total = (total ?? 0) + Number(m[1]);
  return total;
}

describe("fault: an alert storm of 10,000 alerts in one Alertmanager payload", { timeout: 120_000 }, () => {
  let dir: string;
  let agent: Agent;
  let base: string;
  let dbPath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ops-agent-alert-storm-"));
    writeFileSync(join(dir, "token"), `${TOKEN}\n`);
    const loaded = parseConfigText(
      `site: faults\ndata_dir: ${dir}\nhttp:\n  listen: "127.0.0.1:0"\n` +
        // The timer's refresh far away: the refresh counter then moves only for the payloads.
        `availability:\n  refresh: 6h\n` +
        `incidents:\n  api_token: file:${join(dir, "token")}\ncollectors: []\n`,
    );
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    dbPath = databasePath(loaded.config);
    agent = await Agent.start(loaded.config, systemClock, silentLogger);
    base = `http://127.0.0.1:${agent.listenAddress?.port}`;
  });

  afterAll(async () => {
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const scrape = async () => {
    const r = await fetch(`${base}/metrics`);
    expect(r.status).toBe(200);
    return r.text();
  };
  const post = (batch: number) =>
    fetch(`${base}/api/alertmanager`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(
        alertmanagerPayload({ count: ALERTS, batch, startsAt: new Date(Date.now() - 60_000) }),
      ),
    });
  /** The database as another program sees it (committed rows only). */
  const stored = (batch: number) => {
    const db = new Database(dbPath, { readonly: true });
    try {
      const prefix = `${fingerprint(batch, 0).slice(0, 6)}%`;
      const q = (sql: string) => (db.prepare(sql).get(prefix) as { n: number }).n;
      return {
        incidents: q("SELECT count(*) AS n FROM incidents WHERE subject LIKE ?"),
        events: q(
          "SELECT count(*) AS n FROM incident_events WHERE incident_id IN (SELECT id FROM incidents WHERE subject LIKE ?)",
        ),
      };
    } finally {
      db.close();
    }
  };

  it("answers /metrics while the payload is stored, stores it whole and computes the figures once", async () => {
    const before = await scrape();
    const refreshes = sumOf(before, "opsagent_incident_figures_refreshes_total") ?? Number.NaN;
    expect(sumOf(before, "opsagent_incidents_open")).toBe(0);

    let answered = false;
    const posting = post(1).then(async (r) => {
      answered = true;
      return { status: r.status, body: await r.text() };
    });
    // Scrapes made while the payload is in the agent: at least one must come back before its answer.
    const during: string[] = [];
    while (!answered) {
      const text = await scrape();
      if (!answered && sumOf(text, "opsagent_alertmanager_alerts_pending") === ALERTS) during.push(text);
    }
    const result = await posting;
    expect(result.status, result.body).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ created: ALERTS, updated: 0, unchanged: 0 });

    expect(during.length, "no /metrics answer while the payload was being stored").toBeGreaterThan(0);
    // All or nothing, as scrapes see it: none of the payload counts before it is stored whole.
    for (const text of during) expect(sumOf(text, "opsagent_incidents_open")).toBe(0);

    const after = await scrape();
    expect(sumOf(after, "opsagent_incidents_open")).toBe(ALERTS);
    expect(sumOf(after, "opsagent_alertmanager_alerts_pending")).toBe(0);
    expect(sumOf(after, "opsagent_incident_figures_refreshes_total")).toBe(refreshes + 1);
    expect(stored(1)).toEqual({ incidents: ALERTS, events: ALERTS });
  });

  it("stores nothing of a payload SQLite refuses part of, and all of it once the fault is gone", async () => {
    const failAt = fingerprint(2, (ALERTS * 9) / 10);
    const writer = new Database(dbPath);
    writer.exec(
      `CREATE TRIGGER storm_fault BEFORE INSERT ON incidents WHEN NEW.subject = '${failAt}'
       BEGIN SELECT RAISE(ABORT, 'injected fault: disk said no'); END`,
    );
    const before = await scrape();
    const refused = await post(2);
    expect(refused.status).toBe(500);
    expect(stored(2)).toEqual({ incidents: 0, events: 0 });
    const afterFault = await scrape();
    expect(sumOf(afterFault, "opsagent_incidents_open")).toBe(sumOf(before, "opsagent_incidents_open"));
    expect(sumOf(afterFault, "opsagent_alertmanager_alerts_pending")).toBe(0);

    writer.exec("DROP TRIGGER storm_fault");
    writer.close();
    const again = await post(2);
    expect(again.status, await again.text()).toBe(200);
    expect(stored(2)).toEqual({ incidents: ALERTS, events: ALERTS });
    expect(sumOf(await scrape(), "opsagent_incidents_open")).toBe(2 * ALERTS);
  });

  it("with 20,000 unresolved incidents, a scrape reads nothing from the incident table", async () => {
    await scrape(); // counts settled after the other connection's trigger changes
    const db = new Database(dbPath, { readonly: true });
    const unresolved = (
      db.prepare("SELECT count(*) AS n FROM incidents WHERE resolved_at IS NULL").get() as { n: number }
    ).n;
    db.close();
    expect(unresolved).toBeGreaterThanOrEqual(ALERTS);
    const statement = Object.getPrototypeOf(new Database(":memory:").prepare("SELECT 1")) as Record<
      "run" | "get" | "all" | "iterate",
      (...args: unknown[]) => unknown
    >;
    const ran: string[] = [];
    const spies = (["run", "get", "all", "iterate"] as const).map((method) => {
      const original = statement[method];
      return vi.spyOn(statement, method).mockImplementation(function (this: { source: string }, ...args) {
        ran.push(this.source);
        return original.apply(this, args);
      });
    });
    try {
      for (let i = 0; i < 5; i++) expect(sumOf(await scrape(), "opsagent_incidents_open")).toBe(unresolved);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(ran.filter((sql) => /\bincidents\b/i.test(sql))).toEqual([]);
  });
});
