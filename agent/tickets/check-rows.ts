/**
 * The rules every ticket row obeys, whatever the input: strict per value (an id, a known category
 * and priority, dates in a configured format, no response before creation), lenient per row (a bad
 * row is reported with every reason, the others are still taken).
 *
 * Duplicate ids in one input: rows with the same values (an export or page overlap) count once;
 * rows with different values are all reported, naming each other's lines, and none is taken —
 * which one is current cannot be known, and the store keeps what it had.
 */
import { show } from "../../collectors/inventory/parse.js";
import { toWellFormedText } from "../well-formed-text.js";
import { CATEGORIES, PRIORITIES, type Category, type Priority } from "../incidents/types.js";
import { normalizeLabel, type TicketsConfig } from "./config.js";
import { DEFAULT_DATE_FORMATS, parseTimestamp, type DateFormat } from "./dates.js";
import { TICKET_FIELDS, type Ticket, type TicketField } from "./ticket.js";

const MAX_TITLE = 200;
const MAX_ID = 100;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HAS_CONTROL = /[\u0000-\u001f\u007f]/;

/** One row's values before they are checked: text, a JSON number, or nothing (empty / absent). */
export type RawValue = string | number | undefined;

export interface RawRow {
  pos: number;
  values: Partial<Record<TicketField, RawValue>>;
  /** Problems found while reading the row. */
  reasons: string[];
  /** Fields whose problem is already in `reasons` (not reported again as empty). */
  bad?: Set<TicketField>;
  /** Not a row at all (a JSON item that is not an object): only `reasons` are reported. */
  shapeless?: boolean;
}

/** What the checks need to know about the input's shape. */
export interface Shape {
  /** How a field is named in messages: `column "创建时间"` / `key "created_at"`. */
  name: (field: TicketField) => string;
  /** "line 7" / "item 3". */
  where: (pos: number) => string;
}

/** Label lookups built once per parse. */
interface Lookups {
  categories: Map<string, Category>;
  categoryList: string;
  priorities: Map<string, Priority>;
  priorityList: string;
  formats: readonly DateFormat[];
  timezone: string;
}

function lookups(config: TicketsConfig): Lookups {
  const categories = new Map<string, Category>();
  for (const c of CATEGORIES) categories.set(normalizeLabel(c), c);
  for (const [text, c] of Object.entries(config.category_map)) categories.set(normalizeLabel(text), c);
  const priorities = new Map<string, Priority>();
  for (const p of PRIORITIES) priorities.set(normalizeLabel(p), p);
  for (const [text, p] of Object.entries(config.priority_map)) priorities.set(normalizeLabel(text), p);
  const list = (keys: string[]): string => keys.map((k) => JSON.stringify(k)).join(", ");
  return {
    categories,
    categoryList: list([...Object.keys(config.category_map), ...CATEGORIES]),
    priorities,
    priorityList: list([...Object.keys(config.priority_map), ...PRIORITIES]),
    formats: config.date_formats ?? DEFAULT_DATE_FORMATS,
    timezone: config.timezone,
  };
}

function showValue(value: string | number): string {
  return typeof value === "number" ? String(value) : show(value);
}

/** Checks one row: a ticket, or every reason it cannot be one. */
function checkRow(row: RawRow, shape: Shape, look: Lookups): Ticket | string[] {
  const reasons = [...row.reasons];
  if (row.shapeless) return reasons;
  const empty = (field: TicketField, message: string): void => {
    if (!row.bad?.has(field)) reasons.push(message);
  };
  const raw = (field: TicketField): string | number | undefined => {
    const v = row.values[field];
    if (typeof v === "string") {
      // A REST answer's JSON may hold lone surrogates ("\ud800"): mended, never stored as bad UTF-8.
      const t = toWellFormedText(v).trim();
      return t === "" ? undefined : t;
    }
    return v;
  };

  const idRaw = raw("id");
  let id: string | undefined;
  if (idRaw === undefined) empty("id", `no id (${shape.name("id")} is empty)`);
  else if (typeof idRaw === "number" && !Number.isSafeInteger(idRaw))
    reasons.push(`id ${idRaw} (${shape.name("id")}) is not a whole number`);
  else {
    id = String(idRaw);
    if (HAS_CONTROL.test(id) || Array.from(id).length > MAX_ID) {
      reasons.push(
        `id ${show(id)} (${shape.name("id")}) has control characters or more than ${MAX_ID} characters`,
      );
      id = undefined;
    }
  }

  const label = <T>(field: "category" | "priority", map: Map<string, T>, accepted: string): T | undefined => {
    const v = raw(field);
    if (v === undefined) {
      empty(field, `no ${field} (${shape.name(field)} is empty)`);
      return undefined;
    }
    const found = map.get(normalizeLabel(String(v)));
    if (found === undefined) {
      reasons.push(
        `unknown ${field} ${showValue(v)} in ${shape.name(field)}: add it to ${field}_map (accepted now: ${accepted})`,
      );
    }
    return found;
  };
  const category = label("category", look.categories, look.categoryList);
  const priority = label("priority", look.priorities, look.priorityList);

  const time = (field: "created" | "first_response" | "resolved"): Date | undefined => {
    const v = raw(field);
    if (v === undefined) {
      if (field === "created") empty(field, `no created time (${shape.name(field)} is empty)`);
      return undefined;
    }
    const result = parseTimestamp(v, look.formats, look.timezone);
    if (!result.ok) {
      reasons.push(`${shape.name(field)} (${field}): ${showValue(v)} is ${result.reason}`);
      return undefined;
    }
    return result.date;
  };
  const createdAt = time("created");
  const firstResponseAt = time("first_response");
  const resolvedAt = time("resolved");
  if (createdAt !== undefined) {
    for (const [field, at, what] of [
      ["first_response", firstResponseAt, "first response"],
      ["resolved", resolvedAt, "resolution"],
    ] as const) {
      if (at !== undefined && at.getTime() < createdAt.getTime()) {
        reasons.push(
          `impossible dates: ${what} ${showValue(raw(field) as string | number)} (${shape.name(field)}) is before created ${showValue(raw("created") as string | number)} (${shape.name("created")})`,
        );
      }
    }
  }

  let title: string | undefined;
  const titleRaw = raw("title");
  if (titleRaw !== undefined) {
    const chars = Array.from(String(titleRaw).replace(CONTROL, " ").trim());
    title = chars.length <= MAX_TITLE ? chars.join("") : `${chars.slice(0, MAX_TITLE - 1).join("")}…`;
  }

  if (reasons.length > 0 || id === undefined || category === undefined || priority === undefined)
    return reasons;
  if (createdAt === undefined) return reasons;
  const ticket: Ticket = { id, category, priority, createdAt };
  if (title !== undefined && title !== "") ticket.title = title;
  if (firstResponseAt !== undefined) ticket.firstResponseAt = firstResponseAt;
  if (resolvedAt !== undefined) ticket.resolvedAt = resolvedAt;
  return ticket;
}

/** Checks one row at a time (a streamed import); the duplicate rule is the caller's (see rowId, duplicateKey). */
export function rowChecker(config: TicketsConfig, shape: Shape): (row: RawRow) => Ticket | string[] {
  const look = lookups(config);
  return (row) => checkRow(row, shape, look);
}

/** The id a row is grouped by for the duplicate rule, before any check; undefined when empty. */
export function rowId(row: RawRow): string | undefined {
  const v = row.values.id;
  const id = typeof v === "number" ? String(v) : v?.trim();
  return id === undefined || id === "" ? undefined : id;
}

/** Rows with the same id and the same key are the same row twice (counted once). */
export function duplicateKey(row: RawRow): string {
  return JSON.stringify(
    TICKET_FIELDS.map((f) => {
      const v = row.values[f];
      return typeof v === "string" ? v.trim() : (v ?? null);
    }),
  );
}

/** The duplicate rule's reason on each row of a group with different values. */
export function duplicateReason(id: string, otherPlaces: readonly string[]): string {
  return `duplicate id ${show(id)}: also on ${otherPlaces.join(", ")} with different values; none of these rows is taken`;
}

/** Checks every row and applies the duplicate rule; problems come back in row order. */
export function checkRows(
  rows: readonly RawRow[],
  shape: Shape,
  config: TicketsConfig,
): { tickets: { pos: number; ticket: Ticket }[]; problems: { pos: number; reason: string }[] } {
  const look = lookups(config);
  const checked = rows.map((row) => ({ row, result: checkRow(row, shape, look) }));
  const byId = new Map<string, typeof checked>();
  for (const entry of checked) {
    const id = rowId(entry.row);
    if (id === undefined) continue;
    const group = byId.get(id);
    if (group === undefined) byId.set(id, [entry]);
    else group.push(entry);
  }
  const dropped = new Set<RawRow>();
  const extra = new Map<RawRow, string>();
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    const key = duplicateKey;
    const first = key((group[0] as (typeof group)[number]).row);
    if (group.every((e) => key(e.row) === first)) {
      // The same row twice: count it once.
      for (const e of group.slice(1)) dropped.add(e.row);
      continue;
    }
    for (const e of group) {
      const others = group.filter((o) => o !== e).map((o) => shape.where(o.row.pos));
      extra.set(e.row, duplicateReason(id, others));
    }
  }
  const tickets: { pos: number; ticket: Ticket }[] = [];
  const problems: { pos: number; reason: string }[] = [];
  for (const { row, result } of checked) {
    if (dropped.has(row)) continue;
    const reasons = Array.isArray(result) ? [...result] : [];
    const dup = extra.get(row);
    if (dup !== undefined) reasons.push(dup);
    if (reasons.length > 0) problems.push({ pos: row.pos, reason: reasons.join("; ") });
    else tickets.push({ pos: row.pos, ticket: result as Ticket });
  }
  return { tickets, problems };
}

export function mappedFields(config: TicketsConfig): { field: TicketField; name: string }[] {
  return TICKET_FIELDS.flatMap((field) => {
    const name = config.mapping[field];
    return name === undefined ? [] : [{ field, name }];
  });
}
