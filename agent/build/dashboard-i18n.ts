/**
 * The Grafana dashboards in two languages from one set of definitions: dashboards/src/*.json
 * (written in English, the queries' one home) and a word table, dashboards/i18n/zh.json (every
 * visible English string → its Chinese). Chinese is the primary folder (the dashboards keep their
 * uids); English is the second one (uid + "-en"). Both get the centre's time zone rather than the
 * browser's, and dashboard links that stay within their own language.
 *
 * What a person sees and is therefore translated: dashboard, row and panel titles and
 * descriptions, variable labels and descriptions, link titles, legend formats, value-mapping
 * texts, noValue and displayName, table column names (the organize transformation's renames and
 * the label columns, e.g. site → 站点), the byName override matchers that point at those columns,
 * and units Grafana would print in English (ops → 次/秒; the time units ms, m, h, d → 毫秒, 分钟,
 * 小时, 天 — Grafana's "s" prints "min", "hour", "day", so a duration's query scales it to one of
 * these and the source never uses "s"). A string the table lacks is an error naming it, so a
 * new panel cannot slip into the Chinese folder in English.
 */

export type Lang = "zh" | "en";

export interface WordTable {
  /** English string as written in the source → Chinese. */
  words: Record<string, string>;
  /** Prometheus label names shown as table columns → Chinese column names. */
  labels: Record<string, string>;
  /** Grafana unit ids whose rendering is an English word → a Chinese unit ("suffix: 次/秒"). */
  units: Record<string, string>;
}

export interface LocaliseOptions {
  lang: Lang;
  table: WordTable;
  /** IANA zone the dashboards show times in (the config's `timezone`). */
  timeZone: string;
}

export interface Localised {
  dashboard: Record<string, unknown>;
  /** Visible strings the word table has no Chinese for (empty for en). */
  missing: string[];
}

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
/** A string with a Latin letter outside {{legend}} and $variable references needs a translation. */
const hasWords = (s: string) =>
  s !== "__auto" && /[A-Za-z]/.test(s.replace(/\{\{[^}]*\}\}|\$\{[^}]*\}|\$\w+/g, ""));

class Translator {
  readonly missing = new Set<string>();
  constructor(private readonly options: LocaliseOptions) {}

  text(value: Json): Json {
    if (this.options.lang === "en" || typeof value !== "string" || !hasWords(value)) return value;
    const zh = this.options.table.words[value];
    if (zh === undefined) {
      this.missing.add(value);
      return value;
    }
    return zh;
  }

  /** Keys of a mapping whose values a person reads. */
  fields(node: Obj, keys: readonly string[]): void {
    for (const key of keys) if (typeof node[key] === "string") node[key] = this.text(node[key]);
  }

  unit(node: Obj, key: string): void {
    const unit = node[key];
    if (this.options.lang === "zh" && typeof unit === "string") {
      node[key] = this.options.table.units[unit] ?? unit;
    }
  }

  mappings(list: Json): void {
    if (!Array.isArray(list)) return;
    for (const mapping of list) {
      if (!isObj(mapping) || !isObj(mapping.options)) continue;
      // value mappings: options {"0": {text}}; range/special/regex: options {result: {text}}.
      for (const result of Object.values(mapping.options)) {
        if (isObj(result)) this.fields(result, ["text"]);
        if (isObj(result) && isObj(result.result)) this.fields(result.result, ["text"]);
      }
    }
  }

  fieldConfig(config: Json): void {
    if (!isObj(config)) return;
    if (isObj(config.defaults)) {
      this.fields(config.defaults, ["displayName", "noValue"]);
      this.unit(config.defaults, "unit");
      this.mappings(config.defaults.mappings);
    }
    if (!Array.isArray(config.overrides)) return;
    for (const override of config.overrides) {
      if (!isObj(override)) continue;
      if (isObj(override.matcher) && override.matcher.id === "byName")
        this.fields(override.matcher, ["options"]);
      for (const property of Array.isArray(override.properties) ? override.properties : []) {
        if (!isObj(property)) continue;
        if (property.id === "displayName" || property.id === "noValue") this.fields(property, ["value"]);
        if (property.id === "unit") this.unit(property, "value");
        if (property.id === "mappings") this.mappings(property.value);
      }
    }
  }

  /** Column names of tables: the organize renames, and the label columns (site → 站点). */
  transformations(list: Json): void {
    if (!Array.isArray(list)) return;
    for (const step of list) {
      if (!isObj(step) || step.id !== "organize" || !isObj(step.options)) continue;
      const renames = isObj(step.options.renameByName) ? step.options.renameByName : {};
      for (const [column, name] of Object.entries(renames)) renames[column] = this.text(name);
      if (this.options.lang === "zh") {
        for (const [label, zh] of Object.entries(this.options.table.labels)) renames[label] ??= zh;
      }
      step.options.renameByName = renames;
    }
  }

  panel(panel: Obj): void {
    this.fields(panel, ["title", "description"]);
    for (const target of Array.isArray(panel.targets) ? panel.targets : []) {
      if (isObj(target)) this.fields(target, ["legendFormat"]);
    }
    this.fieldConfig(panel.fieldConfig);
    this.transformations(panel.transformations);
    for (const inner of Array.isArray(panel.panels) ? panel.panels : []) if (isObj(inner)) this.panel(inner);
  }
}

export function localiseDashboard(source: Obj, options: LocaliseOptions): Localised {
  const dashboard = structuredClone(source);
  const t = new Translator(options);
  const { lang } = options;
  t.fields(dashboard, ["title", "description"]);
  dashboard.timezone = options.timeZone;
  // Tagged by language, and links that list only the dashboards of the same language.
  dashboard.tags = ["ops-agent", lang];
  if (lang === "en") {
    dashboard.uid = `${String(dashboard.uid)}-en`;
    dashboard.title = `${String(dashboard.title)} (English)`;
  }
  for (const link of Array.isArray(dashboard.links) ? dashboard.links : []) {
    if (!isObj(link)) continue;
    t.fields(link, ["title", "tooltip"]);
    if (Array.isArray(link.tags)) link.tags = ["ops-agent", lang];
  }
  const templating = isObj(dashboard.templating) ? dashboard.templating : {};
  for (const variable of Array.isArray(templating.list) ? templating.list : []) {
    if (isObj(variable)) t.fields(variable, ["label", "description"]);
  }
  for (const panel of Array.isArray(dashboard.panels) ? dashboard.panels : [])
    if (isObj(panel)) t.panel(panel);
  return { dashboard, missing: [...t.missing].sort() };
}
