/**
 * `--json` output: every Date in it as ISO 8601 in the configured zone with its offset
 * ("2026-11-30T14:05:07+08:00", the same instant as toISOString()'s "…06:05:07.000Z"), so a
 * person reading it sees the local time and a script still parses it as an exact instant.
 */
import { isoWithOffset } from "../local-time.js";

export function printJson(value: unknown, timeZone: string): void {
  console.log(JSON.stringify(value, localDates(timeZone), 2));
}

/** A JSON.stringify replacer: `this[key]` is the value before Date.prototype.toJSON turned it into "…Z". */
function localDates(timeZone: string): (this: unknown, key: string, value: unknown) => unknown {
  return function (this: unknown, key: string, value: unknown): unknown {
    const raw = (this as Record<string, unknown>)[key];
    return raw instanceof Date ? isoWithOffset(raw, timeZone) : value;
  };
}
