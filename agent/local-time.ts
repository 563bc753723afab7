/**
 * Times as the centre reads them, in its time zone: "2026-11-28 08:00", the local year and month
 * of an instant, the month before it. One cached Intl formatter per zone.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function partsOf(at: Date, timeZone: string): Record<string, string> {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return parts;
}

/** "2026-11-28 08:00" in the given zone. */
export function localDateTime(at: Date, timeZone: string): string {
  const p = partsOf(at, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The local calendar year and month (1–12) of an instant. */
export function localYearMonth(at: Date, timeZone: string): { year: number; month: number } {
  const p = partsOf(at, timeZone);
  return { year: Number(p.year), month: Number(p.month) };
}

/** "2026-10" for the month before `at` in the zone (what a report written on the 1st covers). */
export function previousMonth(at: Date, timeZone: string): string {
  const { year, month } = localYearMonth(at, timeZone);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, "0")}`;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** "+08:00": the zone's UTC offset at that instant ("+00:00" for UTC). */
export function utcOffset(at: Date, timeZone: string): string {
  let format = offsetFormatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "longOffset" });
    offsetFormatters.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  // "GMT+08:00", or plain "GMT" for a zero offset.
  return name === "GMT" ? "+00:00" : name.slice(3);
}

/** "2026-11-28 08:00 +08:00": a time a person reads, with its offset so it is never ambiguous. */
export function localDateTimeWithOffset(at: Date, timeZone: string): string {
  return `${localDateTime(at, timeZone)} ${utcOffset(at, timeZone)}`;
}
