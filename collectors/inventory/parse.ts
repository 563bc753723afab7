/**
 * The inventory file, parsed strictly: every problem is collected with its line, and one bad row
 * fails the whole file. A broken file must never shrink the VM count or publish a partial list.
 */
import { isIP } from "node:net";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { InventoryVm } from "../types.js";
import { boundName } from "../vcenter/index.js";
import { CsvSyntaxError, parseCsv } from "./csv.js";

export const FIELDS = ["name", "ip", "system", "owner", "bios_uuid", "power_state"] as const;
export type Field = (typeof FIELDS)[number];
const FIELD_SET: ReadonlySet<string> = new Set(FIELDS);
const FIELD_LIST = FIELDS.join(", ");

const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

const POWER_STATES: Readonly<Record<string, InventoryVm["powerState"]>> = {
  powered_on: "POWERED_ON",
  on: "POWERED_ON",
  powered_off: "POWERED_OFF",
  off: "POWERED_OFF",
  suspended: "SUSPENDED",
};

/** How many problems the error lists before "… and N more". */
export const MAX_LISTED_PROBLEMS = 50;

export interface StaticVm {
  /** The file line the VM is listed on. */
  line: number;
  /** Bounded: control characters become spaces, at most 200 characters. */
  name: string;
  powerState: InventoryVm["powerState"];
  ip?: string;
  /** Lower-case. */
  biosUuid?: string;
  system?: string;
  owner?: string;
}

export interface Problem {
  /** 1-based; undefined for a problem with the whole file (e.g. not UTF-8). */
  line: number | undefined;
  reason: string;
}

/** The file cannot be used: `problems` lists every bad row; the message lists them as `path:line: reason`. */
export class InventoryFileError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly Problem[],
  ) {
    super(describeProblems(path, problems));
    this.name = "InventoryFileError";
  }
}

function describeProblems(path: string, problems: readonly Problem[]): string {
  const listed = problems
    .slice(0, MAX_LISTED_PROBLEMS)
    .map((p) => `${path}${p.line ? `:${p.line}` : ""}: ${p.reason}`);
  if (problems.length > MAX_LISTED_PROBLEMS)
    listed.push(`… and ${problems.length - MAX_LISTED_PROBLEMS} more`);
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return `inventory: ${path} is invalid (${count}); no VMs are published until it is fixed:\n${listed.join("\n")}`;
}

/** One row as read from the file, before its values are checked. */
interface RawRow {
  line: number;
  values: Partial<Record<Field, string>>;
  /** Problems found while reading the row (wrong field count, unknown field, …). */
  problems: string[];
  /** Not a mapping at all: its values are not checked further. */
  shapeless?: boolean;
}

/** A value quoted for an error message: bounded, escaped. */
export function show(value: string): string {
  const chars = Array.from(value);
  return JSON.stringify(chars.length <= 60 ? value : `${chars.slice(0, 59).join("")}…`);
}

/** Parses the inventory file's text; throws InventoryFileError listing every problem. */
export function parseInventory(text: string, format: "csv" | "yaml", path: string): StaticVm[] {
  const rows = format === "csv" ? readCsv(text, path) : readYaml(text, path);
  const problems: Problem[] = [];
  const vms: StaticVm[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const reasons = [...row.problems];
    const value = (field: Field): string | undefined => {
      const v = row.values[field]?.trim();
      return v === undefined || v === "" ? undefined : v;
    };
    if (row.shapeless) {
      problems.push({ line: row.line, reason: reasons.join("; ") });
      continue;
    }
    const rawName = value("name");
    const name = rawName === undefined ? undefined : boundName(rawName);
    if (name === undefined) {
      reasons.push("no name");
    } else {
      const id = name.toLowerCase();
      const first = seen.get(id);
      if (first !== undefined)
        reasons.push(`duplicate name ${show(rawName as string)} (already on line ${first})`);
      else seen.set(id, row.line);
    }
    const ip = value("ip");
    if (ip !== undefined && isIP(ip) === 0) reasons.push(`ip ${show(ip)} is not an IPv4 or IPv6 address`);
    const biosUuid = value("bios_uuid");
    if (biosUuid !== undefined && !UUID.test(biosUuid))
      reasons.push(`bios_uuid ${show(biosUuid)} is not a UUID`);
    const state = value("power_state");
    const powerState = state === undefined ? "POWERED_ON" : POWER_STATES[state.toLowerCase()];
    if (powerState === undefined) {
      reasons.push(
        `unknown power_state ${show(state as string)} (expected POWERED_ON, POWERED_OFF, SUSPENDED, on, off or suspended)`,
      );
    }
    if (reasons.length > 0 || name === undefined || powerState === undefined) {
      problems.push({ line: row.line, reason: reasons.join("; ") });
      continue;
    }
    const vm: StaticVm = { line: row.line, name, powerState };
    if (ip !== undefined) vm.ip = ip;
    if (biosUuid !== undefined) vm.biosUuid = biosUuid.toLowerCase();
    const system = value("system");
    if (system !== undefined) vm.system = boundName(system);
    const owner = value("owner");
    if (owner !== undefined) vm.owner = boundName(owner);
    vms.push(vm);
  }
  if (problems.length > 0) throw new InventoryFileError(path, problems);
  return vms;
}

function readCsv(text: string, path: string): RawRow[] {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      throw new InventoryFileError(path, [{ line: err.line, reason: err.message }]);
    throw err;
  }
  const isEmpty = (fields: string[]): boolean => fields.every((f) => f.trim() === "");
  const header = records.find((r) => !isEmpty(r.fields));
  if (header === undefined) {
    throw new InventoryFileError(path, [
      {
        line: undefined,
        reason: `the file is empty (expected a header line with the columns ${FIELD_LIST})`,
      },
    ]);
  }
  const columns: (Field | undefined)[] = [];
  const headerProblems: string[] = [];
  for (const raw of header.fields) {
    const column = raw.trim().toLowerCase();
    if (!FIELD_SET.has(column)) {
      headerProblems.push(`unknown column ${show(raw.trim())} (expected ${FIELD_LIST})`);
      columns.push(undefined);
    } else if (columns.includes(column as Field)) {
      headerProblems.push(`duplicate column ${show(column)}`);
      columns.push(undefined);
    } else {
      columns.push(column as Field);
    }
  }
  if (!columns.includes("name")) headerProblems.push(`no "name" column (the header is the first line)`);
  if (headerProblems.length > 0) {
    throw new InventoryFileError(path, [{ line: header.line, reason: headerProblems.join("; ") }]);
  }
  const rows: RawRow[] = [];
  for (const record of records) {
    if (record.line <= header.line || isEmpty(record.fields)) continue;
    const row: RawRow = { line: record.line, values: {}, problems: [] };
    if (record.fields.length !== columns.length) {
      row.problems.push(`${record.fields.length} fields, but the header has ${columns.length}`);
    }
    columns.forEach((column, index) => {
      const field = record.fields[index];
      if (column !== undefined && field !== undefined) row.values[column] = field;
    });
    rows.push(row);
  }
  return rows;
}

/** No node, or an empty one (`vms:` with nothing after it). */
function isNothing(node: Node | null | undefined): boolean {
  return (
    node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === ""))
  );
}

function readYaml(text: string, path: string): RawRow[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, schema: "failsafe" });
  // The failsafe schema keeps every scalar as written: "007" stays "007", "off" stays "off".
  const lineOf = (
    node: { range?: [number, number, number] | null } | null | undefined,
  ): number | undefined => (node?.range ? lineCounter.linePos(node.range[0]).line : undefined);
  if (doc.errors.length > 0) {
    throw new InventoryFileError(
      path,
      doc.errors.map((e) => ({
        line: lineCounter.linePos(e.pos[0]).line,
        reason: `not valid YAML: ${(e.message.split("\n")[0] ?? "").slice(0, 200)}`,
      })),
    );
  }
  const expected = `expected a list of VMs, or a mapping with a "vms" list`;
  let list: Node | null | undefined = doc.contents;
  if (isNothing(list)) {
    throw new InventoryFileError(path, [{ line: undefined, reason: `the file is empty (${expected})` }]);
  }
  if (isMap(list)) {
    const keys = list.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ""));
    if (keys.length !== 1 || keys[0] !== "vms") {
      throw new InventoryFileError(path, [{ line: lineOf(list), reason: `${expected}; found other keys` }]);
    }
    list = list.items[0]?.value as Node | null | undefined;
    if (isNothing(list)) return [];
  }
  if (!isSeq(list)) throw new InventoryFileError(path, [{ line: lineOf(list) ?? 1, reason: expected }]);
  const rows: RawRow[] = [];
  for (const item of list.items) {
    const node = item as Node | null;
    const row: RawRow = { line: lineOf(node) ?? lineOf(list) ?? 1, values: {}, problems: [] };
    rows.push(row);
    if (!isMap(node)) {
      row.problems.push(`expected a mapping with the fields ${FIELD_LIST}`);
      row.shapeless = true;
      continue;
    }
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !FIELD_SET.has(key)) {
        row.problems.push(`unknown field ${show(key ?? "?")} (expected ${FIELD_LIST})`);
        continue;
      }
      const value = pair.value as Node | null;
      if (isNothing(value)) continue;
      const v = isScalar(value) ? value.value : undefined;
      if (typeof v === "string") {
        row.values[key as Field] = v;
      } else {
        row.problems.push(`field ${show(key)} must be a single value`);
      }
    }
  }
  return rows;
}
