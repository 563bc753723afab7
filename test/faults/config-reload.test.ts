/**
 * Fault: the config file is edited into something broken and the agent is told to reload (SIGHUP),
 * or checked with `ops-agent check-config`. A config with errors must be rejected with its errors
 * logged and the running one kept (README: "a config with errors is rejected and the running one
 * kept"); check-config must exit 78 with the error. Found by test/fuzz/config.test.ts: a YAML alias
 * whose anchor is missing makes the loader throw instead.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, freePort, get, startAgent, waitFor, writeConfig } from "../helpers/agent-process.js";
import { tempDir } from "../helpers/tmp.js";

describe("fault: a broken config on reload", () => {
  it("a config with an invalid value on SIGHUP is rejected and the agent keeps running", async () => {
    const dir = tempDir();
    const port = await freePort();
    const config = writeConfig(dir, port, "  - type: host\n    every: 1s\n");
    const agent = startAgent(config);
    try {
      await waitFor(
        async () => ((await get(port, "/healthz")).status === 200 ? true : undefined),
        30_000,
        "/healthz 200",
      );
      writeFileSync(config, "site: e2e\ncollectors:\n  - type: host\n    every: soon\n");
      agent.child.kill("SIGHUP");
      await waitFor(
        async () => (agent.output().includes("new configuration rejected") ? true : undefined),
        15_000,
        "the rejection logged",
      );
      expect((await get(port, "/healthz")).status).toBe(200);
    } finally {
      agent.child.kill("SIGTERM");
    }
    expect((await agent.exited).code).toBe(0);
  }, 60_000);

  // Regression (was a bug, fixed): ; called from agent/cli/run.ts line 54 in the SIGHUP handler, without a try): a config whose YAML has an alias without its anchor ("site: *a") makes loadConfigF…
  it("a YAML alias without its anchor on SIGHUP does not take the agent down", async () => {
    const dir = tempDir();
    const port = await freePort();
    const config = writeConfig(dir, port, "  - type: host\n    every: 1s\n");
    const agent = startAgent(config);
    try {
      await waitFor(
        async () => ((await get(port, "/healthz")).status === 200 ? true : undefined),
        30_000,
        "/healthz 200",
      );
      writeFileSync(config, "site: *a\ncollectors:\n  - type: host\n");
      agent.child.kill("SIGHUP");
      await waitFor(
        async () =>
          agent.output().includes("new configuration rejected") || agent.child.exitCode !== null
            ? true
            : undefined,
        15_000,
        "the reload handled",
      );
      expect(agent.child.exitCode, agent.output().slice(-1_000)).toBeNull();
      expect((await get(port, "/healthz")).status).toBe(200);
    } finally {
      if (agent.child.exitCode === null) agent.child.kill("SIGTERM");
      await agent.exited;
    }
  }, 60_000);

  // Regression (was a bug, fixed): `ops-agent check-config` on such a file dies with a stack trace and exit 1 instead of printing the error with its line and exiting 78 (EX_CONFIG).
  it("check-config on a YAML alias without its anchor exits 78 with one error line", () => {
    const file = join(tempDir(), "alias.yaml");
    writeFileSync(file, "site: *a\n");
    const run = spawnSync(process.execPath, [CLI, "check-config", file], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr + run.stdout).not.toMatch(/^\s+at /m);
  });
});
