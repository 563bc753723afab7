import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { notificationsConfig, type NotificationsConfigInput } from "../../agent/notify/config.js";
import { Notifier } from "../../agent/notify/notifier.js";
import { RateLimiter } from "../../agent/notify/rate-limit.js";
import {
  captureLog,
  countingHooks,
  startReceiver,
  waitFor,
  type Answer,
  type Receiver,
  type Received,
} from "./receiver.js";
import { incident, openEvent, STARTED } from "./fixtures.js";

const KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const DING_TOKEN = "ding-access-token-abcdef0123456789";
const DING_SECRET = "SECding-secret-never-logged-0123";
const FEISHU_TOKEN = "feishu-hook-token-9f8e7d6c5b4a";
const FEISHU_SECRET = "feishu-secret-never-logged-4567";

const receivers: Receiver[] = [];
const notifiers: Notifier[] = [];

afterEach(async () => {
  await Promise.all(notifiers.splice(0).map((n) => n.close(100)));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  vi.unstubAllEnvs();
});

async function receiver(answer: (req: Received) => Answer): Promise<Receiver> {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

/** A Notifier whose waits move a manual clock instead of sleeping. */
function notifier(section: NotificationsConfigInput, clock = new ManualClock(STARTED)) {
  const { log, lines } = captureLog();
  const counts = countingHooks();
  const sleeps: number[] = [];
  const n = new Notifier({
    config: notificationsConfig.parse(section),
    log,
    hooks: counts.hooks,
    clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
  notifiers.push(n);
  return { n, lines, counts, clock, sleeps };
}

function wecom(robot: Receiver): void {
  vi.stubEnv("T_WECOM_URL", `${robot.base}/cgi-bin/webhook/send?key=${KEY}`);
}

describe("Notifier", () => {
  it("never blocks the caller: notify() returns at once while the robot hangs, and the timeout fires", async () => {
    const robot = await receiver(() => "hang");
    wecom(robot);
    const { n, counts, lines } = notifier({
      retries: 1,
      channels: [{ name: "ops-wecom", type: "wecom", url: "${T_WECOM_URL}", timeout: "200ms" }],
    });
    const started = performance.now();
    const returned = n.notify(openEvent());
    const took = performance.now() - started;
    expect(returned).toBeUndefined();
    expect(took).toBeLessThan(50);
    // Nothing has gone out yet: the request is made after the caller has moved on.
    expect(robot.requests).toHaveLength(0);
    await waitFor(() => counts.failed.length === 1);
    expect(robot.requests).toHaveLength(2);
    expect(counts.sent).toEqual([]);
    const errors = lines.map(
      (l) => JSON.parse(l) as { level: number; msg: string; error?: string; channel?: string },
    );
    expect(errors.find((l) => l.msg === "notification failed; will retry")?.error).toBe(
      "no answer within 200ms",
    );
    expect(errors.find((l) => l.msg === "notification failed")).toMatchObject({
      channel: "ops-wecom",
      error: "no answer within 200ms",
    });
  });

  it("retries with exponential backoff: fails twice, then succeeds", async () => {
    let call = 0;
    const robot = await receiver(() => {
      call += 1;
      if (call === 1) return { status: 502, text: "Bad Gateway" };
      if (call === 2) return { json: { errcode: 45009, errmsg: "api freq out of limit" } };
      return { json: { errcode: 0, errmsg: "ok" } };
    });
    wecom(robot);
    const { n, counts, sleeps, lines } = notifier({
      retries: 3,
      retry_backoff: "2s",
      channels: [{ name: "ops-wecom", type: "wecom", url: "${T_WECOM_URL}" }],
    });
    n.notify(openEvent());
    await waitFor(() => counts.sent.length === 1);
    expect(robot.requests).toHaveLength(3);
    expect(sleeps).toEqual([2000, 4000]);
    expect(counts.failed).toEqual([]);
    const warnings = lines.map((l) => JSON.parse(l) as { msg: string; error?: string; attempt?: number });
    expect(warnings.filter((l) => l.msg === "notification failed; will retry").map((l) => l.error)).toEqual([
      "HTTP 502",
      "errcode 45009: api freq out of limit",
    ]);
    expect(warnings.find((l) => l.msg === "notification sent")?.attempt).toBe(3);
  });

  it("holds a burst to the rate limit per minute on the injected clock", async () => {
    const clock = new ManualClock(STARTED);
    const times: number[] = [];
    const robot = await receiver(() => {
      times.push(clock.now().getTime());
      return { json: { errcode: 0, errmsg: "ok" } };
    });
    wecom(robot);
    const { n, counts, sleeps } = notifier(
      {
        rate_limit: 20,
        channels: [{ name: "ops-wecom", type: "wecom", url: "${T_WECOM_URL}", format: "text" }],
      },
      clock,
    );
    const t0 = clock.now().getTime();
    for (let i = 0; i < 25; i++) n.notify(openEvent({ id: i + 1 }));
    await waitFor(() => counts.sent.length === 25);
    expect(times.filter((t) => t === t0)).toHaveLength(20);
    expect(times.filter((t) => t === t0 + 60_000)).toHaveLength(5);
    expect(sleeps).toEqual([60_000]);
    // Never more than 20 in any minute, and in order.
    for (const t of times)
      expect(times.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(20);
    expect(
      robot.requests.map(
        (r) => (JSON.parse(r.body) as { text: { content: string } }).text.content.match(/#(\d+)/)?.[1],
      ),
    ).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
  });

  it("rate limiter: sliding windows, several at once (Feishu 5/second within 100/minute)", () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(
      [
        { limit: 100, windowMs: 60_000 },
        { limit: 5, windowMs: 1_000 },
      ],
      clock,
    );
    for (let i = 0; i < 5; i++) {
      expect(limiter.delay()).toBe(0);
      limiter.record();
    }
    expect(limiter.delay()).toBe(1_000);
    clock.advance(400);
    expect(limiter.delay()).toBe(600);
    clock.advance(600);
    expect(limiter.delay()).toBe(0);
  });

  it("drops the oldest queued message beyond queue_size, counts it and warns once", async () => {
    // The first request hangs until its timeout; everything after is answered.
    const robot = await receiver((req) =>
      req.index === 0 ? "hang" : { json: { errcode: 0, errmsg: "ok" } },
    );
    wecom(robot);
    const { n, counts, lines } = notifier({
      queue_size: 2,
      channels: [
        { name: "ops-wecom", type: "wecom", url: "${T_WECOM_URL}", timeout: "300ms", format: "text" },
      ],
    });
    for (let i = 1; i <= 5; i++) n.notify(openEvent({ id: i }));
    // #1 is in flight (hanging); #2 and #3 were pushed out by #4 and #5.
    expect(n.queued("ops-wecom")).toBe(2);
    expect(counts.dropped).toEqual(["ops-wecom", "ops-wecom"]);
    await waitFor(() => counts.sent.length === 3);
    // #1 again (its retry after the timeout), then #4 and #5.
    const ids = robot.requests
      .slice(1)
      .map((r) => (JSON.parse(r.body) as { text: { content: string } }).text.content.match(/#(\d+)/)?.[1]);
    expect(ids).toEqual(["1", "4", "5"]);
    const warnings = lines.filter((l) => l.includes("notification queue full"));
    expect(warnings).toHaveLength(1);
  });

  it("sends only the events, categories and priorities a channel asks for", async () => {
    const robot = await receiver(() => ({ json: { errcode: 0, errmsg: "ok" } }));
    wecom(robot);
    const { n, counts } = notifier({
      channels: [
        {
          name: "vc-urgent",
          type: "wecom",
          url: "${T_WECOM_URL}",
          format: "text",
          events: ["open", "resolve"],
          categories: ["videoconf"],
          min_priority: "P2",
        },
      ],
    });
    n.notify(openEvent({ id: 1, priority: "P1" }));
    n.notify(openEvent({ id: 2, priority: "P2" }));
    n.notify(openEvent({ id: 3, priority: "P3" }));
    n.notify(openEvent({ id: 4, category: "platform" }));
    n.notify({ kind: "ack", incident: incident({ id: 5 }), at: STARTED, actor: "x" });
    n.notify({ kind: "resolve", incident: incident({ id: 6 }), at: STARTED });
    await waitFor(() => counts.sent.length === 3);
    await new Promise((r) => setTimeout(r, 30));
    const ids = robot.requests.map(
      (r) => (JSON.parse(r.body) as { text: { content: string } }).text.content.match(/#(\d+)/)?.[1],
    );
    expect(ids).toEqual(["1", "2", "6"]);
  });

  it("never logs a URL token or a signing secret, even when a robot echoes them back", async () => {
    // A robot that echoes the whole request line in its error message.
    const echo = await receiver((req) => ({
      status: 400,
      json: { errcode: 40001, errmsg: `bad request ${req.url}` },
    }));
    const echoJson = await receiver((req) => ({ json: { code: 9499, msg: `bad ${req.url} ${req.body}` } }));
    vi.stubEnv("T_WECOM_URL", `${echo.base}/cgi-bin/webhook/send?key=${KEY}`);
    vi.stubEnv("T_DING_URL", `${echo.base}/robot/send?access_token=${DING_TOKEN}`);
    vi.stubEnv("T_DING_SECRET", DING_SECRET);
    vi.stubEnv("T_FEISHU_URL", `${echoJson.base}/open-apis/bot/v2/hook/${FEISHU_TOKEN}`);
    vi.stubEnv("T_FEISHU_SECRET", FEISHU_SECRET);
    // Nobody listens on port 9 of 127.0.0.1: a connection error, which names host and port only.
    vi.stubEnv("T_DEAD_URL", `http://127.0.0.1:9/cgi-bin/webhook/send?key=${KEY}`);
    const { n, counts, lines } = notifier({
      retries: 1,
      channels: [
        { name: "wecom", type: "wecom", url: "${T_WECOM_URL}" },
        { name: "ding", type: "dingtalk", url: "${T_DING_URL}", secret: "${T_DING_SECRET}" },
        { name: "feishu", type: "feishu", url: "${T_FEISHU_URL}", secret: "${T_FEISHU_SECRET}" },
        { name: "dead", type: "wecom", url: "${T_DEAD_URL}" },
      ],
    });
    n.notify(openEvent());
    await waitFor(() => counts.failed.length === 4);
    await n.close(100);
    const log = lines.join("");
    expect(lines.length).toBeGreaterThan(4);
    for (const secret of [KEY, DING_TOKEN, DING_SECRET, FEISHU_TOKEN, FEISHU_SECRET]) {
      expect(log).not.toContain(secret);
    }
    expect(log).toContain("[redacted]");
    expect(log).toContain('"channel":"feishu"');
    expect(log).toContain("ECONNREFUSED");
  });

  it("close() waits at most its grace period, aborts what is in flight and counts what is left", async () => {
    const robot = await receiver(() => "hang");
    wecom(robot);
    const { n, counts, lines } = notifier({
      channels: [{ name: "ops-wecom", type: "wecom", url: "${T_WECOM_URL}", timeout: "30s" }],
    });
    n.notify(openEvent({ id: 1 }));
    n.notify(openEvent({ id: 2 }));
    n.notify(openEvent({ id: 3 }));
    await waitFor(() => robot.requests.length === 1);
    const started = performance.now();
    await n.close(150);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(1000);
    expect(counts.failed).toEqual(["ops-wecom"]);
    expect(counts.dropped).toEqual(["ops-wecom", "ops-wecom"]);
    expect(lines.join("")).toContain("aborted: the agent is shutting down");
    // After close: refused, counted nowhere, no request.
    n.notify(openEvent({ id: 4 }));
    expect(robot.requests).toHaveLength(1);
  });

  it("close() returns as soon as the queues are drained", async () => {
    const robot = await receiver(() => ({ json: { errcode: 0, errmsg: "ok" } }));
    wecom(robot);
    const { n, counts } = notifier({
      channels: [{ name: "ops-wecom", type: "wecom", url: "${T_WECOM_URL}" }],
    });
    n.notify(openEvent({ id: 1 }));
    n.notify(openEvent({ id: 2 }));
    const started = performance.now();
    await n.close(5_000);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(counts.sent).toEqual(["ops-wecom", "ops-wecom"]);
    expect(counts.dropped).toEqual([]);
  });
});
