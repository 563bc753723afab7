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
import { systemClock, type Clock } from "../clock.js";
import { PRIORITIES, type Category } from "../incidents/types.js";
import type { Logger } from "../log.js";
import { NotifyError, type ChannelPayload } from "./channels/common.js";
import type { NotificationChannelConfig, NotificationsConfig, NotifyEventKind } from "./config.js";
import { FAILURE_FIXES, isRetryable, type FailureReason } from "./failure.js";
import { composeMessage, DEFAULT_TIME_ZONE, formatTime, type Message, type NotifyEvent } from "./message.js";
import { RateLimiter, type RateWindow } from "./rate-limit.js";
import { createRoute, describeFailure, payloadFor, reasonOf, sendToRoute, type Route } from "./route.js";

export type { NotifyEvent } from "./message.js";

/** Counters for the agent to wire to prom-client (see metrics.ts); each gets the channel name. */
export interface NotifierHooks {
  /** A message the channel accepted. */
  sent(channel: string): void;
  /** A message given up on: retries exhausted, a failure not worth retrying, or shutdown. */
  failed(channel: string): void;
  /** A message never attempted: pushed out of a full queue, or still queued at shutdown. */
  dropped(channel: string): void;
  /** One failed attempt, with its reason (failure.ts): retried or not. */
  error(channel: string, reason: FailureReason): void;
}

export interface NotifierOptions {
  config: NotificationsConfig;
  log: Logger;
  hooks?: Partial<NotifierHooks>;
  /** Rate limits and signing timestamps; default the system clock. */
  clock?: Clock;
  /** Times in messages and the webhook's JSON; the agent's `timezone` (default Asia/Shanghai). */
  timeZone?: string;
  /**
   * Waits for backoff and rate limits; rejects when `signal` aborts. Tests pass one that moves a
   * ManualClock instead of sleeping.
   */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** At most one "queue full" warning per channel per this long (the drops are all counted). */
const DROP_WARN_INTERVAL_MS = 60_000;
/** Feishu also documents 5 requests per second per bot. */
const FEISHU_PER_SECOND = 5;
export const DEFAULT_CLOSE_GRACE_MS = 5_000;

const realSleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

interface ChannelState extends Route {
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
    const windows: RateWindow[] = [
      { limit: channel.rate_limit ?? this.#config.rate_limit, windowMs: 60_000 },
    ];
    if (channel.type === "feishu") windows.push({ limit: FEISHU_PER_SECOND, windowMs: 1_000 });
    return {
      ...createRoute(channel, this.#log, this.#timeZone),
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
      let message: Message | undefined;
      for (const channel of this.#channels) {
        if (!this.#wants(channel, snapshot)) continue;
        message ??= composeMessage(snapshot, { lang: this.#config.lang, timeZone: this.#timeZone });
        this.#enqueue(channel, payloadFor(channel, message, snapshot));
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
            oldest_incident: oldest.event?.incident.id,
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
    const about = {
      channel: channel.name,
      event: payload.message.kind,
      incident: payload.event?.incident.id,
    };
    for (let attempt = 1; ; attempt++) {
      let error: string;
      let reason: FailureReason;
      try {
        await this.#waitForRate(channel, signal);
        channel.limiter.record();
        await sendToRoute(channel, payload, this.#clock.now(), signal);
        this.#hooks.sent?.(channel.name);
        this.#log.info({ ...about, attempt }, "notification sent");
        return;
      } catch (err) {
        error = describeFailure(channel, err);
        reason = signal.aborted ? "shutdown" : reasonOf(err);
      }
      this.#hooks.error?.(channel.name, reason);
      const retryable = isRetryable(reason);
      const fix = FAILURE_FIXES[reason];
      if (!retryable || attempt > this.#config.retries) {
        // `retryable: false`: not retried, whatever `retries` says — an operator has to act (`fix`).
        this.#hooks.failed?.(channel.name);
        this.#log.error({ ...about, attempt, error, reason, retryable, fix }, "notification failed");
        return;
      }
      const wait = this.#config.retry_backoff * 2 ** (attempt - 1);
      this.#log.warn(
        { ...about, attempt, error, reason, retry_in_ms: wait },
        "notification failed; will retry",
      );
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
      if (signal.aborted) throw new NotifyError("aborted: the agent is shutting down", "shutdown");
      const wait = channel.limiter.delay();
      if (wait <= 0) return;
      this.#log.debug({ channel: channel.name, wait_ms: wait }, "notification rate limit reached; waiting");
      await this.#sleep(wait, signal);
    }
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
