import { describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { escapeHelp, escapeLabelValue, formatSampleValue } from "../../agent/exposition.js";
import { AgentMetrics, METRIC_PREFIX, labelName } from "../../agent/metrics.js";
import { LatestState } from "../../agent/store/latest.js";
import { hostMetrics } from "../../collectors/host/metrics.js";
import { httpMetrics } from "../../collectors/http/metrics.js";
import type { MetricDescriptor, Sample, TargetRef } from "../../collectors/types.js";
import { promtoolCheck } from "../helpers/exposition.js";

const descriptors = new Map([
  ["http_probe_up", { help: "1 when the application answered as expected.", type: "gauge" as const }],
  [
    "host_network_receive_bytes_total",
    { help: "Bytes received.", type: "counter" as const, labels: ["interface"] },
  ],
]);

function metricsWith(
  latest: LatestState,
  descriptorMap: ReadonlyMap<string, MetricDescriptor> = descriptors,
) {
  return new AgentMetrics({
    site: "room-1",
    version: "1.2.3",
    latest,
    descriptors: descriptorMap,
    databaseSizeBytes: () => 4096,
  });
}

const sampleLines = (text: string) => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
const family = (text: string, name: string) => sampleLines(text).filter((l) => l.startsWith(`${name}{`));

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
    const check = promtoolCheck(text);
    if (check) expect(check).toEqual({ output: "", status: 0 });
  });

  it("turns any label key into a valid Prometheus label name", () => {
    expect(labelName("owner-team")).toBe("owner_team");
    expect(labelName("9lives")).toBe("_9lives");
    expect(labelName("系统")).toBe("__");
  });
  it("renders a collector's lines once per run: scrapes reuse them until replace(), markUnknown() or retain()", async () => {
    const latest = new LatestState();
    const metrics = metricsWith(latest);
    const t = new Date();
    const web = { key: "w", kind: "application", name: "portal" };
    const host = { key: "h", kind: "host", name: "ops-01" };
    const hostRun = (bytes: number): Sample[] => [
      {
        target: host,
        metric: "host_network_receive_bytes_total",
        labels: { interface: "eth0" },
        value: bytes,
      },
    ];
    latest.replace("web", [{ target: web, metric: "http_probe_up", value: 1 }], t);
    latest.replace("host", hostRun(10), t);
    const first = await metrics.text();
    expect(metrics.exposition.renderCount).toBe(2);
    const collectorPart = metrics.exposition.text();
    expect(first.endsWith(collectorPart)).toBe(true);
    for (let i = 0; i < 3; i++) expect((await metrics.text()).endsWith(collectorPart)).toBe(true);
    expect(metrics.exposition.renderCount).toBe(2); // nothing changed: nothing rendered
    // … and nothing encoded: scrapes send the same bytes (and their gzip, once made).
    const piece = metrics.exposition.piece();
    expect(metrics.exposition.piece()).toBe(piece);
    expect((await metrics.body()).at(-1)).toBe(piece);

    latest.replace("web", [{ target: web, metric: "http_probe_up", value: 0 }], t);
    expect(metrics.exposition.piece()).not.toBe(piece);
    let text = await metrics.text();
    expect(metrics.exposition.renderCount).toBe(3); // only web: host's lines are reused
    expect(text).toContain('opsagent_http_probe_up{collector="web",target="portal",site="room-1"} 0');
    expect(text).not.toContain('opsagent_http_probe_up{collector="web",target="portal",site="room-1"} 1');
    expect(text).toContain('interface="eth0",site="room-1"} 10');

    latest.markUnknown("host");
    text = await metrics.text();
    expect(metrics.exposition.renderCount).toBe(3);
    expect(text).not.toMatch(/^opsagent_host_network_receive_bytes_total\{/m);
    expect(text).not.toContain("# HELP opsagent_host_network_receive_bytes_total"); // empty family: left out
    expect(text).not.toContain('collector="host"');

    latest.replace("host", hostRun(20), t);
    text = await metrics.text();
    expect(metrics.exposition.renderCount).toBe(4);
    expect(text).toContain('interface="eth0",site="room-1"} 20');

    latest.retain(new Set(["web"]));
    text = await metrics.text();
    expect(metrics.exposition.renderCount).toBe(4);
    expect(text).not.toContain('collector="host"');
    expect(family(text, "opsagent_target_info")).toEqual([
      'opsagent_target_info{collector="web",target="portal",kind="application",site="room-1"} 1',
    ]);

    latest.markUnknown("web");
    expect(metrics.exposition.text()).toBe("");
    text = await metrics.text();
    expect(text).not.toContain("opsagent_target_info");
    expect(text).not.toContain("opsagent_http_probe_up");
    expect(text).toContain("opsagent_collector_up"); // the agent's own metrics are still there
  });

  it("escapes hostile label values and keys in sample and target labels, and HELP text", async () => {
    const latest = new LatestState();
    const odd = new Map<string, MetricDescriptor>([
      ...descriptors,
      ["odd_ratio", { help: 'Path C:\\temp\nsecond "line" } done', type: "gauge", labels: ["mount"] }],
    ]);
    const metrics = metricsWith(latest, odd);
    const hostile = 'a "b" \\ c\nd} {e="f"}';
    const target: TargetRef = {
      key: "x",
      kind: 'k"ind',
      name: "name\\",
      labels: { "owner-team": hostile, "9lives": "\n", site: 'room-"2"' },
    };
    latest.replace(
      'c"1',
      [{ target, metric: "odd_ratio", labels: { mount: hostile }, value: 0.5 }],
      new Date(),
    );
    const text = await metrics.text();
    const escaped = 'a \\"b\\" \\\\ c\\nd} {e=\\"f\\"}';
    expect(text).toContain(
      '# HELP opsagent_odd_ratio Path C:\\\\temp\\nsecond "line" } done\n# TYPE opsagent_odd_ratio gauge\n',
    );
    expect(family(text, "opsagent_odd_ratio")).toEqual([
      `opsagent_odd_ratio{collector="c\\"1",target="name\\\\",mount="${escaped}",site="room-1"} 0.5`,
    ]);
    // The target's own site label wins over the agent's (as prom-client's default labels did).
    expect(family(text, "opsagent_target_info")).toEqual([
      `opsagent_target_info{owner_team="${escaped}",_9lives="\\n",site="room-\\"2\\"",collector="c\\"1",target="name\\\\",kind="k\\"ind"} 1`,
    ]);
    const check = promtoolCheck(text);
    if (check) expect(check).toEqual({ output: "", status: 0 });
  });

  it("escapes and formats per text format 0.0.4", () => {
    expect(escapeLabelValue('a\\b"c\nd}')).toBe('a\\\\b\\"c\\nd}');
    expect(escapeLabelValue("plain 智慧")).toBe("plain 智慧");
    expect(escapeHelp('a\\b\n"c"')).toBe('a\\\\b\\n"c"');
    expect(formatSampleValue(1e21)).toBe("1e+21");
    expect(formatSampleValue(-0)).toBe("0");
    expect(formatSampleValue(5e-7)).toBe("5e-7");
    expect(formatSampleValue(-1.5)).toBe("-1.5");
    expect(formatSampleValue(123456789012)).toBe("123456789012");
    expect(formatSampleValue(Number.MAX_VALUE)).toBe("1.7976931348623157e+308");
    expect(formatSampleValue(Number.NaN)).toBe("NaN");
    expect(formatSampleValue(Infinity)).toBe("+Inf");
    expect(formatSampleValue(-Infinity)).toBe("-Inf");
  });

  it("writes the same series as the prom-client formatter did, and a mixed exposition passes promtool", async () => {
    const all = new Map<string, MetricDescriptor>([
      ...Object.entries(hostMetrics),
      ...Object.entries(httpMetrics),
    ]);
    const latest = new LatestState();
    const metrics = metricsWith(latest, all);
    const t = new Date();
    const host: TargetRef = {
      key: "host:ops-01",
      kind: "host",
      name: "ops-01",
      labels: { site: "machine-room-1" },
    };
    const hostSamples: Sample[] = [];
    const values = [1e21, -0, 5e-7, 0.1 + 0.2, 123456789012, 42];
    let i = 0;
    for (const [metric, d] of Object.entries(hostMetrics) as [string, MetricDescriptor][]) {
      const labelSets =
        d.labels?.includes("mount") === true
          ? [
              { mount: "/", device: "/dev/sda1", fstype: "xfs" },
              { mount: '/srv/"x"\\y', device: "d", fstype: "ext4" },
            ]
          : d.labels?.includes("interface") === true
            ? [{ interface: "eth0" }, { interface: "bond0" }]
            : [{}];
      for (const labels of labelSets)
        hostSamples.push({ target: host, metric, labels, value: values[i++ % values.length]! });
    }
    latest.replace("host", hostSamples, t);
    const http: Sample[] = [];
    for (let n = 0; n < 20; n++) {
      const target: TargetRef = {
        key: `http:${n}`,
        kind: "endpoint",
        name: n === 3 ? 'app "3"\n} \\' : `app-${n}`,
        labels: { system: `系统-${n % 3}`, "owner-team": `team-${n % 2}` },
      };
      http.push({ target, metric: "http_probe_up", value: n % 7 === 0 ? 0 : 1 });
      http.push({ target, metric: "http_probe_duration_seconds", value: 0.01 * n });
    }
    // Labels that clash with the agent's own or with each other once sanitised: the last wins, in
    // place, exactly as with prom-client.
    const clash: TargetRef = {
      key: "clash",
      kind: "vm",
      name: "clash",
      labels: { kind: "k", "a-b": "1", a_b: "2" },
    };
    http.push({
      target: clash,
      metric: "http_probe_status_code",
      labels: { collector: "spoof", "x-y": "1", x_y: "2" },
      value: 200,
    });
    latest.replace("web", http, t);
    metrics.runDuration.observe({ collector: "web", type: "http" }, 0.2);
    metrics.runs.inc({ collector: "web", type: "http", result: "ok" });
    metrics.runs.inc({ collector: "host", type: "host", result: "failed" });
    metrics.ticksSkipped.inc({ collector: "host" });
    metrics.samplesWritten.inc({ collector: "web" }, 40);
    metrics.storeWriteErrors.inc({ collector: "web" });
    metrics.lastSuccess.set({ collector: "web" }, 1_780_000_000);
    metrics.collectorUp.set({ collector: "web" }, 1);

    const text = await metrics.text();
    const types = text.split("\n").filter((l) => l.startsWith("# TYPE "));
    expect(new Set(types.map((l) => l.split(" ")[2])).size).toBe(types.length); // no duplicate families
    expect(text).toContain(
      'opsagent_collector_runs_total{collector="web",type="http",result="ok",site="room-1"} 1',
    );

    const reference = await promClientReference(latest, all, "room-1");
    const collectorFamilies = new Set([
      `${METRIC_PREFIX}target_info`,
      ...[...all.keys()].map((m) => `${METRIC_PREFIX}${m}`),
    ]);
    const ours = sampleLines(text).filter((l) => collectorFamilies.has(l.slice(0, l.indexOf("{"))));
    expect(ours.length).toBe(hostSamples.length + http.length + 1 + 21);
    expect([...ours].sort()).toEqual(sampleLines(reference).sort());
    for (const line of text
      .split("\n")
      .filter((l) => l.startsWith("# ") && collectorFamilies.has(l.split(" ")[2]!)))
      expect(reference).toContain(`${line}\n`);

    const check = promtoolCheck(text);
    if (check) expect(check).toEqual({ output: "", status: 0 });
  });

  it("refuses a plugin metric that would duplicate one of the agent's own families", () => {
    const latest = new LatestState();
    for (const name of ["collector_up", "collector_run_duration_seconds_count", "target_info"]) {
      expect(() => metricsWith(latest, new Map([[name, { help: "x", type: "gauge" as const }]]))).toThrow(
        /is already one of the agent's own metrics/,
      );
    }
  });
});

/** What the agent wrote before its own writer: the collector metrics as prom-client metrics. */
async function promClientReference(
  latest: LatestState,
  descriptorMap: ReadonlyMap<string, MetricDescriptor>,
  site: string,
): Promise<string> {
  const registry = new Registry();
  registry.setDefaultLabels({ site });
  type Value = { value: number; labels: Record<string, string> };
  const register = (name: string, help: string, type: string, values: () => Value[]) =>
    registry.registerMetric({
      name,
      help,
      type,
      aggregator: "sum",
      reset() {},
      get: async () => ({ name, help, type, aggregator: "sum", values: values() }),
    } as never);
  register(
    `${METRIC_PREFIX}target_info`,
    "Always 1: each target a collector currently measures, with its kind and descriptive labels.",
    "gauge",
    () => {
      const seen = new Map<string, Value>();
      for (const list of latest.byMetric().values()) {
        for (const v of list) {
          const key = `${v.collector}\u0000${v.target.key}`;
          if (seen.has(key)) continue;
          const labels: Record<string, string> = {};
          for (const [k, value] of Object.entries(v.target.labels ?? {})) labels[labelName(k)] = value;
          Object.assign(labels, { collector: v.collector, target: v.target.name, kind: v.target.kind });
          seen.set(key, { value: 1, labels });
        }
      }
      return [...seen.values()];
    },
  );
  for (const [metric, d] of descriptorMap) {
    register(`${METRIC_PREFIX}${metric}`, d.help, d.type, () =>
      (latest.byMetric().get(metric) ?? []).map((v) => {
        const labels: Record<string, string> = { collector: v.collector, target: v.target.name };
        for (const [key, value] of Object.entries(v.labels)) labels[labelName(key)] = value;
        return { value: v.value, labels };
      }),
    );
  }
  return registry.metrics();
}
