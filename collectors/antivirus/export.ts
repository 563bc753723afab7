/**
 * The generic export source: a CSV or JSON file exported from another vendor's console, read
 * with a field mapping (which column is the name, BIOS UUID, protected flag, last seen).
 */
import { readFile, stat } from "node:fs/promises";
import { SourceError } from "./client.js";
import type { ManagedMachine } from "./coverage.js";
import type { ExportSourceOptions } from "./options.js";

export const MAX_EXPORT_BYTES = 64 * 1024 * 1024;

export async function readExportMachines(
  options: ExportSourceOptions,
  signal: AbortSignal,
): Promise<ManagedMachine[]> {
  const info = await stat(options.path);
  if (info.size > MAX_EXPORT_BYTES) {
    throw new SourceError(`export ${options.path}: ${info.size} bytes, more than ${MAX_EXPORT_BYTES}`);
  }
  const text = (await readFile(options.path, { encoding: "utf8", signal })).replace(/^\uFEFF/, "");
  const records = options.format === "csv" ? csvRecords(text, options.path) : jsonRecords(text, options.path);
  const wanted = [
    options.fields.name,
    options.fields.protected,
    options.fields.bios_uuid,
    options.fields.last_seen,
  ];
  if (records.length > 0) {
    const present = new Set(records.flatMap((r) => Object.keys(r)));
    for (const field of wanted) {
      if (field !== undefined && !present.has(field)) {
        throw new SourceError(`export ${options.path}: no field ${JSON.stringify(field)} in any record`);
      }
    }
  }
  const yes = new Set(options.protected_values.map((v) => v.trim().toLowerCase()));
  return records.map((record) => {
    const name = text1(record[options.fields.name]);
    const flag = text1(record[options.fields.protected]);
    const machine: ManagedMachine = {
      names: name === undefined ? [] : [name],
      biosUuid: options.fields.bios_uuid === undefined ? undefined : text1(record[options.fields.bios_uuid]),
      antiMalware: flag === undefined ? "unknown" : yes.has(flag.toLowerCase()) ? "on" : "off",
      appliance: "not_applicable",
    };
    if (options.fields.last_seen !== undefined)
      machine.lastContact = parseTime(record[options.fields.last_seen]);
    return machine;
  });
}

/** A field value as trimmed text; undefined when missing or empty. */
function text1(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() === "" ? undefined : value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** ISO 8601 text, or epoch milliseconds (number or digits); null when missing or unreadable. */
export function parseTime(value: unknown): Date | null {
  const text = text1(value);
  if (text === undefined) return null;
  const date = /^\d{10,}$/.test(text) ? new Date(Number(text)) : new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

function jsonRecords(text: string, path: string): Record<string, unknown>[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SourceError(`export ${path}: malformed JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(data)) throw new SourceError(`export ${path}: expected a JSON array of records`);
  return data.map((r, i) => {
    if (typeof r !== "object" || r === null || Array.isArray(r)) {
      throw new SourceError(`export ${path}: record ${i} is not an object`);
    }
    return r as Record<string, unknown>;
  });
}

function csvRecords(text: string, path: string): Record<string, string>[] {
  const rows = parseCsv(text, path).filter((row) => !(row.length === 1 && row[0] === ""));
  const header = rows.shift();
  if (header === undefined) throw new SourceError(`export ${path}: empty CSV (no header row)`);
  const names = header.map((h) => h.trim());
  return rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i] ?? ""])));
}

/** RFC 4180 CSV: quoted fields, "" inside quotes, CRLF or LF, newlines inside quotes. */
export function parseCsv(text: string, path = "csv"): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (quoted) throw new SourceError(`export ${path}: unterminated quoted field`);
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
