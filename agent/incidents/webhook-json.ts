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

/**
 * Where things are in the text, scanned so far. A synchronous method over a stretch of the text:
 * the loop inside an async function ran at interpreter speed (every resume after a pause entered
 * it afresh), 20–30 ms per 16,384 characters.
 */
class Scan {
  /** Top-level "alerts" arrays: [index of "[", index of "]"]. */
  readonly arrays: [number, number][] = [];
  /** The last top-level alerts array's elements: [start, end) (start -1: empty). */
  elements: [number, number][] = [];
  /** Whether the last top-level "alerts" key's value is an array (JSON.parse keeps that one). */
  lastIsArray = false;
  /** A message when the text cannot be JSON. */
  error: string | undefined;
  next = 0;
  private depth = 0;
  private inString = false;
  private stringStart = 0;
  /** The last top-level string ended here and may be a key. */
  private lastTopString: [number, number] | undefined;
  private pendingAlertsKey = false;
  private alertsOpen = -1;
  private elementStart = -1;

  constructor(private readonly text: string) {}

  /** Scans up to (not including) `until`. */
  scan(until: number): void {
    const text = this.text;
    const end = Math.min(until, text.length);
    let i = this.next;
    for (; i < end && this.error === undefined; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (c === BACKSLASH) i += 1;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 1) this.lastTopString = [this.stringStart, i + 1];
        }
        continue;
      }
      if (isSpace(c)) continue;
      if (this.alertsOpen >= 0 && this.depth === 2 && this.elementStart < 0 && c !== CLOSE_BRACKET)
        this.elementStart = i;
      if (c === QUOTE) {
        this.inString = true;
        this.stringStart = i;
        continue;
      }
      if (c === COLON && this.depth === 1 && this.lastTopString !== undefined) {
        this.pendingAlertsKey = keyOf(text.slice(this.lastTopString[0], this.lastTopString[1])) === "alerts";
        if (this.pendingAlertsKey) this.lastIsArray = false;
        this.lastTopString = undefined;
        continue;
      }
      this.lastTopString = undefined;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.depth === 1 && this.pendingAlertsKey && c === OPEN_BRACKET) {
          this.lastIsArray = true;
          this.alertsOpen = i;
          this.elements = [];
          this.elementStart = -1;
        }
        this.pendingAlertsKey = false;
        this.depth += 1;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth -= 1;
        if (this.alertsOpen >= 0 && this.depth === 1) {
          if (c !== CLOSE_BRACKET) {
            this.error = `body is not JSON: the alerts array is closed by "}" at position ${i}`;
            break;
          }
          if (this.elementStart >= 0 || this.elements.length > 0) this.elements.push([this.elementStart, i]);
          this.arrays.push([this.alertsOpen, i]);
          this.alertsOpen = -1;
        }
      } else if (c === COMMA && this.alertsOpen >= 0 && this.depth === 2) {
        this.elements.push([this.elementStart, i]);
        this.elementStart = -1;
      } else this.pendingAlertsKey = false;
    }
    this.next = i;
  }
}

/** The body's pieces, or JSON.parse's own message for what is not JSON. */
export async function parseWebhookBody(
  text: string,
  stepMs: number,
): Promise<{ body: WebhookBody } | { error: string }> {
  const scan = new Scan(text);
  let deadline = performance.now() + stepMs;
  while (scan.next < text.length && scan.error === undefined) {
    // `next` may pass the stretch's end by one (an escape at its end): fine, it carries on there.
    scan.scan(scan.next + CHECK_EVERY);
    if (performance.now() >= deadline && scan.next < text.length) {
      await yieldToLoop();
      deadline = performance.now() + stepMs;
    }
  }
  if (scan.error !== undefined) return { error: scan.error };
  const { arrays, elements, lastIsArray } = scan;
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
