/**
 * Why a robot refused a message, as one of a bounded set of reasons: the `reason` label of
 * opsagent_notifications_errors_total, the log's `reason` and `fix`, and whether trying again can
 * help. A bad key, a bad signature, a missing keyword, an IP outside the robot's allow list or a
 * malformed request fail the same way every time, so they are not retried (retrying a bad key
 * also burns the robot's 20-a-minute budget and, on DingTalk, gets it blocked for 10 minutes).
 *
 * The codes come from the robots' own documents:
 *  - WeCom 企业微信 group robot, https://developer.work.weixin.qq.com/document/path/91770 and the
 *    global error codes https://developer.work.weixin.qq.com/document/path/90313:
 *    93000 invalid webhook URL (key), 45009 over the frequency limit, 40008 invalid message type,
 *    44004 empty text, 45002 content too long;
 *  - Feishu 飞书 custom bot, https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot:
 *    19001 invalid webhook token, 19021 sign match fail (signature or a timestamp over an hour
 *    old), 19022 IP not allowed, 19024 key words not found, 9499 bad request (also "too many
 *    request"), 11232 frequency limited;
 *  - DingTalk 钉钉 custom robot, https://open.dingtalk.com/document/robots/custom-robot-access:
 *    300001 token is not exist, 310000 with "sign not match" / "keywords not in content" /
 *    "ip X not in whitelist", 130101 send too fast.
 */
import type { ChannelType } from "./config.js";

export const FAILURE_REASONS = [
  "bad_key",
  "bad_signature",
  "keyword_missing",
  "ip_not_allowed",
  "bad_request",
  "rate_limited",
  "server_error",
  "timeout",
  "network",
  "bad_answer",
  "robot_error",
  "shutdown",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Trying the same request again cannot succeed: the configuration or the message must change. */
const NOT_RETRYABLE: ReadonlySet<FailureReason> = new Set([
  "bad_key",
  "bad_signature",
  "keyword_missing",
  "ip_not_allowed",
  "bad_request",
  "shutdown",
]);

export function isRetryable(reason: FailureReason): boolean {
  return !NOT_RETRYABLE.has(reason);
}

/** What the operator does about it, Chinese first (logged as `fix`, printed by `notify test`). */
export const FAILURE_FIXES: Readonly<Record<FailureReason, string>> = {
  bad_key:
    "机器人地址或 key 无效：在群设置中重新复制机器人的 webhook 地址，更新 url 指向的密钥 (the robot URL's key/token is invalid: copy the webhook URL again)",
  bad_signature:
    "签名不匹配：核对 secret 是否为机器人“加签/签名校验”的密钥，并检查本机时钟 (signature mismatch: check the channel's secret and this machine's clock)",
  keyword_missing:
    "消息中没有机器人的自定义关键词：把机器人安全设置中的关键词写入该通道的 keyword (the robot's custom keyword is missing: set the channel's keyword to one of the robot's keywords)",
  ip_not_allowed:
    "本机 IP 不在机器人的 IP 白名单中：在机器人安全设置中加入本机出口 IP (this machine's IP is not in the robot's allow list)",
  bad_request:
    "机器人拒绝了请求格式：检查该通道的 format 与 mentions，或提交问题 (the robot refused the request: check format and mentions)",
  rate_limited:
    "超过机器人的发送频率限制：稍后自动重试；可调低 rate_limit (over the robot's rate limit: retried later)",
  server_error: "机器人服务端错误：自动重试 (the robot's server failed: retried)",
  timeout: "机器人未在 timeout 内应答：检查网络或代理，自动重试 (no answer within the timeout: retried)",
  network: "无法连接机器人：检查 DNS、防火墙和代理，自动重试 (cannot reach the robot: retried)",
  bad_answer:
    "机器人的应答不是预期的 JSON：检查 url 是否指向机器人 (the answer is not the robot's JSON: check the url)",
  robot_error:
    "机器人返回了未知错误码：见日志中的 errmsg (an error code not known here: see the robot's message)",
  shutdown: "代理正在停止，消息未发送 (the agent is stopping)",
};

/** A robot's non-zero code (errcode / code) and its message, classified per robot. */
export function classifyRobotCode(type: ChannelType, code: number, message: string): FailureReason {
  const said = message.toLowerCase();
  switch (type) {
    case "wecom":
      if (code === 93000) return "bad_key";
      if (code === 45009) return "rate_limited";
      if (code === 40008 || code === 44004 || code === 45002) return "bad_request";
      return "robot_error";
    case "feishu":
      if (code === 19001) return "bad_key";
      if (code === 19021) return "bad_signature";
      if (code === 19022) return "ip_not_allowed";
      if (code === 19024) return "keyword_missing";
      if (code === 11232) return "rate_limited";
      if (code === 9499) return /too many|frequen|limit/.test(said) ? "rate_limited" : "bad_request";
      return "robot_error";
    case "dingtalk":
      if (code === 300001) return "bad_key";
      if (code === 130101) return "rate_limited";
      if (code === 310000) {
        if (said.includes("keyword")) return "keyword_missing";
        if (said.includes("sign")) return "bad_signature";
        if (said.includes("ip")) return "ip_not_allowed";
        return "bad_request";
      }
      return "robot_error";
    case "webhook":
      return "robot_error";
  }
}

/** An HTTP status other than 2xx. */
export function classifyStatus(status: number): FailureReason {
  if (status === 429) return "rate_limited";
  if (status >= 500 || status === 408) return "server_error";
  if (status === 401 || status === 403 || status === 404) return "bad_key";
  return "bad_request";
}
