/**
 * An Alertmanager webhook body taken apart without holding the event loop: JSON.parse of a
 * 10,000-alert body (about 5 MB) alone held it for 30–55 ms on the shared 2-core machine. The text
 * is scanned a step at a time for the top-level "alerts" array and where each of its elements
 * begins and ends; the rest of the body (the envelope, with the array left empty) is parsed at
 * once, each alert later on its own (JSON.parse of its text, in the caller's steps).
 *
 * The scan only finds boundaries; JSON.parse still decides what is valid: every piece and the
 * envelope are parsed by it, and the pieces put back together are exactly the body, so a body it
 * refuses whole is refused here too. Keys are compared decoded ("al\u0065rts" is "alerts"), and
 * when a key repeats the last one counts, as JSON.parse has it.
 */
import { performance } from "node:perf_hooks";
import { setImmediate as yieldToLoop } from "node:timers/promises";

export interface WebhookBody {
  /** The body with its alerts array empty (or the whole body when it has none at the top). */
  envelope: unknown;
  /** The text of each element of the top-level alerts array, in order; undefined without one. */
  alerts: string[] | undefined;
}

/** Bodies without a top-level alerts array are parsed whole only up to this size. */
const WHOLE_MAX_CHARS = 1024 * 1024;
/** Characters scanned between looks at the clock. */
const CHECK_EVERY = 16_384;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** The body's pieces, or JSON.parse's own message for what is not JSON. */
export async function parseWebhookBody(
  text: string,
  stepMs: number,
): Promise<{ body: WebhookBody } | { error: string }> {
  /** Top-level "alerts" arrays: [index of "[", index of "]"], and the last one's element bounds. */
  const arrays: [number, number][] = [];
  let elements: [number, number][] = [];
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  /** The last top-level string ended here and may be a key. */
  let lastTopString: [number, number] | undefined;
  let pendingAlertsKey = false;
  /** Whether the last top-level "alerts" key's value is an array (JSON.parse keeps that one). */
  let lastIsArray = false;
  let alertsOpen = -1;
  let elementStart = -1;
  let deadline = performance.now() + stepMs;
  for (let i = 0; i < text.length; i++) {
    if (i % CHECK_EVERY === 0 && performance.now() >= deadline) {
      await yieldToLoop();
      deadline = performance.now() + stepMs;
    }
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) {
        inString = false;
        if (depth === 1) lastTopString = [stringStart, i + 1];
      }
      continue;
    }
    if (isSpace(c)) continue;
    if (alertsOpen >= 0 && depth === 2 && elementStart < 0 && c !== CLOSE_BRACKET) elementStart = i;
    if (c === QUOTE) {
      inString = true;
      stringStart = i;
      continue;
    }
    if (c === COLON && depth === 1 && lastTopString !== undefined) {
      pendingAlertsKey = keyOf(text.slice(lastTopString[0], lastTopString[1])) === "alerts";
      if (pendingAlertsKey) lastIsArray = false;
      lastTopString = undefined;
      continue;
    }
    lastTopString = undefined;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === 1 && pendingAlertsKey && c === OPEN_BRACKET) {
        lastIsArray = true;
        alertsOpen = i;
        elements = [];
        elementStart = -1;
      }
      pendingAlertsKey = false;
      depth += 1;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
      if (alertsOpen >= 0 && depth === 1) {
        if (c !== CLOSE_BRACKET)
          return { error: `body is not JSON: the alerts array is closed by "}" at position ${i}` };
        if (elementStart >= 0 || elements.length > 0) elements.push([elementStart, i]);
        arrays.push([alertsOpen, i]);
        alertsOpen = -1;
      }
    } else if (c === COMMA && alertsOpen >= 0 && depth === 2) {
      elements.push([elementStart, i]);
      elementStart = -1;
    } else pendingAlertsKey = false;
  }
  const last = arrays.at(-1);
  if (last === undefined && text.length > WHOLE_MAX_CHARS) {
    return { error: "body is not JSON with a top-level alerts array, and too large to be anything else" };
  }
  let envelopeText = text;
  // Every top-level alerts array left empty (JSON.parse keeps the last of repeated keys anyway).
  for (const [open, close] of [...arrays].reverse())
    envelopeText = `${envelopeText.slice(0, open)}[]${envelopeText.slice(close + 1)}`;
  try {
    const envelope = JSON.parse(envelopeText) as unknown;
    const alerts = !lastIsArray
      ? undefined
      : elements.map(([from, to]) => (from < 0 ? "" : text.slice(from, to)));
    return { body: { envelope, alerts } };
  } catch (error) {
    return { error: `body is not JSON: ${(error as Error).message}` };
  }
}

/** A key's decoded value; a key JSON.parse would refuse is no key of ours (the envelope parse says why). */
function keyOf(raw: string): string | undefined {
  if (!raw.includes("\\")) return raw.slice(1, -1);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return undefined;
  }
}
