/**
 * What a helpdesk ticket is once read (from a CSV export or a REST answer), what a problem with
 * one looks like, and the fields a config maps. Reading: check-rows.ts (the rules for one row and
 * for duplicates), parse-csv.ts and parse-json.ts (the two inputs).
 */
import type { Category, Priority } from "../incidents/types.js";
import type { TextEncoding } from "./decode.js";

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
