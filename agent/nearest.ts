/**
 * The candidate nearest to what a person typed, for "did you mean …?" hints: by edit distance
 * (Levenshtein, over code points so Chinese names count per character), or one that contains the
 * input or is contained in it. Undefined when nothing is near enough to be a useful guess.
 */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const distance =
      lower.includes(typed) || typed.includes(lower)
        ? Math.abs(lower.length - typed.length) / 4
        : editDistance(typed, lower);
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  if (best === undefined) return undefined;
  // More than half the input changed is not a typo any more.
  return best.distance <= Math.max(2, [...typed].length / 2) ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}
