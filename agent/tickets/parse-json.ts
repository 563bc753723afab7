/**
 * Helpdesk tickets from the items of a REST answer (the ticket pull): the same rules as the CSV
 * import (check-rows.ts); problems carry the item's 0-based index.
 */
import { show } from "../../collectors/inventory/parse.js";
import { evaluateJsonPath, parseJsonPath } from "../../collectors/http/jsonpath.js";
import type { TicketsConfig } from "./config.js";
import { checkRows, mappedFields, type RawRow } from "./check-rows.js";
import type { JsonTickets, TicketField } from "./ticket.js";

/** A mapped name's lookup in a JSON item: a top-level key, or a "$.a.b" path into nested objects. */
function keyReader(name: string): (item: Record<string, unknown>) => { value: unknown } | { missing: true } {
  if (name.startsWith("$")) {
    const steps = parseJsonPath(name);
    if (Array.isArray(steps)) return (item) => evaluateJsonPath(item, steps);
  }
  return (item) => (Object.hasOwn(item, name) ? { value: item[name] } : { missing: true });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks the items of a REST pull with the same rules as the CSV import; problems carry the
 * item's 0-based index. A mapped key that no item has at all is a problem with the whole list
 * (a wrong mapping would otherwise make every ticket look unanswered).
 */
export function parseTicketsJson(items: readonly unknown[], config: TicketsConfig): JsonTickets {
  const wanted = mappedFields(config).map((w) => ({ ...w, read: keyReader(w.name) }));
  const objects = items.filter(isObject);
  if (objects.length > 0) {
    const absent = wanted.filter((w) => objects.every((o) => "missing" in w.read(o)));
    if (absent.length > 0) {
      const keys = Object.keys(objects[0] as Record<string, unknown>).slice(0, 30);
      return {
        tickets: [],
        problems: [
          {
            index: undefined,
            reason: `no item has the key${absent.length > 1 ? "s" : ""} ${absent.map((a) => `${show(a.name)} (mapping.${a.field})`).join(", ")}; the first item's keys are ${keys.map((k) => show(k)).join(", ")}; no items taken`,
          },
        ],
      };
    }
  }
  const rows: RawRow[] = items.map((item, pos) => {
    const row: RawRow = { pos, values: {}, reasons: [] };
    if (!isObject(item)) {
      row.reasons.push(
        `expected an object with the ticket's keys, got ${Array.isArray(item) ? "a list" : item === null ? "null" : typeof item}`,
      );
      row.shapeless = true;
      return row;
    }
    const bad = (field: TicketField, reason: string): void => {
      row.reasons.push(reason);
      (row.bad ??= new Set()).add(field);
    };
    for (const w of wanted) {
      const found = w.read(item);
      if ("missing" in found) {
        if (w.field === "id" || w.field === "category" || w.field === "priority" || w.field === "created")
          bad(w.field, `no key ${show(w.name)} (${w.field})`);
        continue;
      }
      const v = found.value;
      if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) row.values[w.field] = v;
      else if (v !== null && v !== undefined)
        bad(
          w.field,
          `key ${show(w.name)} (${w.field}): expected text or a number, got ${Array.isArray(v) ? "a list" : typeof v}`,
        );
    }
    return row;
  });
  const nameOf = new Map(wanted.map((w) => [w.field, `key ${show(w.name)}`]));
  const checked = checkRows(rows, { name: (f) => nameOf.get(f) ?? f, where: (pos) => `item ${pos}` }, config);
  return {
    tickets: checked.tickets.map(({ pos, ticket }) => ({ ...ticket, index: pos })),
    problems: checked.problems.map(({ pos, reason }) => ({ index: pos, reason })),
  };
}
