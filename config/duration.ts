/**
 * Durations in the config are written like "30s", "5m", "1h30m", "35d", "500ms". Parsed once, at
 * load time, into milliseconds so nothing downstream guesses units.
 */
import * as z from "zod";

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y))+$/;

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim();
  if (!WHOLE.test(compact)) return undefined;
  let total = 0;
  for (const match of compact.matchAll(PART)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return Math.round(total);
}

/** "90000" ms → "1m30s": used when printing a config back to a person. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ["d", UNIT_MS.d],
    ["h", UNIT_MS.h],
    ["m", UNIT_MS.m],
    ["s", UNIT_MS.s],
    ["ms", 1],
  ] as const) {
    const n = Math.floor(rest / (size as number));
    if (n > 0) {
      parts.push(`${n}${unit}`);
      rest -= n * (size as number);
    }
  }
  return parts.join("");
}

export interface DurationBounds {
  min?: number;
  max?: number;
}

/** A zod schema for a duration string; the output is milliseconds. */
export function duration(bounds: DurationBounds = {}) {
  return z.string({ error: 'expected a duration like "10s", "5m" or "35d"' }).transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: "custom", message: 'expected a duration like "10s", "5m" or "35d"' });
      return z.NEVER;
    }
    if (bounds.min !== undefined && ms < bounds.min) {
      ctx.addIssue({ code: "custom", message: `expected at least ${formatDuration(bounds.min)}` });
      return z.NEVER;
    }
    if (bounds.max !== undefined && ms > bounds.max) {
      ctx.addIssue({ code: "custom", message: `expected at most ${formatDuration(bounds.max)}` });
      return z.NEVER;
    }
    return ms;
  });
}
