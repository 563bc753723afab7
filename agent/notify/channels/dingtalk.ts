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
 * (310000 "sign not match" / "keywords not in content" / "ip … not in whitelist", 300001 "token is
 * not exist", 130101 "send too fast": over 20 messages/minute, blocked 10 minutes; failure.ts).
 * The on-duty people are @-ed with "at": {"atMobiles": […], "atUserIds": […], "isAtAll": bool},
 * each also written as "@…" in the content, which is where DingTalk shows the @; the "at" field
 * is sent only when the route @s someone, so an outside string can never @ anyone.
 */
import { createHmac } from "node:crypto";
import { checkRobotAnswer, JSON_HEADERS, type ChannelDriver, type Mentions } from "./common.js";

/** base64(HmacSHA256(secret, timestamp + "\n" + secret)) — before URL encoding. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`, "utf8").digest("base64");
}

export interface DingtalkBody {
  msgtype: "text";
  text: { content: string };
  at?: { atMobiles?: string[]; atUserIds?: string[]; isAtAll?: boolean };
}

export function dingtalkBody(text: string, mentions?: Mentions): DingtalkBody {
  if (mentions === undefined || (!mentions.all && mentions.mobiles.length + mentions.userIds.length === 0)) {
    return { msgtype: "text", text: { content: text } };
  }
  const at: NonNullable<DingtalkBody["at"]> = {};
  if (mentions.mobiles.length > 0) at.atMobiles = [...mentions.mobiles];
  if (mentions.userIds.length > 0) at.atUserIds = [...mentions.userIds];
  if (mentions.all) at.isAtAll = true;
  const names = [...mentions.mobiles, ...mentions.userIds].map((who) => `@${who}`).join(" ");
  return { msgtype: "text", text: { content: names === "" ? text : `${text}\n${names}` }, at };
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
      body: JSON.stringify(dingtalkBody(payload.text, payload.mentions)),
    }),
    check: (answer) => checkRobotAnswer("dingtalk", answer, "errcode", "errmsg"),
  };
}
