/**
 * Helpdesk tickets, read leniently per row and strictly per value: a CSV export (import) or the
 * items of a REST answer (pull) become tickets, and every row that cannot be used is reported
 * with its line (or item index) and the reason — the good rows are still taken. A problem with
 * the whole input (wrong encoding, broken CSV quoting, a mapped column missing) takes no rows:
 * then nothing about any row can be trusted.
 *
 * Duplicate ids in one input: rows with the same values (an export or page overlap) count once;
 * rows with different values are all reported, naming each other's lines, and none is taken —
 * which one is current cannot be known, and the store keeps what it had.
 *
 * The CSV header is the first non-empty line that has every mapped column (up to 10 lines down:
 * exports often start with a title line); columns that are not mapped are ignored; column names,
 * categories and priorities are compared ignoring case, full/half width and surrounding spaces.
 *
 * Re-imports are idempotent by construction: a ticket is identified by its id alone, so the
 * store upserts on it.
 */
import { show } from "../../collectors/inventory/parse.js";
import { CsvSyntaxError, parseCsv } from "../../collectors/inventory/csv.js";
import { evaluateJsonPath, parseJsonPath } from "../../collectors/http/jsonpath.js";
import { CATEGORIES, PRIORITIES, type Category, type Priority } from "../incidents/types.js";
import { normalizeLabel, type TicketsConfig } from "./config.js";
import { DEFAULT_DATE_FORMATS, parseTimestamp, type DateFormat } from "./dates.js";
import { DecodeError, decodeText, type TextEncoding } from "./decode.js";

export interface Ticket {
  /** The helpdesk's ticket number, trimmed. */
  id: string;
  category: Category;
  priority: Priority;
  /** Control characters made spaces, at most 200 characters. */
  title?: string;
  createdAt: Date;
  firstResponseAt?: Date;
  resolvedAt?: Date;
}

/** A ticket from a CSV file. */
export interface TicketRecord extends Ticket {
  /** The 1-based line the row starts on. */
  line: number;
}

/** A ticket from a REST answer. */
export interface TicketItem extends Ticket {
  /** The 0-based index of the item in the pulled list. */
  index: number;
}

export interface TicketProblem {
  /** 1-based; undefined for a problem with the whole file. */
  line: number | undefined;
  reason: string;
}

export interface TicketItemProblem {
  /** 0-based; undefined for a problem with the whole list. */
  index: number | undefined;
  reason: string;
}

export interface CsvTickets {
  source: string;
  tickets: TicketRecord[];
  problems: TicketProblem[];
  /** How the file was decoded; undefined when it could not be. */
  encoding: TextEncoding | undefined;
}

export interface JsonTickets {
  tickets: TicketItem[];
  problems: TicketItemProblem[];
}

/** The mapped fields, in the order they are checked and reported. */
export const TICKET_FIELDS = [
  "id",
  "category",
  "priority",
  "created",
  "first_response",
  "resolved",
  "title",
] as const;
export type TicketField = (typeof TICKET_FIELDS)[number];

const MAX_TITLE = 200;
const MAX_ID = 100;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HAS_CONTROL = /[\u0000-\u001f\u007f]/;

/** How many problems describeTicketProblems lists before "… and N more". */
export const MAX_LISTED_PROBLEMS = 50;

/** Problems as `source:line: reason` lines (for the CLI and the log). */
export function describeTicketProblems(source: string, problems: readonly TicketProblem[]): string[] {
  const listed = problems
    .slice(0, MAX_LISTED_PROBLEMS)
    .map((p) => `${source}${p.line === undefined ? "" : `:${p.line}`}: ${p.reason}`);
  if (problems.length > MAX_LISTED_PROBLEMS)
    listed.push(`… and ${problems.length - MAX_LISTED_PROBLEMS} more`);
  return listed;
}

/** One row's values before they are checked: text, a JSON number, or nothing (empty / absent). */
type RawValue = string | number | undefined;

interface RawRow {
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
interface Shape {
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
      const t = v.trim();
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

/** Checks every row and applies the duplicate rule; problems come back in row order. */
function checkRows(
  rows: readonly RawRow[],
  shape: Shape,
  config: TicketsConfig,
): { tickets: { pos: number; ticket: Ticket }[]; problems: { pos: number; reason: string }[] } {
  const look = lookups(config);
  const checked = rows.map((row) => ({ row, result: checkRow(row, shape, look) }));
  const byId = new Map<string, typeof checked>();
  for (const entry of checked) {
    const v = entry.row.values.id;
    const id = typeof v === "number" ? String(v) : v?.trim();
    if (id === undefined || id === "") continue;
    const group = byId.get(id);
    if (group === undefined) byId.set(id, [entry]);
    else group.push(entry);
  }
  const dropped = new Set<RawRow>();
  const extra = new Map<RawRow, string>();
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    const key = (row: RawRow): string =>
      JSON.stringify(
        TICKET_FIELDS.map((f) => {
          const v = row.values[f];
          return typeof v === "string" ? v.trim() : (v ?? null);
        }),
      );
    const first = key((group[0] as (typeof group)[number]).row);
    if (group.every((e) => key(e.row) === first)) {
      // The same row twice: count it once.
      for (const e of group.slice(1)) dropped.add(e.row);
      continue;
    }
    for (const e of group) {
      const others = group.filter((o) => o !== e).map((o) => shape.where(o.row.pos));
      extra.set(
        e.row,
        `duplicate id ${show(id)}: also on ${others.join(", ")} with different values; none of these rows is taken`,
      );
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

function mappedFields(config: TicketsConfig): { field: TicketField; name: string }[] {
  return TICKET_FIELDS.flatMap((field) => {
    const name = config.mapping[field];
    return name === undefined ? [] : [{ field, name }];
  });
}

/** How many non-empty records at the top may precede the header (a title line, an export note). */
const HEADER_SEARCH = 10;

/**
 * Parses a helpdesk CSV export. `source` names the file in messages. Never throws for bad input:
 * problems with the whole file come back as one problem with `line` undefined (or the header's line).
 */
export function parseTicketsCsv(bytes: Uint8Array, config: TicketsConfig, source: string): CsvTickets {
  const fail = (line: number | undefined, reason: string, encoding?: TextEncoding): CsvTickets => ({
    source,
    tickets: [],
    problems: [{ line, reason }],
    encoding,
  });
  let text: string;
  let encoding: TextEncoding;
  try {
    ({ text, encoding } = decodeText(bytes, config.encoding));
  } catch (err) {
    if (err instanceof DecodeError) return fail(undefined, `cannot read the file: ${err.message}`);
    throw err;
  }
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      return fail(err.line, `not valid CSV, no rows taken: ${err.message}`, encoding);
    throw err;
  }
  const isEmpty = (fields: string[]): boolean => fields.every((f) => f.trim() === "");
  const nonEmpty = records.filter((r) => !isEmpty(r.fields));
  if (nonEmpty.length === 0)
    return fail(undefined, "the file is empty (expected a header line and ticket rows)", encoding);

  const wanted = mappedFields(config);
  const columnsOf = (fields: string[]): Map<string, number[]> => {
    const columns = new Map<string, number[]>();
    fields.forEach((f, i) => {
      const key = normalizeLabel(f);
      columns.set(key, [...(columns.get(key) ?? []), i]);
    });
    return columns;
  };
  const hasAll = (fields: string[]): boolean => {
    const columns = columnsOf(fields);
    return wanted.every((w) => columns.has(normalizeLabel(w.name)));
  };
  const header =
    nonEmpty.slice(0, HEADER_SEARCH).find((r) => hasAll(r.fields)) ??
    (nonEmpty[0] as (typeof nonEmpty)[number]);
  const columns = columnsOf(header.fields);
  const missing = wanted.filter((w) => !columns.has(normalizeLabel(w.name)));
  if (missing.length > 0) {
    const found = header.fields.map((f) => f.trim()).filter((f) => f !== "");
    return fail(
      header.line,
      `missing column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `${show(m.name)} (mapping.${m.field})`).join(", ")}; the header has ${found.map((f) => show(f)).join(", ")} (read as ${encoding}); no rows taken`,
      encoding,
    );
  }
  const doubled = wanted.filter((w) => (columns.get(normalizeLabel(w.name)) as number[]).length > 1);
  if (doubled.length > 0) {
    return fail(
      header.line,
      `${doubled.map((d) => `column ${show(d.name)} (mapping.${d.field})`).join(", ")} appears more than once in the header; no rows taken`,
      encoding,
    );
  }
  const index = new Map(
    wanted.map((w) => [w.field, (columns.get(normalizeLabel(w.name)) as number[])[0] as number]),
  );
  const width = header.fields.length;
  const rows: RawRow[] = [];
  for (const record of records) {
    if (record.line <= header.line || isEmpty(record.fields)) continue;
    const row: RawRow = { pos: record.line, values: {}, reasons: [] };
    const n = record.fields.length;
    if (n < width || (n > width && !isEmpty(record.fields.slice(width)))) {
      row.reasons.push(`${n} fields, but the header has ${width}`);
    }
    for (const [field, i] of index) row.values[field] = record.fields[i];
    rows.push(row);
  }
  const nameOf = new Map(wanted.map((w) => [w.field, `column ${show(w.name)}`]));
  const checked = checkRows(rows, { name: (f) => nameOf.get(f) ?? f, where: (pos) => `line ${pos}` }, config);
  return {
    source,
    tickets: checked.tickets.map(({ pos, ticket }) => ({ ...ticket, line: pos })),
    problems: checked.problems.map(({ pos, reason }) => ({ line: pos, reason })),
    encoding,
  };
}

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
