/**
 * Backup and restore around a real agent process (the built CLI, dist/): the agent probes two
 * applications on a loopback server every second (one answers 500, so an incident opens), a
 * manual record is added beside it, and `ops-agent backup` copies the database while it writes.
 * `ops-agent restore` is refused while the agent runs. After the agent stops, the copy is restored
 * into a fresh data directory and an agent started on it: the samples, incidents and records of
 * the copy are all there, and `ops-agent availability` reads its figures from them.
 */
import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, freePort, get, startAgent, waitFor, writeConfig } from "../helpers/agent-process.js";
import { tempDir } from "../helpers/tmp.js";

let server: Server;
let serverPort = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url?.startsWith("/bad") ? 500 : 200;
    res.end("ok\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverPort = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Runs the CLI to its end: exit code and what it printed. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

interface Counts {
  samples: number;
  incidents: number;
  records: number;
  runs: number;
}

function counts(path: string): Counts {
  const db = new Database(path, { readonly: true });
  try {
    const n = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      samples: n("samples"),
      incidents: n("incidents"),
      records: n("manual_records"),
      runs: n("collector_runs"),
    };
  } finally {
    db.close();
  }
}

/** The probes of one application stored in a database file (its http_probe_up samples). */
function probesIn(path: string, application: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (
      db
        .prepare(
          `SELECT count(*) AS n FROM samples s JOIN series se ON se.id = s.series_id
             JOIN targets t ON t.id = se.target_id WHERE t.name = ? AND se.metric = 'http_probe_up'`,
        )
        .get(application) as { n: number }
    ).n;
  } finally {
    db.close();
  }
}

const COLLECTORS = (port: number) => `  - type: http
    name: web
    every: 1s
    timeout: 5s
    targets:
      - { name: portal, url: "http://127.0.0.1:${port}/ok" }
      - { name: broken, url: "http://127.0.0.1:${port}/bad" }
`;

describe("backup and restore beside a real agent", () => {
  it(
    "backs up while it writes, refuses to restore under it, restores into a fresh directory",
    { timeout: 120_000 },
    async () => {
      const dir = tempDir();
      const port = await freePort();
      const config = writeConfig(dir, port, COLLECTORS(serverPort));
      const dbPath = join(dir, "data", "ops-agent.db");
      const agent = startAgent(config);
      let backupPath = "";
      let copied: Counts;
      try {
        await waitFor(
          async () => ((await get(port, "/healthz")).status === 200 ? true : undefined),
          30_000,
          "/healthz 200",
        );
        // Three failed probes of /bad open an incident.
        await waitFor(async () => (counts(dbPath).incidents > 0 ? true : undefined), 30_000, "an incident");
        const record = await cli(["record", "videoconf_staff", "7人", "--note", "backup test", "-c", config]);
        expect(record.stderr).toBe("");
        expect(record.code).toBe(0);

        const backup = await cli(["backup", "-c", config, "--dir", join(dir, "backups"), "--keep", "2"]);
        expect(backup.stderr).toBe("");
        expect(backup.code).toBe(0);
        const match = /备份完成 \/ backup written: (\S+)/.exec(backup.stdout);
        expect(match, backup.stdout).not.toBeNull();
        backupPath = match![1]!;
        expect(backup.stdout).toMatch(/时间 \/ at: \d{4}-\d{2}-\d{2} \d{2}:\d{2} \+08:00/);
        copied = counts(backupPath);
        expect(copied.samples).toBeGreaterThan(0);
        expect(copied.incidents).toBeGreaterThan(0);
        expect(copied.records).toBe(1);

        // The agent kept writing during and after the copy.
        await waitFor(
          async () => (counts(dbPath).samples > copied.samples ? true : undefined),
          30_000,
          "more samples",
        );
        const refused = await cli(["restore", backupPath, "-c", config]);
        expect(refused.code).toBe(75);
        expect(refused.stderr).toContain(`拒绝恢复：ops-agent 正在使用 ${dbPath}`);
        expect(refused.stderr).toContain(`pid ${agent.child.pid}`);
      } finally {
        agent.child.kill("SIGTERM");
      }
      expect((await agent.exited).code).toBe(0);

      // A fresh data directory (a new machine): restore, then start an agent on it.
      const freshDir = tempDir();
      const freshPort = await freePort();
      const freshConfig = writeConfig(freshDir, freshPort, COLLECTORS(serverPort));
      const freshDb = join(freshDir, "data", "ops-agent.db");
      const restore = await cli(["restore", backupPath, "-c", freshConfig]);
      expect(restore.stderr).toBe("");
      expect(restore.code).toBe(0);
      expect(restore.stdout).toContain(`恢复完成 / restored: ${backupPath} → ${freshDb}`);
      expect(counts(freshDb)).toEqual(copied!);

      const second = startAgent(freshConfig);
      try {
        await waitFor(
          async () => ((await get(freshPort, "/healthz")).status === 200 ? true : undefined),
          30_000,
          "/healthz 200 after restore",
        );
        const list = await cli(["record", "--list", "--json", "-c", freshConfig]);
        expect(list.code).toBe(0);
        expect(list.stdout).toContain("backup test");
        const availability = await cli([
          "availability",
          "--window",
          "year_to_date",
          "--json",
          "-c",
          freshConfig,
        ]);
        expect(availability.code).toBe(0);
        const day = (
          JSON.parse(availability.stdout) as {
            windows: {
              applications: { application: string; ratio: number | null; up: number; down: number }[];
            }[];
          }
        ).windows[0]!;
        const byName = new Map(day.applications.map((a) => [a.application, a]));
        // Every probe of the copy is counted (the restored agent adds its own).
        const portal = byName.get("portal")!;
        const broken = byName.get("broken")!;
        expect(portal.ratio).toBe(1);
        expect(broken.ratio).toBe(0);
        expect(probesIn(backupPath, "portal")).toBeGreaterThan(0);
        expect(portal.up).toBeGreaterThanOrEqual(probesIn(backupPath, "portal"));
        expect(broken.down).toBeGreaterThanOrEqual(probesIn(backupPath, "broken"));
      } finally {
        second.child.kill("SIGTERM");
      }
      expect((await second.exited).code).toBe(0);
      const after = counts(freshDb);
      expect(after.incidents).toBeGreaterThanOrEqual(copied!.incidents);
      expect(after.samples).toBeGreaterThanOrEqual(copied!.samples);
    },
  );
});
