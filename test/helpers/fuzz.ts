/**
 * Shared settings for the fuzz tests (test/fuzz/): fast-check with fixed seeds, so a failure in
 * CI is reproduced by running the same file again, and a time budget per run, so a parser that
 * hangs (catastrophic regex backtracking, a loop that does not advance) fails instead of stalling.
 *
 * Defaults: a few hundred runs per property, seed 20260901 (+ an offset per property). For a longer
 * hunt set OPS_AGENT_FUZZ_RUNS (runs of every property, e.g. 5000) and OPS_AGENT_FUZZ_SEED (another
 * starting seed). A failure's seed and path are in fast-check's report: put them in fc.assert's
 * parameters to replay it.
 */
import fc from "fast-check";

/** The seed every fuzz test starts from (each property adds its own offset). */
export const FUZZ_SEED = Number(process.env.OPS_AGENT_FUZZ_SEED ?? 20_260_901);

/** Runs per property: `defaultRuns`, or OPS_AGENT_FUZZ_RUNS when set. */
export function fuzzRuns(defaultRuns = 300): number {
  const override = Number(process.env.OPS_AGENT_FUZZ_RUNS);
  return Number.isInteger(override) && override > 0 ? override : defaultRuns;
}

/**
 * One run of a parser may take at most this long. Generous (a shared 2-core machine under load),
 * yet a hang or an exponential regex on a few hundred characters blows through it.
 */
export const RUN_BUDGET_MS = 2_000;

/** fast-check parameters: fixed seed, a few hundred runs, async runs cut at the budget. */
export function fuzzParameters<T>(seedOffset: number, defaultRuns = 300): fc.Parameters<T> {
  return {
    seed: FUZZ_SEED + seedOffset,
    numRuns: fuzzRuns(defaultRuns),
    timeout: RUN_BUDGET_MS,
  };
}

/**
 * A synchronous predicate with the per-run budget: fast-check cannot interrupt synchronous code,
 * so the run is timed and fails when it took longer than the budget.
 */
export function withinBudget<A extends unknown[]>(
  what: string,
  predicate: (...args: A) => void,
  budgetMs = RUN_BUDGET_MS,
): (...args: A) => void {
  return (...args: A) => {
    const start = performance.now();
    predicate(...args);
    const took = performance.now() - start;
    if (took > budgetMs) throw new Error(`${what} took ${Math.round(took)} ms (budget ${budgetMs} ms)`);
  };
}

/** A clear error: one non-empty line of bounded length. */
export function isClearMessage(message: unknown, maxChars = 2_000): boolean {
  return typeof message === "string" && message.trim() !== "" && message.length <= maxChars;
}

/** Strings that look like the text a parser meets: printable, full-width, CJK, control, emoji. */
export const anyText = (maxLength = 200): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength, unit: "grapheme" }),
    fc.string({ maxLength, unit: "binary" }),
    fc.string({ maxLength }),
  );

/** JSON-like values, including the keys attackers like (__proto__, constructor). */
export const anyJson = (maxDepth = 4): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.jsonValue({ maxDepth }),
    fc.object({
      maxDepth,
      key: fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor", "toString", "value")),
    }),
  );
