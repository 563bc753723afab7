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
import { z } from "zod";
import { duration } from "../../config/duration.js";
import { SECRET_ISSUE, Secret, secretRef } from "../../config/secret.js";
import { CATEGORIES, PRIORITIES } from "../incidents/types.js";

export const NOTIFY_EVENTS = ["open", "ack", "resolve"] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number];

export const CHANNEL_TYPES = ["webhook", "wecom", "dingtalk", "feishu"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const LANGS = ["zh", "en"] as const;
export type Lang = (typeof LANGS)[number];

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
    },
    { when: () => true },
  );

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
