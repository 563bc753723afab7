/**
 * Ticket timestamps as helpdesks write them, read strictly: a short list of named formats (no
 * guessing between day-first and month-first), every part range-checked (no 2026-02-30), and a
 * time without an offset taken as wall-clock time in the configured IANA time zone. The offset
 * comes from Intl, so any zone works — Asia/Shanghai (no DST) as well as zones with DST.
 *
 * DST edges follow Temporal's "compatible" rule: a wall time that happens twice (autumn) is the
 * earlier instant; a wall time skipped by the clock change (spring) is moved forward by the gap.
 */

/** The accepted formats; each name says what it reads. */
export const DATE_FORMATS = [
  /** 2026-03-01 08:05 or 2026-03-01 08:05:09 (fractional seconds allowed). */
  "YYYY-MM-DD HH:mm[:ss]",
  /** 2026/03/01 08:05[:09]. */
  "YYYY/MM/DD HH:mm[:ss]",
  /** Excel's default display: 2026/3/1 8:05[:09]. */
  "YYYY/M/D H:mm[:ss]",
  /** 2026年3月1日 8:05[:09]. */
  "YYYY年M月D日 H:mm[:ss]",
  /** 2026-03-01T08:05:09+08:00, …Z, …+0800; without an offset: in the configured time zone. */
  "ISO8601",
  /** Unix seconds (a JSON number or digits): opt-in, never in the defaults. */
  "unix_s",
  /** Unix milliseconds: opt-in, never in the defaults. */
  "unix_ms",
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** Used when `date_formats` is not configured: every text format, no unix numbers. */
export const DEFAULT_DATE_FORMATS: readonly DateFormat[] = [
  "YYYY-MM-DD HH:mm[:ss]",
  "YYYY/MM/DD HH:mm[:ss]",
  "YYYY/M/D H:mm[:ss]",
  "YYYY年M月D日 H:mm[:ss]",
  "ISO8601",
];

const FRACTION = String.raw`(?:[.,](\d{1,9}))?`;
const WALL_PATTERNS: Partial<Record<DateFormat, RegExp>> = {
  "YYYY-MM-DD HH:mm[:ss]": new RegExp(
    String.raw`^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2})${FRACTION})?$`,
  ),
  "YYYY/MM/DD HH:mm[:ss]": new RegExp(
    String.raw`^(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2})(?::(\d{2})${FRACTION})?$`,
  ),
  "YYYY/M/D H:mm[:ss]": new RegExp(
    String.raw`^(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2})(?::(\d{2})${FRACTION})?$`,
  ),
  // 年 月 日 as \u escapes, which RegExp reads as those characters: a raw template keeps them as
  // written, and one non-ASCII character in the bundle doubles its memory (agent/build/bundle.ts).
  "YYYY年M月D日 H:mm[:ss]": new RegExp(
    String.raw`^(\d{4})\u5e74(\d{1,2})\u6708(\d{1,2})\u65e5 ?(\d{1,2}):(\d{2})(?::(\d{2})${FRACTION})?$`,
  ),
};
const ISO = new RegExp(
  String.raw`^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})${FRACTION})?(?: ?([Zz]|[+-]\d{2}(?::?\d{2})?))?$`,
);

/** A date read, or why not. */
export type DateResult = { ok: true; date: Date } | { ok: false; reason: string };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offsets by zone and quarter hour, where the offset is the same at both ends of it. */
const offsetCache = new Map<string, number>();
const QUARTER_HOUR = 900_000;
/** Bounded: a year of quarter hours in one zone, then start again. */
const OFFSET_CACHE_SIZE = 40_000;

/**
 * The zone's offset from UTC at an instant, in milliseconds (east positive). Intl's formatToParts
 * is slow (tens of µs, and a ticket's three times take twelve calls): offsets are kept per quarter
 * hour in which they do not change — zones change offset on the quarter hour, and never twice in
 * one, so a quarter hour with the same offset at both ends has it throughout; one that contains a
 * change is computed each time.
 */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const start = Math.floor(ms / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${timeZone} ${start}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const atStart = exactZoneOffsetMs(start, timeZone);
  if (atStart !== exactZoneOffsetMs(start + QUARTER_HOUR - 1000, timeZone))
    return exactZoneOffsetMs(ms, timeZone);
  if (offsetCache.size >= OFFSET_CACHE_SIZE) offsetCache.clear();
  offsetCache.set(key, atStart);
  return atStart;
}

function exactZoneOffsetMs(ms: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === "BC" || parts.era === "B") year = 1 - year;
  const local = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  return local - whole;
}

/** The instant of a wall-clock time (given as if it were UTC) in a zone; see the DST rule above. */
export function wallTimeToInstant(wallMs: number, timeZone: string): number {
  const DAY = 86_400_000;
  const before = zoneOffsetMs(wallMs - DAY, timeZone);
  const after = zoneOffsetMs(wallMs + DAY, timeZone);
  const valid = [before, after]
    .map((offset) => wallMs - offset)
    .filter((t) => wallMs - zoneOffsetMs(t, timeZone) === t);
  // Two valid instants (the wall time happens twice): the earlier. None (skipped): the offset in
  // force before the change, which lands after the gap.
  return valid.length > 0 ? Math.min(...valid) : wallMs - before;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

/** Wall-clock parts → ms as if UTC, or the part that is out of range. */
function wallMs(m: RegExpExecArray): number | string {
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i])) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0").slice(0, 3));
  if (month < 1 || month > 12) return `no month ${month}`;
  if (day < 1 || day > daysIn(year, month))
    return `no day ${day} in ${year}-${String(month).padStart(2, "0")}`;
  if (hour > 23) return `no hour ${hour}`;
  if (minute > 59) return `no minute ${minute}`;
  if (second > 59) return `no second ${second}`;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

function offsetMs(text: string): number | string {
  if (text === "Z" || text === "z") return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text) as RegExpExecArray;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (hours > 14 || minutes > 59) return `no UTC offset ${text}`;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

/**
 * Reads one timestamp: text (trimmed, inner spaces collapsed) or, with unix_s / unix_ms
 * accepted, a number. The first format that matches the shape decides; a matching shape with an
 * impossible part (month 13, Feb 30) is an error, not a try of the next format.
 */
export function parseTimestamp(
  value: string | number,
  formats: readonly DateFormat[],
  timeZone: string,
): DateResult {
  const unix = (n: number, unit: 1 | 1000): DateResult => {
    const date = new Date(n * unit);
    return Number.isFinite(n) && n >= 0 && !Number.isNaN(date.getTime())
      ? { ok: true, date }
      : { ok: false, reason: "not a valid unix time" };
  };
  if (typeof value === "number") {
    if (formats.includes("unix_ms")) return unix(value, 1);
    if (formats.includes("unix_s")) return unix(value, 1000);
    return { ok: false, reason: "a number, but date_formats has neither unix_s nor unix_ms" };
  }
  const text = value.trim().replace(/\s+/g, " ");
  for (const format of formats) {
    if (format === "unix_s" || format === "unix_ms") {
      if (/^\d{1,15}$/.test(text)) return unix(Number(text), format === "unix_ms" ? 1 : 1000);
      continue;
    }
    const m = (format === "ISO8601" ? ISO : (WALL_PATTERNS[format] as RegExp)).exec(text);
    if (m === null) continue;
    const wall = wallMs(m);
    if (typeof wall === "string") return { ok: false, reason: `not a real date (${wall})` };
    const zone = format === "ISO8601" ? m[8] : undefined;
    if (zone === undefined) return { ok: true, date: new Date(wallTimeToInstant(wall, timeZone)) };
    const offset = offsetMs(zone);
    if (typeof offset === "string") return { ok: false, reason: `not a real date (${offset})` };
    return { ok: true, date: new Date(wall - offset) };
  }
  return { ok: false, reason: `not in an accepted format (${formats.join(", ")})` };
}
