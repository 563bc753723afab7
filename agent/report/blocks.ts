/**
 * The report laid out as blocks (headings, paragraphs, key figures, tables, charts), the shapes
 * every renderer prints, and the small builders the sections share (text.ts, text-platforms.ts).
 */
import type { KpiStatus } from "../kpi/evaluate.js";
import { parseTargetValue } from "../form/value.js";
import type { Scene } from "./charts/index.js";
import type { Labels } from "./labels.js";
import type { DailyPoint, MonthlyReport } from "./model.js";

// ───────────────────────── the report as blocks ─────────────────────────
// Every renderer prints the same blocks (headings, paragraphs, key figures, tables, charts) in
// the same order, so the three files cannot drift apart: HTML draws the charts as SVG, the DOCX as
// PNG next to the chart's numbers, Markdown prints the numbers instead of the chart.

/** A cell's colour: a KPI status, or good/bad for verdicts such as within SLA. */
export type Tone = KpiStatus | "good" | "bad" | "warn";

export interface Cell {
  text: string;
  tone?: Tone;
  /** Numbers are right-aligned. */
  numeric?: boolean;
}

export interface TableBlock {
  kind: "table";
  /** Optional grouping row above the headers: spans must add up to the header count. */
  groups?: { text: string; span: number }[];
  headers: string[];
  /** Which header columns are numeric (right-aligned). */
  numeric?: boolean[];
  rows: Cell[][];
  /** Printed instead of an empty table. */
  empty: string;
}

export interface ChartItem {
  caption: string;
  scene: Scene;
  /**
   * The series' names and colours, for formats whose picture cannot carry the legend's words
   * (the DOCX's PNG fallback: its pixel font has no Chinese): printed under the picture.
   */
  legend?: { name: string; colour: string }[];
}

export type Block =
  | { kind: "heading"; level: 2 | 3; text: string; id?: string }
  | { kind: "paragraph"; text: string; note?: boolean }
  | { kind: "figures"; items: { label: string; value: string; tone?: Tone }[] }
  | TableBlock
  /** Charts and the table of the numbers they draw (Markdown prints the table only; `data` absent: none). */
  | { kind: "charts"; charts: ChartItem[]; data?: TableBlock }
  /** The sign-off lines at the end of the body: 编制、审核、日期, each with room to sign. */
  | { kind: "signoff"; items: string[] };

export interface ReportSection {
  /** The section's id (note-sections.ts for the ones operators write into). */
  id: string;
  /** An appendix section: after the sign-off, in smaller print where the format can. */
  appendix?: boolean;
  title: string;
  blocks: Block[];
}

export const cell = (text: string, tone?: Tone): Cell => (tone === undefined ? { text } : { text, tone });
export const num = (text: string, tone?: Tone): Cell => ({ ...cell(text, tone), numeric: true });

export function table(
  headers: string[],
  rows: Cell[][],
  empty: string,
  numeric?: boolean[],
  groups?: { text: string; span: number }[],
): TableBlock {
  return {
    kind: "table",
    headers,
    rows,
    empty,
    ...(numeric === undefined ? {} : { numeric }),
    ...(groups === undefined ? {} : { groups }),
  };
}

/** The ratio a summary row's target sets ("≥95%" → 0.95), for chart target lines. */
export function ratioTarget(report: MonthlyReport, key: string, fallback: number): number {
  const row = report.summary[0]?.rows.find((r) => r.key === key);
  const parsed = row === undefined ? undefined : parseTargetValue(row.target);
  return parsed !== undefined && !("error" in parsed) && parsed.kind === "number" && parsed.unit === "%"
    ? parsed.value
    : fallback;
}

export function percentLabel(ratio: number): string {
  return `≥${Math.round(ratio * 10000) / 100}%`;
}

export function dailyTable(
  t: Labels,
  series: { header: string; points: readonly DailyPoint[]; format: (v: number) => string }[],
): TableBlock {
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.day)))].sort();
  const rows = days.map((day) => [
    cell(day),
    ...series.map((s) => {
      const v = s.points.find((p) => p.day === day)?.value ?? null;
      return num(v === null ? t.noData : s.format(v));
    }),
  ]);
  return table([t.day, ...series.map((s) => s.header)], rows, t.none, [false, ...series.map(() => true)]);
}

export function toneOf(tone: Tone | undefined): { tone?: Tone } {
  return tone === undefined ? {} : { tone };
}
