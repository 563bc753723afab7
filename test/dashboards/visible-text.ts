/**
 * What a person reads on a dashboard, and the English in it: shared by the file checks
 * (test/dashboards/i18n.test.ts) and the end-to-end test against Prometheus
 * (test/e2e/prometheus-dashboards.test.ts), which both look at the Chinese folder.
 */
import { allPanels, type Dashboard } from "./dashboard-files.js";

/** Words a Chinese reader sees as names: products, protocols, units Grafana prints. */
const ALLOWED = new Set([
  "ops-agent",
  "vCenter",
  "Prometheus",
  "Alertmanager",
  "SQLite",
  "Node.js",
  "SIP",
  "sip",
  "MCU",
  "VM",
  "OPTIONS",
  "CPU",
  "HTTP",
  "http",
  "https",
  "TLS",
  "DNS",
  "ICMP",
  "ping",
  "SLA",
  "IP",
  "host",
  "site",
  "p99",
  "P1",
  "P4",
]);

/** Every string of a dashboard a person reads, with where it is. */
export function visibleStrings(dashboard: Dashboard): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const add = (where: string, text: unknown) => {
    if (typeof text === "string" && text !== "" && text !== "__auto") out.push({ where, text });
  };
  const d = dashboard as Record<string, unknown>;
  add("title", d.title);
  add("description", d.description);
  for (const link of (d.links ?? []) as { title?: string }[]) add("link", link.title);
  for (const v of dashboard.templating?.list ?? []) {
    add(`variable ${v.name}`, v.label);
    add(`variable ${v.name}`, v.description);
  }
  const mappings = (where: string, list: unknown) => {
    for (const m of (list ?? []) as {
      options?: Record<string, { text?: string; result?: { text?: string } }>;
    }[]) {
      for (const o of Object.values(m.options ?? {})) {
        add(where, o?.text);
        add(where, o?.result?.text);
      }
    }
  };
  for (const p of allPanels(dashboard)) {
    const at = `panel ${p.id ?? "?"} ${p.title ?? ""}`;
    add(at, p.title);
    add(at, p.description);
    for (const t of p.targets ?? []) add(`${at} legend`, t.legendFormat);
    const fc = (p.fieldConfig ?? {}) as {
      defaults?: { noValue?: string; displayName?: string; mappings?: unknown };
      overrides?: {
        matcher?: { id?: string; options?: string };
        properties?: { id: string; value: unknown }[];
      }[];
    };
    add(at, fc.defaults?.noValue);
    add(at, fc.defaults?.displayName);
    mappings(`${at} mapping`, fc.defaults?.mappings);
    for (const o of fc.overrides ?? []) {
      if (o.matcher?.id === "byName") add(`${at} column`, o.matcher.options);
      for (const prop of o.properties ?? []) {
        if (prop.id === "displayName" || prop.id === "noValue") add(at, prop.value);
        if (prop.id === "mappings") mappings(`${at} mapping`, prop.value);
      }
    }
    for (const step of (p.transformations ?? []) as {
      options?: { renameByName?: Record<string, string> };
    }[]) {
      for (const name of Object.values(step.options?.renameByName ?? {})) add(`${at} column`, name);
    }
  }
  return out;
}

/** The English words of a string: legend and variable references, PromQL, identifiers and paths aside. */
export function englishWords(text: string): string[] {
  const stripped = text
    .replace(/\{\{[^}]*\}\}|\$\{[^}]*\}|\$\w+/g, " ")
    .replace(/[A-Za-z_:][\w:]*\{[^}]*\}/g, " ") // a selector: up{job="ops-agent"}
    .replace(/\S*[_:/]\S*/g, " ") // metric, rule, option and file names: opsagent_kpi_met, dashboards/rules
    .replace(/\b[a-z]+\.[a-z.]+\b/g, " "); // option paths: scope.expected
  return (stripped.match(/[A-Za-z][A-Za-z0-9.-]*[A-Za-z0-9]|[A-Za-z]/g) ?? []).filter((w) => !ALLOWED.has(w));
}
