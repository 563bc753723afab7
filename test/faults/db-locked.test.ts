/**
 * Fault: the database held by another process.
 *
 * - Another process holds the one-agent lock (here a plain Node process that opened the store as
 *   an agent, not a second `ops-agent run`, which test/e2e/agent.test.ts covers): `ops-agent run`
 *   refuses to start with exit 75 and one line naming the database, the holder's pid and the fix,
 *   and leaves the database as it was.
 * - A foreign program (a sqlite3 shell, a backup tool) takes SQLite's write lock on the database
 *   while the agent runs: the agent does not crash, logs a clear error naming the lock
 *   ("database is locked", SQLITE_BUSY), reports the database as not writable on /healthz, and
 *   writes again by itself once the lock is gone; the database stays intact.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { CLI, freePort, get, startAgent, waitFor, writeConfig } from "../helpers/agent-process.js";
import { tempDir } from "../helpers/tmp.js";

/** Starts `script` (CommonJS, run from the repository) and resolves once it printed "ready". */
async function holder(script: string): Promise<{ child: ChildProcess; release(): Promise<void> }> {
  const child = spawn(process.execPath, ["-e", script], {
    cwd: process.cwd(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      output += d.toString();
      if (output.includes("ready")) resolve();
    });
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    child.once("exit", (code) => reject(new Error(`holder exited (${code}) before it was ready: ${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    release: async () => {
      child.stdin!.end(); // the holder lets go when its stdin closes
      await exited;
    },
  };
}

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

function counter(metrics: string, name: string): number {
  let total = 0;
  for (const m of metrics.matchAll(new RegExp(`^opsagent_${name}\\{[^}]*\\} (\\d+)`, "gm")))
    total += Number(m[1]);
  return total;
}

describe("fault: the database held by another process", () => {
  it("the agent lock held by another process: exit 75, one line naming the database and the holder", async () => {
    const dir = tempDir();
    const config = writeConfig(dir, await freePort(), "  - type: host\n");
    const dbPath = join(dir, "data", "ops-agent.db");
    const held = await holder(`
      import("./dist/agent/store/sqlite.js").then(({ SqliteStore }) => {
        const store = SqliteStore.open({ path: ${JSON.stringify(dbPath)}, clock: { now: () => new Date() }, timeZone: "Asia/Shanghai", role: "agent" });
        process.stdout.write("ready\\n");
        process.stdin.on("end", () => { store.close(); process.exit(0); });
        process.stdin.resume();
      });
    `);
    try {
      const before = sha(dbPath);
      const run = spawnSync(process.execPath, [CLI, "run", "--config", config], {
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(run.status, run.stderr).toBe(75);
      const lines = run.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^ops-agent: database ${dbPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is in use by another ops-agent \\(pid ${held.child.pid} on .+ since .+\\)\\. Stop that agent first`,
        ),
      );
      expect(sha(dbPath)).toBe(before);
    } finally {
      await held.release();
    }
  }, 30_000);

  it("SQLite's write lock taken by a foreign program while the agent runs: a clear error, no crash, writing resumes", async () => {
    const dir = tempDir();
    const port = await freePort();
    const config = writeConfig(dir, port, "  - type: host\n    every: 1s\n");
    const dbPath = join(dir, "data", "ops-agent.db");
    const agent = startAgent(config);
    try {
      await waitFor(
        async () => ((await get(port, "/healthz")).status === 200 ? true : undefined),
        30_000,
        "/healthz 200",
      );
      await waitFor(
        async () =>
          counter((await get(port, "/metrics")).body, "store_samples_written_total") > 0 ? true : undefined,
        30_000,
        "samples written",
      );
      // A foreign program takes the write lock and keeps it (about 8 s).
      const held = await holder(`
        const Database = require("better-sqlite3");
        const db = new Database(${JSON.stringify(dbPath)});
        db.exec("BEGIN EXCLUSIVE");
        db.prepare("INSERT INTO meta (key, value) VALUES ('foreign', 'x') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
        process.stdout.write("ready\\n");
        process.stdin.on("end", () => { db.exec("ROLLBACK"); db.close(); process.exit(0); });
        process.stdin.resume();
      `);
      let health: { status: number; body: string };
      let errors: { level: number; msg: string; err?: { code?: string; message?: string } }[];
      try {
        health = await waitFor(
          async () => {
            const r = await get(port, "/healthz");
            return r.status === 503 ? r : undefined;
          },
          30_000,
          "/healthz 503 while the database is locked",
        );
        // /metrics still answers.
        expect((await get(port, "/metrics")).status).toBe(200);
        const errorLines = () =>
          agent
            .output()
            .split("\n")
            .filter((l) => l.startsWith("{"))
            .map(
              (l) =>
                JSON.parse(l) as { level: number; msg: string; err?: { code?: string; message?: string } },
            )
            .filter((l) => l.level >= 50);
        errors = await waitFor(
          async () => (errorLines().length > 0 ? errorLines() : undefined),
          15_000,
          "an error logged for the locked database",
        );
      } finally {
        await held.release();
      }
      const report = JSON.parse(health.body) as { database: { writable: boolean; error?: string } };
      expect(report.database).toMatchObject({ writable: false, error: "database is locked" });
      for (const e of errors)
        expect(e.err, e.msg).toMatchObject({ code: "SQLITE_BUSY", message: "database is locked" });

      // Released: writing resumes, healthy again.
      const after = counter((await get(port, "/metrics")).body, "store_samples_written_total");
      await waitFor(
        async () =>
          counter((await get(port, "/metrics")).body, "store_samples_written_total") > after
            ? true
            : undefined,
        30_000,
        "writing to resume",
      );
      await waitFor(
        async () => ((await get(port, "/healthz")).status === 200 ? true : undefined),
        30_000,
        "/healthz 200 again",
      );
      expect(agent.child.exitCode).toBeNull();
    } finally {
      agent.child.kill("SIGTERM");
    }
    expect((await agent.exited).code, agent.output().slice(-2_000)).toBe(0);
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      db.close();
    }
  }, 90_000);
});
