/**
 * The robots as the centre configures them — WeCom markdown, Feishu cards, @ of the on-duty
 * people, @all for P1, the custom-keyword security mode, signatures — against loopback emulators
 * that check the documented request shapes and answer with the documented codes
 * (robot-emulators.ts cites the pages). A failure retrying cannot fix is tried once, named in the
 * log with its fix, and counted by reason in /metrics.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Registry } from "prom-client";
import { ManualClock } from "../../agent/clock.js";
import { notificationsConfig, type NotificationsConfigInput } from "../../agent/notify/config.js";
import { notificationMetrics } from "../../agent/notify/metrics.js";
import { Notifier } from "../../agent/notify/notifier.js";
import { notifyTest } from "../../agent/notify/test-command.js";
import { parseConfigText } from "../../config/load.js";
import { captureLog, waitFor } from "./receiver.js";
import { feishuRobot, wecomRobot, type Emulator } from "./robot-emulators.js";
import { incident, openEvent } from "./fixtures.js";

const WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
const FEISHU_TOKEN = "5e3d587e-d78e-4a07-bd07-265f269f86fd";
const FEISHU_SECRET = "feishu-test-secret-Xy9";
/** 2026-11-30T00:00:00Z = 08:00 +08:00. */
const NOW_MS = 1795996800000;

const emulators: Emulator[] = [];
const notifiers: Notifier[] = [];

afterEach(async () => {
  await Promise.all(notifiers.splice(0).map((n) => n.close(100)));
  await Promise.all(emulators.splice(0).map((e) => e.close()));
  vi.unstubAllEnvs();
});

async function robot(start: Promise<Emulator>): Promise<Emulator> {
  const e = await start;
  emulators.push(e);
  return e;
}

function notifier(section: NotificationsConfigInput) {
  const { log, lines } = captureLog();
  const registry = new Registry();
  const config = notificationsConfig.parse(section);
  const n = new Notifier({
    config,
    log,
    hooks: notificationMetrics(
      registry,
      config.channels.map((c) => c.name),
    ),
    clock: new ManualClock(NOW_MS),
    sleep: async () => {},
  });
  notifiers.push(n);
  const metric = async (name: string, labels: string) => {
    const line = (await registry.metrics()).split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
    return line === undefined ? undefined : Number(line.split(" ").pop());
  };
  return { n, lines, metric };
}

const logged = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe("WeCom group robot (markdown, @ the on-duty people)", () => {
  it("sends markdown with <@userid> to the on-duty people; outside markup is shown, not interpreted", async () => {
    const wecom = await robot(wecomRobot({ key: WECOM_KEY }));
    vi.stubEnv("T_WECOM_URL", wecom.url);
    const { n, lines, metric } = notifier({
      channels: [
        {
          name: "vc-duty",
          type: "wecom",
          url: "${T_WECOM_URL}",
          mentions: { user_ids: ["zhangsan", "lisi"] },
        },
      ],
    });
    n.notify(openEvent({ priority: "P2", title: "**全部** [点我](http://x) `rm`" }));
    await waitFor(() => logged(lines).some((l) => l.msg === "notification sent"));
    const [req] = wecom.accepted();
    expect(req?.contentType).toBe("application/json; charset=utf-8");
    expect(req?.body).toEqual({
      msgtype: "markdown",
      markdown: {
        content: [
          '<font color="warning">**【故障】视频会议 P2 mcu-1：＊＊全部＊＊ ［点我］(http://x) ｀rm｀**</font>',
          "> 开始：2026-11-30 08:00 +08:00",
          "> 来源：探测 · 编号 #42",
          "<@zhangsan> <@lisi>",
        ].join("\n"),
      },
    });
    expect(await metric("opsagent_notifications_sent_total", 'channel="vc-duty"')).toBe(1);
  });

  it("a P1 @s everyone and the mobiles: markdown cannot, so it falls back to text with the mention lists", async () => {
    const wecom = await robot(wecomRobot({ key: WECOM_KEY }));
    vi.stubEnv("T_WECOM_URL", wecom.url);
    const { n } = notifier({
      channels: [
        {
          name: "vc-duty",
          type: "wecom",
          url: "${T_WECOM_URL}",
          mentions: { mobiles: ["13800001111"], user_ids: ["zhangsan"] },
        },
      ],
    });
    n.notify(openEvent({ priority: "P1" }));
    // An acknowledgement @s nobody, and is markdown again.
    n.notify({ kind: "ack", incident: incident({ acknowledgedBy: "张工" }), at: new Date(NOW_MS + 300_000) });
    await waitFor(() => wecom.accepted().length === 2);
    expect(wecom.accepted()[0]?.body).toEqual({
      msgtype: "text",
      text: {
        content: [
          "【故障】视频会议 P1 mcu-1：无响应",
          "开始：2026-11-30 08:00 +08:00",
          "来源：探测 · 编号 #42",
        ].join("\n"),
        mentioned_list: ["zhangsan", "@all"],
        mentioned_mobile_list: ["13800001111"],
      },
    });
    const ack = wecom.accepted()[1]?.body as { msgtype: string; markdown: { content: string } };
    expect(ack.msgtype).toBe("markdown");
    expect(ack.markdown.content).toContain("响应人：张工");
    expect(ack.markdown.content).not.toContain("<@");
  });

  it("an invalid key (errcode 93000) is tried once whatever `retries` says, logged with its reason and fix, counted", async () => {
    const wecom = await robot(wecomRobot({ key: WECOM_KEY }));
    vi.stubEnv("T_WECOM_URL", wecom.url.replace(WECOM_KEY, "00000000-revoked-key"));
    const { n, lines, metric } = notifier({
      retries: 3,
      channels: [{ name: "ops-wecom", type: "wecom", url: "${T_WECOM_URL}" }],
    });
    n.notify(openEvent());
    await waitFor(() => logged(lines).some((l) => l.msg === "notification failed"));
    expect(wecom.exchanges.map((e) => e.code)).toEqual([93000]);
    const line = logged(lines).find((l) => l.msg === "notification failed");
    expect(line).toMatchObject({ channel: "ops-wecom", reason: "bad_key", retryable: false, attempt: 1 });
    expect(String(line?.fix)).toContain("webhook 地址");
    expect(JSON.stringify(line)).not.toContain("revoked-key");
    expect(await metric("opsagent_notifications_errors_total", 'channel="ops-wecom",reason="bad_key"')).toBe(
      1,
    );
    expect(await metric("opsagent_notifications_failed_total", 'channel="ops-wecom"')).toBe(1);
  });

  it("a rate limit (errcode 45009) is retried, and counted as rate_limited", async () => {
    const wecom = await robot(wecomRobot({ key: WECOM_KEY, rateLimitFirst: 2 }));
    vi.stubEnv("T_WECOM_URL", wecom.url);
    const { n, metric } = notifier({
      retries: 3,
      channels: [{ name: "ops-wecom", type: "wecom", url: "${T_WECOM_URL}" }],
    });
    n.notify(openEvent());
    await waitFor(() => wecom.accepted().length === 1);
    expect(wecom.exchanges.map((e) => e.code)).toEqual([45009, 45009, 0]);
    expect(
      await metric("opsagent_notifications_errors_total", 'channel="ops-wecom",reason="rate_limited"'),
    ).toBe(2);
  });
});

describe("Feishu custom bot (card, signature, custom keyword)", () => {
  it("sends a signed interactive card holding the keyword; a P1 @s everyone and the on-duty open_ids", async () => {
    const feishu = await robot(
      feishuRobot({
        token: FEISHU_TOKEN,
        secret: FEISHU_SECRET,
        keywords: ["运维告警"],
        nowSeconds: NOW_MS / 1000,
      }),
    );
    vi.stubEnv("T_FEISHU_URL", feishu.url);
    vi.stubEnv("T_FEISHU_SECRET", FEISHU_SECRET);
    const { n } = notifier({
      channels: [
        {
          name: "platform-duty",
          type: "feishu",
          url: "${T_FEISHU_URL}",
          secret: "${T_FEISHU_SECRET}",
          keyword: "运维告警",
          mentions: { user_ids: ["ou_7d8a6e6df7621556ce0d21922b676706ccs"] },
        },
      ],
    });
    n.notify(openEvent());
    await waitFor(() => feishu.exchanges.length === 1);
    expect(feishu.exchanges[0]?.code).toBe(0);
    const body = feishu.exchanges[0]?.body as Record<string, unknown>;
    expect(body.timestamp).toBe(String(NOW_MS / 1000));
    expect(body.msg_type).toBe("interactive");
    expect(body.card).toEqual({
      config: { wide_screen_mode: true },
      header: {
        title: { tag: "plain_text", content: "运维告警 【故障】视频会议 P1 mcu-1：无响应" },
        template: "red",
      },
      elements: [
        { tag: "div", text: { tag: "plain_text", content: "开始：2026-11-30 08:00 +08:00" } },
        { tag: "div", text: { tag: "plain_text", content: "来源：探测 · 编号 #42" } },
        { tag: "hr" },
        {
          tag: "div",
          text: {
            tag: "lark_md",
            content: "<at id=all></at> <at id=ou_7d8a6e6df7621556ce0d21922b676706ccs></at>",
          },
        },
      ],
    });
  });

  it("keyword mode: a route without the bot's keyword is refused (19024) once, not retried, and says to set keyword", async () => {
    const feishu = await robot(
      feishuRobot({ token: FEISHU_TOKEN, keywords: ["运维告警"], nowSeconds: NOW_MS / 1000 }),
    );
    vi.stubEnv("T_FEISHU_URL", feishu.url);
    const { n, lines, metric } = notifier({
      retries: 3,
      channels: [{ name: "platform-duty", type: "feishu", url: "${T_FEISHU_URL}" }],
    });
    n.notify(openEvent());
    await waitFor(() => logged(lines).some((l) => l.msg === "notification failed"));
    expect(feishu.exchanges.map((e) => e.code)).toEqual([19024]);
    const line = logged(lines).find((l) => l.msg === "notification failed");
    expect(line).toMatchObject({
      reason: "keyword_missing",
      retryable: false,
      error: "code 19024: Key Words Not Found",
    });
    expect(String(line?.fix)).toContain("keyword");
    expect(
      await metric("opsagent_notifications_errors_total", 'channel="platform-duty",reason="keyword_missing"'),
    ).toBe(1);
  });

  it('a wrong signing secret (19021) is a bad_signature, not retried; text format carries <at user_id="all">', async () => {
    const feishu = await robot(
      feishuRobot({ token: FEISHU_TOKEN, secret: FEISHU_SECRET, nowSeconds: NOW_MS / 1000 }),
    );
    vi.stubEnv("T_FEISHU_URL", feishu.url);
    vi.stubEnv("T_FEISHU_SECRET", "an-old-secret");
    const { n, lines, metric } = notifier({
      retries: 2,
      channels: [
        {
          name: "fs",
          type: "feishu",
          url: "${T_FEISHU_URL}",
          secret: "${T_FEISHU_SECRET}",
          format: "text",
          mentions: {}, // all_from: P1 by default
        },
      ],
    });
    n.notify(openEvent());
    await waitFor(() => logged(lines).some((l) => l.msg === "notification failed"));
    expect(feishu.exchanges.map((e) => e.code)).toEqual([19021]);
    expect((feishu.exchanges[0]?.body as { content: { text: string } }).content.text).toMatch(
      /\n<at user_id="all">所有人<\/at>$/,
    );
    expect(logged(lines).find((l) => l.msg === "notification failed")).toMatchObject({
      reason: "bad_signature",
      retryable: false,
    });
    expect(await metric("opsagent_notifications_errors_total", 'channel="fs",reason="bad_signature"')).toBe(
      1,
    );
    expect(await metric("opsagent_notifications_failed_total", 'channel="fs"')).toBe(1);
    expect(lines.join("")).not.toContain("an-old-secret");
  });
});

describe("ops-agent notify test [ROUTE]", () => {
  function config(yaml: string) {
    const result = parseConfigText(yaml, { secrets: "resolve" });
    if (!result.ok) throw new Error(result.errors.join("\n"));
    return result.config;
  }

  it("sends one message per route and prints each robot's answer; a refused one with its reason and fix (exit 1)", async () => {
    const wecom = await robot(wecomRobot({ key: WECOM_KEY }));
    const feishu = await robot(
      feishuRobot({ token: FEISHU_TOKEN, keywords: ["运维告警"], nowSeconds: NOW_MS / 1000 }),
    );
    vi.stubEnv("T_WECOM_URL", wecom.url);
    vi.stubEnv("T_FEISHU_URL", feishu.url);
    const cfg = config(`site: centre
incidents:
  notifications:
    channels:
      - { name: vc-duty, type: wecom, url: "\${T_WECOM_URL}", mentions: { mobiles: ["13800001111"] } }
      - { name: platform-duty, type: feishu, url: "\${T_FEISHU_URL}" }
`);
    const out: string[] = [];
    const io = {
      out: (l: string) => out.push(l),
      err: (l: string) => out.push(l),
      clock: new ManualClock(NOW_MS),
    };
    expect(await notifyTest(cfg, undefined, io)).toBe(1);
    expect(out[0]).toBe(
      'vc-duty (wecom · markdown): 已送达 (accepted) — HTTP 200 {"errcode":0,"errmsg":"ok"}',
    );
    expect(out[1]).toBe(
      'platform-duty (feishu · card): 失败 (failed) — keyword_missing, 重试无用 (not retryable) — HTTP 200 {"code":19024,"msg":"Key Words Not Found","data":{}}',
    );
    expect(out[2]).toContain("处理 (fix): 消息中没有机器人的自定义关键词");
    // The test @s the people, never everyone: mobiles need WeCom's text form.
    expect(wecom.accepted()[0]?.body).toEqual({
      msgtype: "text",
      text: {
        content: [
          "【测试】ops-agent 通知测试",
          "通道：vc-duty",
          "站点：centre",
          "时间：2026-11-30 08:00 +08:00",
          "说明：这是一条测试消息，无需处理",
        ].join("\n"),
        mentioned_mobile_list: ["13800001111"],
      },
    });
    expect(feishu.exchanges).toHaveLength(1);

    out.length = 0;
    expect(await notifyTest(cfg, "vc-duty", io)).toBe(0);
    expect(out).toHaveLength(1);
    expect(wecom.exchanges).toHaveLength(2);
    expect(await notifyTest(cfg, "nobody", io)).toBe(78);
    expect(out[1]).toContain("configured: vc-duty, platform-duty");
  });
});
