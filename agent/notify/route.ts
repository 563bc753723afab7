/**
 * One configured channel (a "route": where a group of people is told) ready to send: its driver,
 * the strings never to log, its timeout and TLS, who it @s and its keyword. The notifier's queue
 * and `ops-agent notify test` both send through `sendToRoute`, so a test sends exactly what an
 * incident would.
 */
import { sendHttp, type HttpAnswer } from "../../collectors/shared/request.js";
import { loadTlsSettings, type TlsSettings } from "../../collectors/shared/tls.js";
import { linkedSignal } from "../../collectors/shared/abort.js";
import { formatDuration } from "../../config/duration.js";
import type { Logger } from "../log.js";
import {
  NotifyError,
  redact,
  sensitiveParts,
  type ChannelDriver,
  type ChannelPayload,
} from "./channels/common.js";
import { dingtalkChannel } from "./channels/dingtalk.js";
import { feishuChannel } from "./channels/feishu.js";
import { webhookChannel } from "./channels/webhook.js";
import { wecomChannel } from "./channels/wecom.js";
import type { ChannelType, MentionsConfig, MessageFormat, NotificationChannelConfig } from "./config.js";
import type { FailureReason } from "./failure.js";
import { mentionsFor } from "./mentions.js";
import { cleanText, messageText, withKeyword, type Message, type NotifyEvent } from "./message.js";

/** A robot's answer is small; anything bigger is not a robot answering. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface Route {
  readonly name: string;
  readonly type: ChannelType;
  readonly format: MessageFormat | undefined;
  readonly driver: ChannelDriver;
  /** Strings scrubbed from every error message (URL parts, secret). */
  readonly sensitive: readonly string[];
  readonly timeoutMs: number;
  readonly tls: TlsSettings;
  readonly keyword: string | undefined;
  readonly mentions: MentionsConfig | undefined;
}

function createDriver(
  channel: NotificationChannelConfig,
  url: string,
  secret: string | undefined,
  timeZone: string,
): ChannelDriver {
  switch (channel.type) {
    case "webhook":
      return webhookChannel(url, timeZone);
    case "wecom":
      return wecomChannel(url, channel.format);
    case "dingtalk":
      return dingtalkChannel(url, secret);
    case "feishu":
      return feishuChannel(url, secret, channel.format);
  }
}

/**
 * Built once per config: a bad tls_ca_file is a start-up error, like a collector's. `timeZone` is
 * the agent's `timezone`, for the times in the generic webhook's JSON.
 */
export function createRoute(channel: NotificationChannelConfig, log: Logger, timeZone: string): Route {
  const url = channel.url.reveal().trim();
  const secret = channel.secret?.reveal();
  return {
    name: channel.name,
    type: channel.type,
    format: channel.format,
    driver: createDriver(channel, url, secret, timeZone),
    sensitive: sensitiveParts(url, secret),
    timeoutMs: channel.timeout,
    tls: loadTlsSettings(
      { tls_ca_file: channel.tls_ca_file, insecure_skip_verify: false },
      log,
      `notifications channel ${channel.name}`,
      "",
    ),
    keyword: channel.keyword,
    mentions: channel.mentions,
  };
}

/** What this route sends for a message: its keyword in the title, its @s for the event. */
export function payloadFor(route: Route, message: Message, event?: NotifyEvent): ChannelPayload {
  const withKey = withKeyword(message, route.keyword);
  return {
    event,
    message: withKey,
    text: messageText(withKey),
    mentions: mentionsFor(route.mentions, event),
  };
}

/**
 * One request, with the route's timeout; resolves with the robot's answer when it accepted the
 * message, throws a NotifyError (with its reason) otherwise. `shutdown` aborts it.
 */
export async function sendToRoute(
  route: Route,
  payload: ChannelPayload,
  now: Date,
  shutdown: AbortSignal,
): Promise<HttpAnswer> {
  // Not AbortSignal.any with the agent-long shutdown signal: see agent/abort.ts.
  const timeout = linkedSignal(shutdown, {
    ms: route.timeoutMs,
    reason: () => new DOMException("notification timeout", "TimeoutError"),
  });
  const request = route.driver.build(payload, now);
  try {
    const answer = await sendHttp(request.url, {
      method: "POST",
      headers: { ...request.headers, "Content-Length": String(Buffer.byteLength(request.body)) },
      body: request.body,
      signal: timeout.signal,
      agent: false,
      tls: route.tls,
      maxBodyBytes: MAX_ANSWER_BYTES,
    });
    try {
      route.driver.check(answer);
    } catch (err) {
      if (err instanceof NotifyError) err.answer = answer;
      throw err;
    }
    return answer;
  } catch (err) {
    if (err instanceof NotifyError) throw err;
    if (shutdown.aborted) throw new NotifyError("aborted: the agent is shutting down", "shutdown");
    if (timeout.timedOut()) {
      throw new NotifyError(`no answer within ${formatDuration(route.timeoutMs)}`, "timeout");
    }
    throw new NotifyError(errorText(err), "network");
  } finally {
    timeout.dispose();
  }
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return code !== undefined && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
}

/** The reason of a failure; anything that is not a NotifyError is a network failure. */
export function reasonOf(err: unknown): FailureReason {
  return err instanceof NotifyError ? err.reason : "network";
}

/** An error as one safe line: code and message, scrubbed of the URL and secret, bounded. */
export function describeFailure(route: Route, err: unknown): string {
  const text = err instanceof NotifyError ? err.message : errorText(err);
  return cleanText(redact(text, route.sensitive), 300);
}

/** The robot's answer body as one safe line (for `notify test`). */
export function describeAnswer(route: Route, answer: HttpAnswer): string {
  return cleanText(redact(answer.body.toString("utf8"), route.sensitive), 500);
}
