/**
 * Start-up checks that say the fix (the built agent, real file systems):
 *
 * - a database owned by another user (the agent runs as uid 65534 through setpriv(1); as root
 *   every permission check would pass): refused at start, exit 1, one line with the path, the
 *   SQLite code and the fix — it used to start, and every write failed with SQLITE_READONLY;
 * - a database on a read-only mount (a tmpfs remounted ro): the same;
 * - a full disk at start (a tmpfs filled to the last byte): refused, naming the file and saying
 *   to free space, or — when SQLite still finds room to start — running, and then
 * - stopping on that full disk exits 0 after logging what it could not write (it exited 1 with
 *   "error while stopping").
 * Root and mount(8) are needed (test/helpers/mount.ts: with CI unset they are skipped loudly).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, closeSync, openSync, statSync, writeSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, freePort, get, startAgent, waitFor, writeConfig } from "../helpers/agent-process.js";
import { mountTmpfs, tmpfsAvailable } from "../helpers/mount.js";
import { tempDir } from "../helpers/tmp.js";

const NOBODY = 65534;

/** Creates the database by running one CLI command on the config (as root). */
function createDatabase(config: string): void {
  execFileSync(process.execPath, [CLI, "maintenance", "list", "--config", config], { stdio: "pipe" });
}

function runAgent(config: string, asNobody = false) {
  const argv = asNobody
    ? [
        "setpriv",
        [
          `--reuid=${NOBODY}`,
          `--regid=${NOBODY}`,
          "--clear-groups",
          process.execPath,
          CLI,
          "run",
          "--config",
          config,
        ],
      ]
    : [process.execPath, [CLI, "run", "--config", config]];
  const child = spawn(argv[0] as string, argv[1] as string[], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout.on("data", () => undefined);
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

function fill(path: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  try {
    for (let size = chunk.length; size >= 1;) {
      try {
        writeSync(fd, chunk.subarray(0, size));
      } catch {
        size = Math.floor(size / 2);
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe("start-up checks", { timeout: 120_000 }, () => {
  it("a database owned by another user is refused at start with the path and the fix", async (ctx) => {
    if (process.getuid?.() !== 0) return ctx.skip();
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const config = writeConfig(dir, await freePort(), "  []\n");
    chmodSync(config, 0o644);
    createDatabase(config);
    const data = join(dir, "data");
    chownSync(data, NOBODY, NOBODY); // the folder is the agent's; the file stays root's (0640)
    const db = join(data, "ops-agent.db");
    chmodSync(db, 0o644);
    const before = statSync(db).mtimeMs;
    const r = await runAgent(config, true);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain(
      `database ${db} cannot be written by this user (uid ${NOBODY}) (SQLITE_READONLY`,
    );
    expect(lines[0]).toMatch(/Fix: chown .*ops-agent\.db\*/);
    expect(statSync(db).mtimeMs).toBe(before);
  });

  it("a database on a read-only mount is refused at start", async (ctx) => {
    if (!tmpfsAvailable()) return ctx.skip();
    const dir = tempDir();
    const data = join(dir, "data");
    const fs = mountTmpfs(data, "8m");
    try {
      const config = writeConfig(dir, await freePort(), "  []\n");
      createDatabase(config);
      execFileSync("mount", ["-o", "remount,ro", data], { stdio: "pipe" });
      const r = await runAgent(config);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(
        new RegExp(`ops-agent: (database|data directory) ${data}.*(SQLITE_READONLY|EROFS|read-only)`),
      );
    } finally {
      fs.unmount();
    }
  });

  it("a full disk: refused at start naming the file, or stopped with exit 0 saying what it could not write", async (ctx) => {
    if (!tmpfsAvailable()) return ctx.skip();
    const dir = tempDir();
    const data = join(dir, "data");
    const fs = mountTmpfs(data, "8m");
    try {
      const port = await freePort();
      const config = writeConfig(dir, port, "  []\n");
      createDatabase(config);
      fill(join(data, "filler"));
      const agent = startAgent(config);
      const started = await Promise.race([
        agent.exited.then(() => false),
        waitFor(
          async () => ((await get(port, "/metrics")).status === 200 ? true : undefined),
          20_000,
          "/metrics",
        ),
      ]);
      if (!started) {
        const exit = await agent.exited;
        expect(exit.code, agent.output()).toBe(1);
        expect(agent.output()).toMatch(
          new RegExp(
            `database ${join(data, "ops-agent.db")}: the disk is full .*Free space on the file system holding ${data}`,
          ),
        );
        expect(agent.output()).not.toMatch(/^\s+at /m);
        return;
      }
      agent.child.kill("SIGTERM");
      const exit = await agent.exited;
      expect(exit.code, agent.output().slice(-3_000)).toBe(0);
      expect(agent.output()).not.toMatch(/error while stopping/);
    } finally {
      fs.unmount();
    }
  });

  it("stopping on a full disk exits 0 after logging what it could not write", async (ctx) => {
    if (!tmpfsAvailable()) return ctx.skip();
    const server = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const serverPort = (server.address() as AddressInfo).port;
    const dir = tempDir();
    const data = join(dir, "data");
    const fs = mountTmpfs(data, "8m");
    try {
      const port = await freePort();
      const targets = Array.from(
        { length: 20 },
        (_, i) => `      - { name: app-${i}, url: "http://127.0.0.1:${serverPort}/?app=${i}" }`,
      ).join("\n");
      const config = writeConfig(
        dir,
        port,
        `  - type: http\n    name: web\n    every: 1s\n    targets:\n${targets}\n`,
      );
      const agent = startAgent(config);
      await waitFor(
        async () =>
          /opsagent_store_samples_written_total\{[^}]*\} ([1-9]\d{2,})/.test(
            (await get(port, "/metrics")).body,
          )
            ? true
            : undefined,
        30_000,
        "samples written",
      );
      fill(join(data, "filler"));
      await new Promise((r) => setTimeout(r, 2_000));
      agent.child.kill("SIGTERM");
      const exit = await agent.exited;
      expect(exit.code, agent.output().slice(-3_000)).toBe(0);
      expect(agent.output()).not.toMatch(/error while stopping/);
      if (/stopped; the disk is full/.test(agent.output()))
        expect(agent.output()).toMatch(/the last rollups could not be written/);
    } finally {
      server.closeAllConnections();
      server.close();
      fs.unmount();
    }
  });

  it("an unreadable tls_ca_file: one line naming the file, the stack trace only with --verbose", async () => {
    const dir = tempDir();
    const ca = join(dir, "missing-ca.pem");
    const config = writeConfig(
      dir,
      await freePort(),
      `  - type: http\n    name: web\n    tls_ca_file: ${ca}\n    targets:\n      - { name: portal, url: "https://127.0.0.1:1/" }\n`,
    );
    for (const verbose of [false, true]) {
      const r = spawnSync(
        process.execPath,
        [CLI, "run", "--config", config, ...(verbose ? ["--verbose"] : [])],
        {
          encoding: "utf8",
          timeout: 30_000,
        },
      );
      expect(r.status, r.stderr).toBe(1);
      const lines = r.stderr.trim().split("\n");
      expect(lines[0]).toContain(`cannot read tls_ca_file ${ca}`);
      if (verbose) expect(r.stderr).toMatch(/^\s+at /m);
      else expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });
});
