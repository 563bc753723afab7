/**
 * A seeded random stream: the demo's simulated history and the benchmarks' generated years are
 * the same on every run with the same seed.
 */

/** A linear congruential stream in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
