/**
 * Fault: kill -9 of the real agent process during heavy writes, then a restart on the same files.
 * (test/store/open.test.ts already kills a bare store writer; this kills the whole agent — HTTP
 * server, scheduler, collectors in flight — twice, at a random point of a one-second cycle of 150
 * HTTP probes against a local server, with rollup deltas held in memory for an hour.)
 *
 * After each kill: PRAGMA integrity_check is ok; every batch is all or nothing — each stored second
 * holds a whole run's samples, and every run recorded as ok has all of its samples; everything
 * /metrics reported as written before the kill is there; and the restarted agent takes the lock,
 * serves /healthz 200 and writes new runs. After a clean stop the rollups count every raw row once.
 */
import Database from "better-sqlite3";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, get, startAgent, waitFor, writeConfig } from "../helpers/agent-process.js";
import { tempDir } from "../helpers/tmp.js";

const TARGETS = 150;

let server: Server;
let serverPort = 0;
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverPort = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function written(metrics: string): number {
  let total = 0;
  for (const m of metrics.matchAll(/^opsagent_store_samples_written_total\{[^}]*\} (\d+)/gm))
    total += Number(m[1]);
  return total;
}

interface Check {
  raw: number;
  lastTs: number;
}

/** Integrity and all-or-nothing batches, on the files as the killed agent left them. */
function checkAfterCrash(dbPath: string, writtenBeforeKill: number): Check {
  const db = new Database(dbPath);
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const raw = (db.prepare("SELECT count(*) AS n FROM samples").get() as { n: number }).n;
    expect(raw, "everything /metrics reported written before the kill is stored").toBeGreaterThanOrEqual(
      writtenBeforeKill,
    );
    const seconds = db
      .prepare(
        `SELECT s.ts, count(*) AS n FROM samples s JOIN series se ON se.id = s.series_id
           JOIN targets t ON t.id = se.target_id WHERE t.collector = 'web' GROUP BY s.ts ORDER BY s.ts`,
      )
      .all() as { ts: number; n: number }[];
    expect(seconds.length).toBeGreaterThanOrEqual(3);
    const runs = db
      .prepare("SELECT started_at, samples FROM collector_runs WHERE collector = 'web' AND status = 'ok'")
      .all() as { started_at: number; samples: number }[];
    const perRun = Math.max(...runs.map((r) => r.samples));
    expect(perRun).toBeGreaterThanOrEqual(TARGETS);
    // All or nothing: every stored second holds one whole batch …
    expect(seconds.filter((s) => s.n !== perRun)).toEqual([]);
    // … and every run recorded as ok has its whole batch stored.
    const stored = new Map(seconds.map((s) => [s.ts, s.n]));
    expect(runs.filter((r) => stored.get(Math.floor(r.started_at / 1000)) !== r.samples)).toEqual([]);
    return { raw, lastTs: seconds[seconds.length - 1]!.ts };
  } finally {
    db.close();
  }
}

describe("fault: kill -9 of the agent during heavy writes", () => {
  it("integrity ok, every committed batch whole, the restarted agent resumes; twice", async () => {
    const dir = tempDir();
    const port = await freePort();
    const targets = Array.from(
      { length: TARGETS },
      (_, i) =>
        `      - { name: app-${i}, url: "http://127.0.0.1:${serverPort}/health?app=${i}", timeout: 5s }`,
    ).join("\n");
    const config = writeConfig(
      dir,
      port,
      `  - type: http
    name: web
    every: 1s
    timeout: 10s
    targets:
${targets}
  - type: host
    every: 1s
`,
      "store:\n  rollup_flush_interval: 1h\n",
    );
    const dbPath = join(dir, "data", "ops-agent.db");

    let previous: Check = { raw: 0, lastTs: 0 };
    for (let round = 0; round < 2; round++) {
      const agent = startAgent(config);
      try {
        // Resumed: new good runs after the restart, healthy.
        await waitFor(
          async () => {
            const r = await get(port, "/healthz");
            return r.status === 200 ? r : undefined;
          },
          30_000,
          `round ${round}: /healthz 200`,
        );
        const before = await waitFor(
          async () => {
            const n = written((await get(port, "/metrics")).body);
            return n >= 5 * TARGETS * 2 ? n : undefined;
          },
          30_000,
          `round ${round}: a few batches written`,
        );
        // Somewhere inside a one-second cycle.
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1_000)));
        agent.child.kill("SIGKILL");
        const exit = await agent.exited;
        expect(exit.signal).toBe("SIGKILL");
        const check = checkAfterCrash(dbPath, before);
        expect(check.raw).toBeGreaterThan(previous.raw);
        expect(check.lastTs, "the restarted agent wrote new runs").toBeGreaterThan(previous.lastTs);
        previous = check;
      } finally {
        if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill("SIGKILL");
      }
    }

    // A last start after the second kill: repairs the rollups, then a clean stop.
    const last = startAgent(config);
    await waitFor(
      async () => ((await get(port, "/healthz")).status === 200 ? true : undefined),
      30_000,
      "/healthz 200",
    );
    // Healthy comes before the first run is stored; the raw count below must have grown.
    await waitFor(
      async () => (written((await get(port, "/metrics")).body) >= TARGETS ? true : undefined),
      30_000,
      "last start: a batch written",
    );
    last.child.kill("SIGTERM");
    expect((await last.exited).code, last.output().slice(-2_000)).toBe(0);
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const raw = (db.prepare("SELECT count(*) AS n FROM samples").get() as { n: number }).n;
      const hours = (db.prepare("SELECT sum(n) AS n FROM rollup_hour").get() as { n: number }).n;
      const days = (db.prepare("SELECT sum(n) AS n FROM rollup_day").get() as { n: number }).n;
      expect(raw).toBeGreaterThan(previous.raw);
      expect([hours, days], "the rollups count every raw row once").toEqual([raw, raw]);
    } finally {
      db.close();
    }
  }, 120_000);
});
