import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { tempDir } from "../helpers/tmp.js";
import { CLI, freePort, get, startAgent, waitFor, writeConfig } from "../helpers/agent-process.js";

/** An agent probing its own /healthz (with `healthzOptions`) and a closed port, every second. */
async function agentWithTwoTargets(healthzOptions: string): Promise<{ port: number; config: string }> {
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
      - { name: healthz, url: "http://127.0.0.1:${port}/healthz", timeout: 2s${healthzOptions} }
      - { name: closed, url: "http://127.0.0.1:${closed}/", timeout: 2s }
`,
  );
  return { port, config };
}

describe("ops-agent availability", () => {
  it("prints each application's availability per window from the store, with the accounting rule", async () => {
    // The agent's own /healthz stands in for an application that is up: counted on purpose here.
    const { port, config } = await agentWithTwoTargets(", counts_toward_availability: true");
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
      rule: { zh: string; en: string };
      windows: {
        window: string;
        overall: number;
        applications: { application: string; ratio: number; up: number; down: number }[];
      }[];
    };
    expect(out.rule.en).toContain("up samples ÷ (all samples − samples inside maintenance windows)");
    expect(out.rule.zh).toContain("各应用可用率 = 正常采样数 ÷（全部采样数 − 维护窗口内采样数）");
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
    // The human output is Chinese first: the rule (口径) as the documents print it.
    expect(table.stdout).toContain("口径：各应用可用率 = 正常采样数 ÷（全部采样数 − 维护窗口内采样数）");
    expect(table.stdout).toContain("无采样的时段（代理停机、采集失败）记为未知");
  }, 60_000);

  it("beside the running agent, before it flushes a rollup, the CLI sees every stored probe; with none yet it says when the first figure comes", async () => {
    const { port, config } = await agentWithTwoTargets("");
    const availability = () => {
      const run = spawnSync(
        process.execPath,
        [CLI, "availability", "--config", config, "--window", "day", "--json"],
        {
          encoding: "utf8",
        },
      );
      expect(run.status, run.stderr).toBe(0);
      return (
        JSON.parse(run.stdout) as {
          windows: {
            overall: number | null;
            how: { zh: string; en: string };
            applications: { application: string; down: number }[];
          }[];
        }
      ).windows[0]!;
    };
    // Before the agent ever ran: no data, and when the first figure will appear.
    const before = availability();
    expect(before.overall).toBeNull();
    expect(before.how.en).toContain("the first figure appears after the first run of web (every 1s)");
    expect(before.how.zh).toContain("代理运行后，“web”（每1秒）首次采集完成即出现第一个数值");
    const agent = startAgent(config);
    try {
      await waitFor(async () => ((await get(port, "/healthz")).status === 200 ? true : undefined));
      // The agent keeps its rollup deltas 10 minutes (store.rollup_flush_interval); the CLI must
      // see its probes within seconds all the same. The self-probe (its own /healthz) is not an
      // education application: only "closed" counts.
      const seen = await waitFor(
        async () => {
          const day = availability();
          const down = day.applications.find((a) => a.application === "closed")?.down ?? 0;
          return down >= 2 ? day : undefined;
        },
        20_000,
        "the CLI to see the running agent's probes",
      );
      expect(seen.applications.map((a) => a.application)).toEqual(["closed"]);
      expect(seen.overall).toBe(0);
    } finally {
      agent.child.kill("SIGTERM");
    }
    expect((await agent.exited).code).toBe(0);
  }, 60_000);
});
