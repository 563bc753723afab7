/**
 * WeCom (企业微信) group robot — 群机器人配置说明:
 * https://developer.work.weixin.qq.com/document/path/91770
 *
 * POST the robot's URL (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…), Content-Type
 * application/json, body {"msgtype":"text","text":{"content":"…"}}; content is at most 2048
 * bytes of UTF-8. Success is {"errcode":0,"errmsg":"ok"}; anything else carries errcode/errmsg
 * (e.g. 93000 invalid key, 45009 over the 20 messages/minute limit).
 */
import { truncateUtf8 } from "../message.js";
import { checkRobotAnswer, JSON_HEADERS, type ChannelDriver } from "./common.js";

export const WECOM_MAX_CONTENT_BYTES = 2048;

export function wecomBody(text: string): { msgtype: "text"; text: { content: string } } {
  return { msgtype: "text", text: { content: truncateUtf8(text, WECOM_MAX_CONTENT_BYTES) } };
}

export function wecomChannel(url: string): ChannelDriver {
  return {
    build: (payload) => ({
      url: new URL(url),
      headers: { ...JSON_HEADERS },
      body: JSON.stringify(wecomBody(payload.text)),
    }),
    check: (answer) => checkRobotAnswer(answer, "errcode", "errmsg"),
  };
}
