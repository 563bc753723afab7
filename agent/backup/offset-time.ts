/**
 * An instant as the centre reads it, with its offset (agent/local-time.ts), and here the compact "2026-12-04T0800+0800" for file names (no colons: they are awkward in file names on
 * some file systems and shells). The offset is the zone's at that instant, so a name stays
 * unambiguous across a daylight-saving change or a changed `timezone`.
 */
import { localDateTime, utcOffset } from "../local-time.js";

/** "2026-12-04T0800+0800". */
export function compactLocalStamp(at: Date, timeZone: string): string {
  const [date, time] = localDateTime(at, timeZone).split(" ") as [string, string];
  return `${date}T${time.replace(":", "")}${utcOffset(at, timeZone).replace(":", "")}`;
}
