/**
 * Fuzzing the unresolved-incident counts /metrics shows (opsagent_incidents_open, kept by
 * agent/store/incident-counts.ts instead of listing the incidents at every scrape). Random sequences
 * of what changes incidents, on a real database with two connections as in production — the
 * agent's store and a second one like the CLI beside it:
 *   - Alertmanager payloads through the agent (firing and resolved alerts, re-deliveries, a
 *     resolved alert firing again: reopen), and payloads that fail part-way (rolled back whole);
 *   - probe incidents opened, resolved, reopened and acknowledged by the agent;
 *   - acknowledgements, resolutions and helpdesk ticket imports through the other connection.
 * After each change the counts equal a fresh count of the table, and reading them runs no
 * statement on the incident table — except once after the other connection changed it or a
 * payload was rolled back.
 */
import Database from "better-sqlite3";
import fc from "fast-check";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import {
  alertmanagerPayload as payloadSchema,
  incidentsFromPayload,
} from "../../agent/incidents/alertmanager.js";
import { importTickets } from "../../agent/incidents/tickets.js";
import { CATEGORIES, PRIORITIES } from "../../agent/incidents/types.js";
import type { ExternalIncident } from "../../agent/store/incident-store-types.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { incidentsSchema } from "../../config/incidents.js";
import { fuzzParameters } from "../helpers/fuzz.js";
import { tempDir } from "../helpers/tmp.js";

const AM_CONFIG = incidentsSchema.parse({}).alertmanager;
const T0 = Date.parse("2026-03-02T01:00:00Z");

const alert = fc.record({
  fp: fc.nat({ max: 5 }),
  start: fc.nat({ max: 1 }),
  resolved: fc.boolean(),
  severity: fc.constantFrom("critical", "warning", "info"),
  category: fc.constantFrom(...CATEGORIES),
});
const ticket = fc.record({
  id: fc.nat({ max: 4 }),
  category: fc.constantFrom(...CATEGORIES),
  priority: fc.constantFrom(...PRIORITIES),
  responded: fc.boolean(),
  resolved: fc.boolean(),
});
const operation = fc.oneof(
  fc.record({ kind: fc.constant("payload" as const), alerts: fc.array(alert, { maxLength: 6 }) }),
  fc.record({
    kind: fc.constant("failingPayload" as const),
    alerts: fc.array(alert, { minLength: 1, maxLength: 6 }),
    failAt: fc.nat(),
  }),
  fc.record({
    kind: fc.constant("probeOpen" as const),
    subject: fc.nat({ max: 3 }),
    category: fc.constantFrom(...CATEGORIES),
    priority: fc.constantFrom(...PRIORITIES),
  }),
  fc.record({
    kind: fc.constantFrom("resolve" as const, "ack" as const, "reopen" as const),
    pick: fc.nat(),
    other: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("import" as const), tickets: fc.array(ticket, { maxLength: 5 }) }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function payload(
  alerts: readonly (typeof alert extends fc.Arbitrary<infer T> ? T : never)[],
): ExternalIncident[] {
  const parsed = payloadSchema.parse({
    version: "4",
    status: "firing",
    alerts: alerts.map((a) => ({
      status: a.resolved ? "resolved" : "firing",
      labels: { alertname: "Down", instance: `host-${a.fp}`, severity: a.severity, category: a.category },
      startsAt: new Date(T0 + a.start * 60_000).toISOString(),
      endsAt: a.resolved ? new Date(T0 + a.start * 60_000 + 30_000).toISOString() : "0001-01-01T00:00:00Z",
      fingerprint: `00000000000000${a.fp.toString(16).padStart(2, "0")}`,
    })),
  });
  return incidentsFromPayload(parsed, AM_CONFIG);
}

describe("fuzz: the unresolved counts stay right across every kind of change", () => {
  let dir: string;
  let statementPrototype: Record<"run" | "get" | "all" | "iterate", (...args: unknown[]) => unknown>;
  const ran: string[] = [];

  beforeEach(() => {
    dir = tempDir();
    statementPrototype = Object.getPrototypeOf(
      new Database(":memory:").prepare("SELECT 1"),
    ) as typeof statementPrototype;
    for (const method of ["run", "get", "all", "iterate"] as const) {
      const original = statementPrototype[method];
      vi.spyOn(statementPrototype, method).mockImplementation(function (this: { source: string }, ...args) {
        ran.push(this.source);
        return original.apply(this, args);
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it(
    "equal a fresh count after each change, and are read without the incident table",
    { timeout: 600_000 },
    async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(operation, { minLength: 1, maxLength: 20 }),
          async (operations: Operation[]) => {
            const path = join(dir, `run-${run++}.db`);
            const clock = new ManualClock(T0 + 3_600_000);
            const agent = SqliteStore.open({
              path,
              clock,
              timeZone: "Asia/Shanghai",
              role: "agent",
              integrityCheck: "off",
            });
            const cli = SqliteStore.open({
              path,
              clock,
              timeZone: "Asia/Shanghai",
              role: "reader",
              integrityCheck: "off",
            });
            const truth = new Database(path, { readonly: true });
            const countNow = truth.prepare(
              "SELECT category, priority, count(*) AS n FROM incidents WHERE resolved_at IS NULL GROUP BY category, priority",
            );
            try {
              agent.incidents.unresolvedCounts();
              for (const op of operations) {
                clock.advance(60_000);
                const now = clock.now();
                /** The other connection changed the table, or a rollback: one recount is allowed. */
                let byOther = false;
                const pick = (store: SqliteStore, resolved: boolean, index: number) => {
                  const candidates = store.incidents.list({ status: resolved ? "resolved" : "unresolved" });
                  return candidates.length === 0 ? undefined : candidates[index % candidates.length]?.id;
                };
                if (op.kind === "payload") {
                  await agent.incidents.upsertExternalAll(payload(op.alerts), "alertmanager", now, false, 0);
                } else if (op.kind === "failingPayload") {
                  byOther = true;
                  const specs = payload(op.alerts);
                  // A NOT NULL column left empty: SQLite refuses that alert, after the ones before it.
                  const bad = specs[op.failAt % specs.length] as ExternalIncident;
                  specs[op.failAt % specs.length] = {
                    ...bad,
                    sourceKey: `${bad.sourceKey}|bad`,
                    title: null as unknown as string,
                  };
                  await expect(
                    agent.incidents.upsertExternalAll(specs, "alertmanager", now, false, 0),
                  ).rejects.toThrow(/NOT NULL/);
                } else if (op.kind === "probeOpen") {
                  agent.incidents.open(
                    {
                      source: "probe",
                      sourceKey: `probe|${op.subject}|${now.getTime()}`,
                      subject: `probe|${op.subject}`,
                      category: op.category,
                      priority: op.priority,
                      title: "down",
                      target: `t${op.subject}`,
                      startedAt: now,
                    },
                    "agent",
                  );
                } else if (op.kind === "import") {
                  byOther = true;
                  importTickets(
                    cli.incidents,
                    op.tickets.map((t) => ({
                      id: `T-${t.id}`,
                      category: t.category,
                      priority: t.priority,
                      createdAt: new Date(T0),
                      ...(t.responded ? { firstResponseAt: new Date(T0 + 60_000) } : {}),
                      ...(t.resolved ? { resolvedAt: new Date(T0 + 120_000) } : {}),
                    })),
                    "ticket import",
                    now,
                  );
                } else {
                  const store = op.other ? cli : agent;
                  byOther = op.other;
                  const id = pick(store, op.kind === "reopen", op.pick);
                  if (id !== undefined) {
                    if (op.kind === "resolve") store.incidents.resolve(id, "operator", now);
                    else if (op.kind === "ack") store.incidents.acknowledge(id, "operator", now);
                    else store.incidents.reopen(id, "agent", now);
                  }
                }
                ran.length = 0;
                const counts = agent.incidents.unresolvedCounts();
                const firstRead = [...ran];
                ran.length = 0;
                expect(agent.incidents.unresolvedCounts()).toEqual(counts);
                expect(
                  ran.filter((sql) => /\bincidents\b/.test(sql)),
                  "a second read",
                ).toEqual([]);
                if (!byOther)
                  expect(
                    firstRead.filter((sql) => /\bincidents\b/.test(sql)),
                    `after ${op.kind}`,
                  ).toEqual([]);
                const expected = new Map(
                  (countNow.all() as { category: string; priority: string; n: number }[]).map((r) => [
                    `${r.category}/${r.priority}`,
                    r.n,
                  ]),
                );
                for (const c of counts)
                  expect(c.count, `${c.category}/${c.priority} after ${op.kind}`).toBe(
                    expected.get(`${c.category}/${c.priority}`) ?? 0,
                  );
              }
            } finally {
              truth.close();
              cli.close();
              agent.close();
            }
          },
        ),
        fuzzParameters(2201, 60),
      );
    },
  );
});
