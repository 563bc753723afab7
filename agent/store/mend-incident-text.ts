/**
 * Text from outside (Alertmanager labels, API bodies, tickets) may carry lone UTF-16 surrogates
 * ("\ud800" in JSON): SQLite would store them as bytes that are not UTF-8. Every text column and
 * event text is mended with these at the one door into the incident tables (IncidentStore's
 * changes), to U+FFFD as a decoder would.
 */
import { toWellFormedText } from "../well-formed-text.js";

/** The spec with every string field mended; other fields as they are. */
export function mendSpec<T extends object>(spec: T): T {
  const out = { ...spec } as Record<string, unknown>;
  for (const [key, value] of Object.entries(out))
    if (typeof value === "string") out[key] = toWellFormedText(value);
  return out as T;
}

export const mendText = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : toWellFormedText(text);
