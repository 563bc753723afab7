/**
 * The form's values, as written in its 半年指标值 / 全年指标值 cells ("≥95%", "=253个", ">12.8万人次",
 * "及时"), parsed into checkable targets; measured values rendered back in the form's notation.
 *
 * Grammar (after NFKC normalisation, so full-width digits, ％ and ＝ are accepted; spaces ignored):
 *   value    := word | operator number ["万"] unit
 *   operator := "=" | "≥" | "≤" | ">" | "<" | ">=" | "<="     (">=" and "<=" are stored as ≥ and ≤)
 *   number   := digits ["." digits]
 *   unit     := "%" | "个" | "人" | "次" | "场" | "份" | "条" | "题" | "人次" | ""   ("" = a bare number)
 *   word     := 健全 | 合理 | 明确 | 科学 | 规范 | 合规 | 完善 | 公开 | 有效 | 完成 | 及时
 * A number without an operator ("95%") is an error: the form always writes one, and "95%" could
 * mean "=" or "≥". 万 (×10,000) cannot be combined with "%".
 */
import {
  QUALITATIVE_WORDS,
  UNITS,
  type Operator,
  type QualitativeWord,
  type TargetValue,
  type Unit,
} from "./types.js";

export type NumberTarget = Extract<TargetValue, { kind: "number" }>;
export type QualitativeTarget = Extract<TargetValue, { kind: "qualitative" }>;

/** Longest first, so ">=" is not read as ">" followed by "=". */
const OPERATORS: readonly (readonly [string, Operator])[] = [
  [">=", "≥"],
  ["<=", "≤"],
  ["≥", "≥"],
  ["≤", "≤"],
  ["=", "="],
  [">", ">"],
  ["<", "<"],
];

const WORD_SET: ReadonlySet<string> = new Set(QUALITATIVE_WORDS);
const UNIT_SET: ReadonlySet<string> = new Set(UNITS);

const WORD_LIST = QUALITATIVE_WORDS.join(" ");
const UNIT_LIST = UNITS.filter((u) => u !== "").join(" ");

/**
 * What a qualitative row is called when it is not met, for reports: 不及时, 未完成, 不健全, ….
 * 不 for a quality that is lacking, 未 for something not (yet) done or published, 无效 for 有效.
 */
export const NEGATIONS: Readonly<Record<QualitativeWord, string>> = {
  健全: "不健全",
  合理: "不合理",
  明确: "不明确",
  科学: "不科学",
  规范: "不规范",
  合规: "不合规",
  完善: "不完善",
  公开: "未公开",
  有效: "无效",
  完成: "未完成",
  及时: "不及时",
};

/** A value quoted for an error message. */
function show(text: string): string {
  return JSON.stringify(text);
}

/** Exact decimal scaling: "6.4" × 10^4 → 64000, "95" × 10^-2 → 0.95 (no 6.4 * 10000 rounding noise). */
function scaleDecimal(digits: string, power: number): number {
  const [whole = "", fraction = ""] = digits.split(".");
  const mantissa = Number(whole + fraction);
  const exponent = power - fraction.length;
  return exponent >= 0 ? mantissa * 10 ** exponent : mantissa / 10 ** -exponent;
}

/** Parses one cell of the form. The error names the text; the caller adds the row. */
export function parseTargetValue(text: string): TargetValue | { error: string } {
  const normal = text.normalize("NFKC").replace(/\s+/g, "");
  if (normal === "") return { error: "empty value (expected e.g. ≥95%, =253个 or 及时)" };
  if (WORD_SET.has(normal)) return { kind: "qualitative", word: normal as QualitativeWord, text };

  const operator = OPERATORS.find(([token]) => normal.startsWith(token));
  if (operator === undefined) {
    const firstDigit = normal.search(/[0-9.]/);
    if (firstDigit === 0)
      return {
        error: `no operator in ${show(text)} (write =${normal} or ≥${normal}: the form always has one)`,
      };
    if (firstDigit > 0)
      return {
        error: `unknown operator ${show(normal.slice(0, firstDigit))} in ${show(text)} (expected = ≥ ≤ > < >= <=)`,
      };
    return { error: `unknown word ${show(text)} (expected one of ${WORD_LIST}, or a number such as ≥95%)` };
  }
  const [token, op] = operator;
  const rest = normal.slice(token.length);
  const match = /^([0-9]+(?:\.[0-9]+)?)(万?)(.*)$/.exec(rest);
  if (match === null) {
    return { error: `no number after ${show(token)} in ${show(text)} (expected e.g. ${token}95%)` };
  }
  const [, digits = "", wan = "", unit = ""] = match;
  if (!UNIT_SET.has(unit)) {
    return {
      error: `unknown unit ${show(unit)} in ${show(text)} (expected ${UNIT_LIST}, optionally after 万)`,
    };
  }
  if (unit === "%" && wan !== "") return { error: `万 with % in ${show(text)} (a percentage has no 万)` };
  const power = unit === "%" ? -2 : wan !== "" ? 4 : 0;
  const value = scaleDecimal(digits, power);
  if (!Number.isFinite(value)) return { error: `number out of range in ${show(text)}` };
  return { kind: "number", op, value, unit: unit as Unit, text };
}

/** Relative tolerance for comparing a measurement with a target: ratios are computed, not counted. */
const EPSILON = 1e-9;

function tolerance(a: number, b: number): number {
  return EPSILON * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Whether a measurement meets the target. Qualitative: only `true` meets it. Numbers: compared in
 * base units (a ratio for %), with a tiny relative tolerance so 0.9500000001 equals 0.95 and a
 * strict ">" is not met by float noise. A boolean against a number target (or the reverse) is not met.
 */
export function isMet(target: TargetValue, measured: number | boolean): boolean {
  if (target.kind === "qualitative") return measured === true;
  if (typeof measured !== "number" || Number.isNaN(measured)) return false;
  const eps = tolerance(target.value, measured);
  switch (target.op) {
    case "=":
      return Math.abs(measured - target.value) <= eps;
    case "≥":
      return measured >= target.value - eps;
    case "≤":
      return measured <= target.value + eps;
    case ">":
      return measured > target.value + eps;
    case "<":
      return measured < target.value - eps;
  }
}

/** What formatValue needs of a target: its unit and whether it used 万 (number), or its word. */
export type FormatTarget =
  Pick<NumberTarget, "kind" | "unit" | "text"> | Pick<QualitativeTarget, "kind" | "word">;

/** At most two decimals, trailing zeros dropped: 96.3, 12.85, 253. */
function decimals(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/**
 * A measured value in the form's notation: 0.963 → "96.3%", 253 → "253个", 128500 人次 → "12.85万人次"
 * (万 only when the target used it and the value is at least 10,000); true → the word ("及时"),
 * false → its negation ("不及时", see NEGATIONS). At most two decimals. A boolean against a number
 * target is "是"/"否"; a number against a word is the bare number.
 */
export function formatValue(target: FormatTarget, measured: number | boolean): string {
  if (target.kind === "qualitative") {
    if (typeof measured === "boolean") return measured ? target.word : NEGATIONS[target.word];
    return decimals(measured);
  }
  if (typeof measured === "boolean") return measured ? "是" : "否";
  if (target.unit === "%") return `${decimals(measured * 100)}%`;
  const usesWan = target.text.normalize("NFKC").includes("万");
  if (usesWan && Math.abs(measured) >= 10_000) return `${decimals(measured / 10_000)}万${target.unit}`;
  return `${decimals(measured)}${target.unit}`;
}

/** The unit a value is measured in: % , a count unit, "" for a bare number, or "word" for a quality. */
export function unitOf(target: TargetValue): Unit | "word" {
  return target.kind === "qualitative" ? "word" : target.unit;
}
