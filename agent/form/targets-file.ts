/**
 * The targets file (config/targets-<year>.yaml): every third-level row of the performance-target
 * form with its values exactly as written, and the measurement that gives its value. Read strictly:
 * every problem is reported at once, with its YAML line, and one bad row rejects the whole file
 * (a half-read form must never be evaluated as if it were the whole form).
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, type Document, type Node } from "yaml";
import * as z from "zod";
import { describeValue, formatIssues, formatPath } from "../../config/errors.js";
import { CATEGORIES } from "../incidents/types.js";
import { GROUPS, type Binding, type Indicator, type TargetValue } from "./types.js";
import { parseTargetValue, unitOf } from "./value.js";
import {
  allocatePoints,
  DEFAULT_SCORING,
  pointsSchema,
  scoringRuleSchema,
  scoringSchema,
  type RowScoring,
} from "./points.js";

/** Sources that need no parameter: `binding: vm_count` is short for `binding: { source: vm_count }`. */
export const SIMPLE_SOURCES = [
  "manual",
  "vm_count",
  "antivirus_coverage",
  "availability",
  "monthly_reports",
] as const;
export const SOURCES = [...SIMPLE_SOURCES, "fault_timeliness"] as const;

const KEY = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** A half/full cell: text as on the form, parsed into a target (the error names the text). */
const targetValue = z
  .string({ error: 'expected the value as on the form, e.g. "≥95%" or "及时"' })
  .transform((text, ctx): TargetValue => {
    const parsed = parseTargetValue(text);
    if ("error" in parsed) {
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    }
    return parsed;
  });

function bindingError(value: unknown): string {
  return (
    `unknown binding ${describeValue(value)}: expected one of ${SIMPLE_SOURCES.join(", ")}, ` +
    `or { source: fault_timeliness, category: ${CATEGORIES.join(" | ")} }`
  );
}

/** `binding:` — a source name, or a mapping with `source` (and `category` for fault_timeliness). */
const binding = z.unknown().transform((value, ctx): Binding => {
  if (value === undefined || value === null) return { source: "manual" };
  const fail = (message: string): never => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (typeof value === "string") {
    if ((SIMPLE_SOURCES as readonly string[]).includes(value))
      return { source: value as (typeof SIMPLE_SOURCES)[number] };
    if (value === "fault_timeliness")
      return fail(
        `fault_timeliness needs a category: { source: fault_timeliness, category: ${CATEGORIES.join(" | ")} }`,
      );
    return fail(bindingError(value));
  }
  if (typeof value !== "object" || Array.isArray(value)) return fail(bindingError(value));
  const { source, category, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0)
    return fail(`unknown option${extra.length > 1 ? "s" : ""} ${extra.join(", ")} in binding`);
  if (source === "fault_timeliness") {
    if (typeof category === "string" && (CATEGORIES as readonly string[]).includes(category))
      return { source, category: category as (typeof CATEGORIES)[number] };
    return fail(
      `fault_timeliness category: expected one of ${CATEGORIES.join(", ")}, got ${describeValue(category)}`,
    );
  }
  if (typeof source === "string" && (SIMPLE_SOURCES as readonly string[]).includes(source)) {
    if (category !== undefined) return fail(`binding ${source} takes no category`);
    return { source: source as (typeof SIMPLE_SOURCES)[number] };
  }
  return fail(bindingError(source ?? value));
});

export const indicatorSchema = z.strictObject({
  key: z.string().regex(KEY, { error: "expected a snake_case English key, e.g. vm_count" }),
  name: z.string().trim().min(1, { error: "expected the indicator's name exactly as on the form" }),
  group: z.enum(GROUPS),
  level1: z.string().trim().min(1, { error: "expected the 一级指标 as on the form (决策, 过程, 履职, …)" }),
  level2: z.string(),
  task: z.string().optional(),
  half: targetValue,
  full: targetValue,
  binding: binding.optional().transform((b): Binding => b ?? { source: "manual" }),
  /** 分值 of this row (the form gives none; see points.ts). */
  points: pointsSchema.optional(),
  /** Scoring rule of this row; default scoring.rule. */
  rule: scoringRuleSchema.optional(),
});

export const targetsFileSchema = z.strictObject({
  year: z.int().min(2000).max(2100),
  /** 分值 and scoring rule of the self-evaluation (points.ts); default 100 points shared equally. */
  scoring: scoringSchema.optional(),
  indicators: z.array(indicatorSchema).min(1),
});

export type TargetsResult =
  { ok: true; year: number; indicators: Indicator[] } | { ok: false; errors: string[] };

/** A YAML error's first line, without the position the prefix already gives. */
function yamlMessage(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/:$/, "").replace(/ at line \d+, column \d+$/, "");
}

/** The line of the deepest node that exists along `path` (a missing field: its row's line). */
function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = (depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true)) as
      Node | null | undefined;
    if (node && typeof node === "object" && "range" in node && node.range) {
      return counter.linePos(node.range[0]).line;
    }
  }
  return undefined;
}

interface Located {
  line: number | undefined;
  text: string;
}

/** "indicators[3] (vm_count).half" — the row's key, when it has one, beside its index. */
function label(input: unknown, path: readonly PropertyKey[]): string {
  if (path[0] === "indicators" && typeof path[1] === "number") {
    const row = (input as { indicators?: unknown[] }).indicators?.[path[1]];
    const key = row && typeof row === "object" ? (row as { key?: unknown }).key : undefined;
    const rest = formatPath(path.slice(2));
    const name = `indicators[${path[1]}]${typeof key === "string" && key !== "" ? ` (${key})` : ""}`;
    return path.length > 2 ? `${name} ${rest}` : name;
  }
  return formatPath(path);
}

function schemaErrors(
  error: z.ZodError,
  input: unknown,
  at: (path: readonly PropertyKey[]) => number | undefined,
) {
  const out: Located[] = [];
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const where = label(input, [...path, key]);
        out.push({
          line: at([...path, key]),
          text: `${where}: unknown field; expected ${unknownFieldHint(path)}`,
        });
      }
      continue;
    }
    for (const line of formatIssues(new z.ZodError([issue]), input)) {
      let message = line.slice(line.indexOf(": ") + 2);
      if (message.endsWith(", got nothing"))
        message = `missing; ${message.slice(0, -", got nothing".length)}`;
      out.push({ line: at(path), text: `${label(input, path)}: ${message}` });
    }
  }
  return out;
}

function unknownFieldHint(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "year, scoring, indicators";
  if (path[0] === "scoring") return "total, rule, level1_points";
  return "key, name, group, level1, level2, task, half, full, binding, points, rule";
}

/** Duplicate keys and names, and rows whose half and full values are in different units. */
function rowErrors(input: unknown, at: (path: readonly PropertyKey[]) => number | undefined): Located[] {
  const rows = (input as { indicators?: unknown }).indicators;
  if (!Array.isArray(rows)) return [];
  const out: Located[] = [];
  const firstKey = new Map<string, number>();
  const firstName = new Map<string, number>();
  rows.forEach((row: unknown, index) => {
    if (row === null || typeof row !== "object") return;
    const { key, name, half, full } = row as Record<string, unknown>;
    const line = (field: string) => at(["indicators", index, field]);
    if (typeof key === "string") {
      const first = firstKey.get(key);
      if (first !== undefined)
        out.push({
          line: line("key"),
          text: `${label(input, ["indicators", index, "key"])}: duplicate key ${JSON.stringify(key)} (already indicators[${first}], line ${at(["indicators", first, "key"]) ?? "?"})`,
        });
      else firstKey.set(key, index);
    }
    if (typeof name === "string") {
      const first = firstName.get(name.trim());
      if (first !== undefined)
        out.push({
          line: line("name"),
          text: `${label(input, ["indicators", index, "name"])}: duplicate name ${JSON.stringify(name)} (already indicators[${first}], line ${at(["indicators", first, "name"]) ?? "?"})`,
        });
      else firstName.set(name.trim(), index);
    }
    if (typeof half === "string" && typeof full === "string") {
      const h = parseTargetValue(half);
      const f = parseTargetValue(full);
      if (!("error" in h) && !("error" in f) && unitOf(h) !== unitOf(f)) {
        const describe = (u: string) => (u === "word" ? "a word" : u === "" ? "a bare number" : `"${u}"`);
        out.push({
          line: line("full"),
          text: `${label(input, ["indicators", index])}: half ${JSON.stringify(half)} is ${describe(unitOf(h))} but full ${JSON.stringify(full)} is ${describe(unitOf(f))}; both must use the same unit`,
        });
      }
    }
  });
  return out;
}

/** Parses a targets file's text. Errors are "line N: indicators[3] (vm_count) half: …", in line order. */
export function parseTargets(text: string): TargetsResult {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map(
        (e) => `line ${counter.linePos(e.pos[0]).line}: not valid YAML: ${yamlMessage(e.message)}`,
      ),
    };
  }
  let input: unknown;
  try {
    // An alias without its anchor, or an alias bomb past the yaml package's limit, throws here.
    input = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    return {
      ok: false,
      errors: [`line 1: not valid YAML: ${(error as Error).message.split("\n")[0] ?? "unreadable"}`],
    };
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return {
      ok: false,
      errors: [`line 1: expected a mapping with year: and indicators:, got ${describeValue(input)}`],
    };
  }
  const at = (path: readonly PropertyKey[]) => lineOf(doc, counter, path);
  const parsed = targetsFileSchema.safeParse(input);
  const located = [...(parsed.success ? [] : schemaErrors(parsed.error, input, at)), ...rowErrors(input, at)];
  if (!parsed.success || located.length > 0) {
    located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return {
      ok: false,
      errors: located.map((e) => (e.line === undefined ? e.text : `line ${e.line}: ${e.text}`)),
    };
  }
  const indicators: Indicator[] = parsed.data.indicators.map((row) => {
    const indicator: Indicator = {
      key: row.key,
      name: row.name.trim(),
      group: row.group,
      level1: row.level1,
      level2: row.level2,
      half: row.half,
      full: row.full,
      binding: row.binding,
    };
    if (row.task !== undefined) indicator.task = row.task;
    return indicator;
  });
  const points = allocatePoints(
    parsed.data.indicators.map((row) => ({
      level1: row.level1,
      ...(row.points === undefined ? {} : { points: row.points }),
      ...(row.rule === undefined ? {} : { rule: row.rule }),
    })),
    parsed.data.scoring ?? DEFAULT_SCORING,
  );
  if (!points.ok) {
    const line = at(["scoring"]);
    return { ok: false, errors: points.errors.map((e) => (line === undefined ? e : `line ${line}: ${e}`)) };
  }
  indicators.forEach((indicator, i) => {
    indicator.scoring = points.rows[i] as RowScoring;
  });
  return { ok: true, year: parsed.data.year, indicators };
}

/** Reads and checks a targets file. Nothing is cached or stored: a rejected file changes nothing. */
export function loadTargets(path: string): TargetsResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { ok: false, errors: [`cannot read targets file: ${(error as Error).message}`] };
  }
  return parseTargets(text);
}
