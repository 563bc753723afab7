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
import { DASHBOARD_TIME_ZONE, generateDashboards } from "../../agent/build/dashboards.js";
import { DASHBOARD_DIR, allPanels, loadDashboards, type Panel } from "./dashboard-files.js";
import { englishWords, visibleStrings } from "./visible-text.js";

const zh = loadDashboards("zh");
const en = loadDashboards("en");

/**
 * Units in the Chinese folder: Grafana's unit ids that print no English word (%, the IEC byte
 * symbols B/KiB/MiB, plain numbers) and the Chinese custom units of the word table. Grafana's time
 * units print English (s: "s", "min", "hour", "day"; dateTimeFromNow: "2 hours ago") and so does
 * "short" ("Mil", "Bil"), so a duration is scaled in its query and shown as 毫秒 / 分钟 / 小时 / 天.
 */
const UNITS = /^(?:percentunit|percent|bytes|none|suffix: [^A-Za-z]+)$/;
/** Units in the English folder: Grafana's ids, the durations among them scaled in the query. */
const EN_UNITS = /^(?:percentunit|percent|bytes|none|short|ops|ms|m|h|d)$/;

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

  it("units: Chinese in the Chinese folder (durations in 毫秒/分钟/小时/天, never Grafana's English time units)", () => {
    const unitsOf = (p: Panel) => {
      const fc = (p.fieldConfig ?? {}) as {
        defaults?: { unit?: string };
        overrides?: { properties?: { id: string; value: unknown }[] }[];
      };
      return [
        fc.defaults?.unit,
        ...(fc.overrides ?? []).flatMap((o) =>
          (o.properties ?? []).filter((x) => x.id === "unit").map((x) => x.value),
        ),
      ]
        .filter((u) => u !== undefined)
        .map(String);
    };
    const seen = new Set<string>();
    for (const { file, dashboard } of zh) {
      for (const p of allPanels(dashboard))
        for (const unit of unitsOf(p)) {
          expect(unit, `${file} panel ${p.id}`).toMatch(UNITS);
          seen.add(unit);
        }
    }
    for (const unit of ["suffix: 毫秒", "suffix: 分钟", "suffix: 小时", "suffix: 天"])
      expect(seen).toContain(unit);
    for (const { file, dashboard } of en) {
      for (const p of allPanels(dashboard))
        for (const unit of unitsOf(p)) expect(unit, `${file} panel ${p.id}`).toMatch(EN_UNITS);
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
    const table = allPanels(overview).find(
      (p) =>
        p.type === "table" &&
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
    // The age in hours (小时): orange after an hour, 已过期 in red after a day.
    expect(age.properties.find((x) => x.id === "unit")!.value).toBe("suffix: 小时");
    expect(steps.map((s) => s.value)).toEqual([null, 1, 24]);
    expect(JSON.stringify(age.properties.find((x) => x.id === "mappings")!.value)).toContain('"from":24');
    expect(table.targets![3]!.expr).toContain(
      '((time() - opsagent_kpi_last_measurement_timestamp_seconds{site=~"$site"}) / 3600)',
    );
  });

  it("the full-year tile shows an indicator whose newest measurement is over a day old as -1 已过期 (its own colour), the half-year tile while the half-year runs", () => {
    const overview = zh.find((d) => d.file === "overview.json")!.dashboard;
    const panels = allPanels(overview);
    const tile = (title: string) => panels.find((p) => p.title === title && p.type === "stat")!;
    const year = tile("全年目标达成（预测）");
    const half = tile("半年目标达成");
    const STATUS = (period: string) => `opsagent_kpi_status{site=~"$site", period="${period}"}`;
    const AGE = 'time() - opsagent_kpi_last_measurement_timestamp_seconds{site=~"$site"}';
    const INFO = ' * on (site, indicator) group_left (name) opsagent_kpi_info{site=~"$site"}';
    // The status, unless its indicator's newest measurement is over a day old; else -1 for it.
    // Matched on (site, indicator): the status has a period label the measurement time lacks,
    // and an indicator without a measurement time keeps its status.
    const stale = `(${AGE} > 86400)`;
    expect(year.targets![0]!.expr).toBe(
      `((${STATUS("year")} unless on (site, indicator) ${stale}) or ` +
        `(0 * ${STATUS("year")} - 1 and on (site, indicator) ${stale}))${INFO}`,
    );
    // The half-year: the same while it runs (to 30 June in the dashboards' zone, UTC+8), as
    // judged from 1 July (final then, whatever its sources do now).
    const running = `(${stale} and on () (month(vector(time() + 28800)) <= 6))`;
    expect(half.targets![0]!.expr).toBe(
      `((${STATUS("half_year")} unless on (site, indicator) ${running}) or ` +
        `(0 * ${STATUS("half_year")} - 1 and on (site, indicator) ${running}))${INFO}`,
    );
    // 28800 s: the offset of the dashboards' zone (Asia/Shanghai, no daylight saving).
    const offset = new Intl.DateTimeFormat("en", {
      timeZone: DASHBOARD_TIME_ZONE,
      timeZoneName: "longOffset",
    })
      .formatToParts(new Date())
      .find((x) => x.type === "timeZoneName")!.value;
    expect(offset).toBe("GMT+08:00");
    // One threshold: the tiles' 86400 s is the indicator table's 24 h (its 已过期 step).
    const table = panels.find((p) => p.type === "table" && p.targets?.some((t) => t.expr?.includes(AGE)))!;
    const ageColumn = (
      table.fieldConfig as {
        overrides: { matcher: { options: string }; properties: { id: string; value: unknown }[] }[];
      }
    ).overrides.find((o) => o.matcher.options === "测量距今")!;
    const staleFrom = (
      ageColumn.properties.find((x) => x.id === "thresholds")!.value as { steps: { value: number | null }[] }
    ).steps.at(-1)!.value;
    for (const p of [year, half])
      expect([...p.targets![0]!.expr!.matchAll(/> (\d+)\)/g)].map((m) => Number(m[1]) / 3600)).toEqual([
        staleFrom,
        staleFrom,
      ]);
    // The mapping: -1 已过期 in a colour of its own (not the red of 未达成), beside 达成/有风险/未达成/无数据.
    for (const p of [year, half]) {
      const options = (
        p.fieldConfig as {
          defaults: { mappings: { options: Record<string, { text: string; color: string }> }[] };
        }
      ).defaults.mappings[0]!.options;
      expect(Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v.text]))).toEqual({
        "-1": "已过期",
        "0": "无数据",
        "1": "未达成",
        "2": "有风险",
        "3": "达成",
      });
      expect(options["-1"]!.color).toBe("purple");
      const others = ["0", "1", "2", "3"].map((k) => options[k]!.color);
      expect(others).not.toContain(options["-1"]!.color);
    }
    // The English folder says "stale" there.
    const enYear = allPanels(en.find((d) => d.file === "overview.json")!.dashboard).find(
      (p) => p.id === year.id,
    )!;
    expect(JSON.stringify(enYear.fieldConfig)).toContain('"-1":{"text":"stale"');
    expect(enYear.targets![0]!.expr).toBe(year.targets![0]!.expr);
  });
});
