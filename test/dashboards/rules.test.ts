/**
 * The Prometheus rules of dashboards/rules/, with the real promtool (Debian package "prometheus"):
 * `promtool check rules` and `promtool test rules`; every alert has a unit test in which it fires.
 * Also `promtool check config` on the example Prometheus config of deploy/.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { findPeer } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { RULES_DIR } from "./dashboard-files.js";

interface RuleFile {
  groups: {
    name: string;
    rules: { alert?: string; record?: string; expr: string; labels?: Record<string, string> }[];
  }[];
}
interface RuleTestFile {
  rule_files: string[];
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith(".yml"))
  .map((f) => join(RULES_DIR, f));
const testFiles = readdirSync(join(RULES_DIR, "tests"))
  .filter((f) => f.endsWith(".yml"))
  .map((f) => join(RULES_DIR, "tests", f));
const rules = ruleFiles.flatMap((f) =>
  (parse(readFileSync(f, "utf8")) as RuleFile).groups.flatMap((g) => g.rules),
);
const alerts = rules.filter((r) => r.alert !== undefined);

function promtool(args: string[]): { code: number | null; output: string } {
  const bin = findPeer("promtool", "prometheus")!;
  const run = spawnSync(bin, args, { encoding: "utf8", timeout: 60_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("Prometheus rules (dashboards/rules)", () => {
  it("has the alerts the issue asks for, each with a severity and the site in its summary", () => {
    const names = alerts.map((a) => a.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const wanted of [
      "OpsAgentAntivirusCoverageLow",
      "OpsAgentApplicationDown",
      "OpsAgentAvailabilityBudgetBurnFast",
      "OpsAgentAvailabilityBudgetBurnSlow",
      "OpsAgentVmCountMismatch",
      "OpsAgentMcuNotAnsweringOptions",
      "OpsAgentCertificateExpiringSoon",
      "OpsAgentCollectorFailing",
      "OpsAgentCollectorStale",
      "OpsAgentDown",
      "OpsAgentAbsent",
    ])
      expect(names).toContain(wanted);
    for (const a of alerts) expect(["critical", "warning"], a.alert).toContain(a.labels?.severity);
  });

  it("every alert has a promtool unit test in which it fires", () => {
    const tested = new Set<string>();
    for (const f of testFiles) {
      const t = parse(readFileSync(f, "utf8")) as RuleTestFile;
      for (const test of t.tests)
        for (const a of test.alert_rule_test ?? []) if (a.exp_alerts.length > 0) tested.add(a.alertname);
    }
    expect(alerts.map((a) => a.alert).filter((name) => !tested.has(name!))).toEqual([]);
  });

  it("promtool check rules", (ctx) => {
    if (!findPeer("promtool", "prometheus")) return ctx.skip();
    const { code, output } = promtool(["check", "rules", ...ruleFiles]);
    expect(code, output).toBe(0);
    expect(output).toContain("SUCCESS");
  });

  it("promtool test rules", (ctx) => {
    if (!findPeer("promtool", "prometheus")) return ctx.skip();
    const { code, output } = promtool(["test", "rules", ...testFiles]);
    expect(code, output).toBe(0);
    expect(output).not.toContain("FAILED");
  });

  it("promtool check config deploy/prometheus.yml (the example scrape config, with these rules)", (ctx) => {
    if (!findPeer("promtool", "prometheus")) return ctx.skip();
    // The example names the rules where the compose file mounts them (/etc/prometheus/rules): check
    // a copy whose rule_files point at this repository's.
    const dir = tempDir();
    mkdirSync(join(dir, "rules"));
    for (const f of ruleFiles) copyFileSync(f, join(dir, "rules", f.slice(RULES_DIR.length + 1)));
    const config = readFileSync(join(process.cwd(), "deploy/prometheus.yml"), "utf8");
    expect(config).toContain("/etc/prometheus/rules/*.yml");
    const path = join(dir, "prometheus.yml");
    writeFileSync(path, config.replaceAll("/etc/prometheus/rules/", `${join(dir, "rules")}/`));
    const { code, output } = promtool(["check", "config", path]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
  });
});
