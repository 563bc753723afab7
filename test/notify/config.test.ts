import { afterEach, describe, expect, it, vi } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatIssues } from "../../config/errors.js";
import { notificationsConfig } from "../../agent/notify/config.js";

const KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

function errors(input: unknown): string[] {
  const result = notificationsConfig.safeParse(input);
  if (result.success) return [];
  return formatIssues(result.error, input);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("notifications config", () => {
  it("fills the documented defaults and resolves the URL and secret references", () => {
    vi.stubEnv("DING_URL", "https://oapi.dingtalk.com/robot/send?access_token=abc123token");
    const dir = mkdtempSync(join(tmpdir(), "notify-config-"));
    writeFileSync(join(dir, "ding.secret"), "SECsecret-value\n");
    const config = notificationsConfig.parse({
      channels: [
        {
          name: "ops-ding",
          type: "dingtalk",
          url: "${DING_URL}",
          secret: `file:${join(dir, "ding.secret")}`,
        },
      ],
    });
    expect(config.retries).toBe(3);
    expect(config.retry_backoff).toBe(2000);
    expect(config.rate_limit).toBe(20);
    expect(config.queue_size).toBe(1000);
    expect(config.lang).toBe("zh");
    const channel = config.channels[0]!;
    expect(channel.events).toEqual(["open", "ack", "resolve"]);
    expect(channel.timeout).toBe(5000);
    expect(channel.url.reveal()).toBe("https://oapi.dingtalk.com/robot/send?access_token=abc123token");
    expect(channel.secret?.reveal()).toBe("SECsecret-value");
    // The resolved config prints no secret.
    expect(JSON.stringify(config)).not.toContain("abc123token");
    expect(JSON.stringify(config)).not.toContain("SECsecret-value");
    expect(notificationsConfig.parse({}).channels).toEqual([]);
  });

  it("accepts filters, durations and a plain URL for a generic webhook", () => {
    const config = notificationsConfig.parse({
      retries: 0,
      retry_backoff: "500ms",
      lang: "en",
      channels: [
        {
          name: "helpdesk",
          type: "webhook",
          url: "https://helpdesk.example.edu.cn/hooks/ops",
          events: ["open", "resolve"],
          categories: ["videoconf", "platform"],
          min_priority: "P2",
          timeout: "10s",
          rate_limit: 60,
        },
      ],
    });
    expect(config.channels[0]).toMatchObject({
      events: ["open", "resolve"],
      categories: ["videoconf", "platform"],
      min_priority: "P2",
      timeout: 10_000,
      rate_limit: 60,
    });
  });

  it("names the field of every mistake, and never echoes a robot URL", () => {
    const lines = errors({
      retries: -1,
      rate_limt: 20,
      lang: "fr",
      channels: [
        { name: "Ops", type: "slack", url: "${NOT_SET_ANYWHERE}" },
        { name: "wecom", type: "wecom", url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}` },
        { name: "wecom2", type: "wecom", url: "${WECOM_URL_X}", secret: "${X}", events: ["close"] },
        {
          name: "ding",
          type: "dingtalk",
          url: "https://oapi.dingtalk.com/robot/send",
          min_priority: "P9",
          timeout: "soon",
        },
      ],
    });
    const text = lines.join("\n");
    expect(lines).toContain(
      "rate_limt: unknown option; remove it or correct its spelling (config/example.yaml lists every option)",
    );
    expect(text).toMatch(/^retries: expected at least 0, got -1$/m);
    expect(text).toMatch(/^lang: expected one of "zh", "en", got "fr"$/m);
    expect(text).toMatch(/^channels\[0\]\.name: expected a name of lower-case letters/m);
    expect(text).toMatch(
      /^channels\[0\]\.type: expected one of "webhook", "wecom", "dingtalk", "feishu", got "slack"$/m,
    );
    expect(text).toMatch(/^channels\[0\]\.url: environment variable NOT_SET_ANYWHERE is not set$/m);
    expect(text).toMatch(
      /^channels\[1\]\.url: a wecom robot URL holds its access token: write a secret reference/m,
    );
    expect(text).toMatch(
      /^channels\[2\]\.events\[0\]: expected one of "open", "ack", "resolve", got "close"$/m,
    );
    expect(text).toMatch(/^channels\[3\]\.min_priority: expected one of "P1", "P2", "P3", "P4", got "P9"$/m);
    expect(text).toMatch(/^channels\[3\]\.timeout: expected a duration/m);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain("qyapi.weixin.qq.com");
  });

  it("rejects a signing secret on a robot that does not sign, a non-http URL, and duplicate names", () => {
    vi.stubEnv("WECOM_URL", `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`);
    vi.stubEnv("FTP_URL", `ftp://files.example/${KEY}`);
    vi.stubEnv("SOME_SECRET", "s3cr3t-value");
    const lines = errors({
      channels: [
        { name: "a", type: "wecom", url: "${WECOM_URL}", secret: "${SOME_SECRET}" },
        { name: "a", type: "feishu", url: "${FTP_URL}" },
      ],
    });
    expect(lines).toEqual([
      "channels[0].secret: only dingtalk and feishu robots sign their requests; remove secret from this wecom channel",
      "channels[1].url: expected an http:// or https:// URL (from env FTP_URL); the value is not shown, it may hold an access token",
      'channels[1].name: duplicate channel name "a" (also channels[0]); give each channel its own name',
    ]);
    expect(lines.join("\n")).not.toContain(KEY);
  });

  it("names the field, the value and the fix for the robot options: format, mentions, keyword", () => {
    vi.stubEnv("WECOM_URL", `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`);
    vi.stubEnv("FEISHU_URL", "https://open.feishu.cn/open-apis/bot/v2/hook/abcdefgh-token");
    const lines = errors({
      channels: [
        {
          name: "a",
          type: "wecom",
          url: "${WECOM_URL}",
          format: "card",
          mentions: { mobiles: ["138-0000"] },
        },
        {
          name: "b",
          type: "feishu",
          url: "${FEISHU_URL}",
          keyword: "告警*",
          mentions: { mobiles: ["13800001111"] },
        },
        {
          name: "c",
          type: "webhook",
          url: "https://h.example/x",
          keyword: "告警",
          mentions: {},
          format: "text",
        },
        {
          name: "d",
          type: "feishu",
          url: "${FEISHU_URL}",
          mentions: { all_from: "P0", who: [] },
          keyword: " 告警",
        },
      ],
    });
    expect(lines).toEqual([
      'channels[0].mentions.mobiles[0]: expected a mobile number of digits, e.g. "13800001111", got "138-0000"',
      'channels[0].format: a wecom robot takes format markdown or text, not "card"',
      'channels[1].keyword: expected 1–20 characters without controls or any of < > * [ ] ` # _ ~ | \\ (the robots\' markup), got "告警*"',
      "channels[1].mentions.mobiles: a Feishu custom bot cannot @ by mobile number; list the people's open_id (ou_…) in mentions.user_ids",
      "channels[2].format: a webhook channel sends its own JSON; remove format",
      "channels[2].mentions: a generic webhook @s nobody; remove mentions",
      "channels[2].keyword: keywords are a chat robot's security setting; remove keyword from this webhook channel",
      'channels[3].mentions.all_from: expected one of "P1", "P2", "P3", "P4", "none", got "P0"',
      "channels[3].mentions.who: unknown option; remove it or correct its spelling (config/example.yaml lists every option)",
      'channels[3].keyword: expected no leading or trailing spaces: the robot compares the keyword exactly, got " 告警"',
    ]);
    const ok = notificationsConfig.parse({
      channels: [
        {
          name: "a",
          type: "wecom",
          url: "${WECOM_URL}",
          mentions: { user_ids: ["zhangsan"] },
          keyword: "运维",
        },
      ],
    });
    expect(ok.channels[0]?.mentions).toEqual({ mobiles: [], user_ids: ["zhangsan"], all_from: "P1" });
  });
});
