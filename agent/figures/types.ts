/**
 * What every figure of the read model returns: the value, how much of the period the data behind
 * it covers, the numbers it was computed from, the rule that made it, and when the newest
 * measurement behind it was taken. The KPI, /metrics, the monthly report and the form export
 * format these; none of them computes a figure of its own (DESIGN.md, "One figure, one place").
 */
import type { Bilingual } from "./words.js";

export type { Bilingual } from "./words.js";

/**
 * The figures behind a value: value = numerator ÷ denominator (denominator null for a plain count
 * or level, e.g. VMs in scope). `unit` says what numerator ÷ denominator count, in both languages
 * (the console, the export's 佐证 sheet and `kpi --json` print it as they find it); `parts` gives
 * the per-application or per-source pieces when the value is made of several.
 */
export interface Evidence {
  numerator: number;
  denominator: number | null;
  unit: Bilingual;
  parts?: EvidencePart[];
}

/**
 * One piece of a value made of several: `id` is its identity (an application's target name, a
 * collector, a power state), `label` what a person calls it (the config's `system:` name…).
 */
export interface EvidencePart {
  id: string;
  label: Bilingual;
  numerator: number;
  denominator: number | null;
  unit: Bilingual;
}

export interface Figure<V> {
  /** null: no data (无数据), never 0 and never met. */
  value: V | null;
  /** 0–1: how much of the period the measurement covers; null when coverage has no meaning. */
  coverage: number | null;
  /**
   * The rule and the figures in one sentence, Chinese first (what `kpi`, the console, the report
   * and the export print): made once here from the same numbers, in both languages.
   */
  how: Bilingual;
  /** The computation behind `value` as numbers (the form export's 佐证 sheet). */
  evidence?: Evidence;
  /**
   * What the whole period's value will be if things go on as they are, where the figure knows
   * better than a pro-rata projection (monthly reports: counted + months still open).
   */
  projection?: V;
  /** Unix seconds of the newest measurement behind the figure; absent when there is none. */
  lastMeasuredAt?: number;
}

/** A period as the read model takes it: unix seconds, [from, to), `to` never later than now. */
export interface Span {
  from: number;
  to: number;
}
