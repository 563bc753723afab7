/**
 * A list request's filters as VcenterApi sends and checks them: the legacy /rest API's two forms
 * of a list-valued filter, and whether an answer's items obey the filters they carry (an item a
 * filter excludes means the filter was not applied, and the list must not be used as if it were).
 */

/**
 * How a list-valued filter is written on the legacy /rest API, in the order they are tried:
 * repeated `filter.folders=a&filter.folders=b`, then indexed `filter.folders.1=a&filter.folders.2=b`.
 */
export const LEGACY_LIST_FORMS = ["repeated", "indexed"] as const;
export type LegacyListForm = (typeof LEGACY_LIST_FORMS)[number];

/** One filtered field an answer's items carry: every item's value must be among `values`. */
export interface FieldRule<T> {
  param: string;
  values: readonly string[] | undefined;
  of: (item: T) => string;
  describe: (item: T) => string;
}

/** The first item a filter rule excludes, described; undefined when every item matches. */
export function contradictionIn<T>(items: readonly T[], rules: readonly FieldRule<T>[]): string | undefined {
  for (const rule of rules) {
    const values = rule.values;
    if (values === undefined || values.length === 0) continue;
    const outside = items.find((item) => !values.includes(rule.of(item)));
    if (outside !== undefined) {
      const shown = values.slice(0, 5).map(quote).join(", ");
      return `${rule.describe(outside)}, outside the ${rule.param} filter ${shown}${values.length > 5 ? ", …" : ""}`;
    }
  }
  return undefined;
}

/** "filter.folders=group-v1001&…" or "filter.folders.1=group-v1001&…": how a form looked on the wire. */
export function describeForm(
  form: LegacyListForm,
  [name, values]: readonly [string, readonly string[]],
): string {
  const first = `filter.${name}${form === "indexed" ? ".1" : ""}=${values[0] ?? ""}`;
  return `${first}${values.length > 1 ? "&…" : ""} (${form})`;
}

/** Text from vCenter in a message: bounded and quoted, control characters shown escaped. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text);
}
