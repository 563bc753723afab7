/**
 * The Grafana dashboards and provisioning files, checked for structure (Grafana itself is not run
 * here; the queries are evaluated against a real Prometheus in
 * test/e2e/prometheus-dashboards.test.ts).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import {
  DASHBOARD_DIR,
  GRAFANA_GLOBALS,
  allPanels,
  dataPanels,
  loadDashboards,
  metricNames,
  variableQuery,
  variables,
  variablesUsed,
} from "./dashboard-files.js";

const dashboards = loadDashboards();
const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
/** The dashboards the issue asks for, by their fixed uid. */
const EXPECTED_UIDS = [
  "opsagent-agent",
  "opsagent-faults",
  "opsagent-machine-room",
  "opsagent-overview",
  "opsagent-platforms",
  "opsagent-videoconf",
];

describe("Grafana dashboards as provisioned (dashboards/zh/*.json, generated from dashboards/src)", () => {
  it("are the six dashboards, each with a fixed, unique uid and a title", () => {
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect([...uids].sort()).toEqual(EXPECTED_UIDS);
    expect(new Set(uids).size).toBe(uids.length);
    const titles = dashboards.map((d) => d.dashboard.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const { file, dashboard } of dashboards) {
      expect(dashboard.uid, file).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(dashboard.title, file).toBeTruthy();
      expect(dashboard.schemaVersion, file).toBeTypeOf("number");
      // Provisioned dashboards must not carry a database id of another Grafana.
      expect(dashboard.id ?? null, file).toBeNull();
    }
  });

  for (const { file, dashboard } of dashboards) {
    describe(file, () => {
      it("has a datasource variable (Prometheus) and a multi-value site variable from the agents' site label", () => {
        const vars = variables(dashboard);
        const names = vars.map((v) => v.name);
        expect(new Set(names).size, "variable names are unique").toBe(names.length);
        const ds = vars.find((v) => v.name === "datasource");
        expect(ds, "datasource variable").toMatchObject({ type: "datasource", query: "prometheus" });
        const site = vars.find((v) => v.name === "site");
        expect(site, "site variable").toMatchObject({
          type: "query",
          multi: true,
          includeAll: true,
          allValue: ".*",
          datasource: DATASOURCE,
        });
        expect(variableQuery(site!)).toMatch(/^label_values\(opsagent_\w+, site\)$/);
        for (const v of vars.filter((x) => x.type === "query")) {
          expect(v.datasource, `variable ${v.name}`).toEqual(DATASOURCE);
          expect(variableQuery(v), `variable ${v.name}`).toBeTruthy();
        }
      });

      it("every panel has a unique id, a grid position, the datasource variable and at least one query", () => {
        const panels = allPanels(dashboard);
        const ids = panels.map((p) => p.id);
        expect(ids.every((id) => Number.isInteger(id))).toBe(true);
        expect(new Set(ids).size, "panel ids are unique").toBe(ids.length);
        for (const p of panels) {
          const where = `panel ${p.id} "${p.title}"`;
          expect(p.title, where).toBeTruthy();
          expect(p.gridPos, where).toBeDefined();
          expect(p.gridPos!.x + p.gridPos!.w, where).toBeLessThanOrEqual(24);
        }
        const data = dataPanels(dashboard);
        expect(data.length).toBeGreaterThan(5);
        for (const p of data) {
          const where = `panel ${p.id} "${p.title}"`;
          expect(p.datasource, where).toEqual(DATASOURCE);
          expect(p.targets?.length, where).toBeGreaterThan(0);
          const refIds = p.targets!.map((t) => t.refId);
          expect(new Set(refIds).size, `${where}: refIds unique`).toBe(refIds.length);
          for (const t of p.targets!) {
            expect(t.datasource, `${where} ${t.refId}`).toEqual(DATASOURCE);
            expect(t.expr?.trim(), `${where} ${t.refId}: a query`).toBeTruthy();
          }
        }
      });

      it("every variable used is defined", () => {
        const defined = new Set(variables(dashboard).map((v) => v.name));
        // Everything in the dashboard but the variable definitions themselves.
        const { templating: _templating, ...rest } = dashboard;
        const used = variablesUsed(JSON.stringify(rest));
        // Variable queries may use the other variables (e.g. $site in application's query).
        for (const v of variables(dashboard)) used.push(...variablesUsed(variableQuery(v) ?? ""));
        const undefinedVars = used.filter((name) => !defined.has(name) && !GRAFANA_GLOBALS.has(name));
        // Prometheus's own $value/$labels only appear in rules, never in dashboards.
        expect(undefinedVars).toEqual([]);
      });

      it("every query of an agent metric selects by site (so one dashboard serves every machine room)", () => {
        for (const p of dataPanels(dashboard)) {
          for (const t of p.targets ?? []) {
            const expr = t.expr!;
            // Each selector {…} that follows an opsagent_ (or recorded) metric name carries site=~"$site".
            for (const m of expr.matchAll(/([a-zA-Z_:][\w:]*)\s*\{([^}]*)\}/g)) {
              expect(m[2], `panel "${p.title}" ${t.refId}: ${m[1]}`).toContain('site=~"$site"');
            }
            // And no bare metric name without a selector.
            for (const name of metricNames(expr).filter((n) => n.includes("opsagent_")))
              expect(expr, `panel "${p.title}": ${name} without {site=~"$site"}`).toMatch(
                new RegExp(`${name.replace(/[:]/g, "\\$&")}\\{`),
              );
          }
        }
      });
    });
  }
});

describe("Grafana provisioning (dashboards/provisioning)", () => {
  it("provides the dashboards folder and a Prometheus datasource, in Grafana's apiVersion 1 format", () => {
    const dash = parse(readFileSync(join(DASHBOARD_DIR, "provisioning/dashboards.yaml"), "utf8")) as {
      apiVersion: number;
      providers: { type: string; options: { path: string }; disableDeletion?: boolean }[];
    };
    expect(dash.apiVersion).toBe(1);
    // Chinese first (the primary folder), English as the second.
    expect(dash.providers.map((p) => p.options.path)).toEqual([
      "/var/lib/grafana/dashboards/ops-agent/zh",
      "/var/lib/grafana/dashboards/ops-agent/en",
    ]);
    for (const provider of dash.providers) expect(provider.type).toBe("file");
    const ds = parse(readFileSync(join(DASHBOARD_DIR, "provisioning/datasources.yaml"), "utf8")) as {
      apiVersion: number;
      datasources: { type: string; uid: string; url: string; access: string }[];
    };
    expect(ds.apiVersion).toBe(1);
    expect(ds.datasources).toHaveLength(1);
    expect(ds.datasources[0]).toMatchObject({ type: "prometheus", access: "proxy" });
    expect(ds.datasources[0]!.url).toMatch(/^https?:\/\//);
  });

  it("the compose file mounts the provisioning files and the dashboards where they point", () => {
    const compose = readFileSync(join(process.cwd(), "deploy/compose.yaml"), "utf8");
    const dash = parse(readFileSync(join(DASHBOARD_DIR, "provisioning/dashboards.yaml"), "utf8")) as {
      providers: { options: { path: string } }[];
    };
    for (const [i, lang] of ["zh", "en"].entries()) {
      expect(compose).toContain(`../dashboards/${lang}:${dash.providers[i]!.options.path}:ro`);
    }
    expect(compose).toContain(
      "../dashboards/provisioning/dashboards.yaml:/etc/grafana/provisioning/dashboards/",
    );
    expect(compose).toContain(
      "../dashboards/provisioning/datasources.yaml:/etc/grafana/provisioning/datasources/",
    );
    expect(compose).toContain("../dashboards/rules:/etc/prometheus/rules:ro");
  });
});
