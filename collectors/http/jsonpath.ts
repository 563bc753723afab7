/**
 * A tiny JSON path for body assertions: `$`, then any of `.name`, `[0]` and `["any key"]`, e.g.
 * `$.data.items[0].status`. No wildcards, filters or recursive descent: one path names one value.
 */

export type PathStep = string | number;

const STEP = /^(?:\.([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])/;

/** The steps of a path, or an error message saying what is wrong with it. */
export function parseJsonPath(path: string): PathStep[] | { error: string } {
  if (!path.startsWith("$")) return { error: 'a JSON path starts with "$", e.g. "$.status"' };
  const steps: PathStep[] = [];
  let rest = path.slice(1);
  while (rest !== "") {
    const match = STEP.exec(rest);
    if (match === null) {
      return { error: `cannot read the JSON path at "${rest}" (supported: $.name, $[0], $["key"])` };
    }
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else steps.push((match[3] as string).replace(/\\(.)/g, "$1"));
    rest = rest.slice(match[0].length);
  }
  return steps;
}

/** The value at the path, or `{ missing: true }` when some step does not exist. */
export function evaluateJsonPath(
  value: unknown,
  steps: readonly PathStep[],
): { value: unknown } | { missing: true } {
  let node = value;
  for (const step of steps) {
    if (typeof step === "number") {
      if (!Array.isArray(node) || step >= node.length) return { missing: true };
      node = node[step];
    } else {
      if (typeof node !== "object" || node === null || Array.isArray(node) || !Object.hasOwn(node, step)) {
        return { missing: true };
      }
      node = (node as Record<string, unknown>)[step];
    }
  }
  return { value: node };
}
