import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { tempDir } from "../helpers/tmp.js";
import { CLI, freePort, get, startAgent, waitFor, writeConfig } from "../helpers/agent-process.js";

describe("maintenance windows added beside a running agent", () => {
  it("apply without a restart: /metrics shows the window and samples after the add are stored marked", async () => {
    const dir = tempDir();
    const port = await freePort();
    const refused = await freePort(); // nothing listens there: every probe is down
    const config = writeConfig(
      dir,
      port,
      `  - type: http\n    name: web\n    every: 1s\n    targets:\n      - { name: closed-app, url: "http://127.0.0.1:${refused}/", timeout: 1s }\n`,
    );
    const agent = startAgent(config);
    let addedAt = 0;
    try {
      await waitFor(
        async () => ((await get(port, "/metrics")).body.includes('target="closed-app"') ? true : undefined),
        20_000,
        "a first probe",
      );
      addedAt = Math.floor(Date.now() / 1000);
      const add = spawnSync(
        process.execPath,
        [
          CLI,
          "maintenance",
          "add",
          "e2e-window",
          "--start",
          new Date(Date.now() - 60_000).toISOString(),
          "--end",
          new Date(Date.now() + 3_600_000).toISOString(),
          "--application",
          "closed-app",
          "--note",
          "e2e",
          "--by",
          "tester",
          "-c",
          config,
        ],
        { encoding: "utf8", timeout: 20_000 },
      );
      expect(add.stderr).toBe("");
      expect(add.status).toBe(0);
      expect(add.stdout).toContain('added maintenance window "e2e-window"');

      await waitFor(
        async () =>
          /^opsagent_maintenance_active\{window="e2e-window",application="closed-app"[^}]*\} 1$/m.test(
            (await get(port, "/metrics")).body,
          )
            ? true
            : undefined,
        20_000,
        "the window in /metrics",
      );
      // A few probes inside the window.
      await new Promise((r) => setTimeout(r, 3_000));

      const list = spawnSync(process.execPath, [CLI, "maintenance", "list", "--json", "-c", config], {
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(list.status).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual([
        expect.objectContaining({ name: "e2e-window", source: "cli", created_by: "tester", open_now: true }),
      ]);
    } finally {
      agent.child.kill("SIGTERM");
    }
    const exit = await agent.exited;
    expect(exit, agent.output()).toEqual({ code: 0, signal: null });

    const db = new Database(join(dir, "data", "ops-agent.db"), { readonly: true });
    const marked = (
      db
        .prepare(
          `SELECT count(*) AS n FROM samples s JOIN series ON series.id = s.series_id
           JOIN targets t ON t.id = series.target_id
           WHERE t.name = 'closed-app' AND s.ts > ? AND (s.flags & 4) != 0`,
        )
        .get(addedAt) as { n: number }
    ).n;
    const maint = (db.prepare("SELECT sum(n_maint) AS n FROM rollup_hour").get() as { n: number | null }).n;
    db.close();
    expect(marked).toBeGreaterThan(0);
    expect(maint).toBeGreaterThan(0);
  }, 60_000);
});
