/**
 * WeCom (企业微信) group robot — 群机器人配置说明:
 * https://developer.work.weixin.qq.com/document/path/91770
 *
 * POST the robot's URL (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…), Content-Type
 * application/json. Two message types are used:
 *  - markdown (the default): {"msgtype":"markdown","markdown":{"content":"…"}}, content at most
 *    4096 bytes of UTF-8; people are @-ed inside it as <@userid>;
 *  - text: {"msgtype":"text","text":{"content":"…","mentioned_list":["userid","@all"],
 *    "mentioned_mobile_list":["13800001111","@all"]}}, content at most 2048 bytes.
 * markdown cannot @ a mobile number or everyone, so a message that must (an opened incident on a
 * route with mobiles, or a P1 with @all) falls back to text: the @ matters more than the layout.
 * Success is {"errcode":0,"errmsg":"ok"}; failures carry errcode/errmsg (failure.ts classifies
 * them: 93000 invalid key is not retried, 45009 over 20 messages/minute is).
 */
import type { MessageFormat } from "../config.js";
import { wecomMarkdown } from "../markdown.js";
import { truncateUtf8 } from "../message.js";
import { checkRobotAnswer, JSON_HEADERS, type ChannelDriver, type ChannelPayload } from "./common.js";

export const WECOM_MAX_CONTENT_BYTES = 2048;
export const WECOM_MAX_MARKDOWN_BYTES = 4096;

export type WecomBody =
  | { msgtype: "markdown"; markdown: { content: string } }
  | {
      msgtype: "text";
      text: { content: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] };
    };

export function wecomBody(payload: ChannelPayload, format: MessageFormat = "markdown"): WecomBody {
  const { mentions } = payload;
  const needsText = mentions.all || mentions.mobiles.length > 0;
  if (format === "markdown" && !needsText) {
    const content = wecomMarkdown(payload.message, mentions.userIds);
    return { msgtype: "markdown", markdown: { content: truncateUtf8(content, WECOM_MAX_MARKDOWN_BYTES) } };
  }
  const text: Extract<WecomBody, { msgtype: "text" }>["text"] = {
    content: truncateUtf8(payload.text, WECOM_MAX_CONTENT_BYTES),
  };
  const ids = [...mentions.userIds, ...(mentions.all ? ["@all"] : [])];
  if (ids.length > 0) text.mentioned_list = ids;
  if (mentions.mobiles.length > 0) text.mentioned_mobile_list = [...mentions.mobiles];
  return { msgtype: "text", text };
}

export function wecomChannel(url: string, format?: MessageFormat): ChannelDriver {
  return {
    build: (payload) => ({
      url: new URL(url),
      headers: { ...JSON_HEADERS },
      body: JSON.stringify(wecomBody(payload, format)),
    }),
    check: (answer) => checkRobotAnswer("wecom", answer, "errcode", "errmsg"),
  };
}
