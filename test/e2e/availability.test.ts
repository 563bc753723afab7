import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { tempDir } from "../helpers/tmp.js";
import { CLI, freePort, get, startAgent, waitFor, writeConfig } from "../helpers/agent-process.js";

describe("ops-agent availability", () => {
  it("prints each application's availability per window from the store, with the accounting rule", async () => {
    const dir = tempDir();
    const port = await freePort();
    const closed = await freePort();
    const config = writeConfig(
      dir,
      port,
      `  - type: http
    name: web
    every: 1s
    targets:
      - { name: healthz, url: "http://127.0.0.1:${port}/healthz", timeout: 2s }
      - { name: closed, url: "http://127.0.0.1:${closed}/", timeout: 2s }
`,
    );
    const agent = startAgent(config);
    try {
      await waitFor(async () => ((await get(port, "/healthz")).status === 200 ? true : undefined));
      await new Promise((r) => setTimeout(r, 3_000));
    } finally {
      agent.child.kill("SIGTERM");
    }
    expect((await agent.exited).code).toBe(0);

    const run = spawnSync(
      process.execPath,
      [CLI, "availability", "--config", config, "--window", "day", "--json"],
      {
        encoding: "utf8",
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      rule: string;
      windows: {
        window: string;
        overall: number;
        applications: { application: string; ratio: number; up: number; down: number }[];
      }[];
    };
    expect(out.rule).toContain("up samples ÷ (all samples − samples inside maintenance windows)");
    const [day] = out.windows;
    const by = Object.fromEntries(day!.applications.map((a) => [a.application, a]));
    expect(by.healthz!.ratio).toBe(1);
    expect(by.healthz!.up).toBeGreaterThanOrEqual(3);
    expect(by.closed!.ratio).toBe(0);
    expect(day!.overall).toBe(0.5);

    const table = spawnSync(process.execPath, [CLI, "availability", "--config", config], {
      encoding: "utf8",
    });
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^day\s+healthz\s+100\.000%/m);
    expect(table.stdout).toMatch(/^year_to_date\s+\(mean\)\s+50\.000%/m);
    expect(table.stdout).toContain("time without samples (agent down, collector failed) is unknown");
  }, 60_000);
});
