/**
 * Loopback stand-ins for the two chat robots the centre uses, answering as the documents say the
 * real ones do — they check the request, not just record it:
 *
 * WeCom group robot (企业微信群机器人), https://developer.work.weixin.qq.com/document/path/91770:
 *  POST /cgi-bin/webhook/send?key=KEY, JSON. {"msgtype":"text","text":{"content" (≤ 2048 bytes),
 *  "mentioned_list"?: [userid | "@all"], "mentioned_mobile_list"?: [mobile | "@all"]}} or
 *  {"msgtype":"markdown","markdown":{"content" (≤ 4096 bytes)}}. Answers {"errcode":0,"errmsg":"ok"};
 *  an unknown key {"errcode":93000,"errmsg":"invalid webhook url, …"}; over the limit 45009
 *  (global codes: https://developer.work.weixin.qq.com/document/path/90313).
 *
 * Feishu custom bot (飞书自定义机器人), https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot:
 *  POST /open-apis/bot/v2/hook/TOKEN, JSON. {"msg_type":"text","content":{"text"}} or
 *  {"msg_type":"interactive","card":{"header":{"title":{"tag":"plain_text","content"}},"elements":[…]}};
 *  with 签名校验 "timestamp" (seconds, a string, within an hour) and "sign" =
 *  base64(HmacSHA256(key = timestamp + "\n" + secret, data = "")); with 自定义关键词 at least one
 *  keyword somewhere in the message's text. Answers {"code":0,"msg":"success","data":{}}; a bad
 *  signature 19021, a missing keyword 19024, a bad token 19001, a bad body 9499.
 *
 * Each records the requests it accepted and the ones it refused, with the code it answered.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Exchange {
  url: string;
  contentType: string | undefined;
  body: unknown;
  /** The robot's answer code: errcode (WeCom) or code (Feishu); 0 is accepted. */
  code: number;
}

export interface Emulator {
  /** The URL a route is configured with (holding the key / token). */
  url: string;
  exchanges: Exchange[];
  accepted(): Exchange[];
  close(): Promise<void>;
}

type Answer = { code: number; msg: string };
type Judge = (url: URL, body: unknown) => Answer;

async function serve(path: string, codeField: "errcode" | "code", judge: Judge): Promise<Emulator> {
  const exchanges: Exchange[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://robot");
      let body: unknown;
      let answer: Answer;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        answer =
          req.method !== "POST" || !/^application\/json/.test(req.headers["content-type"] ?? "")
            ? { code: codeField === "errcode" ? 40008 : 9499, msg: "Bad Request" }
            : judge(url, body);
      } catch {
        answer = { code: codeField === "errcode" ? 40008 : 9499, msg: "Bad Request: body is not JSON" };
      }
      exchanges.push({
        url: req.url ?? "",
        contentType: req.headers["content-type"],
        body,
        code: answer.code,
      });
      const json =
        codeField === "errcode"
          ? { errcode: answer.code, errmsg: answer.msg }
          : { code: answer.code, msg: answer.msg, data: {} };
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    exchanges,
    accepted: () => exchanges.filter((e) => e.code === 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string");
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

export interface WecomOptions {
  key: string;
  /** Answer 45009 (rate limited) to the first this many requests. */
  rateLimitFirst?: number;
}

export function wecomRobot(options: WecomOptions): Promise<Emulator> {
  let seen = 0;
  return serve(`/cgi-bin/webhook/send?key=${options.key}`, "errcode", (url, raw) => {
    if (url.pathname !== "/cgi-bin/webhook/send" || url.searchParams.get("key") !== options.key) {
      return { code: 93000, msg: "invalid webhook url, hint: [1795996800_1_xxx], from ip: 127.0.0.1" };
    }
    if (seen++ < (options.rateLimitFirst ?? 0)) return { code: 45009, msg: "api freq out of limit" };
    const body = raw as Record<string, unknown>;
    if (body.msgtype === "text") {
      const text = body.text as Record<string, unknown> | undefined;
      const keys = Object.keys(text ?? {});
      if (typeof text?.content !== "string" || text.content === "")
        return { code: 44004, msg: "empty content" };
      if (bytes(text.content) > 2048) return { code: 45002, msg: "content exceed max length" };
      if (keys.some((k) => !["content", "mentioned_list", "mentioned_mobile_list"].includes(k))) {
        return { code: 40008, msg: "invalid message type" };
      }
      if (text.mentioned_list !== undefined && !isStringArray(text.mentioned_list)) {
        return { code: 40008, msg: "invalid mentioned_list" };
      }
      if (text.mentioned_mobile_list !== undefined && !isStringArray(text.mentioned_mobile_list)) {
        return { code: 40008, msg: "invalid mentioned_mobile_list" };
      }
    } else if (body.msgtype === "markdown") {
      const markdown = body.markdown as Record<string, unknown> | undefined;
      if (typeof markdown?.content !== "string" || markdown.content === "")
        return { code: 44004, msg: "empty content" };
      if (bytes(markdown.content) > 4096) return { code: 45002, msg: "content exceed max length" };
    } else {
      return { code: 40008, msg: "invalid message type" };
    }
    if (Object.keys(body).length !== 2) return { code: 40008, msg: "invalid message type" };
    return { code: 0, msg: "ok" };
  });
}

export interface FeishuOptions {
  token: string;
  /** 签名校验: the bot's secret. */
  secret?: string;
  /** 自定义关键词: the bot's keywords (up to 10). */
  keywords?: string[];
  /** The bot's clock, seconds (the test's injected time). */
  nowSeconds: number;
}

/** Every string a person would read in a text message or a card. */
function visibleText(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (node: unknown, key: string) => {
    if (typeof node === "string") {
      if (key === "content" || key === "text") out.push(node);
    } else if (Array.isArray(node)) node.forEach((n) => walk(n, key));
    else if (node !== null && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) walk(v, k);
    }
  };
  walk(body.msg_type === "text" ? body.content : body.card, "");
  return out;
}

function cardIsValid(card: unknown): boolean {
  if (card === null || typeof card !== "object") return false;
  const c = card as { header?: { title?: { tag?: unknown; content?: unknown } }; elements?: unknown };
  if (c.header?.title?.tag !== "plain_text" || typeof c.header.title.content !== "string") return false;
  if (!Array.isArray(c.elements)) return false;
  return c.elements.every((e: { tag?: unknown; text?: { tag?: unknown; content?: unknown } }) => {
    if (e.tag === "hr") return true;
    return (
      e.tag === "div" &&
      (e.text?.tag === "plain_text" || e.text?.tag === "lark_md") &&
      typeof e.text.content === "string"
    );
  });
}

export function feishuRobot(options: FeishuOptions): Promise<Emulator> {
  return serve(`/open-apis/bot/v2/hook/${options.token}`, "code", (url, raw) => {
    if (url.pathname !== `/open-apis/bot/v2/hook/${options.token}`) {
      return { code: 19001, msg: "param invalid: incoming webhook access token invalid" };
    }
    const body = raw as Record<string, unknown>;
    if (options.secret !== undefined) {
      const ts = body.timestamp;
      const fresh = typeof ts === "string" && Math.abs(Number(ts) - options.nowSeconds) <= 3600;
      const expected =
        typeof ts === "string"
          ? createHmac("sha256", `${ts}\n${options.secret}`).update("").digest("base64")
          : undefined;
      if (!fresh || body.sign !== expected) {
        return { code: 19021, msg: "sign match fail or timestamp is not within one hour from current time" };
      }
    }
    if (body.msg_type === "text") {
      const content = body.content as { text?: unknown } | undefined;
      if (typeof content?.text !== "string") return { code: 9499, msg: "Bad Request" };
    } else if (body.msg_type === "interactive") {
      if (!cardIsValid(body.card)) return { code: 9499, msg: "Bad Request" };
    } else {
      return { code: 9499, msg: "Bad Request" };
    }
    const keywords = options.keywords ?? [];
    if (keywords.length > 0) {
      const text = visibleText(body).join("\n");
      if (!keywords.some((k) => text.includes(k))) return { code: 19024, msg: "Key Words Not Found" };
    }
    return { code: 0, msg: "success" };
  });
}
