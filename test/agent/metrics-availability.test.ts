import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { Gauge, Registry } from "prom-client";
import type { AvailabilitySnapshot } from "../../agent/kpi/availability-report.js";
import { AgentMetrics } from "../../agent/metrics.js";
import { AVAILABILITY_FAMILIES, AvailabilityExposition } from "../../agent/metrics-availability.js";
import { LatestState } from "../../agent/store/latest.js";
import { findPeer } from "../helpers/peers.js";

function metricsFor(site = "room-1") {
  return new AgentMetrics({
    site,
    version: "1.2.3",
    latest: new LatestState(),
    descriptors: new Map(),
    databaseSizeBytes: () => 4096,
  });
}

/** What the prom-client gauges the agent used before wrote for a snapshot: the reference. */
async function promClientText(snapshot: AvailabilitySnapshot, site: string): Promise<string> {
  const registry = new Registry();
  registry.setDefaultLabels({ site });
  const registers = [registry];
  const ratio = new Gauge({
    name: `opsagent_${AVAILABILITY_FAMILIES.ratio.name}`,
    help: AVAILABILITY_FAMILIES.ratio.help,
    labelNames: ["application", "window"],
    registers,
  });
  const coverage = new Gauge({
    name: `opsagent_${AVAILABILITY_FAMILIES.coverage.name}`,
    help: AVAILABILITY_FAMILIES.coverage.help,
    labelNames: ["application", "window"],
    registers,
  });
  const budget = new Gauge({
    name: `opsagent_${AVAILABILITY_FAMILIES.budget.name}`,
    help: AVAILABILITY_FAMILIES.budget.help,
    labelNames: ["application"],
    registers,
  });
  for (const f of snapshot.figures)
    if (f.ratio !== null) ratio.set({ application: f.application, window: f.window }, f.ratio);
  for (const o of snapshot.overall)
    if (o.ratio !== null) ratio.set({ application: "*", window: o.window }, o.ratio);
  for (const f of snapshot.figures)
    coverage.set({ application: f.application, window: f.window }, f.coverage);
  for (const f of snapshot.figures)
    if (f.budgetLeftMinutes !== undefined)
      budget.set({ application: f.application }, f.budgetLeftMinutes * 60);
  return registry.metrics();
}

/** The availability families of a full /metrics text, in the layout registry.metrics() writes. */
function availabilityPart(text: string): string {
  const names = Object.values(AVAILABILITY_FAMILIES).map((f) => `opsagent_${f.name}`);
  const blocks = text.split("\n\n").map((b) => b.replace(/^\n+|\n+$/g, ""));
  return `${blocks.filter((b) => names.some((n) => b.startsWith(`# HELP ${n} `))).join("\n\n")}\n`;
}

const snapshot: AvailabilitySnapshot = {
  figures: [
    { application: "portal", window: "day", ratio: 0.5, coverage: 1 },
    { application: 'odd "app"\\ \n名', window: "day", ratio: null, coverage: 0 },
    { application: "portal", window: "year_to_date", ratio: 0.999, coverage: 0.25, budgetLeftMinutes: 1.5 },
    {
      application: 'odd "app"\\ \n名',
      window: "year_to_date",
      ratio: 1,
      coverage: 1 / 3,
      budgetLeftMinutes: -20,
    },
  ],
  overall: [
    { window: "day", ratio: 0.5 },
    { window: "year_to_date", ratio: null },
  ],
};

describe("availability metrics", () => {
  it("writes the lines the prom-client gauges wrote: labels, escaping, site last, no null ratio", async () => {
    const metrics = metricsFor('room "1"');
    metrics.trackAvailability(() => snapshot);
    const text = await metrics.text();
    expect(availabilityPart(text)).toBe(await promClientText(snapshot, 'room "1"'));
    expect(text).toContain(
      'opsagent_availability_error_budget_remaining_seconds{application="portal",site="room \\"1\\""} 90\n',
    );
    expect(text).not.toMatch(/availability_ratio\{application="\*",window="year_to_date"/);
  });

  it("keeps one series per application and window when two collectors share a target name", async () => {
    const twice: AvailabilitySnapshot = {
      figures: [
        { application: "a", window: "day", ratio: 0.1, coverage: 0.1 },
        { application: "b", window: "day", ratio: 0.2, coverage: 0.2 },
        { application: "a", window: "day", ratio: 0.3, coverage: 0.3 },
      ],
      overall: [],
    };
    const metrics = metricsFor();
    metrics.trackAvailability(() => twice);
    const text = await metrics.text();
    expect(availabilityPart(text)).toBe(await promClientText(twice, "room-1"));
    expect(text.match(/^opsagent_availability_ratio\{application="a"/gm)).toHaveLength(1);
  });

  it("renders once per snapshot: scrapes reuse the text until the report is refreshed", () => {
    let current: AvailabilitySnapshot = snapshot;
    const writer = new AvailabilityExposition({
      prefix: "opsagent_",
      site: "room-1",
      snapshot: () => current,
    });
    const first = writer.text();
    expect(writer.text()).toBe(first);
    expect(writer.renderCount).toBe(1);
    current = { figures: [{ application: "portal", window: "day", ratio: 0.25, coverage: 1 }], overall: [] };
    const second = writer.text();
    expect(writer.renderCount).toBe(2);
    expect(second).toMatch(
      /^opsagent_availability_ratio\{application="portal",window="day",site="room-1"\} 0\.25$/m,
    );
    expect(second).not.toContain("year_to_date");
  });

  it("passes promtool check metrics", async (ctx) => {
    const promtool = findPeer("promtool", "prometheus");
    if (!promtool) return ctx.skip();
    const metrics = metricsFor();
    metrics.trackAvailability(() => snapshot);
    const check = spawnSync(promtool, ["check", "metrics"], {
      input: await metrics.text(),
      encoding: "utf8",
    });
    expect(check.stdout + check.stderr).not.toMatch(/error/i);
  });
});
