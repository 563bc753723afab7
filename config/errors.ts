/**
 * Turns zod issues into lines a person can act on:
 *   collectors[2].timeout: expected a duration like "10s", "5m" or "35d", got "ten"
 * Each line names the field (its path in the YAML), what was expected and the value found —
 * except for secret fields, whose value is never echoed (it may be a password typed in by mistake).
 */
import type * as z from "zod";

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(top level)" : out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const part of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function withValue(message: string, value: unknown): string {
  // A schema's own message may already name the value ("..., got \"ftp://x\""): do not repeat it.
  if (/, got /.test(message)) return message;
  return `${message}, got ${describeValue(value)}`;
}

/** A secret field's issue (raised by secretRef() with params.secret): its value is never echoed. */
function isSecretIssue(issue: z.core.$ZodIssue): boolean {
  return (issue as { params?: { secret?: boolean } }).params?.secret === true;
}

/** zod's type names, in the words of someone editing YAML. */
const YAML_TYPE_NAMES: Record<string, string> = {
  object: "a mapping (key: value lines)",
  array: "a list",
  int: "a whole number",
  number: "a number",
  string: "text",
  boolean: "true or false",
};

/** Issues that say the value has the wrong shape for a branch (a key it does not know, one it lacks). */
const isShapeIssue = (issue: z.core.$ZodIssue): boolean =>
  issue.code === "unrecognized_keys" || issue.code === "invalid_type" || issue.code === "invalid_union";

/**
 * The branch of a union the value was meant for: the one whose only problems are with values (an
 * unset environment variable, an unreadable secret file), not with the shape. zod's own message
 * for a union is "Invalid input", which named neither the variable nor the file.
 */
function meantBranch(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] | undefined {
  const fits = (issue.errors as z.core.$ZodIssue[][]).filter(
    (branch) => branch.length > 0 && !branch.some(isShapeIssue),
  );
  return fits.length === 1 ? fits[0] : undefined;
}

/** One or more lines for one issue, each "path: message". */
function formatIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  const path = issue.path as PropertyKey[];
  if (issue.code === "invalid_union") {
    const branch = meantBranch(issue);
    if (branch !== undefined)
      return branch.flatMap((inner) =>
        formatIssue({ ...inner, path: [...path, ...inner.path] } as z.core.$ZodIssue, input),
      );
  }
  const value = valueAt(input, path);
  const at = formatPath(path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map(
        (key) =>
          `${formatPath([...path, key])}: unknown option; remove it or correct its spelling (config/example.yaml lists every option)`,
      );
    case "invalid_type": {
      // The schema's own message ('expected a duration like "10s"...') says more than zod's type name.
      const expected = issue.message.startsWith("expected")
        ? issue.message
        : `expected ${YAML_TYPE_NAMES[issue.expected] ?? issue.expected}`;
      if (value === undefined) return [`${at}: missing; ${expected}`];
      if (isSecretIssue(issue)) return [`${at}: ${expected}`];
      return [`${at}: ${withValue(expected, value)}`];
    }
    case "invalid_value":
      return [
        `${at}: ${withValue(
          issue.values.length === 1
            ? `expected ${JSON.stringify(issue.values[0])}`
            : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
          value,
        )}`,
      ];
    case "too_small":
      return [
        `${at}: ${withValue(
          issue.origin === "array"
            ? `expected at least ${String(issue.minimum)} item(s)`
            : `expected at least ${String(issue.minimum)}`,
          value,
        )}`,
      ];
    case "too_big":
      return [`${at}: ${withValue(`expected at most ${String(issue.maximum)}`, value)}`];
    default: {
      const message = issue.message;
      if (isSecretIssue(issue) || !message.startsWith("expected")) return [`${at}: ${message}`];
      return [`${at}: ${withValue(message, value)}`];
    }
  }
}

export function formatIssues(error: z.ZodError, input: unknown): string[] {
  return error.issues.flatMap((issue) => formatIssue(issue, input));
}
