/**
 * A maintenance window's applications must be targets the config has: a misspelt one would
 * exclude nothing and leave an outage in the availability figure. One check for the CLI's
 * `maintenance add --application` and the console's form, each saying it in its own words.
 */
import { nearest } from "./nearest.js";

export interface UnknownApplication {
  name: string;
  /** The nearest known target's name, when one is close. */
  hint?: string;
}

export function unknownApplications(
  given: readonly string[],
  known: readonly string[],
): UnknownApplication[] {
  return given
    .filter((name) => !known.includes(name))
    .map((name) => {
      const hint = nearest(name, known);
      return hint === undefined ? { name } : { name, hint };
    });
}
