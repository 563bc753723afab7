import { describe, expect, it } from "vitest";
import {
  cleanText,
  formatMessage,
  formatTime,
  truncateUtf8,
  type NotifyEvent,
} from "../../agent/notify/message.js";
import { incident, openEvent, STARTED } from "./fixtures.js";

const minutes = (n: number) => new Date(STARTED.getTime() + n * 60_000);

describe("notification message", () => {
  it("says an incident opened, in Chinese, with the start in Asia/Shanghai", () => {
    expect(formatMessage(openEvent())).toBe(
      ["【故障】视频会议 P1 mcu-1：无响应", "开始：2026-11-30 08:00 +08:00", "来源：探测 · 编号 #42"].join(
        "\n",
      ),
    );
  });

  it("says who acknowledged it and the response time in minutes", () => {
    const event: NotifyEvent = {
      kind: "ack",
      incident: incident({ status: "acknowledged", acknowledgedAt: minutes(12) }),
      at: minutes(12),
      actor: "张伟",
    };
    expect(formatMessage(event)).toBe(
      [
        "【已响应】视频会议 P1 mcu-1：无响应",
        "开始：2026-11-30 08:00 +08:00",
        "响应：2026-11-30 08:12 +08:00",
        "响应人：张伟",
        "响应用时：12 分钟",
        "来源：探测 · 编号 #42",
      ].join("\n"),
    );
  });

  it("says when it was resolved, how long it lasted and by whom (from the incident)", () => {
    const event: NotifyEvent = {
      kind: "resolve",
      incident: incident({ category: "platform", priority: "P2", resolvedBy: "李娜", source: "ticket" }),
      at: minutes(24 * 60 + 95),
    };
    expect(formatMessage(event)).toBe(
      [
        "【已恢复】教育平台 P2 mcu-1：无响应",
        "开始：2026-11-30 08:00 +08:00",
        "恢复：2026-12-01 09:35 +08:00",
        "持续：1 天 1 小时 35 分钟",
        "处理人：李娜",
        "来源：工单 · 编号 #42",
      ].join("\n"),
    );
  });

  it("speaks English with lang en, in another time zone when asked", () => {
    const event: NotifyEvent = { kind: "ack", incident: incident(), at: minutes(3) };
    expect(formatMessage(event, { lang: "en", timeZone: "UTC" })).toBe(
      [
        "[ACKNOWLEDGED] Video conference P1 mcu-1: 无响应",
        "Started: 2026-11-30 00:00 +00:00",
        "Acknowledged: 2026-11-30 00:03 +00:00",
        "By: unknown",
        "Response time: 3 min",
        "Source: probe · Incident #42",
      ].join("\n"),
    );
  });

  it("strips control and bidi characters, neutralises mentions and bounds outside text", () => {
    const event = openEvent({
      target: "mcu-1\r\n\u0007\u202e",
      title: `<at user_id="all">所有人</at> <@zhangwei> ${"长".repeat(500)}`,
    });
    const text = formatMessage(event);
    const first = text.split("\n")[0] as string;
    // eslint-disable-next-line no-control-regex
    expect(text.replace(/\n/g, "")).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
    expect(text).not.toContain("<");
    expect(text).not.toContain(">");
    expect(first).toContain('＜at user_id="all"＞所有人＜/at＞ ＜@zhangwei＞');
    expect(Array.from(first).length).toBeLessThan(4 + 5 + 3 + 100 + 1 + 200 + 5);
    expect(first.endsWith("…")).toBe(true);
  });

  it("helpers: cleanText, truncateUtf8 and formatTime", () => {
    expect(cleanText("  a\tb\u0000c  ", 10)).toBe("a b c");
    expect(cleanText("abcdef", 4)).toBe("abc…");
    const cut = truncateUtf8("汉".repeat(1000), 2048);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(2048);
    expect(cut.endsWith("…")).toBe(true);
    expect(truncateUtf8("short", 2048)).toBe("short");
    expect(formatTime(new Date("2026-12-31T16:30:00Z"), "Asia/Shanghai")).toBe("2027-01-01 00:30 +08:00");
  });
});
