/**
 * The Grafana dashboards as Grafana is given them — dashboards/zh/*.json (the primary, Chinese
 * folder) or dashboards/en/*.json, both generated from dashboards/src by agent/build/dashboards.ts —
 * as the tests see them: every panel (rows' nested
 * panels included), every query, every template variable, and Grafana's variable substitution
 * for evaluating the queries against a real Prometheus.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const DASHBOARD_DIR = join(process.cwd(), "dashboards");
export const RULES_DIR = join(DASHBOARD_DIR, "rules");

export interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
  [key: string]: unknown;
}

export interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
  gridPos?: { h: number; w: number; x: number; y: number };
  [key: string]: unknown;
}

export interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
  definition?: string;
  datasource?: { type?: string; uid?: string };
  [key: string]: unknown;
}

export interface Dashboard {
  uid?: string;
  title?: string;
  panels?: Panel[];
  templating?: { list?: Variable[] };
  [key: string]: unknown;
}

export interface DashboardFile {
  file: string;
  dashboard: Dashboard;
}

export function loadDashboards(lang: "zh" | "en" = "zh"): DashboardFile[] {
  const dir = join(DASHBOARD_DIR, lang);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({
      file,
      dashboard: JSON.parse(readFileSync(join(dir, file), "utf8")) as Dashboard,
    }));
}

/** Every panel, rows' nested panels included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  const out: Panel[] = [];
  const walk = (panels: Panel[] | undefined) => {
    for (const p of panels ?? []) {
      out.push(p);
      walk(p.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}

/** Panels that show data (rows only group them). */
export function dataPanels(dashboard: Dashboard): Panel[] {
  return allPanels(dashboard).filter((p) => p.type !== "row");
}

export function variables(dashboard: Dashboard): Variable[] {
  return dashboard.templating?.list ?? [];
}

/** The PromQL of a query variable (label_values(…) and the like), if any. */
export function variableQuery(v: Variable): string | undefined {
  if (v.type !== "query") return undefined;
  return typeof v.query === "string" ? v.query : (v.query?.query ?? v.definition);
}

/** Grafana's global variables (https://grafana.com/docs/grafana/latest/dashboards/variables/add-template-variables/#global-variables). */
export const GRAFANA_GLOBALS = new Set([
  "__interval",
  "__interval_ms",
  "__rate_interval",
  "__rate_interval_ms",
  "__range",
  "__range_s",
  "__range_ms",
  "__from",
  "__to",
  "__dashboard",
  "__org",
  "__user",
  "__name",
  "__all",
  "timeFilter",
  "__timeFilter",
]);

/** Names of the variables a string refers to: $name, ${name}, ${name:format}, [[name]]. */
export function variablesUsed(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g))
    names.add((m[1] ?? m[2] ?? m[3])!);
  return [...names];
}

/**
 * Grafana's interpolation for a Prometheus query, with fixed values: a multi-value variable
 * becomes (a|b) (regex-escaped like Grafana does), "All" its allValue.
 */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(
    /\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)\]\]/g,
    (whole, a?: string, b?: string, c?: string) => {
      const name = (a ?? b ?? c)!;
      const value = values[name];
      if (value === undefined) throw new Error(`no value for $${name} in ${expr}`);
      return value;
    },
  );
}

/** Metric names a PromQL expression names: identifiers outside strings that look like series names. */
export function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  // Label matchers and grouping clauses hold label names, not metrics: drop {…} and (…) after by/on/….
  const withoutLabels = withoutStrings
    .replace(/\{[^}]*\}/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const names = new Set<string>();
  for (const m of withoutLabels.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = m[0];
    const before = withoutLabels.slice(0, m.index);
    const after = withoutLabels.slice(m.index + name.length);
    if (/^\s*\(/.test(after)) continue; // a function call
    if (/[0-9.]$/.test(before)) continue; // part of a number or duration (5m, 1e3)
    names.add(name);
  }
  return [...names];
}
