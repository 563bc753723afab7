/**
 * The agent's memory settings (node flags and MALLOC_ARENA_MAX, why: agent/main.ts) are the same
 * wherever it is started: package.json's start script (which bench/rss.ts and the soak read), the
 * installed bin's shebang, the Dockerfile and the systemd unit.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AGENT_ENV, AGENT_NODE_FLAGS } from "../../bench/rss.js";

const read = (path: string) => readFileSync(path, "utf8");

describe("node flags and environment of the agent", () => {
  it("the start script sets some (the benchmark reads them from it)", () => {
    expect(AGENT_NODE_FLAGS.length).toBeGreaterThan(0);
    expect(Object.keys(AGENT_ENV).length).toBeGreaterThan(0);
  });

  it("the bin's shebang carries the same environment and flags", () => {
    const shebang = read("agent/main.ts").split("\n")[0]!;
    const env = Object.entries(AGENT_ENV).map(([k, v]) => `${k}=${v}`);
    expect(shebang).toBe(`#!/usr/bin/env -S ${[...env, "node", ...AGENT_NODE_FLAGS].join(" ")}`);
    // Linux before 5.1 reads 128 bytes of a script's first line (with the newline): the rest of
    // the flags would be silently dropped.
    expect(Buffer.byteLength(`${shebang}\n`)).toBeLessThanOrEqual(128);
  });

  it("the Dockerfile's ENTRYPOINT and ENV carry them", () => {
    const dockerfile = read("Dockerfile");
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(entrypoint ?? "[]")).toEqual(["node", ...AGENT_NODE_FLAGS, "dist/agent/main.js"]);
    for (const [key, value] of Object.entries(AGENT_ENV))
      expect(dockerfile).toMatch(new RegExp(`^\\s*(ENV )?${key}=${value}\\b`, "m"));
  });

  it("the systemd unit's ExecStart and Environment carry them", () => {
    const unit = read("deploy/ops-agent.service");
    const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? "";
    expect(execStart).toMatch(
      new RegExp(`^/usr/bin/node ${AGENT_NODE_FLAGS.join(" ")} /opt/ops-agent/dist/agent/main.js run\\b`),
    );
    for (const [key, value] of Object.entries(AGENT_ENV))
      expect(unit.split("\n")).toContain(`Environment=${key}=${value}`);
  });
});
