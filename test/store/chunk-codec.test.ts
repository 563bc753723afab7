import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ChunkDecodeError, decodeChunk, encodeChunk, type ChunkRow } from "../../agent/store/chunk-codec.js";

const HOUR = Date.UTC(2026, 9, 1, 3) / 1000;

/** One hour of one series: unique seconds, ascending, any value a sample may carry. */
const chunkRows = fc
  .uniqueArray(fc.integer({ min: 0, max: 3599 }), { maxLength: 300 })
  .chain((offsets) =>
    fc.tuple(
      fc.constant([...offsets].sort((a, b) => a - b)),
      fc.array(
        fc.record({
          value: fc.oneof(
            fc.constant(null),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            fc.integer({ min: -1000, max: 1000 }).map((m) => m / 1000),
            fc.constantFrom(0, 1, -0, 2 ** 53, -(2 ** 52), 5e-324, 0.1 + 0.2),
          ),
          flags: fc.integer({ min: 0, max: 7 }),
          reasonId: fc.option(fc.integer({ min: 0, max: 2 ** 31 }), { nil: null }),
        }),
        { minLength: offsets.length, maxLength: offsets.length },
      ),
    ),
  )
  .map(([offsets, cells]) =>
    offsets.map((o, i) => ({ ts: HOUR + o, ...(cells[i] as Omit<ChunkRow, "ts">) })),
  );

describe("raw chunk codec", () => {
  it("gives back every sample exactly: seconds, values bit for bit (−0 included), flags, reasons", () => {
    fc.assert(
      fc.property(chunkRows, (rows) => {
        const back = decodeChunk(HOUR, encodeChunk(HOUR, rows), "test");
        expect(back).toHaveLength(rows.length);
        back.forEach((r, i) => {
          const want = rows[i] as ChunkRow;
          expect(r.ts).toBe(want.ts);
          expect(Object.is(r.value, want.value)).toBe(true);
          expect(r.flags).toBe(want.flags);
          expect(r.reasonId).toBe(want.reasonId);
        });
      }),
      { seed: 20261128, numRuns: 500 },
    );
  });

  it("stores a regular up/down probe hour in a few bytes and short decimals in about two bytes each", () => {
    const up = Array.from({ length: 60 }, (_, i) => ({
      ts: HOUR + 7 + i * 60,
      value: 1,
      flags: 3,
      reasonId: null,
    }));
    expect(encodeChunk(HOUR, up).length).toBeLessThan(20);
    // Round-trip times as fping prints them (ms, two decimals) converted to seconds.
    const rtt = Array.from({ length: 60 }, (_, i) => ({
      ts: HOUR + i * 60,
      value: Number(((0.2 + ((i * 37) % 50) / 100) / 1000).toPrecision(6)),
      flags: 3,
      reasonId: null,
    }));
    expect(encodeChunk(HOUR, rtt).length).toBeLessThan(20 + 2 * 60);
  });

  it("refuses damaged bytes with an error naming the chunk, never a wrong sample", () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      ts: HOUR + i * 60,
      value: i / 10,
      flags: 3,
      reasonId: null,
    }));
    const good = encodeChunk(HOUR, rows);
    expect(() => decodeChunk(HOUR, good.subarray(0, good.length - 1), "series 7")).toThrow(ChunkDecodeError);
    expect(() => decodeChunk(HOUR, good.subarray(0, good.length - 1), "series 7")).toThrow(/series 7/);
    expect(() => decodeChunk(HOUR, Uint8Array.of(9, 1), "series 7")).toThrow(/chunk format 9/);
    expect(() => decodeChunk(HOUR, Uint8Array.of(...good, 0), "series 7")).toThrow(/bytes left/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          const back = decodeChunk(HOUR, bytes, "fuzz");
          expect(Array.isArray(back)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ChunkDecodeError);
        }
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});
