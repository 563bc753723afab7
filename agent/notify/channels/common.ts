/**
 * What every channel shares: the request it builds, how an answer is judged, and the error a
 * failure becomes. A channel builds the exact documented request for its robot; sending, timeouts,
 * retries and rate limits belong to the notifier.
 *
 * An error never carries the URL or a secret: its message is the HTTP status and the robot's own
 * answer (errcode/errmsg, code/msg), and the notifier scrubs every message once more (redact()).
 */
import type { HttpAnswer } from "../../../collectors/shared/request.js";
import type { ChannelType } from "../config.js";
import { classifyRobotCode, classifyStatus, isRetryable, type FailureReason } from "../failure.js";
import { cleanText, type Message, type NotifyEvent } from "../message.js";

/** Who this one message @s (already chosen for the route and the event: see mentions.ts). */
export interface Mentions {
  mobiles: readonly string[];
  userIds: readonly string[];
  all: boolean;
}

export const NO_MENTIONS: Mentions = { mobiles: [], userIds: [], all: false };

export interface ChannelPayload {
  /** The incident event; absent for `ops-agent notify test`. */
  event?: NotifyEvent;
  /** The message, the route's keyword already in its title. */
  message: Message;
  /** Its plain-text form (messageText). */
  text: string;
  mentions: Mentions;
}

export interface OutgoingRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

export interface ChannelDriver {
  /** Build the request; `now` is the signing time (DingTalk, Feishu). */
  build(payload: ChannelPayload, now: Date): OutgoingRequest;
  /** Throws a NotifyError when the answer is a failure. */
  check(answer: HttpAnswer): void;
}

export const JSON_HEADERS: Readonly<Record<string, string>> = {
  // DingTalk requires UTF-8 to be stated; the others accept it.
  "Content-Type": "application/json; charset=utf-8",
};

export class NotifyError extends Error {
  /** Worth trying again: a timeout, a network error, 5xx, 408, 429, a rate limit (failure.ts). */
  readonly retryable: boolean;
  /** The robot's answer, when it answered (`ops-agent notify test` prints it). */
  answer: HttpAnswer | undefined;

  constructor(
    message: string,
    readonly reason: FailureReason,
  ) {
    super(message);
    this.name = "NotifyError";
    this.retryable = isRetryable(reason);
  }
}

/** The robot's message, made safe to log: no controls, bounded. */
function answerText(value: unknown): string {
  return typeof value === "string" ? cleanText(value, 200) : "";
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A non-2xx status is a failure; 5xx, 408 and 429 are worth retrying, other 4xx are not. */
export function checkStatus(answer: HttpAnswer): void {
  if (answer.status >= 200 && answer.status < 300) return;
  const json = parseJson(answer.body);
  const said = answerText(json?.errmsg ?? json?.msg ?? json?.message);
  throw new NotifyError(
    `HTTP ${answer.status}${said === "" ? "" : `: ${said}`}`,
    classifyStatus(answer.status),
  );
}

/**
 * A robot's JSON answer: success when `codeField` is 0. `fallbackCodeField` covers older answers
 * (Feishu's StatusCode). An answer that is not JSON, or has no code, is a failure.
 */
export function checkRobotAnswer(
  type: ChannelType,
  answer: HttpAnswer,
  codeField: string,
  messageField: string,
  fallback?: { code: string; message: string },
): void {
  checkStatus(answer);
  const json = parseJson(answer.body);
  if (json === undefined) throw new NotifyError("the answer is not a JSON object", "bad_answer");
  let code = json[codeField];
  let message = json[messageField];
  if (code === undefined && fallback !== undefined) {
    code = json[fallback.code];
    message = json[fallback.message];
  }
  if (code === 0) return;
  if (typeof code !== "number") throw new NotifyError(`the answer has no ${codeField}`, "bad_answer");
  const said = answerText(message);
  throw new NotifyError(
    `${codeField} ${code}${said === "" ? "" : `: ${said}`}`,
    classifyRobotCode(type, code, said),
  );
}

/**
 * The strings that must never reach a log line for this endpoint: the URL, every query value,
 * every long path segment (Feishu's token is the last one), and the signing secret.
 */
export function sensitiveParts(url: string, secret?: string): string[] {
  const parts = new Set<string>([url]);
  try {
    const parsed = new URL(url);
    parts.add(parsed.href);
    for (const value of parsed.searchParams.values()) if (value.length >= 4) parts.add(value);
    for (const segment of parsed.pathname.split("/")) if (segment.length >= 8) parts.add(segment);
    if (parsed.password !== "") parts.add(parsed.password);
  } catch {
    // Not a URL: the whole string is already in the set.
  }
  if (secret !== undefined && secret !== "") parts.add(secret);
  // Longest first, so a URL is replaced whole rather than piece by piece.
  return [...parts].filter((p) => p !== "").sort((a, b) => b.length - a.length);
}

export function redact(text: string, sensitive: readonly string[]): string {
  let out = text;
  for (const part of sensitive) {
    out = out.split(part).join("[redacted]");
    const encoded = encodeURIComponent(part);
    if (encoded !== part) out = out.split(encoded).join("[redacted]");
  }
  return out;
}
