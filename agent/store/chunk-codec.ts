/**
 * One series' raw samples of one hour, as one compact blob (the sample_chunks table). Raw rows
 * cost ~22 bytes each in the samples table, and a year at the default scale keeps ~90 million of
 * them inside the 35-day raw window; chunks cost one to two bytes a sample for the
 * values probes produce. Lossless: every timestamp, value (bit for bit), flag and reason comes
 * back as it was written.
 *
 * Layout (all integers are LEB128 varints, see byte-io.ts), columns one after the other:
 *   version (1) · count n
 *   timestamps: first as an offset from the hour's start, then the n−1 gaps run-length coded
 *               (a probe every 60 s is one pair: "60, n−1 times")
 *   flags:      run-length pairs (value, run)
 *   reason ids: run-length pairs (id + 1, or 0 for none)
 *   nulls:      run-length pairs (1 = null, 0 = a value)
 *   values:     mode 0 — none; mode 1 — decimal: an exponent e such that every value is m / 10^e
 *               exactly, then the first m and the differences, a zero difference followed by how
 *               many more zeros come (a constant series is a few bytes); mode 2 — IEEE doubles as
 *               written (values with no short decimal form, e.g. timings from the monotonic clock).
 */
import { ByteReader, ByteWriter, ChunkDecodeError } from "./byte-io.js";

export { ChunkDecodeError } from "./byte-io.js";

export interface ChunkRow {
  ts: number;
  value: number | null;
  flags: number;
  reasonId: number | null;
}

const VERSION = 1;
const MODE_NONE = 0;
const MODE_DECIMAL = 1;
const MODE_FLOAT = 2;
const MAX_EXPONENT = 15;
/** Scaled values stay below this, so their differences and zigzag forms remain safe integers. */
const MAX_SCALED = 2 ** 50;

/** Rows must be sorted by ts with no two at the same second (one series, one hour). */
export function encodeChunk(bucket: number, rows: readonly ChunkRow[]): Uint8Array {
  const w = new ByteWriter();
  w.byte(VERSION);
  w.uvarint(rows.length);
  if (rows.length === 0) return w.bytes();
  const first = rows[0] as ChunkRow;
  w.svarint(first.ts - bucket);
  const gaps: number[] = [];
  for (let i = 1; i < rows.length; i++) gaps.push((rows[i] as ChunkRow).ts - (rows[i - 1] as ChunkRow).ts);
  writeRuns(w, gaps);
  writeRuns(
    w,
    rows.map((r) => r.flags),
  );
  writeRuns(
    w,
    rows.map((r) => (r.reasonId === null ? 0 : r.reasonId + 1)),
  );
  writeRuns(
    w,
    rows.map((r) => (r.value === null ? 1 : 0)),
  );
  const values = rows.flatMap((r) => (r.value === null ? [] : [r.value]));
  writeValues(w, values);
  return w.bytes();
}

/** `context` names the chunk in errors (series and hour). */
export function decodeChunk(bucket: number, data: Uint8Array, context: string): ChunkRow[] {
  const r = new ByteReader(data);
  const version = r.byte(`${context}: version`);
  if (version !== VERSION)
    throw new ChunkDecodeError(`${context}: chunk format ${version}, this agent reads ${VERSION}`);
  const n = r.uvarint(`${context}: count`);
  if (n === 0) return [];
  const ts = new Array<number>(n);
  ts[0] = bucket + r.svarint(`${context}: first timestamp`);
  const gaps = readRuns(r, n - 1, `${context}: timestamps`);
  for (let i = 1; i < n; i++) ts[i] = (ts[i - 1] as number) + (gaps[i - 1] as number);
  const flags = readRuns(r, n, `${context}: flags`);
  const reasons = readRuns(r, n, `${context}: reasons`);
  const nulls = readRuns(r, n, `${context}: nulls`);
  const valueCount = nulls.reduce((count, isNull) => count + (isNull === 0 ? 1 : 0), 0);
  const values = readValues(r, valueCount, `${context}: values`);
  if (!r.done) throw new ChunkDecodeError(`${context}: bytes left after ${n} samples`);
  const rows: ChunkRow[] = [];
  let v = 0;
  for (let i = 0; i < n; i++) {
    const reason = reasons[i] as number;
    rows.push({
      ts: ts[i] as number,
      value: nulls[i] === 1 ? null : (values[v++] as number),
      flags: flags[i] as number,
      reasonId: reason === 0 ? null : reason - 1,
    });
  }
  return rows;
}

function writeRuns(w: ByteWriter, values: readonly number[]): void {
  let i = 0;
  while (i < values.length) {
    const value = values[i] as number;
    let run = 1;
    while (i + run < values.length && values[i + run] === value) run++;
    w.uvarint(value);
    w.uvarint(run);
    i += run;
  }
}

function readRuns(r: ByteReader, count: number, what: string): number[] {
  const out: number[] = [];
  while (out.length < count) {
    const value = r.uvarint(what);
    const run = r.uvarint(what);
    if (run === 0 || out.length + run > count)
      throw new ChunkDecodeError(`${what}: a run of ${run} where ${count - out.length} values remain`);
    for (let k = 0; k < run; k++) out.push(value);
  }
  return out;
}

/** The smallest exponent e with every value exactly m / 10^e for an integer m, if there is one. */
function decimalExponent(values: readonly number[]): number | undefined {
  for (let e = 0; e <= MAX_EXPONENT; e++) {
    const scale = 10 ** e;
    if (
      values.every((v) => {
        const m = Math.round(v * scale);
        // −0 scales to −0 but its differences lose the sign: such a chunk keeps doubles.
        return Math.abs(m) <= MAX_SCALED && Object.is(m / scale, v) && !Object.is(v, -0);
      })
    )
      return e;
  }
  return undefined;
}

function writeValues(w: ByteWriter, values: readonly number[]): void {
  if (values.length === 0) {
    w.byte(MODE_NONE);
    return;
  }
  const e = decimalExponent(values);
  if (e === undefined) {
    w.byte(MODE_FLOAT);
    for (const v of values) w.float64(v);
    return;
  }
  w.byte(MODE_DECIMAL);
  w.byte(e);
  const scale = 10 ** e;
  let previous = 0;
  let i = 0;
  while (i < values.length) {
    const m = Math.round((values[i] as number) * scale);
    const delta = m - previous;
    w.svarint(delta);
    previous = m;
    i++;
    if (delta !== 0) continue;
    // A zero difference carries how many more follow it.
    let more = 0;
    while (i < values.length && Math.round((values[i] as number) * scale) === m) {
      more++;
      i++;
    }
    w.uvarint(more);
  }
}

function readValues(r: ByteReader, count: number, what: string): number[] {
  const mode = r.byte(what);
  if (mode === MODE_NONE) {
    if (count !== 0) throw new ChunkDecodeError(`${what}: ${count} values expected, none stored`);
    return [];
  }
  if (mode === MODE_FLOAT) {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(r.float64(what));
    return out;
  }
  if (mode !== MODE_DECIMAL) throw new ChunkDecodeError(`${what}: unknown value mode ${mode}`);
  const e = r.byte(what);
  if (e > MAX_EXPONENT) throw new ChunkDecodeError(`${what}: exponent ${e} over ${MAX_EXPONENT}`);
  const scale = 10 ** e;
  const out: number[] = [];
  let m = 0;
  while (out.length < count) {
    const delta = r.svarint(what);
    m += delta;
    out.push(m / scale);
    if (delta !== 0) continue;
    const more = r.uvarint(what);
    if (out.length + more > count)
      throw new ChunkDecodeError(`${what}: ${more} repeats where ${count - out.length} values remain`);
    for (let k = 0; k < more; k++) out.push(m / scale);
  }
  return out;
}
