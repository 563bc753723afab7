/**
 * Fuzzing the stepwise Alertmanager body parser (agent/incidents/webhook-json.ts) against
 * JSON.parse, which it must agree with exactly: on arbitrary JSON values, on objects with repeated,
 * escaped and nested "alerts" keys, and on real payload texts (bench/alert-payload.ts) with
 * characters flipped, inserted and removed. Either both refuse the text, or the envelope with the
 * pieces parsed back in is JSON.parse's value.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseWebhookBody } from "../../agent/incidents/webhook-json.js";
import { alertmanagerPayload } from "../../bench/alert-payload.js";
import { anyJson, fuzzParameters } from "../helpers/fuzz.js";

/** The value the stepwise parser gives, or undefined where it (or a piece of it) refuses the text. */
async function stepwise(text: string): Promise<{ value: unknown } | undefined> {
  const parsed = await parseWebhookBody(text, 0);
  if ("error" in parsed) return undefined;
  const { envelope, alerts } = parsed.body;
  if (alerts === undefined) return { value: envelope };
  try {
    const values = alerts.map((a) => JSON.parse(a) as unknown);
    return { value: { ...(envelope as Record<string, unknown>), alerts: values } };
  } catch {
    return undefined;
  }
}

async function agrees(text: string): Promise<void> {
  let expected: { value: unknown } | undefined;
  try {
    expected = { value: JSON.parse(text) as unknown };
  } catch {
    expected = undefined;
  }
  expect(await stepwise(text), text.slice(0, 500)).toEqual(expected);
}

const payloadText = JSON.stringify(
  alertmanagerPayload({ count: 3, startsAt: new Date("2026-03-02T01:00:00Z") }),
);
const NOISE = ['"', "\\", "[", "]", "{", "}", ",", ":", " ", "a", "1", '"alerts"', "\\u0061"];

describe("fuzz: the stepwise Alertmanager body parser agrees with JSON.parse", () => {
  it("on arbitrary JSON values and objects with alerts keys", async () => {
    const key = fc.constantFrom("alerts", "al\\u0065rts", "version", "x");
    const member = fc.tuple(key, anyJson(3)).map(([k, v]) => `"${k}":${JSON.stringify(v)}`);
    const object = fc.array(member, { maxLength: 5 }).map((m) => `{${m.join(",")}}`);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anyJson(4).map((v) => JSON.stringify(v)),
          object,
        ),
        agrees,
      ),
      fuzzParameters(2101),
    );
  });

  it("on real payload texts with characters flipped, inserted and removed", async () => {
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 3 }),
      insert: fc.constantFrom("", ...NOISE),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        let text = payloadText;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        }
        await agrees(text);
      }),
      fuzzParameters(2102),
    );
  });
});
