/**
 * DingTalk (钉钉) custom robot — 自定义机器人接入 and 安全设置 (加签):
 * https://open.dingtalk.com/document/robots/custom-robot-access
 * https://open.dingtalk.com/document/robots/customize-robot-security-settings
 *
 * POST the robot's URL (https://oapi.dingtalk.com/robot/send?access_token=…), Content-Type
 * application/json; charset=utf-8, body {"msgtype":"text","text":{"content":"…"}}. With 加签:
 * timestamp = now in milliseconds; sign = urlEncode(base64(HmacSHA256(key = secret,
 * data = timestamp + "\n" + secret))), both appended to the URL as &timestamp=…&sign=…; the
 * timestamp must be within an hour of DingTalk's clock. Success is {"errcode":0,"errmsg":"ok"}
 * (310000 "sign not match", 130101 "send too fast": over 20 messages/minute, blocked 10 minutes).
 * No "at" field is sent, so a message can never mention anyone.
 */
import { createHmac } from "node:crypto";
import { checkRobotAnswer, JSON_HEADERS, type ChannelDriver } from "./common.js";

/** base64(HmacSHA256(secret, timestamp + "\n" + secret)) — before URL encoding. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`, "utf8").digest("base64");
}

export function dingtalkBody(text: string): { msgtype: "text"; text: { content: string } } {
  return { msgtype: "text", text: { content: text } };
}

/** The robot URL with &timestamp=…&sign=… appended (documented order and encoding). */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): URL {
  const sign = encodeURIComponent(dingtalkSign(secret, timestampMs));
  const separator = url.includes("?") ? "&" : "?";
  return new URL(`${url}${separator}timestamp=${timestampMs}&sign=${sign}`);
}

export function dingtalkChannel(url: string, secret?: string): ChannelDriver {
  return {
    build: (payload, now) => ({
      url: secret === undefined ? new URL(url) : dingtalkSignedUrl(url, secret, now.getTime()),
      headers: { ...JSON_HEADERS },
      body: JSON.stringify(dingtalkBody(payload.text)),
    }),
    check: (answer) => checkRobotAnswer(answer, "errcode", "errmsg"),
  };
}
