/**
 * Feishu (飞书) custom bot — 自定义机器人使用指南:
 * https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
 * (also https://open.feishu.cn/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN)
 *
 * POST the bot's URL (https://open.feishu.cn/open-apis/bot/v2/hook/<token>), Content-Type
 * application/json, at most 20 KB. Two message types are used:
 *  - interactive (the default): {"msg_type":"interactive","card":{"header":{"title":{"tag":
 *    "plain_text","content":"…"},"template":"red"},"elements":[…]}} — the title and every line as
 *    plain_text (interprets no markup, so outside strings are shown as they are), and the @s in
 *    one lark_md div: <at id=all></at>, <at id=ou_…></at>
 *    (card syntax: https://open.feishu.cn/document/common-capabilities/message-card/message-cards-content/using-markdown-tags);
 *  - text: {"msg_type":"text","content":{"text":"… <at user_id=\"all\">所有人</at>"}}.
 * With 签名校验 the body also holds "timestamp" (seconds, as a string, within an hour of Feishu's
 * clock) and "sign" = base64(HmacSHA256(key = timestamp + "\n" + secret, data = "")) — note the
 * key is the string to sign and the data is empty, unlike DingTalk. Success is
 * {"code":0,"msg":"success",…}; older answers carry only the redundant "StatusCode":0 /
 * "StatusMessage", accepted when "code" is absent. Failures (failure.ts): 19021 sign match fail,
 * 19022 IP not allowed, 19024 key words not found — none retried; 11232 and 9499 "too many
 * request" rate limits (100/minute, 5/second per bot) — retried.
 */
import { createHmac } from "node:crypto";
import type { MessageFormat } from "../config.js";
import { truncateUtf8, type Message } from "../message.js";
import {
  checkRobotAnswer,
  JSON_HEADERS,
  type ChannelDriver,
  type ChannelPayload,
  type Mentions,
} from "./common.js";

/** The documented body limit is 20 KB; the text is kept well below it. */
export const FEISHU_MAX_TEXT_BYTES = 16 * 1024;

/** base64(HmacSHA256(key = timestamp + "\n" + secret, data = empty)). */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac("sha256", `${timestampSeconds}\n${secret}`).update(Buffer.alloc(0)).digest("base64");
}

interface PlainText {
  tag: "plain_text";
  content: string;
}

export interface FeishuCard {
  config: { wide_screen_mode: true };
  header: { title: PlainText; template: string };
  elements: ({ tag: "div"; text: PlainText | { tag: "lark_md"; content: string } } | { tag: "hr" })[];
}

export type FeishuBody = { timestamp?: string; sign?: string } & (
  { msg_type: "text"; content: { text: string } } | { msg_type: "interactive"; card: FeishuCard }
);

/** The header's colour: red for a fault, orange once answered, green when over. */
const TEMPLATE: Readonly<Record<Message["kind"], string>> = {
  open: "red",
  ack: "orange",
  resolve: "green",
  test: "blue",
};

function cardMentions(mentions: Mentions): string {
  return [...(mentions.all ? ["all"] : []), ...mentions.userIds].map((id) => `<at id=${id}></at>`).join(" ");
}

function textMentions(mentions: Mentions): string {
  const all = mentions.all ? ['<at user_id="all">所有人</at>'] : [];
  return [...all, ...mentions.userIds.map((id) => `<at user_id="${id}"></at>`)].join(" ");
}

export function feishuCard(message: Message, mentions: Mentions): FeishuCard {
  const elements: FeishuCard["elements"] = message.lines.map((line) => ({
    tag: "div",
    text: { tag: "plain_text", content: `${line.label}${message.sep}${line.value}` },
  }));
  const at = cardMentions(mentions);
  if (at !== "") elements.push({ tag: "hr" }, { tag: "div", text: { tag: "lark_md", content: at } });
  return {
    config: { wide_screen_mode: true },
    header: { title: { tag: "plain_text", content: message.title }, template: TEMPLATE[message.kind] },
    elements,
  };
}

export function feishuBody(
  payload: ChannelPayload,
  secret: string | undefined,
  now: Date,
  format: MessageFormat = "card",
): FeishuBody {
  let body: FeishuBody;
  if (format === "card") {
    body = { msg_type: "interactive", card: feishuCard(payload.message, payload.mentions) };
  } else {
    const at = textMentions(payload.mentions);
    const text = truncateUtf8(payload.text, FEISHU_MAX_TEXT_BYTES);
    body = { msg_type: "text", content: { text: at === "" ? text : `${text}\n${at}` } };
  }
  if (secret === undefined) return body;
  const seconds = Math.floor(now.getTime() / 1000);
  return { timestamp: String(seconds), sign: feishuSign(secret, seconds), ...body };
}

export function feishuChannel(url: string, secret?: string, format?: MessageFormat): ChannelDriver {
  return {
    build: (payload, now) => ({
      url: new URL(url),
      headers: { ...JSON_HEADERS },
      body: JSON.stringify(feishuBody(payload, secret, now, format)),
    }),
    check: (answer) =>
      checkRobotAnswer("feishu", answer, "code", "msg", { code: "StatusCode", message: "StatusMessage" }),
  };
}
