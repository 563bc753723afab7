/** Body assertions: the first that fails gives the detail of reason "assertion". */
import { evaluateJsonPath, parseJsonPath } from "./jsonpath.js";
import type { BodyAssertion } from "./options.js";

/** Longest excerpt of a value quoted in a detail. */
const MAX_SHOWN = 80;

function shown(value: unknown): string {
  const text = value === undefined ? "undefined" : JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/** The detail of the first failing assertion, or undefined when all hold. */
export function checkAssertions(body: Buffer, assertions: readonly BodyAssertion[]): string | undefined {
  if (assertions.length === 0) return undefined;
  const text = body.toString("utf8");
  let json: { value: unknown } | { error: string } | undefined;
  for (const a of assertions) {
    if (a.contains !== undefined) {
      if (!text.includes(a.contains)) return `body does not contain ${shown(a.contains)}`;
    } else if (a.regex !== undefined) {
      if (!new RegExp(a.regex).test(text)) return `body does not match /${a.regex}/`;
    } else if (a.json_path !== undefined) {
      if (json === undefined) {
        try {
          json = { value: JSON.parse(text) as unknown };
        } catch {
          json = { error: "body is not JSON" };
        }
      }
      if ("error" in json) return `${json.error}, expected ${a.json_path} to be ${shown(a.equals)}`;
      const steps = parseJsonPath(a.json_path);
      if (!Array.isArray(steps)) return `invalid JSON path ${a.json_path}`; // validated at load
      const found = evaluateJsonPath(json.value, steps);
      if ("missing" in found) return `${a.json_path} is missing, expected ${shown(a.equals)}`;
      if (found.value !== a.equals)
        return `${a.json_path} is ${shown(found.value)}, expected ${shown(a.equals)}`;
    }
  }
  return undefined;
}
