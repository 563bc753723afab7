/**
 * How the read model says a figure: every explanation (`how`) in Chinese first and in English,
 * made once from the same numbers (DESIGN.md, "One figure, one place"). Numbers as the documents
 * write them: percentages to two decimals, counts whole, never a raw float.
 */

/** One text in both languages: `zh` for every page a person reads, `en` for `--lang en` / `?lang=en`. */
export interface Bilingual {
  zh: string;
  en: string;
}

export type FigureLang = keyof Bilingual;

export function both(zh: string, en: string): Bilingual {
  return { zh, en };
}

/** 0.970833… → "97.08%". */
export function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

/** A count or a level as written: whole numbers as they are, anything else to at most 2 decimals. */
export function num(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

/** A name from the config or the store (a collector, an application) quoted in a Chinese sentence. */
export function quoted(name: string): string {
  return `“${name}”`;
}

/** Joined for a Chinese sentence: “a”、“b”. */
export function listZh(names: readonly string[]): string {
  return names.map(quoted).join("、");
}

/** A duration in Chinese: "1秒", "5分钟", "2小时", "90秒". */
export function durationZh(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}小时`;
  if (ms % 60_000 === 0) return `${ms / 60_000}分钟`;
  return `${num(ms / 1000)}秒`;
}
