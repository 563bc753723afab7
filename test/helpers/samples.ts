/** Generated samples for the store tests: the benchmarks' generator, by target count. */
import type { StoredSample } from "../../agent/store/sqlite.js";
import { probeBatch as batchFor, probeTarget } from "../../bench/generate.js";

export { prng, probeTarget as target } from "../../bench/generate.js";

/** Probe samples (up + latency) for `targets` applications at one instant. */
export function probeBatch(targets: number, time: Date, random: () => number): StoredSample[] {
  return batchFor(
    Array.from({ length: targets }, (_, i) => probeTarget(i)),
    time,
    random,
  );
}
