/** What every benchmark hands back: figures for the table, and details for results.json. */

export interface Target {
  /** "max": the value must be at most `value`; "min": at least. */
  kind: "max" | "min";
  value: number;
}

export interface BenchRow {
  benchmark: string;
  figure: string;
  value: number;
  unit: string;
  target?: Target;
}

export interface BenchResult {
  benchmark: string;
  rows: BenchRow[];
  /** Set when the benchmark could not run here (e.g. the agent is not built); rows are then empty. */
  skipped?: string;
  details?: Record<string, unknown>;
}

/** Whether a row meets its target; undefined when it has none. Printed, never asserted. */
export function met(row: BenchRow): boolean | undefined {
  if (!row.target || !Number.isFinite(row.value)) return row.target ? false : undefined;
  return row.target.kind === "max" ? row.value <= row.target.value : row.value >= row.target.value;
}
