/**
 * The agent's own Prometheus text-format (0.0.4) writer for what collectors measured. prom-client's
 * formatter copies the default labels, escapes every label value and rebuilds every line on every
 * scrape; here each collector's lines are rendered once, when its state in LatestState changes
 * (replace() always installs a new array), and a scrape only concatenates the cached strings.
 *
 * Families come in a fixed order: opsagent_target_info, then the declared metrics in descriptor
 * order. A family with no series is left out entirely (no HELP, no TYPE). Label order matches
 * what prom-client produced before: collector, target, the sample's own labels, then the default
 * `site` label last (unless a label of that name is already there); for target_info the target's
 * own labels come first, then collector, target, kind and site.
 *
 * Two series of one family may never share a label set (Prometheus keeps one of them and says
 * nothing): a VM target's id follows `target` as `vm_id`, since VM names repeat (clones), and a
 * family whose descriptor asks for it carries the sample's reason code as `reason` (when it has one).
 */
import type { Labels, MetricDescriptor, TargetRef } from "../collectors/types.js";
import { EncodedPiece, encodeTexts } from "./metrics-body.js";
import type { LatestState, LatestValue } from "./store/latest.js";

/** Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*; anything else becomes "_". */
export function labelName(key: string): string {
  const cleaned = key.replace(/[^a-zA-Z0-9_]/g, "_");
  return /^[a-zA-Z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

const LABEL_VALUE_SPECIAL = /[\\"\n]/;
const LABEL_VALUE_ESCAPES = /[\\"\n]/g;
const HELP_SPECIAL = /[\\\n]/;
const HELP_ESCAPES = /[\\\n]/g;
const escapeChar = (c: string): string => (c === "\n" ? "\\n" : `\\${c}`);

/** A label value in text format 0.0.4: `\` → `\\`, `"` → `\"`, newline → `\n`. */
export function escapeLabelValue(value: string): string {
  return LABEL_VALUE_SPECIAL.test(value) ? value.replace(LABEL_VALUE_ESCAPES, escapeChar) : value;
}

/** HELP text in text format 0.0.4: `\` → `\\`, newline → `\n`. */
export function escapeHelp(text: string): string {
  return HELP_SPECIAL.test(text) ? text.replace(HELP_ESCAPES, escapeChar) : text;
}

/**
 * A sample value as Prometheus parses it (Go's ParseFloat): JS String() for finite numbers —
 * "1e+21", "5e-7" and "-0" → "0" are all valid — and NaN / +Inf / -Inf spelt the Prometheus way.
 */
export function formatSampleValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "+Inf" : "-Inf";
}

export interface CollectorExpositionOptions {
  /** Family name prefix, e.g. "opsagent_". */
  prefix: string;
  /** Value of the `site` label added to every series (prom-client's default label before). */
  site: string;
  latest: LatestState;
  /** Every metric any configured plugin may emit, by unprefixed name. */
  descriptors: ReadonlyMap<string, MetricDescriptor>;
}

interface Family {
  name: string;
  /** Blank separator line, HELP and TYPE: everything written before the family's samples. */
  header: string;
  /** The sample's reason is exported as a `reason` label (MetricDescriptor.reasonLabel). */
  reasonLabel: boolean;
}

interface TargetText {
  /** What the strings were made from. */
  source: Pick<TargetRef, "name" | "kind" | "labels" | "vmId">;
  /** The escaped target name. */
  name: string;
  /** `,vm_id="…"` for a VM target, else "": written right after the target label. */
  id: string;
  /**
   * target_info's own labels, `a="x",b="y",` (or ""), written before collector; undefined when
   * they clash with the agent's labels and the general path must decide.
   */
  infoOwn: string | undefined;
  /** The rest of the target_info line after the collector's value. */
  infoRest: string;
}

interface RenderedCollector {
  /** The LatestState array these lines were rendered from; a different array means re-render. */
  values: readonly LatestValue[];
  /** Per family index: that family's lines for this collector, each ending in "\n" ("" if none). */
  chunks: readonly string[];
}

const TARGET_INFO_HELP =
  "Always 1: each target a collector currently measures, with its kind and descriptive labels.";
const LABEL_NAME_CACHE_MAX = 4096;
const NO_LABELS = { text: "", hasSite: false } as const;
/** Names the agent sets on collector samples besides site (a sample's own site label wins). */
const RESERVED_SAMPLE: ReadonlySet<string> = new Set(["collector", "target", "vm_id", "reason"]);
/** Names the agent sets on target_info besides site. */
const RESERVED_INFO: ReadonlySet<string> = new Set(["collector", "target", "vm_id", "kind"]);

/**
 * The collector-measured part of /metrics: opsagent_target_info plus one family per declared
 * metric, read from LatestState and cached per collector.
 */
export class CollectorExposition {
  readonly families: readonly Family[];
  private readonly familyIndex = new Map<string, number>();
  private readonly rendered = new Map<string, RenderedCollector>();
  private readonly siteValue: string;
  private readonly labelNames = new Map<string, string>();
  private readonly targetTexts = new WeakMap<TargetRef, TargetText>();
  private encoded: EncodedPiece | undefined;
  private renders = 0;

  constructor(private readonly options: CollectorExpositionOptions) {
    const families: Family[] = [];
    const add = (name: string, help: string, type: "gauge" | "counter", reasonLabel = false) => {
      const full = `${options.prefix}${name}`;
      families.push({
        name: full,
        header: `\n# HELP ${full} ${escapeHelp(help)}\n# TYPE ${full} ${type}\n`,
        reasonLabel,
      });
    };
    add("target_info", TARGET_INFO_HELP, "gauge");
    for (const [name, descriptor] of options.descriptors) {
      if (name === "target_info")
        throw new Error(`metric ${options.prefix}${name} is already one of the agent's own metrics`);
      this.familyIndex.set(name, families.length);
      add(name, descriptor.help, descriptor.type, descriptor.reasonLabel === true);
    }
    this.families = families;
    this.siteValue = escapeLabelValue(options.site);
  }

  /** Family names this writer may emit (each with the prefix). */
  get familyNames(): string[] {
    return this.families.map((f) => f.name);
  }

  /** How many times a collector's lines were rendered (tests check the cache with it). */
  get renderCount(): number {
    return this.renders;
  }

  /** The exposition text of every family with at least one series; "" when nothing is known. */
  text(): string {
    return this.piece().bytes.toString("utf8");
  }

  /**
   * The same as UTF-8 bytes (gzip made on demand), encoded again only when a collector's lines
   * changed. Only the bytes are kept, not one string of the whole text besides the per-collector
   * lines: at default scale that string was 0.7 MiB of heap (two bytes per character once any
   * line holds a Chinese name), a third copy of the same text.
   */
  piece(): EncodedPiece {
    if (this.sync() || this.encoded === undefined) {
      const texts: string[] = [];
      for (let f = 0; f < this.families.length; f++) {
        const start = texts.length;
        for (const r of this.rendered.values()) if (r.chunks[f] !== "") texts.push(r.chunks[f]!);
        if (texts.length > start) texts.splice(start, 0, this.families[f]!.header);
      }
      this.encoded = new EncodedPiece(encodeTexts(texts));
    }
    return this.encoded;
  }

  /**
   * Bring the per-collector cache in line with LatestState: render collectors whose array changed
   * or that are new, drop those that are gone. True when anything changed.
   */
  private sync(): boolean {
    const latest = this.options.latest;
    // Which collectors have values. LatestState's by-metric index keeps each collector's values
    // together, so this walk mostly compares a string with itself: well under a millisecond for
    // 40,000 values, and it depends on nothing but the index's contents.
    const present = new Set<string>();
    for (const list of latest.byMetric().values()) {
      let previous: string | undefined;
      for (const v of list) {
        if (v.collector !== previous) present.add((previous = v.collector));
      }
    }
    let changed = false;
    for (const collector of this.rendered.keys()) {
      if (!present.has(collector)) {
        this.rendered.delete(collector);
        changed = true;
      }
    }
    for (const collector of present) {
      const values = latest.of(collector);
      if (values === undefined) {
        if (this.rendered.delete(collector)) changed = true;
        continue;
      }
      if (this.rendered.get(collector)?.values === values) continue;
      this.rendered.set(collector, { values, chunks: this.render(collector, values) });
      changed = true;
    }
    return changed;
  }

  private render(collector: string, values: readonly LatestValue[]): string[] {
    this.renders += 1;
    // Each family's lines as flat string pieces, joined once: no per-line intermediate strings.
    const parts: string[][] = this.families.map(() => []);
    const info = parts[0]!;
    const infoStart = `${this.families[0]!.name}{`;
    const collectorValue = escapeLabelValue(collector);
    const sampleStart = this.families.map((f) => `${f.name}{collector="${collectorValue}",target="`);
    const infoCollector = `collector="${collectorValue}`;
    const site = `,site="${this.siteValue}"`;
    const seenTargets = new Set<string>();
    for (const v of values) {
      const index = this.familyIndex.get(v.metric);
      if (index === undefined) continue; // undeclared metric: the runner rejects these runs
      const out = parts[index]!;
      const family = this.families[index]!;
      const target = this.targetText(v.target);
      const value = formatSampleValue(v.value);
      const reason = family.reasonLabel ? v.reason : undefined;
      const sample = this.labelPairs(v.labels, RESERVED_SAMPLE);
      if (sample === undefined) {
        const map = this.sampleLabelMap(collector, v.target, v.labels);
        if (reason !== undefined) map.set("reason", reason);
        out.push(family.name, "{", this.labelsText(map), "} ", value, "\n");
      } else {
        const reasonText = reason === undefined ? "" : `,reason="${escapeLabelValue(reason)}"`;
        if (sample === NO_LABELS && reason === undefined) {
          out.push(sampleStart[index]!, target.name, '"', target.id, site, "} ", value, "\n");
        } else {
          out.push(
            sampleStart[index]!,
            target.name,
            '"',
            target.id,
            sample.text,
            reasonText,
            sample.hasSite ? "" : site,
            "} ",
            value,
            "\n",
          );
        }
      }
      if (!seenTargets.has(v.target.key)) {
        seenTargets.add(v.target.key);
        if (target.infoOwn === undefined)
          info.push(infoStart, this.labelsText(this.infoLabelMap(collector, v.target)), "} 1\n");
        else info.push(infoStart, target.infoOwn, infoCollector, target.infoRest);
      }
    }
    return parts.map((p) => p.join(""));
  }

  /**
   * A target's escaped strings, kept while LatestState holds the same TargetRef object (collectors
   * build their targets once), so a re-render after a run escapes only what is new. An entry is
   * reused only if name, kind and the labels object are still the ones it was made from.
   */
  private targetText(target: TargetRef): TargetText {
    const cached = this.targetTexts.get(target);
    if (
      cached !== undefined &&
      cached.source.name === target.name &&
      cached.source.kind === target.kind &&
      cached.source.labels === target.labels &&
      cached.source.vmId === target.vmId
    )
      return cached;
    const own = this.labelPairs(target.labels, RESERVED_INFO);
    const name = escapeLabelValue(target.name);
    const id = target.vmId === undefined ? "" : `,vm_id="${escapeLabelValue(target.vmId)}"`;
    const text: TargetText = {
      source: { name: target.name, kind: target.kind, labels: target.labels, vmId: target.vmId },
      name,
      id,
      infoOwn: own === undefined ? undefined : own.text === "" ? "" : `${own.text.slice(1)},`,
      infoRest: `",target="${name}"${id},kind="${escapeLabelValue(target.kind)}"${own?.hasSite === true ? "" : `,site="${this.siteValue}"`}} 1\n`,
    };
    this.targetTexts.set(target, text);
    return text;
  }

  /**
   * `,name="value"` for each label, or undefined when a sanitised name repeats or is one the
   * agent sets itself (then the general, Map-based path decides which value wins, as before).
   */
  private labelPairs(
    labels: Labels | undefined,
    reserved: ReadonlySet<string>,
  ): { text: string; hasSite: boolean } | undefined {
    if (labels === undefined) return NO_LABELS;
    let text = "";
    let hasSite = false;
    let names: string[] | undefined;
    for (const key in labels) {
      if (!Object.hasOwn(labels, key)) continue;
      const name = this.labelName(key);
      if (reserved.has(name)) return undefined;
      if (name === "site") hasSite = true;
      if (names === undefined) names = [name];
      else if (names.includes(name)) return undefined;
      else names.push(name);
      text += `,${name}="${escapeLabelValue(labels[key]!)}"`;
    }
    return names === undefined ? NO_LABELS : { text, hasSite };
  }

  /**
   * The general case, for sample labels that clash with the agent's (or with each other once
   * sanitised): as prom-client did, collector and target (and vm_id), then the sample's labels,
   * a later value replacing an earlier one in its place.
   */
  private sampleLabelMap(collector: string, target: TargetRef, labels: Labels): Map<string, string> {
    const out = new Map<string, string>([
      ["collector", collector],
      ["target", target.name],
    ]);
    if (target.vmId !== undefined) out.set("vm_id", target.vmId);
    for (const [key, value] of Object.entries(labels)) out.set(this.labelName(key), value);
    return out;
  }

  /** The general case for target_info: the target's labels, then collector, target, vm_id and kind. */
  private infoLabelMap(collector: string, target: TargetRef): Map<string, string> {
    const out = new Map<string, string>();
    for (const [key, value] of Object.entries(target.labels ?? {})) out.set(this.labelName(key), value);
    out.set("collector", collector).set("target", target.name);
    if (target.vmId !== undefined) out.set("vm_id", target.vmId);
    return out.set("kind", target.kind);
  }

  /** `name="value",…` in insertion order, with site last unless a label of that name exists. */
  private labelsText(labels: ReadonlyMap<string, string>): string {
    const parts: string[] = [];
    for (const [name, value] of labels) parts.push(`${name}="${escapeLabelValue(value)}"`);
    if (!labels.has("site")) parts.push(`site="${this.siteValue}"`);
    return parts.join(",");
  }

  /** A label key sanitised to a Prometheus label name (memoised: the keys are few). */
  private labelName(key: string): string {
    let name = this.labelNames.get(key);
    if (name === undefined) {
      if (this.labelNames.size >= LABEL_NAME_CACHE_MAX) this.labelNames.clear();
      this.labelNames.set(key, (name = labelName(key)));
    }
    return name;
  }
}
