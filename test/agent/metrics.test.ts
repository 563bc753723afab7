import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { AgentMetrics, labelName } from "../../agent/metrics.js";
import { LatestState } from "../../agent/store/latest.js";
import { findPeer } from "../helpers/peers.js";

const descriptors = new Map([
  ["http_probe_up", { help: "1 when the application answered as expected.", type: "gauge" as const }],
  [
    "host_network_receive_bytes_total",
    { help: "Bytes received.", type: "counter" as const, labels: ["interface"] },
  ],
]);

function metricsWith(latest: LatestState) {
  return new AgentMetrics({
    site: "room-1",
    version: "1.2.3",
    latest,
    descriptors,
    databaseSizeBytes: () => 4096,
  });
}

describe("metrics", () => {
  it("exports what collectors measured at scrape time, and nothing for a collector whose run failed", async () => {
    const latest = new LatestState();
    const metrics = metricsWith(latest);
    const t = {
      key: "http:bp",
      kind: "application",
      name: "big-platform",
      labels: { system: "智慧教育大平台", "owner-team": "net" },
    };
    latest.replace("web", [{ target: t, metric: "http_probe_up", value: 1, up: true }], new Date());
    latest.replace(
      "host",
      [
        {
          target: { key: "h", kind: "host", name: "ops-01" },
          metric: "host_network_receive_bytes_total",
          labels: { interface: "eth0" },
          value: 1234,
        },
        {
          target: { key: "h", kind: "host", name: "ops-01" },
          metric: "host_network_receive_bytes_total",
          labels: { interface: "eth1" },
          value: null,
        },
      ],
      new Date(),
    );
    let text = await metrics.text();
    expect(text).toContain('opsagent_http_probe_up{collector="web",target="big-platform",site="room-1"} 1');
    expect(text).toContain("# TYPE opsagent_host_network_receive_bytes_total counter");
    expect(text).toContain(
      'opsagent_host_network_receive_bytes_total{collector="host",target="ops-01",interface="eth0",site="room-1"} 1234',
    );
    expect(text).not.toContain('interface="eth1"'); // no value measured: absent, not 0
    expect(text).toContain(
      'opsagent_target_info{system="智慧教育大平台",owner_team="net",collector="web",target="big-platform",kind="application",site="room-1"} 1',
    );
    expect(text).toContain('opsagent_store_database_size_bytes{site="room-1"} 4096');

    latest.markUnknown("web");
    text = await metrics.text();
    expect(text).not.toMatch(/^opsagent_http_probe_up\{/m);
  });

  it("escapes hostile target names so the exposition stays valid", async () => {
    const latest = new LatestState();
    const metrics = metricsWith(latest);
    const hostile = 'vm "quoted" \\ back\nslash} {x="y"}';
    latest.replace(
      "web",
      [{ target: { key: "x", kind: "vm", name: hostile }, metric: "http_probe_up", value: 0, up: false }],
      new Date(),
    );
    const text = await metrics.text();
    expect(text).toContain('target="vm \\"quoted\\" \\\\ back\\nslash} {x=\\"y\\"}"');
    const promtool = findPeer("promtool", "prometheus");
    if (promtool) {
      const check = spawnSync(promtool, ["check", "metrics"], { input: text, encoding: "utf8" });
      expect(check.stdout + check.stderr).toBe("");
      expect(check.status).toBe(0);
    }
  });

  it("turns any label key into a valid Prometheus label name", () => {
    expect(labelName("owner-team")).toBe("owner_team");
    expect(labelName("9lives")).toBe("_9lives");
    expect(labelName("系统")).toBe("__");
  });
});
