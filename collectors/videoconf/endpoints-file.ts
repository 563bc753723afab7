/**
 * The endpoints file: one row per school meeting room, `name,address` then any further columns
 * as labels (school, district). Strict like the inventory file: one bad row makes the whole file
 * unusable (the endpoints become unknown for the run), because a list missing rows would raise
 * the online ratio — a partial denominator is a false figure. Re-read only when it changes.
 */
import { readFile, stat } from "node:fs/promises";
import { CsvSyntaxError, parseCsv } from "../inventory/csv.js";
import { show } from "../inventory/parse.js";
import { isValidAddress, type IcmpTarget } from "../icmp/options.js";
import { boundName } from "../vcenter/index.js";

const LABEL = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_LISTED = 20;

export class EndpointsFileError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    const listed = problems.slice(0, MAX_LISTED);
    if (problems.length > MAX_LISTED) listed.push(`… and ${problems.length - MAX_LISTED} more`);
    super(
      `endpoints file ${path} is invalid; its endpoints are unknown until it is fixed:\n${listed.join("\n")}`,
    );
    this.name = "EndpointsFileError";
  }
}

/** Parses the file's text; throws EndpointsFileError listing every problem as `path:line: reason`. */
export function parseEndpoints(text: string, path: string): IcmpTarget[] {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      throw new EndpointsFileError(path, [`${path}:${err.line}: ${err.message}`]);
    throw err;
  }
  const rows = records.filter((r) => !(r.fields.length === 1 && r.fields[0]?.trim() === ""));
  const [header, ...body] = rows;
  if (header === undefined)
    throw new EndpointsFileError(path, [`${path}: empty file; expected a header name,address`]);
  const columns = header.fields.map((f) => f.trim());
  const problems: string[] = [];
  if (columns[0] !== "name" || columns[1] !== "address") {
    problems.push(
      `${path}:${header.line}: the header must start with name,address (got ${show(header.fields.join(","))})`,
    );
  }
  columns.slice(2).forEach((c) => {
    if (!LABEL.test(c))
      problems.push(`${path}:${header.line}: column ${show(c)} is not a label name (letters, digits, _)`);
  });
  if (problems.length > 0) throw new EndpointsFileError(path, problems);

  const endpoints: IcmpTarget[] = [];
  const names = new Map<string, number>();
  for (const row of body) {
    const where = `${path}:${row.line}`;
    if (row.fields.length !== columns.length) {
      problems.push(`${where}: ${row.fields.length} fields, the header has ${columns.length}`);
      continue;
    }
    const name = boundName((row.fields[0] as string).trim());
    const address = (row.fields[1] as string).trim();
    if (name === "") problems.push(`${where}: empty name`);
    if (!isValidAddress(address))
      problems.push(`${where}: address ${show(address)} is not an IP address or host name`);
    const first = names.get(name);
    if (first !== undefined) problems.push(`${where}: duplicate name ${show(name)} (also line ${first})`);
    names.set(name, row.line);
    const labels: Record<string, string> = {};
    columns.slice(2).forEach((c, i) => {
      const value = boundName((row.fields[i + 2] as string).trim());
      if (value !== "") labels[c] = value;
    });
    endpoints.push({ name, address, labels });
  }
  if (problems.length > 0) throw new EndpointsFileError(path, problems);
  return endpoints;
}

/** Reads the file when it changed since the last read (size or modification time). */
export class EndpointsFile {
  private cached: { mtimeMs: number; size: number; endpoints: IcmpTarget[] } | undefined;

  constructor(readonly path: string) {}

  async read(): Promise<IcmpTarget[]> {
    const info = await stat(this.path);
    if (this.cached?.mtimeMs === info.mtimeMs && this.cached.size === info.size) return this.cached.endpoints;
    const buffer = await readFile(this.path);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(buffer);
    } catch {
      throw new EndpointsFileError(this.path, [`${this.path}: not UTF-8 text`]);
    }
    const endpoints = parseEndpoints(text, this.path);
    this.cached = { mtimeMs: info.mtimeMs, size: info.size, endpoints };
    return endpoints;
  }
}
