import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/tmp.js";
import { expectNoDuplicateSeries } from "../helpers/exposition.js";
import { findPeer } from "../helpers/peers.js";
import { CLI, freePort, get, waitFor } from "../helpers/agent-process.js";
import { spawn, spawnSync } from "node:child_process";

describe("ops-agent demo (npm start)", () => {
  it("runs the default config against the simulated machine room: 253 VMs, coverage, pings, platforms, MCU; stops with exit 0", async (c) => {
    if (!findPeer("fping", "fping")) return c.skip();
    const dir = tempDir();
    const port = await freePort();
    // The default config as shipped, but with its own data directory and port.
    const config = join(dir, "default.yaml");
    writeFileSync(
      config,
      readFileSync("config/default.yaml", "utf8")
        .replaceAll("127.0.0.1:9464", `127.0.0.1:${port}`)
        .replace("data_dir: ./data", `data_dir: ${join(dir, "data")}`),
    );
    // --no-history: this test is about the live agent; test/demo-history/ covers the history.
    const child = spawn(process.execPath, [CLI, "demo", "--no-history", "--config", config], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await waitFor(
        async () => {
          const body = JSON.parse((await get(port, "/healthz")).body) as {
            collectors: { last_status: string }[];
          };
          return body.collectors.length === 7 && body.collectors.every((x) => x.last_status === "ok")
            ? true
            : undefined;
        },
        40_000,
        "every collector of the default config to report a good run",
      );
      const metrics = (await get(port, "/metrics")).body;
      expect(metrics).toMatch(
        /^opsagent_vms_in_scope\{collector="vcenter",target="maintained-systems",site="default"\} 253$/m,
      );
      expect(metrics).toMatch(
        /^opsagent_vms_expected\{collector="vcenter",target="maintained-systems",site="default"\} 253$/m,
      );
      const coverage = Number(/^opsagent_antivirus_coverage_ratio\{[^}]*\} ([\d.]+)$/m.exec(metrics)?.[1]);
      expect(coverage).toBeGreaterThan(0.9);
      expect(coverage).toBeLessThan(1); // the simulated manager leaves some running VMs unprotected
      expectNoDuplicateSeries(metrics);
      const promtool = findPeer("promtool", "prometheus");
      if (promtool) {
        const check = spawnSync(promtool, ["check", "metrics"], { input: metrics, encoding: "utf8" });
        expect(check.stdout + check.stderr).toBe("");
      }
      const pingedVms =
        metrics.match(/^opsagent_icmp_probe_up\{collector="reachability",target="[a-z]+-[a-z]+-\d+"/gm) ?? [];
      expect(pingedVms.length).toBeGreaterThan(200); // the running VMs' guest IPs, from the inventory
      // The web platforms: a healthy one is up, the slow one is down (max_latency 1s, it takes 1.5 s).
      expect(metrics).toMatch(
        /^opsagent_http_probe_up\{collector="platforms",target="bigplatform"[^}]*\} 1$/m,
      );
      expect(metrics).toMatch(
        /^opsagent_http_probe_up\{collector="platforms",target="videoconf-web"[^}]*\} 0$/m,
      );
      expect(metrics).toMatch(
        /^opsagent_http_probe_up\{collector="platforms",target="ai-platform"[^}]*\} 1$/m,
      );
      // The city video-conference system: its MCU answers OPTIONS over both transports and its 300
      // school meeting rooms answer ping; the district system (busy MCU, slow web) is degraded.
      expect(metrics).toMatch(
        /^opsagent_videoconf_mcu_sip_up\{collector="videoconf",target="mcu-1",transport="udp",port="15060"[^}]*\} 1$/m,
      );
      expect(metrics).toMatch(
        /^opsagent_videoconf_mcu_sip_up\{collector="videoconf",target="mcu-1",transport="tcp",port="15060"[^}]*\} 1$/m,
      );
      expect(metrics).toMatch(
        /^opsagent_videoconf_endpoints_online_ratio\{collector="videoconf",target="市教育视频会议系统"[^}]*\} 1$/m,
      );
      expect(metrics).toMatch(
        /^opsagent_videoconf_system_health\{collector="videoconf",target="市教育视频会议系统"[^}]*\} 2$/m,
      );
      expect(metrics).toMatch(
        /^opsagent_videoconf_system_health\{collector="videoconf",target="区县互动课堂系统"[^}]*\} 1$/m,
      );
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, output).toBe(0);
    expect(output).toContain("simulated vCenter at https://127.0.0.1:19443");
  }, 90_000);
});
