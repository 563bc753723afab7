import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { tempDir } from "../helpers/tmp.js";
import { expectNoDuplicateSeries } from "../helpers/exposition.js";
import { findPeer } from "../helpers/peers.js";
import { CLI, freePort, get, startAgent, waitFor, writeConfig } from "../helpers/agent-process.js";

const hostAndSelf = (port: number) => `  - type: host
    every: 1s
  - type: http
    name: self
    every: 1s
    targets:
      - { name: agent-healthz, url: "http://127.0.0.1:${port}/healthz", timeout: 2s }
`;

describe("the agent as a process", () => {
  it("runs, serves /healthz and metrics that pass promtool, stops on SIGTERM with exit 0 and an intact database", async () => {
    const dir = tempDir();
    const port = await freePort();
    const config = writeConfig(dir, port, hostAndSelf(port));
    const agent = startAgent(config);
    try {
      const health = await waitFor(
        async () => {
          const r = await get(port, "/healthz");
          const body = JSON.parse(r.body) as { collectors: { last_status: string }[] };
          return body.collectors.every((c) => c.last_status === "ok") ? r : undefined;
        },
        20_000,
        "both collectors to report a good run",
      );
      expect(health.status).toBe(200);
      // Let a few scheduled ticks pass so the store holds several batches.
      await new Promise((r) => setTimeout(r, 2_500));
      const metrics = await get(port, "/metrics");
      expect(metrics.status).toBe(200);
      expect(metrics.body).toMatch(
        /^opsagent_http_probe_up\{collector="self",target="agent-healthz",site="e2e"\} 1$/m,
      );
      expect(metrics.body).toMatch(
        /^opsagent_host_memory_total_bytes\{collector="host",target="[^"]+",site="e2e"\} \d+/m,
      );
      expect(metrics.body).toMatch(
        /^opsagent_collector_runs_total\{collector="host",type="host",result="ok",site="e2e"\} \d+/m,
      );
      // What the stale alert judges against (dashboards/rules): the schedule, in seconds.
      expect(metrics.body).toMatch(/^opsagent_collector_interval_seconds\{collector="host",site="e2e"\} 1$/m);

      expectNoDuplicateSeries(metrics.body);
      const promtool = findPeer("promtool", "prometheus");
      if (promtool) {
        const check = spawnSync(promtool, ["check", "metrics"], { input: metrics.body, encoding: "utf8" });
        expect(check.stdout + check.stderr).toBe("");
        expect(check.status).toBe(0);
      }
    } finally {
      agent.child.kill("SIGTERM");
    }
    const exit = await agent.exited;
    expect(exit, agent.output()).toEqual({ code: 0, signal: null });
    expect(agent.output()).toContain("stopped; database closed");

    const db = new Database(join(dir, "data", "ops-agent.db"), { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const samples = (db.prepare("SELECT count(*) AS n FROM samples").get() as { n: number }).n;
    const runs = db
      .prepare(
        "SELECT collector, count(*) AS n FROM collector_runs WHERE status = 'ok' GROUP BY collector ORDER BY collector",
      )
      .all();
    const rolled = (db.prepare("SELECT sum(n) AS n FROM rollup_hour").get() as { n: number }).n;
    db.close();
    expect(samples).toBeGreaterThan(20);
    expect(rolled).toBe(samples); // shutdown flushed every pending rollup
    expect(runs).toEqual([
      { collector: "host", n: expect.any(Number) },
      { collector: "self", n: expect.any(Number) },
    ]);
  }, 60_000);

  it("reloads on SIGHUP; a config with errors is rejected and the running one kept", async () => {
    const dir = tempDir();
    const port = await freePort();
    const config = writeConfig(dir, port, hostAndSelf(port));
    const agent = startAgent(config);
    try {
      await waitFor(async () => ((await get(port, "/healthz")).status === 200 ? true : undefined));
      writeFileSync(
        config,
        readFileSync(config, "utf8").replace("every: 1s\n  - type: http", "every: ten\n  - type: http"),
      );
      agent.child.kill("SIGHUP");
      await waitFor(
        async () => (agent.output().includes("new configuration rejected") ? true : undefined),
        10_000,
        "rejection",
      );
      expect(agent.output()).toContain(
        'collectors[0].every: expected a duration like \\"10s\\", \\"5m\\" or \\"35d\\", got \\"ten\\"',
      );
      const names = async () =>
        (JSON.parse((await get(port, "/healthz")).body) as { collectors: { name: string }[] }).collectors.map(
          (c) => c.name,
        );
      expect(await names()).toEqual(["host", "self"]);

      writeConfig(dir, port, `  - type: host\n    name: machine\n    every: 1s\n`);
      agent.child.kill("SIGHUP");
      await waitFor(
        async () => ((await names()).join() === "machine" ? true : undefined),
        10_000,
        "the reloaded collectors",
      );
      // The new collector's samples appear, and the removed one's go: at once, or once a run of it
      // still in flight at the swap has finished (the agent drops what that run left behind).
      const metrics = await waitFor(
        async () => {
          const body = (await get(port, "/metrics")).body;
          return /^opsagent_host_memory_total_bytes\{collector="machine"/m.test(body) &&
            !/opsagent_http_probe_up\{/.test(body)
            ? body
            : undefined;
        },
        10_000,
        "the reloaded collector's samples without the removed one's",
      );
      // A removed collector's own series go too (its interval would otherwise feed the stale alert).
      expect(metrics).not.toMatch(/^opsagent_collector_interval_seconds\{collector="self"/m);
      expect(metrics).toMatch(/^opsagent_collector_interval_seconds\{collector="machine",site="e2e"\} 1$/m);

      // Valid YAML, but a collector that cannot be created: the running configuration stays.
      writeConfig(
        dir,
        port,
        `  - type: http\n    tls_ca_file: ${join(dir, "missing-ca.pem")}\n    targets: [{ name: x, url: "https://127.0.0.1:1/" }]\n`,
      );
      agent.child.kill("SIGHUP");
      await waitFor(
        async () => (agent.output().includes("cannot read tls_ca_file") ? true : undefined),
        10_000,
        "the second rejection",
      );
      expect(await names()).toEqual(["machine"]);

      // A new listen address: the agent moves to it.
      const port2 = await freePort();
      writeConfig(dir, port2, `  - type: host\n    name: machine\n    every: 1s\n`);
      agent.child.kill("SIGHUP");
      await waitFor(
        async () => ((await get(port2, "/healthz")).status === 200 ? true : undefined),
        10_000,
        "the new port",
      );
      await expect(get(port, "/healthz")).rejects.toThrow();
    } finally {
      agent.child.kill("SIGTERM");
    }
    expect((await agent.exited).code).toBe(0);
  }, 60_000);

  it("refuses to start a second agent on the same database, naming the holder", async () => {
    const dir = tempDir();
    const port = await freePort();
    const config = writeConfig(dir, port, `  - type: host\n`);
    const first = startAgent(config);
    try {
      await waitFor(async () => ((await get(port, "/healthz")).status === 200 ? true : undefined));
      const second = spawnSync(process.execPath, [CLI, "run", "--config", config], {
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(second.status).toBe(75);
      expect(second.stderr).toContain(`is in use by another ops-agent (pid ${first.child.pid} on `);
    } finally {
      first.child.kill("SIGTERM");
    }
    expect((await first.exited).code).toBe(0);
  }, 60_000);

  it("refuses a corrupt database with one clear message and leaves the file as it was", () => {
    const dir = tempDir();
    const config = writeConfig(dir, 1, `  - type: host\n`);
    const dbPath = join(dir, "data", "ops-agent.db");
    spawnSync("mkdir", ["-p", join(dir, "data")]);
    writeFileSync(dbPath, Buffer.alloc(8192, 0x42));
    const before = createHash("sha256").update(readFileSync(dbPath)).digest("hex");
    const run = spawnSync(process.execPath, [CLI, "run", "--config", config], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      `ops-agent: ${dbPath} is not an SQLite database (SQLITE_NOTADB). The agent did not start and did not change the file. Point store.path at the agent's database, or move this file away to start a new one.`,
    );
    expect(createHash("sha256").update(readFileSync(dbPath)).digest("hex")).toBe(before);
  });

  it("check-config prints every error with its field and exits 78", () => {
    const dir = tempDir();
    const config = join(dir, "bad.yaml");
    writeFileSync(
      config,
      "site: e2e\nhttp:\n  listen: nowhere\ncollectors:\n  - type: host\n    timeout: ten\n    colour: blue\n",
    );
    const run = spawnSync(process.execPath, [CLI, "check-config", config], { encoding: "utf8" });
    expect(run.status).toBe(78);
    expect(run.stderr).toBe(
      `${config}: 3 errors\n` +
        `  http.listen: expected host:port like "127.0.0.1:9464" or "[::1]:9464", got "nowhere"\n` +
        `  collectors[0].timeout: expected a duration like "10s", "5m" or "35d", got "ten"\n` +
        `  collectors[0].colour: unknown option; remove it or correct its spelling (config/example.yaml lists every option)\n`,
    );
    const good = spawnSync(process.execPath, [CLI, "check-config", "config/default.yaml"], {
      encoding: "utf8",
    });
    expect(good.status).toBe(0);
    expect(good.stdout).toContain("config/default.yaml: valid");
  });
});

describe("ops-agent once", () => {
  it("runs every collector once and prints a table of what it measured, writing nothing", async () => {
    const dir = tempDir();
    const port = await freePort();
    const config = writeConfig(
      dir,
      port,
      `  - type: host\n  - type: http\n    name: web\n    targets:\n      - { name: closed-port, url: "http://127.0.0.1:${port}/", timeout: 2s }\n`,
    );
    const run = spawnSync(process.execPath, [CLI, "once", "--config", config], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^COLLECTOR\s+TARGET\s+METRIC\s+LABELS\s+VALUE\s+STATE$/);
    expect(run.stdout).toMatch(/^host\s+\S+\s+host_memory_total_bytes\s+[\d.]+ GiB/m);
    expect(run.stdout).toMatch(/^web\s+closed-port\s+http_probe_up\s+0\s+down \(connect: /m);
    expect(run.stdout).toMatch(/^host: ok, \d+ samples in \d+ ms$/m);
    expect(existsSync(join(dir, "data", "ops-agent.db"))).toBe(false);
  });

  it("check-config names an unreadable file and exits 78", () => {
    const run = spawnSync(process.execPath, [CLI, "check-config", "/nonexistent/ops-agent.yaml"], {
      encoding: "utf8",
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toBe(
      "/nonexistent/ops-agent.yaml: 1 error\n  cannot read config file: ENOENT: no such file or directory, open '/nonexistent/ops-agent.yaml'; pass --config with the path of your YAML file\n",
    );
  });
});
