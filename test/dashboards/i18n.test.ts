/**
 * The dashboards in Chinese first: dashboards/zh and dashboards/en are generated from one set of
 * definitions (dashboards/src) and a word table (dashboards/i18n/zh.json). Grafana is not run
 * here (Debian has no package); what Grafana would show is read from the JSON instead: every
 * visible string of the Chinese folder — titles, descriptions, legends, value-mapping texts,
 * table columns, link and variable labels — has no English word outside a short allow list
 * (product and protocol names, metric and option identifiers), times are Asia/Shanghai, the form's
 * indicators are named by their Chinese row names from the series labels, and a stale measurement
 * shows as stale. The queries are the same in both folders, so the end-to-end test
 * (test/e2e/prometheus-dashboards.test.ts) evaluating the Chinese folder covers the English one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateDashboards } from "../../agent/build/dashboards.js";
import { DASHBOARD_DIR, allPanels, loadDashboards, type Dashboard, type Panel } from "./dashboard-files.js";

const zh = loadDashboards("zh");
const en = loadDashboards("en");

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

/** Grafana unit ids (rendered by Grafana itself) and the Chinese custom units of the word table. */
const UNITS = /^(?:percentunit|percent|s|ms|bytes|none|short|dateTimeFromNow|suffix: .+)$/;

/** Every string of a dashboard a person reads, with where it is. */
function visibleStrings(dashboard: Dashboard): { where: string; text: string }[] {
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
function englishWords(text: string): string[] {
  const stripped = text
    .replace(/\{\{[^}]*\}\}|\$\{[^}]*\}|\$\w+/g, " ")
    .replace(/[A-Za-z_:][\w:]*\{[^}]*\}/g, " ") // a selector: up{job="ops-agent"}
    .replace(/\S*[_:/]\S*/g, " ") // metric, rule, option and file names: opsagent_kpi_met, dashboards/rules
    .replace(/\b[a-z]+\.[a-z.]+\b/g, " "); // option paths: scope.expected
  return (stripped.match(/[A-Za-z][A-Za-z0-9.-]*[A-Za-z0-9]|[A-Za-z]/g) ?? []).filter((w) => !ALLOWED.has(w));
}

describe("dashboards in Chinese and English from one source (dashboards/src + dashboards/i18n/zh.json)", () => {
  it("the committed zh/ and en/ files are what the generator writes, and the word table has every string", () => {
    const { files, missing } = generateDashboards(DASHBOARD_DIR);
    expect(
      missing,
      "run npx tsx agent/build/dashboards.ts after adding these to dashboards/i18n/zh.json",
    ).toEqual([]);
    for (const [path, text] of files) {
      expect(
        readFileSync(join(DASHBOARD_DIR, path), "utf8"),
        `${path} is out of date: npx tsx agent/build/dashboards.ts`,
      ).toBe(text);
    }
    expect(files.size).toBe(12);
  });

  it("the Chinese folder has no English word a reader sees, outside product and protocol names", () => {
    const english: string[] = [];
    for (const { file, dashboard } of zh) {
      for (const { where, text } of visibleStrings(dashboard)) {
        const words = englishWords(text);
        if (words.length > 0) english.push(`${file} ${where}: ${JSON.stringify(text)} (${words.join(", ")})`);
      }
    }
    expect(english).toEqual([]);
    // The check itself sees English where there is some.
    expect(englishWords("Open incidents per site")).toEqual(["Open", "incidents", "per"]);
    expect(englishWords('各站点的 up{job="ops-agent"}（site 标签）')).toEqual([]);
  });

  it("units are Grafana's unit ids or Chinese units", () => {
    for (const { file, dashboard } of zh) {
      for (const p of allPanels(dashboard)) {
        const fc = (p.fieldConfig ?? {}) as {
          defaults?: { unit?: string };
          overrides?: { properties?: { id: string; value: unknown }[] }[];
        };
        const units = [
          fc.defaults?.unit,
          ...(fc.overrides ?? []).flatMap((o) =>
            (o.properties ?? []).filter((x) => x.id === "unit").map((x) => x.value),
          ),
        ];
        for (const unit of units.filter((u) => u !== undefined))
          expect(String(unit), `${file} panel ${p.id}`).toMatch(UNITS);
      }
    }
  });

  it("both folders show times in Asia/Shanghai, carry their own uids and link within their language", () => {
    const zhUids = zh.map((d) => d.dashboard.uid).sort();
    expect(en.map((d) => d.dashboard.uid).sort()).toEqual(zhUids.map((u) => `${u}-en`));
    for (const [lang, set] of [
      ["zh", zh],
      ["en", en],
    ] as const) {
      for (const { file, dashboard } of set) {
        const d = dashboard as { timezone?: string; tags?: string[]; links?: { tags?: string[] }[] };
        expect(d.timezone, `${lang}/${file}`).toBe("Asia/Shanghai");
        expect(d.tags).toEqual(["ops-agent", lang]);
        for (const link of d.links ?? []) expect(link.tags).toEqual(["ops-agent", lang]);
      }
    }
  });

  it("the two folders run the same queries (so evaluating zh against Prometheus covers en)", () => {
    const queries = (set: typeof zh) =>
      set.map(({ file, dashboard }) => [
        file,
        allPanels(dashboard).map((p: Panel) => (p.targets ?? []).map((t) => t.expr)),
      ]);
    expect(queries(en)).toEqual(queries(zh));
  });

  it("indicator tiles are named by the form's Chinese row names from opsagent_kpi_info, and say 无数据 without data", () => {
    const overview = zh.find((d) => d.file === "overview.json")!.dashboard;
    const tiles = allPanels(overview).filter((p) =>
      (p.targets ?? []).some((t) => /opsagent_kpi_(value|met|status)\{/.test(t.expr ?? "")),
    );
    expect(tiles.length).toBeGreaterThanOrEqual(4);
    for (const p of tiles) {
      for (const t of p.targets ?? []) {
        expect(t.expr, p.title).toContain("group_left (name) opsagent_kpi_info");
        if (p.type === "stat") expect(t.legendFormat, p.title).toBe("{{name}} · {{site}}");
      }
      if (p.type === "stat")
        expect((p.fieldConfig as { defaults: { noValue?: string } }).defaults.noValue).toBe("无数据");
    }
  });

  it("value mappings read 正常/降级/中断 and 达成/有风险/未达成/无数据, and a stale measurement shows as 已过期", () => {
    const texts = zh.flatMap(({ dashboard }) =>
      visibleStrings(dashboard)
        .filter((s) => s.where.endsWith("mapping"))
        .map((s) => s.text),
    );
    for (const word of [
      "正常",
      "降级",
      "中断",
      "达成",
      "未达成",
      "有风险",
      "无数据",
      "及时",
      "不及时",
      "已过期",
    ])
      expect(texts).toContain(word);
    const overview = zh.find((d) => d.file === "overview.json")!.dashboard;
    const table = allPanels(overview).find((p) =>
      (p.targets ?? []).some((t) =>
        (t.expr ?? "").includes("opsagent_kpi_last_measurement_timestamp_seconds"),
      ),
    )!;
    const age = (
      table.fieldConfig as {
        overrides: { matcher: { options: string }; properties: { id: string; value: unknown }[] }[];
      }
    ).overrides.find((o) => o.matcher.options === "测量距今")!;
    const steps = (
      age.properties.find((x) => x.id === "thresholds")!.value as { steps: { value: number | null }[] }
    ).steps;
    expect(steps.map((s) => s.value)).toEqual([null, 3600, 86400]);
    expect(JSON.stringify(age.properties.find((x) => x.id === "mappings")!.value)).toContain('"from":86400');
  });
});
