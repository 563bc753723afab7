/**
 * Fault: the disk under the database fills up. The real agent's data_dir is a 4 MB tmpfs this test
 * mounts (root needed; see test/helpers/mount.ts — with CI unset and no root it is skipped loudly).
 * Once it writes, a filler file takes the rest of the space. Then:
 *
 * - the agent logs one clear error naming the cause ("database or disk is full") per kind of
 *   write (samples, run log) — not one per lost batch, no stack traces, no crash — and one line
 *   when writing resumes, saying how many writes failed;
 * - it keeps serving /metrics (with opsagent_store_write_errors_total counting the lost batches)
 *   and /healthz, which answers 503 with the database not writable;
 * - when the space comes back it writes again by itself and /healthz is 200 again;
 * - after a clean stop the database passes PRAGMA integrity_check and its rollups count every raw
 *   row once.
 */
import Database from "better-sqlite3";
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, get, startAgent, waitFor, writeConfig } from "../helpers/agent-process.js";
import { mountTmpfs, tmpfsAvailable } from "../helpers/mount.js";
import { tempDir } from "../helpers/tmp.js";

let server: Server;
let serverPort = 0;
beforeAll(async () => {
  server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverPort = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function counter(metrics: string, name: string): number {
  let total = 0;
  for (const m of metrics.matchAll(new RegExp(`^opsagent_${name}\\{[^}]*\\} (\\d+)`, "gm")))
    total += Number(m[1]);
  return total;
}

/** Fills the file system holding `path` until ENOSPC; returns the bytes written. */
function fill(path: string): number {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  let total = 0;
  try {
    for (;;) {
      try {
        total += writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
        // The last partial blocks.
        for (let size = chunk.length / 2; size >= 512; size /= 2) {
          try {
            total += writeSync(fd, chunk.subarray(0, size));
          } catch {
            // full at this size
          }
        }
        return total;
      }
    }
  } finally {
    closeSync(fd);
  }
}

interface LogLine {
  level: number;
  msg: string;
  err?: { message?: string; code?: string };
}

function logLines(output: string): LogLine[] {
  return output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => {
      try {
        return JSON.parse(l) as LogLine;
      } catch {
        return { level: 0, msg: l };
      }
    });
}

describe("fault: full disk", () => {
  it("one clear error, /metrics and /healthz (503) served, writing resumes when space returns, no corruption", async (ctx) => {
    if (!tmpfsAvailable()) return ctx.skip();
    const dir = tempDir();
    const dataDir = join(dir, "data");
    const fs = mountTmpfs(dataDir, "4m");
    const port = await freePort();
    const targets = Array.from(
      { length: 40 },
      (_, i) => `      - { name: app-${i}, url: "http://127.0.0.1:${serverPort}/?app=${i}", timeout: 5s }`,
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
`,
    );
    const agent = startAgent(config);
    const filler = join(dataDir, "filler");
    try {
      await waitFor(
        async () => ((await get(port, "/healthz")).status === 200 ? true : undefined),
        30_000,
        "/healthz 200",
      );
      await waitFor(
        async () =>
          counter((await get(port, "/metrics")).body, "store_samples_written_total") >= 400
            ? true
            : undefined,
        30_000,
        "samples written",
      );

      // The disk fills up.
      fill(filler);
      const errorsSeen = await waitFor(
        async () => {
          const n = counter((await get(port, "/metrics")).body, "store_write_errors_total");
          return n >= 3 ? n : undefined;
        },
        30_000,
        "lost batches counted",
      );
      expect(errorsSeen).toBeGreaterThanOrEqual(3);
      // Still serving: /metrics answers, /healthz says the database takes no write.
      const metrics = await get(port, "/metrics");
      expect(metrics.status).toBe(200);
      expect(metrics.body).toMatch(
        /^opsagent_http_probe_up\{collector="web",target="app-0",site="e2e"\} 1$/m,
      );
      const health = await waitFor(
        async () => {
          const r = await get(port, "/healthz");
          return r.status === 503 ? r : undefined;
        },
        15_000,
        "/healthz 503 while the disk is full",
      );
      const report = JSON.parse(health.body) as { database: { writable: boolean; error?: string } };
      expect(report.database.writable).toBe(false);
      expect(report.database.error).toMatch(/disk is full|SQLITE_FULL/i);

      // The log: one clear error per kind of write, naming the cause, however many batches are lost.
      const errors = logLines(agent.output()).filter((l) => l.level >= 50);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.length, errors.map((l) => `${l.msg} | ${l.err?.message ?? ""}`).join("\n")).toBe(
        new Set(errors.map((l) => l.msg)).size,
      );
      const kinds = new Set(errors.map((l) => `${l.msg} | ${l.err?.message ?? ""}`));
      console.log(
        `disk full: ${errors.length} error lines, ${kinds.size} distinct: ${[...kinds].join(" / ")}`,
      );
      for (const kind of kinds) expect(kind).toMatch(/disk is full|SQLITE_FULL/i);
      expect(
        [...new Set(errors.map((l) => l.msg))].every((m) =>
          /could not write samples to the store|could not record the run in the store/.test(m),
        ),
        [...kinds].join("\n"),
      ).toBe(true);
      expect(agent.output()).not.toMatch(/^\s+at /m); // no stack traces on the console

      // Space comes back: writing resumes by itself, health recovers.
      rmSync(filler);
      const writtenAfter = counter((await get(port, "/metrics")).body, "store_samples_written_total");
      await waitFor(
        async () =>
          counter((await get(port, "/metrics")).body, "store_samples_written_total") >= writtenAfter + 200
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
      // Five successful writes in a row count as resumed: one line says how many failed.
      const resumed = await waitFor(
        () => {
          const lines = logLines(agent.output()).filter((l) =>
            /^store writes resumed \(samples\)/.test(l.msg),
          );
          return Promise.resolve(lines.length > 0 ? lines : undefined);
        },
        30_000,
        "the line saying writing resumed",
      );
      expect(resumed).toHaveLength(1);
      expect(resumed[0]?.msg).toMatch(/after \d+ failed/);
    } finally {
      rmSync(filler, { force: true });
      if (agent.child.exitCode === null) agent.child.kill("SIGTERM");
      const exit = await agent.exited;
      try {
        expect(exit.code, agent.output().slice(-3_000)).toBe(0);
        const db = new Database(join(dataDir, "ops-agent.db"), { readonly: true });
        try {
          expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
          const raw = (db.prepare("SELECT count(*) AS n FROM samples").get() as { n: number }).n;
          const hours = (db.prepare("SELECT sum(n) AS n FROM rollup_hour").get() as { n: number }).n;
          expect(hours, "rollups count every stored sample once").toBe(raw);
        } finally {
          db.close();
        }
      } finally {
        fs.unmount();
      }
    }
  }, 120_000);
});
