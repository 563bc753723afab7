/**
 * Rollup arithmetic, shared by the live path (deltas accumulated from each written batch) and the
 * repair path (an hour rebuilt from raw samples after a crash), so both compute the same figures.
 * No SQL here: agent/store/sqlite.ts moves these rows in and out of the database.
 */
export const FLAG_KNOWN = 1;
export const FLAG_UP = 2;
export const FLAG_MAINTENANCE = 4;

export interface RollupCells {
  n: number;
  nUp: number;
  nDown: number;
  nMaint: number;
  nValue: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  last: number | null;
  lastTs: number | null;
}

export interface RollupRow extends RollupCells {
  seriesId: number;
  bucket: number;
}

export function emptyCells(): RollupCells {
  return {
    n: 0,
    nUp: 0,
    nDown: 0,
    nMaint: 0,
    nValue: 0,
    sum: null,
    min: null,
    max: null,
    last: null,
    lastTs: null,
  };
}

/** A stored sample's flags say "down": a known probe result, not up, outside maintenance. */
export function isDownFlags(flags: number): boolean {
  return (flags & FLAG_KNOWN) !== 0 && (flags & FLAG_UP) === 0 && (flags & FLAG_MAINTENANCE) === 0;
}

export function sampleFlags(up: boolean | undefined, maintenance: boolean): number {
  let flags = maintenance ? FLAG_MAINTENANCE : 0;
  if (up !== undefined) flags |= FLAG_KNOWN | (up ? FLAG_UP : 0);
  return flags;
}

/** Add one raw sample to a rollup. */
export function addSample(cells: RollupCells, ts: number, value: number | null, flags: number): void {
  cells.n += 1;
  if (flags & FLAG_MAINTENANCE) cells.nMaint += 1;
  else if (flags & FLAG_KNOWN) {
    if (flags & FLAG_UP) cells.nUp += 1;
    else cells.nDown += 1;
  }
  if (value === null) return;
  cells.nValue += 1;
  cells.sum = (cells.sum ?? 0) + value;
  cells.min = cells.min === null ? value : Math.min(cells.min, value);
  cells.max = cells.max === null ? value : Math.max(cells.max, value);
  if (cells.lastTs === null || ts >= cells.lastTs) {
    cells.last = value;
    cells.lastTs = ts;
  }
}

/** Merge a finer rollup (or a delta) into a coarser one. */
export function mergeCells(into: RollupCells, from: RollupCells): void {
  into.n += from.n;
  into.nUp += from.nUp;
  into.nDown += from.nDown;
  into.nMaint += from.nMaint;
  into.nValue += from.nValue;
  if (from.sum !== null) into.sum = (into.sum ?? 0) + from.sum;
  if (from.min !== null) into.min = into.min === null ? from.min : Math.min(into.min, from.min);
  if (from.max !== null) into.max = into.max === null ? from.max : Math.max(into.max, from.max);
  if (from.lastTs !== null && (into.lastTs === null || from.lastTs >= into.lastTs)) {
    into.last = from.last;
    into.lastTs = from.lastTs;
  }
}

/** Rollup deltas keyed by (series, bucket), waiting to be added to the stored rollups. */
export class RollupAccumulator {
  // Keyed by a number, not a string: this runs for every sample written.
  private readonly rows = new Map<number, RollupRow>();

  get size(): number {
    return this.rows.size;
  }

  private row(seriesId: number, bucket: number): RollupRow {
    // Buckets are unix seconds (< 2^33 until the year 2242); series ids stay far below 2^20.
    const key = seriesId * 8_589_934_592 + bucket;
    let row = this.rows.get(key);
    if (!row) {
      row = { seriesId, bucket, ...emptyCells() };
      this.rows.set(key, row);
    }
    return row;
  }

  addSample(seriesId: number, bucket: number, ts: number, value: number | null, flags: number): void {
    addSample(this.row(seriesId, bucket), ts, value, flags);
  }

  merge(seriesId: number, bucket: number, cells: RollupCells): void {
    mergeCells(this.row(seriesId, bucket), cells);
  }

  drain(): RollupRow[] {
    const out = [...this.rows.values()];
    this.rows.clear();
    return out;
  }
}
