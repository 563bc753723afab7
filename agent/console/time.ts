/** Times on the console: "2026-11-30 14:05 +08:00" in the configured zone, never a bare UTC "Z". */
import { localDateTime } from "../local-time.js";

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** "+08:00" for the zone at that instant (DST-aware). */
export function zoneOffset(at: Date, timeZone: string): string {
  let format = offsetFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  // "GMT" alone is UTC; otherwise "GMT+08:00" or "GMT-03:30".
  return name === "GMT" ? "+00:00" : name.slice(3);
}

export function consoleTime(at: Date, timeZone: string): string {
  return `${localDateTime(at, timeZone)} ${zoneOffset(at, timeZone)}`;
}

/**
 * A local wall time from a form ("2026-12-05T22:00" or "2026-12-05 22:00") as ISO 8601 with the
 * zone's offset at that time ("2026-12-05T22:00:00+08:00"); undefined when it is not one.
 */
export function localInputToIso(text: string, timeZone: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const asUtc = new Date(`${m[1]}T${m[2]}:00Z`);
  if (Number.isNaN(asUtc.getTime())) return undefined;
  // The offset at the guessed instant, then again at the corrected one (right across a DST change).
  const toMs = (offset: string) => {
    const sign = offset.startsWith("-") ? -1 : 1;
    const [h = "0", min = "0"] = offset.slice(1).split(":");
    return sign * (Number(h) * 60 + Number(min)) * 60_000;
  };
  let offset = zoneOffset(asUtc, timeZone);
  offset = zoneOffset(new Date(asUtc.getTime() - toMs(offset)), timeZone);
  return `${m[1]}T${m[2]}:00${offset}`;
}
