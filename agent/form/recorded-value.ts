/**
 * A value a person records for an indicator (`ops-agent record KEY VALUE`), checked against the
 * indicator's target: a number in the target's unit ("7", "7人", "96.5%", "1.2万人次"), or for a
 * qualitative target its word ("及时") or its negation ("不及时", "未完成", "否"). A value in
 * another unit is refused, naming the unit expected.
 */
import type { TargetValue } from "./types.js";
import { NEGATIONS as WORD_NEGATIONS } from "./value.js";

export type RecordedValue = number | boolean;

/**
 * Why a value was refused, as data: `error` is the CLI's English sentence, this lets the console
 * say the same in the page's language (agent/kpi/refusal-text.ts).
 */
export type ValueRefusal =
  | { kind: "empty" }
  | { kind: "word"; word: string; got: string }
  | { kind: "number"; unit: string; got: string }
  | { kind: "percent"; got: string }
  | { kind: "percent_over"; got: string; hint: string }
  | { kind: "unit"; unit: string; got: string };

export interface ValueError {
  error: string;
  refusal: ValueRefusal;
}

const NEGATIONS = ["不", "未", "没有", "非"];

export function parseRecordedValue(text: string, target: TargetValue): RecordedValue | ValueError {
  const input = text.normalize("NFKC").trim();
  if (input === "") return { error: "empty value", refusal: { kind: "empty" } };
  if (target.kind === "qualitative") {
    const word = target.word;
    if (input === word || input === "是" || input.toLowerCase() === "yes") return true;
    // The form's own negation (不及时, 未完成, 无效: as reports print it) and the common ones.
    if (
      input === WORD_NEGATIONS[word] ||
      NEGATIONS.some((n) => input === `${n}${word}`) ||
      input === "否" ||
      input.toLowerCase() === "no"
    )
      return false;
    return {
      error: `expected "${word}" or "不${word}"/"未${word}" (a qualitative indicator), got "${text}"`,
      refusal: { kind: "word", word, got: text },
    };
  }
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(万)?\s*(.*)$/.exec(input);
  if (!match)
    return {
      error: `expected a number${target.unit ? ` in ${target.unit}` : ""}, got "${text}"`,
      refusal: { kind: "number", unit: target.unit, got: text },
    };
  const unit = (match[3] ?? "").trim();
  let value = Number(match[1]) * (match[2] ? 10_000 : 1);
  if (target.unit === "%") {
    // "96.5%" and "96.5" both mean 96.5 %; stored as the ratio 0.965 like every measured ratio.
    const notPercent = {
      error: `expected a percentage like "96.5%", got "${text}"`,
      refusal: { kind: "percent", got: text },
    } as const;
    if (unit !== "" && unit !== "%") return notPercent;
    if (match[2]) return notPercent;
    // Every percentage row of the form is a share (coverage, completion, satisfaction): above
    // 100 % is a typo ("9650%" for "96.50%"), never a value.
    if (value > 100)
      return {
        error: `a percentage is at most 100%, got "${text}" (did you mean "${value / 100}%"?)`,
        refusal: { kind: "percent_over", got: text, hint: `${value / 100}%` },
      };
    value /= 100;
    return value;
  }
  if (unit !== "" && unit !== target.unit) {
    return {
      error: `expected a number in ${target.unit || "no unit"} (e.g. "3${target.unit}"), got "${text}"`,
      refusal: { kind: "unit", unit: target.unit, got: text },
    };
  }
  return value;
}
