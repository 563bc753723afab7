/**
 * Fuzzing the config loader (config/load.ts parseConfigText): arbitrary text, YAML token soup and
 * the default config with one field replaced by an arbitrary value. It never throws, never hangs,
 * and a rejected config comes back as error lines that each name a place: a field path
 * ("collectors[2].every: …"), a YAML position ("line 3, column 5: …") or "(top level): …".
 */
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseConfigText } from "../../config/load.js";
import { anyJson, anyText, fuzzParameters, isClearMessage, withinBudget } from "../helpers/fuzz.js";

const DEFAULT_TEXT = readFileSync("config/default.yaml", "utf8");
const BASE = parse(DEFAULT_TEXT) as Record<string, unknown>;

/**
 * "<place>: <what>", the place being a field path, a YAML position or the top level. (A key the
 * config does not know is quoted as written, so a place may itself hold ": ".)
 */
const ERROR_LINE = /^(\(top level\)|line \d+, column \d+|YAML|[^\s:].*?): \S/s;

/** Every path to a value in the default config (objects and arrays included, not the root). */
function paths(node: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = at.length > 0 ? [at] : [];
  if (Array.isArray(node)) node.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (node !== null && typeof node === "object")
    for (const [k, v] of Object.entries(node)) out.push(...paths(v, [...at, k]));
  return out;
}
const PATHS = paths(BASE);

/** The name of the default config's collector at an index. */
function nameOfCollector(index: number): string | undefined {
  const collectors = (parse(DEFAULT_TEXT) as { collectors: { name?: string }[] }).collectors;
  return collectors[index]?.name;
}

function withValue(path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(BASE) as Record<string | number, unknown>;
  let node = copy;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

/** How the config loader prints a path: collectors[2].scope.expected */
function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** YAML aliases (`*name`) are fuzzed too: an unresolved or exploding alias is an error line, never a throw. */
const hasAlias = (_text: string): boolean => false;

function check(text: string): ReturnType<typeof parseConfigText> {
  let result: ReturnType<typeof parseConfigText> | undefined;
  expect(() => (result = parseConfigText(text))).not.toThrow();
  if (!result!.ok) {
    expect(result!.errors.length).toBeGreaterThan(0);
    for (const line of result!.errors) {
      expect(isClearMessage(line), line).toBe(true);
      expect(line, "an error line names its place").toMatch(ERROR_LINE);
    }
  }
  return result!;
}

const YAML_TOKENS = [
  "site: x\n",
  "collectors:\n",
  "  - type: http\n",
  "  - type: vcenter\n",
  "    every: 5s\n",
  "    cron: '* * * * *'\n",
  "    timeout: ten\n",
  "http:\n  listen: 127.0.0.1:99999\n",
  "store:\n  raw_retention: 1d\n",
  "- ",
  ": ",
  "{",
  "}",
  "[",
  "]",
  "&a ",
  "*a ",
  "!!binary ",
  "'",
  '"',
  "\t",
  "\n",
  "  ",
  "<<: *a\n",
  "%YAML 1.2\n---\n",
  "...\n",
  "~",
  "null",
  "0x1F",
  "1e400",
  "ｓｉｔｅ：",
];

describe("fuzz: config text (parseConfigText)", () => {
  it("arbitrary text never throws; a rejection is error lines naming a place", () => {
    fc.assert(
      fc.property(
        anyText(400),
        withinBudget("parseConfigText", (text: string) => {
          if (!hasAlias(text)) check(text);
        }),
      ),
      fuzzParameters(101),
    );
  });

  it("YAML token soup never throws; a rejection is error lines naming a place", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 40 }).map((t) => t.join("")),
        withinBudget("parseConfigText", (text: string) => {
          if (!hasAlias(text)) check(text);
        }),
      ),
      fuzzParameters(102),
    );
  });

  it("the default config with one field replaced by an arbitrary value: an error names that field (or one around it)", () => {
    expect(check(DEFAULT_TEXT).ok).toBe(true);
    fc.assert(
      fc.property(
        fc.constantFrom(...PATHS),
        fc.oneof(anyJson(3), anyText(40), fc.integer(), fc.double(), fc.constant(null)),
        withinBudget("parseConfigText", (path: (string | number)[], value: unknown) => {
          let text: string;
          try {
            text = stringify(withValue(path, value));
          } catch {
            return; // not representable as YAML (e.g. a lone surrogate key): not an input
          }
          if (hasAlias(text)) return;
          const result = check(text);
          if (result.ok) return;
          // The error names the field itself, something inside it, or a field on the way to it
          // (a union that no longer matches, a cross-field rule) — within the same collector.
          const minDepth = path[0] === "collectors" ? Math.min(2, path.length) : 1;
          const places = ["(top level)"];
          for (let depth = minDepth; depth <= path.length; depth++)
            places.push(formatPath(path.slice(0, depth)));
          // A target's name is referred to elsewhere (a videoconf system's management_web names an
          // http target): renaming it errs at the reference, which names the collector and its targets.
          const renamedTarget =
            path[0] === "collectors" && path[2] === "targets" && path[4] === "name" && path.length === 5;
          const collectorName = renamedTarget ? nameOfCollector(path[1] as number) : undefined;
          const related = result.errors.some(
            (line) =>
              places.some((place) => [":", ".", "["].some((next) => line.startsWith(place + next))) ||
              (collectorName !== undefined && line.includes(`collector "${collectorName}" has no target`)),
          );
          const field = formatPath(path);
          expect(related, `${field} = ${JSON.stringify(value)} gave ${JSON.stringify(result.errors)}`).toBe(
            true,
          );
        }),
      ),
      fuzzParameters(103, 200),
    );
  });

  // Regression (was a bug, fixed): `): the yaml library throws a ReferenceError from toJS() for an alias whose anchor is not defined ("site: *a") and for an alias bomb (more than 100 alias expans…
  it("an alias without its anchor is an error line, not a throw", () => {
    const result = parseConfigText("site: *a\n");
    expect(result.ok).toBe(false);
  });

  it("an alias bomb is an error line, not a throw", () => {
    const levels = ["a: &a [x,x,x,x,x,x,x,x,x,x]"];
    for (const [i, name] of ["b", "c", "d", "e", "f"].entries()) {
      const prev = "abcde"[i]!;
      levels.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${prev}`).join(",")}]`);
    }
    const result = parseConfigText(`${levels.join("\n")}\n`);
    expect(result.ok).toBe(false);
  });
});
