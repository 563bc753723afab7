/**
 * Feishu (飞书) custom bot — 自定义机器人使用指南:
 * https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
 * (also https://open.feishu.cn/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN)
 *
 * POST the bot's URL (https://open.feishu.cn/open-apis/bot/v2/hook/<token>), Content-Type
 * application/json, body {"msg_type":"text","content":{"text":"…"}}, at most 20 KB. With 签名校验
 * the body also holds "timestamp" (seconds, as a string, within an hour of Feishu's clock) and
 * "sign" = base64(HmacSHA256(key = timestamp + "\n" + secret, data = "")) — note the key is the
 * string to sign and the data is empty, unlike DingTalk. Success is {"code":0,"msg":"success",…};
 * older answers carry only the redundant "StatusCode":0 / "StatusMessage", accepted when "code" is
 * absent. Failures: 19021 sign match fail, 19024 keyword not found, 9499 bad request, 11232 rate
 * limited (100/minute, 5/second per bot).
 */
import { createHmac } from "node:crypto";
import { truncateUtf8 } from "../message.js";
import { checkRobotAnswer, JSON_HEADERS, type ChannelDriver } from "./common.js";

/** The documented body limit is 20 KB; the text is kept well below it. */
export const FEISHU_MAX_TEXT_BYTES = 16 * 1024;

/** base64(HmacSHA256(key = timestamp + "\n" + secret, data = empty)). */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac("sha256", `${timestampSeconds}\n${secret}`).update(Buffer.alloc(0)).digest("base64");
}

export interface FeishuBody {
  timestamp?: string;
  sign?: string;
  msg_type: "text";
  content: { text: string };
}

export function feishuBody(text: string, secret: string | undefined, now: Date): FeishuBody {
  const content = { text: truncateUtf8(text, FEISHU_MAX_TEXT_BYTES) };
  if (secret === undefined) return { msg_type: "text", content };
  const seconds = Math.floor(now.getTime() / 1000);
  return { timestamp: String(seconds), sign: feishuSign(secret, seconds), msg_type: "text", content };
}

export function feishuChannel(url: string, secret?: string): ChannelDriver {
  return {
    build: (payload, now) => ({
      url: new URL(url),
      headers: { ...JSON_HEADERS },
      body: JSON.stringify(feishuBody(payload.text, secret, now)),
    }),
    check: (answer) =>
      checkRobotAnswer(answer, "code", "msg", { code: "StatusCode", message: "StatusMessage" }),
  };
}
