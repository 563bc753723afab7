/**
 * Commands that only read the database need none of the daemon's secrets: an operator's shell
 * has no VCENTER_PASSWORD, and `ops-agent kpi` must still answer. check-config (like run and
 * once) still refuses the same config, naming the variable.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI } from "../helpers/agent-process.js";
import { tempDir } from "../helpers/tmp.js";

function configWithUnsetSecret(): string {
  const dir = tempDir();
  const path = join(dir, "config.yaml");
  writeFileSync(
    path,
    `site: t
data_dir: ${join(dir, "data")}
http:
  listen: 127.0.0.1:0
collectors:
  - type: vcenter
    name: vcenter
    every: 5m
    url: https://127.0.0.1:19443
    username: administrator@vsphere.local
    password: \${OPS_AGENT_TEST_NEVER_SET}
    scope: { name: s, folders: [a], expected: 3 }
`,
  );
  return path;
}

function cli(args: string[]) {
  const env = { ...process.env };
  delete env.OPS_AGENT_TEST_NEVER_SET;
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env, timeout: 60_000 });
}

describe("secrets and the read-only commands", () => {
  it("kpi, report --list and incident list run without the collectors' secrets", () => {
    const config = configWithUnsetSecret();
    for (const args of [
      ["kpi", "--period", "2026-11", "--config", config],
      ["report", "--list", "--config", config],
      ["incident", "list", "--config", config],
    ]) {
      const run = cli(args);
      expect(run.stderr, args.join(" ")).not.toContain("OPS_AGENT_TEST_NEVER_SET");
      expect([0, 1], `${args.join(" ")}: ${run.stderr}`).toContain(run.status);
    }
  });

  it("check-config still refuses the config, naming the variable (exit 78)", () => {
    const run = cli(["check-config", configWithUnsetSecret()]);
    expect(run.status).toBe(78);
    expect(run.stderr).toContain(
      "collectors[0].password: environment variable OPS_AGENT_TEST_NEVER_SET is not set",
    );
  });
});
