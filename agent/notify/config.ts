/**
 * The `notifications:` section: where incident notifications go (a generic webhook and the chat
 * robots the centre's operators use — WeCom 企业微信, DingTalk 钉钉, Feishu 飞书), for which events,
 * and how hard to try. Unknown keys are errors, like everywhere in the config.
 *
 * A robot's URL holds its access token (WeCom `?key=`, DingTalk `?access_token=`, Feishu the last
 * path segment), so for the robots it is a secret reference ("${WECOM_OPS_URL}" or
 * "file:/etc/ops-agent/wecom.url"), never the URL itself; a generic webhook may be written plainly.
 * No error message ever echoes a URL or a signing secret.
 *
 * Rate limits the robots document (all per robot):
 *  - WeCom: 20 messages/minute (developer.work.weixin.qq.com/document/path/91770);
 *  - DingTalk: 20 messages/minute, and a robot over it is blocked for 10 minutes
 *    (open.dingtalk.com/document/robots/custom-robot-access);
 *  - Feishu: 100 requests/minute and 5/second per tenant and robot
 *    (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot).
 * The default `rate_limit` (20/minute) suits all three; a channel may set its own.
 */
import * as z from "zod";
import { duration } from "../../config/duration.js";
import { SECRET_ISSUE, Secret, secretRef } from "../../config/secret.js";
import { CATEGORIES, PRIORITIES } from "../incidents/types.js";

export const NOTIFY_EVENTS = ["open", "ack", "resolve"] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number];

export const CHANNEL_TYPES = ["webhook", "wecom", "dingtalk", "feishu"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const LANGS = ["zh", "en"] as const;
export type Lang = (typeof LANGS)[number];

/**
 * How a robot's message is written. WeCom: `markdown` (default) or `text`; Feishu: `card` (an
 * interactive card, default) or `text`; DingTalk: `text`. The generic webhook sends its JSON.
 * `text` is the fallback where the rich form cannot carry what a message needs (see the drivers).
 */
export const FORMATS = ["markdown", "card", "text"] as const;
export type MessageFormat = (typeof FORMATS)[number];
export const FORMATS_OF: Readonly<Record<ChannelType, readonly MessageFormat[]>> = {
  webhook: [],
  wecom: ["markdown", "text"],
  dingtalk: ["text"],
  feishu: ["card", "text"],
};

/**
 * Who a robot @s, per route (channel). Individuals are @-ed on every opened incident the route
 * sends (they are the on-duty people); @all only for the priorities from `all_from` up (P1 by
 * default: the whole group is woken for an outage, not for a P3). Acknowledgements and
 * resolutions @ nobody: they need nobody to act.
 */
export const mentionsConfig = z
  .object({
    /** Mobile numbers (WeCom mentioned_mobile_list, DingTalk atMobiles). Feishu cannot @ by mobile. */
    mobiles: z
      .array(
        z
          .string()
          .regex(/^\+?[0-9]{5,20}$/, { message: 'expected a mobile number of digits, e.g. "13800001111"' }),
      )
      .default([]),
    /** WeCom userids (mentioned_list), Feishu open_id (ou_…) or user_id, DingTalk atUserIds. */
    user_ids: z
      .array(
        z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, {
          message:
            "expected a user id of letters, digits, '_', '.', '@' or '-' (max 64), as the robot's admin console shows it",
        }),
      )
      .default([]),
    /** @all for opened incidents at least this urgent; `none` never @s everyone. */
    all_from: z.enum([...PRIORITIES, "none"]).default("P1"),
  })
  .strict();
export type MentionsConfig = z.output<typeof mentionsConfig>;

/**
 * The robot's "custom keyword" security mode (自定义关键词): the robot drops a message without
 * one of its keywords. The configured keyword is put at the head of every message of the route
 * (unless the message already holds it). Characters the robots' markdown or mention syntax
 * interpret are refused, so the keyword is written as is.
 */
const keyword = z
  .string()
  .min(1)
  .max(20)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f<>*[\]`#_~|\\]+$/, {
    message:
      "expected 1–20 characters without controls or any of < > * [ ] ` # _ ~ | \\ (the robots' markup)",
  })
  .regex(/^\S(?:.*\S)?$/u, {
    message: "expected no leading or trailing spaces: the robot compares the keyword exactly",
  });

/** The robots that sign their requests with a secret of their own. */
const SIGNING_TYPES: readonly ChannelType[] = ["dingtalk", "feishu"];

/** Where a resolved URL came from when it was written plainly (allowed for `webhook` only). */
const PLAIN_SOURCE = "config";

const REF = /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*\}|file:.+)$/;

/**
 * The endpoint: a secret reference, or (generic webhook only, checked per channel) a plain URL.
 * Either way the output is a Secret holding an http(s) URL; a bad URL is reported without its text.
 */
function endpointUrl() {
  return z.unknown().transform((value, ctx) => {
    let secret: Secret;
    if (typeof value === "string" && !REF.test(value)) {
      secret = new Secret(value, PLAIN_SOURCE);
    } else {
      const ref = secretRef().safeParse(value);
      if (!ref.success) {
        for (const issue of ref.error.issues) {
          ctx.addIssue({ code: "custom", message: issue.message, params: SECRET_ISSUE });
        }
        return z.NEVER;
      }
      secret = ref.data;
    }
    let url: URL | undefined;
    try {
      url = new URL(secret.reveal().trim());
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
      const from = secret.source === PLAIN_SOURCE ? "" : ` (from ${secret.source})`;
      ctx.addIssue({
        code: "custom",
        message: `expected an http:// or https:// URL${from}; the value is not shown, it may hold an access token`,
        params: SECRET_ISSUE,
      });
      return z.NEVER;
    }
    return secret;
  });
}

export const notificationChannel = z
  .object({
    /** The `channel` label in metrics and the only thing logs say about the channel. */
    name: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, {
      message: "expected a name of lower-case letters, digits, '-' or '_', starting with a letter (max 63)",
    }),
    type: z.enum(CHANNEL_TYPES),
    url: endpointUrl(),
    /** DingTalk "加签" secret (SEC…) or Feishu "签名校验" secret. */
    secret: secretRef().optional(),
    events: z.array(z.enum(NOTIFY_EVENTS)).min(1).default(["open", "ack", "resolve"]),
    /** Only incidents of these categories; all when absent. */
    categories: z.array(z.enum(CATEGORIES)).min(1).optional(),
    /** Only incidents at least this urgent: "P2" sends P1 and P2. */
    min_priority: z.enum(PRIORITIES).optional(),
    /** One request's limit, connection to last byte of the answer. */
    timeout: duration({ min: 100, max: 60_000 }).prefault("5s"),
    /** The centre's CA, added to the public roots, for an internal https webhook. */
    tls_ca_file: z.string().min(1).optional(),
    /** Messages per minute for this channel; the section's `rate_limit` when absent. */
    rate_limit: z.number().int().min(1).max(600).optional(),
    /** markdown (WeCom), card (Feishu) or text; the robot's rich form when absent. */
    format: z.enum(FORMATS).optional(),
    /** Who is @-ed (robots only). */
    mentions: mentionsConfig.optional(),
    /** The robot's custom keyword (自定义关键词), always present in the message. */
    keyword: keyword.optional(),
  })
  .strict()
  // `when`: also checked when another field of the channel is wrong, so every mistake shows at once.
  .superRefine(
    (channel, ctx) => {
      const url: unknown = channel.url;
      if (channel.type !== "webhook" && url instanceof Secret && url.source === PLAIN_SOURCE) {
        ctx.addIssue({
          code: "custom",
          path: ["url"],
          message: `a ${channel.type} robot URL holds its access token: write a secret reference like "\${${String(channel.type).toUpperCase()}_ROBOT_URL}" or "file:/etc/ops-agent/${channel.type}.url", never the URL itself`,
          params: SECRET_ISSUE,
        });
      }
      if (
        channel.secret !== undefined &&
        typeof channel.type === "string" &&
        CHANNEL_TYPES.includes(channel.type) &&
        !SIGNING_TYPES.includes(channel.type)
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["secret"],
          message: `only dingtalk and feishu robots sign their requests; remove secret from this ${channel.type} channel`,
          params: SECRET_ISSUE,
        });
      }
      checkRobotOptions(channel, ctx);
    },
    { when: () => true },
  );

/** format, mentions and keyword only where the channel's robot has them. */
function checkRobotOptions(
  channel: { type?: unknown; format?: unknown; mentions?: unknown; keyword?: unknown },
  ctx: z.RefinementCtx,
): void {
  const type = channel.type;
  if (typeof type !== "string" || !CHANNEL_TYPES.includes(type as ChannelType)) return;
  const formats = FORMATS_OF[type as ChannelType];
  if (typeof channel.format === "string" && !formats.includes(channel.format as MessageFormat)) {
    ctx.addIssue({
      code: "custom",
      path: ["format"],
      message:
        formats.length === 0
          ? `a ${type} channel sends its own JSON; remove format`
          : `a ${type} robot takes format ${formats.join(" or ")}, not ${JSON.stringify(channel.format)}`,
    });
  }
  if (type === "webhook" && channel.mentions !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["mentions"],
      message: "a generic webhook @s nobody; remove mentions",
    });
  }
  if (type === "webhook" && channel.keyword !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["keyword"],
      message: "keywords are a chat robot's security setting; remove keyword from this webhook channel",
    });
  }
  const mobiles = (channel.mentions as { mobiles?: unknown } | undefined)?.mobiles;
  if (type === "feishu" && Array.isArray(mobiles) && mobiles.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["mentions", "mobiles"],
      message:
        "a Feishu custom bot cannot @ by mobile number; list the people's open_id (ou_…) in mentions.user_ids",
    });
  }
}

export const notificationsConfig = z
  .object({
    channels: z.array(notificationChannel).default([]),
    /** Further attempts after a failed one (0: try once). */
    retries: z.number().int().min(0).max(10).default(3),
    /** Wait before the first retry; doubled before each further one. */
    retry_backoff: duration({ min: 10, max: 600_000 }).prefault("2s"),
    /** Messages per minute per channel (WeCom and DingTalk allow 20 per robot). */
    rate_limit: z.number().int().min(1).max(600).default(20),
    /** Messages waiting per channel; beyond it the oldest is dropped (and counted). */
    queue_size: z.number().int().min(1).max(100_000).default(1000),
    /** Message language: Chinese by default. */
    lang: z.enum(LANGS).default("zh"),
  })
  .strict()
  .superRefine(
    (section, ctx) => {
      const channels: unknown = section.channels;
      if (!Array.isArray(channels)) return;
      const seen = new Map<string, number>();
      channels.forEach((channel: unknown, index) => {
        const name = (channel as { name?: unknown } | null)?.name;
        if (typeof name !== "string") return;
        const first = seen.get(name);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["channels", index, "name"],
            message: `duplicate channel name ${JSON.stringify(name)} (also channels[${first}]); give each channel its own name`,
          });
        } else seen.set(name, index);
      });
    },
    { when: () => true },
  );

export type NotificationChannelConfig = z.output<typeof notificationChannel>;
export type NotificationsConfig = z.output<typeof notificationsConfig>;
/** What the YAML holds (before defaults and secret resolution). */
export type NotificationsConfigInput = z.input<typeof notificationsConfig>;
