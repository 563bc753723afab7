/** The formatting of the report's figures: ratios, durations, counts, times in the centre's time zone. */
import { localDateTime, localDateTimeWithOffset } from "../local-time.js";
import type { Lang } from "./model.js";
export function formatRatio(value: number | null, digits = 2): string {
  if (value === null || !Number.isFinite(value)) return "—";
  return `${(value * 100).toFixed(digits)}%`;
}

/** Minutes as hours and minutes: 125 → "2小时5分" / "2 h 5 min"; negative values keep their sign. */
export function formatMinutes(minutes: number | null, lang: Lang): string {
  if (minutes === null || !Number.isFinite(minutes)) return "—";
  const sign = minutes < 0 ? "-" : "";
  const total = Math.round(Math.abs(minutes));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (lang === "en") return `${sign}${h > 0 ? `${h} h ` : ""}${m} min`;
  return `${sign}${h > 0 ? `${h}小时` : ""}${m}分`;
}

/** The error budget left: "3小时20分" or "超支 1小时5分" / "overspent 1 h 5 min". */
export function formatBudget(minutes: number | null, lang: Lang): string {
  if (minutes === null || !Number.isFinite(minutes)) return "—";
  if (minutes >= 0) return formatMinutes(minutes, lang);
  return `${lang === "en" ? "overspent " : "超支 "}${formatMinutes(-minutes, lang)}`;
}

/** A number with at most `digits` decimals, trailing zeros dropped. */
export function formatNumber(value: number | null, digits = 1): string {
  if (value === null || !Number.isFinite(value)) return "—";
  const f = 10 ** digits;
  const rounded = Math.round(value * f) / f;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/** "2026-11-30 14:05 +08:00": a time a person reads, in the centre's zone with its offset. */
export const formatDateTimeWithOffset = localDateTimeWithOffset;

/** "2026-10-03 14:05" in the centre's time zone. */
export const formatDateTime = localDateTime;

/** "10-03 14:05" (within the report's month, the year is implied). */
export function formatShortDateTime(at: Date, timeZone: string): string {
  return formatDateTime(at, timeZone).slice(5);
}

/**
 * 环比 of two ratios as a signed difference in percentage points: "+0.35个百分点", "−1.20个百分点",
 * "持平"; 无数据 when either month has no figure.
 */
export function formatPointChange(current: number | null, previous: number | null, lang: Lang): string {
  if (current === null || previous === null) return lang === "en" ? "no data" : "无数据";
  const pp = Math.round((current - previous) * 10000) / 100;
  if (pp === 0) return lang === "en" ? "unchanged" : "持平";
  const text = `${pp > 0 ? "+" : "−"}${Math.abs(pp).toFixed(2)}`;
  return lang === "en" ? `${text} pp` : `${text}个百分点`;
}

/** 环比 of two counts: "+2", "−1", "持平"; 无数据 when either is unknown. */
export function formatCountChange(current: number | null, previous: number | null, lang: Lang): string {
  if (current === null || previous === null) return lang === "en" ? "no data" : "无数据";
  const d = current - previous;
  if (d === 0) return lang === "en" ? "unchanged" : "持平";
  return `${d > 0 ? "+" : "−"}${formatNumber(Math.abs(d), 1)}`;
}
