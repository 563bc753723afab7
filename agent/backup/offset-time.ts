/**
 * An instant as the centre reads it, with its offset: "2026-12-04 08:00 +08:00" for messages, and
 * the compact "2026-12-04T0800+0800" for file names (no colons: they are awkward in file names on
 * some file systems and shells). The offset is the zone's at that instant, so a name stays
 * unambiguous across a daylight-saving change or a changed `timezone`.
 */
import { localDateTime } from "../local-time.js";

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** "+08:00" (or "+00:00" for UTC): the zone's offset from UTC at `at`. */
export function zoneOffset(at: Date, timeZone: string): string {
  let format = offsetFormatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "longOffset" });
    offsetFormatters.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  // "GMT+08:00", "GMT-03:30", or plain "GMT" for a zero offset.
  const match = /^GMT([+-]\d{2}):?(\d{2})$/.exec(name);
  return match ? `${match[1]}:${match[2]}` : "+00:00";
}

/** "2026-12-04 08:00 +08:00". */
export function localDateTimeWithOffset(at: Date, timeZone: string): string {
  return `${localDateTime(at, timeZone)} ${zoneOffset(at, timeZone)}`;
}

/** "2026-12-04T0800+0800". */
export function compactLocalStamp(at: Date, timeZone: string): string {
  const [date, time] = localDateTime(at, timeZone).split(" ") as [string, string];
  return `${date}T${time.replace(":", "")}${zoneOffset(at, timeZone).replace(":", "")}`;
}
