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

/**
 * The zone's UTC offset at an instant, "+08:00" (never "Z", never "GMT+8"): Intl's "longOffset"
 * name is "GMT+08:00", or a bare "GMT" for UTC itself.
 */
export function utcOffset(at: Date, timeZone: string): string {
  let format = offsetFormatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormatters.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const offset = name.replace(/^GMT/, "");
  return offset === "" ? "+00:00" : offset;
}

/**
 * "2026-11-30 14:05 +08:00": a time as a person reads it anywhere (CLI tables, report --list,
 * chat messages, lock errors) — local, and with its offset so it is never mistaken for UTC.
 */
export function localDateTimeWithOffset(at: Date, timeZone: string): string {
  return `${localDateTime(at, timeZone)} ${utcOffset(at, timeZone)}`;
}

/**
 * "2026-11-30T14:05:07+08:00": ISO 8601 in the zone, for `--json` output — machine-readable and
 * the same instant as toISOString() to the second, but showing the local time a person compares it with.
 * "milliseconds" keeps the fraction ("…14:05:07.123+08:00"), exactly toISOString()'s instant: the
 * HTTP API, the webhook and /healthz, whose readers compare times to the millisecond
 * (response_seconds, an Alertmanager alert's startsAt).
 */
export function isoWithOffset(
  at: Date,
  timeZone: string,
  precision: "seconds" | "milliseconds" = "seconds",
): string {
  const p = partsOf(at, timeZone);
  const seconds = String(at.getUTCSeconds()).padStart(2, "0");
  const fraction = precision === "milliseconds" ? `.${String(at.getUTCMilliseconds()).padStart(3, "0")}` : "";
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${seconds}${fraction}${utcOffset(at, timeZone)}`;
}

/**
 * A local time typed by a person — "2026-12-05 22:00", "2026-12-05T22:00:00" — as the instant it
 * names in `timeZone`; a time that carries its own offset ("…+08:00", "…Z") is taken as written.
 * Undefined when the text is neither. In a DST gap the later offset wins (China has none today).
 */
export function parseLocalDateTime(text: string, timeZone: string): Date | undefined {
  const trimmed = text.trim();
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed)) {
    const ms = Date.parse(trimmed);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(trimmed);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59)
    return undefined;
  // The offset at the guess, then at the corrected instant (they differ only across a change).
  const offsetMs = (at: number) => offsetMinutes(utcOffset(new Date(at), timeZone)) * 60_000;
  let instant = asUtc - offsetMs(asUtc);
  instant = asUtc - offsetMs(instant);
  return new Date(instant);
}

function offsetMinutes(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (m === null) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}
