/**
 * `ops-agent check-config` (the built CLI) on configs whose secrets are wrong, as a person meets
 * them: an unset environment variable and a missing secret file behind an http target's `auth`
 * (a union of basic and bearer, which zod reported as "auth: Invalid input"), a secret file every
 * user can read, and an API token too short to resist guessing. Each is refused (exit 78) with the
 * field, the variable or file by name, and the fix; the fixed config passes.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, writeConfig } from "../helpers/agent-process.js";
import { tempDir } from "../helpers/tmp.js";

function checkConfig(path: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, "check-config", path], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
}

const httpWithAuth = (auth: string) => `  - type: http
    name: web
    targets:
      - { name: portal, url: "http://127.0.0.1:1/", auth: ${auth} }
`;

describe("check-config: secrets", () => {
  it("names an unset environment variable behind auth (not 'auth: Invalid input')", () => {
    const dir = tempDir();
    const config = writeConfig(dir, 1, httpWithAuth('{ bearer: "${OPS_AGENT_TEST_UNSET_TOKEN}" }'));
    const run = checkConfig(config);
    expect(run.status, run.stderr).toBe(78);
    expect(run.stderr).toContain(
      "collectors[0].targets[0].auth.bearer: environment variable OPS_AGENT_TEST_UNSET_TOKEN is not set",
    );
    expect(run.stderr).not.toMatch(/Invalid input/);
  });

  it("names a missing secret file behind auth.basic.password", () => {
    const dir = tempDir();
    const missing = join(dir, "no-such.password");
    const config = writeConfig(
      dir,
      1,
      httpWithAuth(`{ basic: { username: probe, password: "file:${missing}" } }`),
    );
    const run = checkConfig(config);
    expect(run.status, run.stderr).toBe(78);
    expect(run.stderr).toContain(
      `collectors[0].targets[0].auth.basic.password: cannot read secret file ${missing} (ENOENT)`,
    );
  });

  it("refuses a secret file other users can read, with its mode and the chmod; 0640 passes", () => {
    const dir = tempDir();
    const secret = join(dir, "portal.token");
    writeFileSync(secret, "a-long-enough-bearer-token\n");
    chmodSync(secret, 0o644);
    const config = writeConfig(dir, 1, httpWithAuth(`{ bearer: "file:${secret}" }`));
    const bad = checkConfig(config);
    expect(bad.status, bad.stderr).toBe(78);
    expect(bad.stderr).toContain(
      `collectors[0].targets[0].auth.bearer: secret file ${secret} is readable by every user (mode 0644); run chmod 0640 ${secret}`,
    );
    expect(bad.stderr).not.toContain("a-long-enough-bearer-token");
    chmodSync(secret, 0o640);
    const good = checkConfig(config);
    expect(good.status, good.stderr).toBe(0);
  });

  it("refuses an API token shorter than 16 characters, without printing it", () => {
    const dir = tempDir();
    const config = writeConfig(dir, 1, "  []\n", 'incidents:\n  api_token: "${OPS_AGENT_TEST_API_TOKEN}"\n');
    const bad = checkConfig(config, { OPS_AGENT_TEST_API_TOKEN: "hunter2-short" });
    expect(bad.status, bad.stderr).toBe(78);
    expect(bad.stderr).toContain(
      "incidents.api_token: the token from env OPS_AGENT_TEST_API_TOKEN has 13 characters, fewer than 16",
    );
    expect(bad.stderr).not.toContain("hunter2-short");
    const good = checkConfig(config, { OPS_AGENT_TEST_API_TOKEN: "0123456789abcdef" });
    expect(good.status, good.stderr).toBe(0);
  });
});
