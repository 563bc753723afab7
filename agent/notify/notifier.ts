/**
 * Sends incident notifications (open, ack, resolve) to the configured channels without ever
 * holding up the caller: `notify()` formats the message, puts it on each matching channel's queue
 * and returns — the network is only touched by that channel's own worker. A robot that is down or
 * slow delays nothing but its own queue, which is bounded (the oldest message is dropped, and
 * counted, beyond `queue_size`).
 *
 * Per channel: one message at a time, in order; a rate limit (rate-limit.ts) on the injected clock;
 * a timeout per request; `retries` further attempts after a failure, waiting `retry_backoff`,
 * doubled each time. `close()` lets the queues drain for a grace period, then aborts whatever is
 * still in flight or waiting.
 *
 * Logs name the channel, never its URL or secret: errors are built from the HTTP status and the
 * robot's answer, and scrubbed of every part of the URL and the secret before they are logged.
 */
import { setTimeout as delay } from "node:timers/promises";
import { sendHttp } from "../../collectors/shared/request.js";
import { loadTlsSettings, type TlsSettings } from "../../collectors/shared/tls.js";
import { formatDuration } from "../../config/duration.js";
import { linkedSignal } from "../../collectors/shared/abort.js";
import { systemClock, type Clock } from "../clock.js";
import { PRIORITIES, type Category } from "../incidents/types.js";
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
import type {
  ChannelType,
  NotificationChannelConfig,
  NotificationsConfig,
  NotifyEventKind,
} from "./config.js";
import { cleanText, DEFAULT_TIME_ZONE, formatMessage, formatTime, type NotifyEvent } from "./message.js";
import { RateLimiter, type RateWindow } from "./rate-limit.js";

export type { NotifyEvent } from "./message.js";

/** Counters for the agent to wire to prom-client (see metrics.ts); each gets the channel name. */
export interface NotifierHooks {
  /** A message the channel accepted. */
  sent(channel: string): void;
  /** A message given up on: retries exhausted, a failure not worth retrying, or shutdown. */
  failed(channel: string): void;
  /** A message never attempted: pushed out of a full queue, or still queued at shutdown. */
  dropped(channel: string): void;
}

export interface NotifierOptions {
  config: NotificationsConfig;
  log: Logger;
  hooks?: Partial<NotifierHooks>;
  /** Rate limits and signing timestamps; default the system clock. */
  clock?: Clock;
  /** Times in messages; the agent's `timezone` (default Asia/Shanghai). */
  timeZone?: string;
  /**
   * Waits for backoff and rate limits; rejects when `signal` aborts. Tests pass one that moves a
   * ManualClock instead of sleeping.
   */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A robot's answer is small; anything bigger is not a robot answering. */
const MAX_ANSWER_BYTES = 64 * 1024;
/** At most one "queue full" warning per channel per this long (the drops are all counted). */
const DROP_WARN_INTERVAL_MS = 60_000;
/** Feishu also documents 5 requests per second per bot. */
const FEISHU_PER_SECOND = 5;
export const DEFAULT_CLOSE_GRACE_MS = 5_000;

const realSleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

function createDriver(type: ChannelType, url: string, secret: string | undefined): ChannelDriver {
  switch (type) {
    case "webhook":
      return webhookChannel(url);
    case "wecom":
      return wecomChannel(url);
    case "dingtalk":
      return dingtalkChannel(url, secret);
    case "feishu":
      return feishuChannel(url, secret);
  }
}

interface ChannelState {
  readonly name: string;
  readonly type: ChannelType;
  readonly driver: ChannelDriver;
  /** Strings scrubbed from every error message (URL parts, secret). */
  readonly sensitive: readonly string[];
  readonly timeoutMs: number;
  readonly tls: TlsSettings;
  readonly limiter: RateLimiter;
  readonly events: ReadonlySet<NotifyEventKind>;
  readonly categories: ReadonlySet<Category> | undefined;
  /** Index in PRIORITIES of the least urgent priority sent. */
  readonly maxPriorityIndex: number;
  readonly queue: ChannelPayload[];
  /** A worker is draining the queue. */
  active: boolean;
  /** The current worker, for close(). */
  worker: Promise<void> | undefined;
  droppedSinceWarning: number;
  lastDropWarning: number | undefined;
}

export class Notifier {
  readonly #config: NotificationsConfig;
  readonly #log: Logger;
  readonly #hooks: Partial<NotifierHooks>;
  readonly #clock: Clock;
  readonly #timeZone: string;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #channels: ChannelState[];
  readonly #abort = new AbortController();
  #closing = false;
  #closed: Promise<void> | undefined;

  constructor(options: NotifierOptions) {
    this.#config = options.config;
    this.#log = options.log.child({ component: "notify" });
    this.#hooks = options.hooks ?? {};
    this.#clock = options.clock ?? systemClock;
    this.#timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    this.#sleep = options.sleep ?? realSleep;
    // A bad time zone is a start-up error, not a message that fails to format later.
    formatTime(new Date(0), this.#timeZone);
    // Built once: a bad tls_ca_file is a start-up error, like a collector's.
    this.#channels = options.config.channels.map((channel) => this.#createChannel(channel));
  }

  #createChannel(channel: NotificationChannelConfig): ChannelState {
    const url = channel.url.reveal().trim();
    const secret = channel.secret?.reveal();
    const windows: RateWindow[] = [
      { limit: channel.rate_limit ?? this.#config.rate_limit, windowMs: 60_000 },
    ];
    if (channel.type === "feishu") windows.push({ limit: FEISHU_PER_SECOND, windowMs: 1_000 });
    return {
      name: channel.name,
      type: channel.type,
      driver: createDriver(channel.type, url, secret),
      sensitive: sensitiveParts(url, secret),
      timeoutMs: channel.timeout,
      tls: loadTlsSettings(
        { tls_ca_file: channel.tls_ca_file, insecure_skip_verify: false },
        this.#log,
        `notifications channel ${channel.name}`,
        "",
      ),
      limiter: new RateLimiter(windows, this.#clock),
      events: new Set(channel.events),
      categories: channel.categories === undefined ? undefined : new Set(channel.categories),
      maxPriorityIndex:
        channel.min_priority === undefined ? PRIORITIES.length - 1 : PRIORITIES.indexOf(channel.min_priority),
      queue: [],
      active: false,
      worker: undefined,
      droppedSinceWarning: 0,
      lastDropWarning: undefined,
    };
  }

  /** The configured channel names, e.g. to create their metric series at 0. */
  get channelNames(): string[] {
    return this.#channels.map((c) => c.name);
  }

  /** Messages waiting on a channel (not counting one in flight). */
  queued(channel: string): number {
    return this.#channels.find((c) => c.name === channel)?.queue.length ?? 0;
  }

  /**
   * Queue the event for every channel that wants it, and return at once: never waits for, and
   * never throws because of, the network.
   */
  notify(event: NotifyEvent): void {
    try {
      if (this.#closing) {
        this.#log.warn(
          { event: event.kind, incident: event.incident.id },
          "notification after shutdown began; not sent",
        );
        return;
      }
      // A snapshot: the caller may go on changing its incident object.
      const snapshot: NotifyEvent = { ...event, incident: { ...event.incident } };
      let text: string | undefined;
      for (const channel of this.#channels) {
        if (!this.#wants(channel, snapshot)) continue;
        text ??= formatMessage(snapshot, { lang: this.#config.lang, timeZone: this.#timeZone });
        this.#enqueue(channel, { event: snapshot, text });
      }
    } catch (err) {
      this.#log.error(
        { event: event.kind, incident: event.incident.id, error: (err as Error).message },
        "notification not queued",
      );
    }
  }

  #wants(channel: ChannelState, event: NotifyEvent): boolean {
    if (!channel.events.has(event.kind)) return false;
    if (channel.categories !== undefined && !channel.categories.has(event.incident.category)) return false;
    return PRIORITIES.indexOf(event.incident.priority) <= channel.maxPriorityIndex;
  }

  #enqueue(channel: ChannelState, payload: ChannelPayload): void {
    if (channel.queue.length >= this.#config.queue_size) {
      const oldest = channel.queue.shift() as ChannelPayload;
      this.#hooks.dropped?.(channel.name);
      channel.droppedSinceWarning += 1;
      const now = this.#clock.now().getTime();
      if (channel.lastDropWarning === undefined || now - channel.lastDropWarning >= DROP_WARN_INTERVAL_MS) {
        this.#log.warn(
          {
            channel: channel.name,
            dropped: channel.droppedSinceWarning,
            queue_size: this.#config.queue_size,
            oldest_incident: oldest.event.incident.id,
          },
          "notification queue full: oldest messages dropped",
        );
        channel.lastDropWarning = now;
        channel.droppedSinceWarning = 0;
      }
    }
    channel.queue.push(payload);
    if (!channel.active) {
      channel.active = true;
      channel.worker = this.#drain(channel);
    }
  }

  async #drain(channel: ChannelState): Promise<void> {
    try {
      while (channel.queue.length > 0 && !this.#abort.signal.aborted) {
        const payload = channel.queue.shift() as ChannelPayload;
        await this.#deliver(channel, payload);
      }
    } catch (err) {
      // #deliver handles its own failures; this is a bug, not a robot's answer.
      this.#log.error({ channel: channel.name, error: (err as Error).message }, "notification worker failed");
    } finally {
      channel.active = false;
    }
  }

  /** One message, with rate limit and retries; counts it as sent or failed. Never throws. */
  async #deliver(channel: ChannelState, payload: ChannelPayload): Promise<void> {
    const signal = this.#abort.signal;
    const about = { channel: channel.name, event: payload.event.kind, incident: payload.event.incident.id };
    for (let attempt = 1; ; attempt++) {
      let error: string;
      let retryable: boolean;
      try {
        await this.#waitForRate(channel, signal);
        channel.limiter.record();
        await this.#send(channel, payload, signal);
        this.#hooks.sent?.(channel.name);
        this.#log.info({ ...about, attempt }, "notification sent");
        return;
      } catch (err) {
        error = this.#describe(channel, err);
        retryable = !signal.aborted && (!(err instanceof NotifyError) || err.retryable);
      }
      if (!retryable || attempt > this.#config.retries) {
        this.#hooks.failed?.(channel.name);
        this.#log.error({ ...about, attempt, error }, "notification failed");
        return;
      }
      const wait = this.#config.retry_backoff * 2 ** (attempt - 1);
      this.#log.warn({ ...about, attempt, error, retry_in_ms: wait }, "notification failed; will retry");
      try {
        await this.#sleep(wait, signal);
      } catch {
        this.#hooks.failed?.(channel.name);
        this.#log.error({ ...about, attempt, error }, "notification failed; shutdown before its retry");
        return;
      }
    }
  }

  async #waitForRate(channel: ChannelState, signal: AbortSignal): Promise<void> {
    for (;;) {
      if (signal.aborted) throw new NotifyError("aborted: the agent is shutting down", false);
      const wait = channel.limiter.delay();
      if (wait <= 0) return;
      this.#log.debug({ channel: channel.name, wait_ms: wait }, "notification rate limit reached; waiting");
      await this.#sleep(wait, signal);
    }
  }

  async #send(channel: ChannelState, payload: ChannelPayload, shutdown: AbortSignal): Promise<void> {
    // Not AbortSignal.any with the agent-long shutdown signal: see agent/abort.ts.
    const timeout = linkedSignal(shutdown, {
      ms: channel.timeoutMs,
      reason: () => new DOMException("notification timeout", "TimeoutError"),
    });
    const request = channel.driver.build(payload, this.#clock.now());
    try {
      const answer = await sendHttp(request.url, {
        method: "POST",
        headers: { ...request.headers, "Content-Length": String(Buffer.byteLength(request.body)) },
        body: request.body,
        signal: timeout.signal,
        agent: false,
        tls: channel.tls,
        maxBodyBytes: MAX_ANSWER_BYTES,
      });
      channel.driver.check(answer);
    } catch (err) {
      if (err instanceof NotifyError) throw err;
      if (shutdown.aborted) throw new NotifyError("aborted: the agent is shutting down", false);
      if (timeout.timedOut()) {
        throw new NotifyError(`no answer within ${formatDuration(channel.timeoutMs)}`, true);
      }
      throw err;
    } finally {
      timeout.dispose();
    }
  }

  /** An error as one safe line: code and message, scrubbed of the URL and secret, bounded. */
  #describe(channel: ChannelState, err: unknown): string {
    let text: string;
    if (err instanceof NotifyError) text = err.message;
    else if (err instanceof Error) {
      const code = (err as NodeJS.ErrnoException).code;
      text = code !== undefined && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
    } else text = String(err);
    return cleanText(redact(text, channel.sensitive), 300);
  }

  /**
   * Stop taking notifications, let the queues drain for at most `graceMs`, then abort what is in
   * flight or waiting. Messages still queued are counted as dropped.
   */
  close(graceMs: number = DEFAULT_CLOSE_GRACE_MS): Promise<void> {
    this.#closed ??= this.#close(graceMs);
    return this.#closed;
  }

  async #close(graceMs: number): Promise<void> {
    this.#closing = true;
    const workers = Promise.allSettled(
      this.#channels.map((c) => c.worker).filter((w): w is Promise<void> => w !== undefined),
    );
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), graceMs);
    });
    const outcome = await Promise.race([workers.then(() => "drained" as const), graceOver]);
    clearTimeout(timer);
    this.#abort.abort();
    if (outcome === "timeout") await workers;
    for (const channel of this.#channels) {
      const left = channel.queue.length;
      if (left === 0) continue;
      channel.queue.length = 0;
      for (let i = 0; i < left; i++) this.#hooks.dropped?.(channel.name);
      this.#log.warn({ channel: channel.name, dropped: left }, "notifications not sent before shutdown");
    }
  }
}
