/**
 * The helpdesk ticket intake's config: how the helpdesk's columns (CSV import) or keys (REST pull)
 * map onto a ticket, how its category and priority texts map onto ours, which date formats it
 * writes and in which time zone, and — optionally — where to pull tickets from. Strict: unknown
 * keys are errors, and each error names its field (config/errors.ts formats them).
 *
 * Example (a typical Chinese helpdesk export):
 *   tickets:
 *     timezone: Asia/Shanghai
 *     mapping: { id: 工单号, category: 分类, priority: 优先级, created: 创建时间,
 *                first_response: 首次响应时间, resolved: 解决时间, title: 标题 }
 *     category_map: { 视频会议: videoconf, 大平台: platform, 机房: machine_room, 杀毒: antivirus }
 *     priority_map: { 紧急: P1, 高: P2, 中: P3, 低: P4 }
 *     encoding: auto
 *     pull:
 *       url: https://helpdesk.example.edu.cn/api/tickets
 *       auth: { bearer: "${HELPDESK_TOKEN}" }
 *       every: 15m
 *       items_path: $.data.items
 *       paging: { style: page, page_param: page, size_param: size, size: 100, max_pages: 50 }
 */
import * as z from "zod";
import { httpUrlSchema, timeZoneSchema } from "../../config/common.js";
import { byteSize } from "../../config/byte-size.js";
import { duration } from "../../config/duration.js";
import { secretRef } from "../../config/secret.js";
import { parseJsonPath } from "../../collectors/http/jsonpath.js";
import { CATEGORIES, PRIORITIES } from "../incidents/types.js";
import { DATE_FORMATS } from "./dates.js";

/** How map keys and cell values are compared: NFKC (full-width → ASCII), trimmed, spaces collapsed, lower case. */
export function normalizeLabel(text: string): string {
  return text.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** A column name (CSV header) or a JSON key; in the pull, "$.a.b" reaches into nested objects. */
const columnName = z.string().trim().min(1, { message: "expected a column name or JSON key" });

export const ticketsMapping = z
  .object({
    /** The ticket number, e.g. "工单号". Re-imports update the ticket with the same id. */
    id: columnName,
    /** e.g. "分类"; its texts are mapped by category_map. */
    category: columnName,
    /** e.g. "优先级"; its texts are mapped by priority_map (P1…P4 are accepted as they are). */
    priority: columnName,
    /** e.g. "创建时间"; must have a value in every row. */
    created: columnName,
    /** e.g. "首次响应时间"; the column must exist, a cell may be empty (not yet answered). */
    first_response: columnName,
    /** e.g. "解决时间"; the column must exist, a cell may be empty (still open). */
    resolved: columnName,
    /** e.g. "标题": the ticket's subject, optional. */
    title: columnName.optional(),
  })
  .strict();

/** A record whose keys must stay distinct after normalizeLabel (" 高" and "高" would collide). */
function labelMap<T extends z.ZodType<string>>(value: T) {
  return z
    .record(z.string().regex(/\S/, { message: "expected a non-empty text" }), value)
    .superRefine((map, ctx) => {
      const seen = new Map<string, string>();
      for (const key of Object.keys(map)) {
        const norm = normalizeLabel(key);
        const first = seen.get(norm);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `${JSON.stringify(key)} is the same text as ${JSON.stringify(first)} (compared ignoring case, width and spaces)`,
          });
        } else seen.set(norm, key);
      }
    });
}

const itemsPath = z.string().superRefine((text, ctx) => {
  const parsed = parseJsonPath(text);
  if (!Array.isArray(parsed)) ctx.addIssue({ code: "custom", message: parsed.error });
});

export const ticketsPaging = z.discriminatedUnion(
  "style",
  [
    /** One request returns every ticket. */
    z.object({ style: z.literal("none") }).strict(),
    /** ?page=1&size=100, ?page=2&size=100, … until a page has fewer than `size` items. */
    z
      .object({
        style: z.literal("page"),
        page_param: z.string().min(1).default("page"),
        size_param: z.string().min(1).default("size"),
        size: z.number().int().min(1).max(10_000).default(100),
        /** The number of the first page (1, or 0 for zero-based APIs). */
        first_page: z.number().int().min(0).default(1),
        /** A bound on requests per pull; reaching it with a full last page marks the pull truncated. */
        max_pages: z.number().int().min(1).max(10_000).default(50),
      })
      .strict(),
  ],
  { error: 'expected style "none" or "page"' },
);

/**
 * One object with a refinement rather than a union: a token typed in by mistake gets secretRef's
 * own, non-echoing error at auth.bearer, not a union error that would print the whole value.
 */
const pullAuth = z
  .object({
    bearer: secretRef().optional(),
    basic: z
      .object({ username: z.string().min(1), password: secretRef() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((auth, ctx) => {
    if ((auth.bearer === undefined) === (auth.basic === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "use exactly one of bearer (a secret reference) or basic (username, password)",
      });
    }
  });

export const ticketsPull = z
  .object({
    /** The helpdesk's ticket list endpoint (GET, JSON answer). */
    url: httpUrlSchema,
    /** The Authorization header, built per request; secrets are references ("${ENV}" or "file:…"). */
    auth: pullAuth.optional(),
    /** How often the daemon pulls. */
    every: duration({ min: 60_000 }).default(15 * 60_000),
    /** Where the ticket list is in the answer: "$" (the answer is the list), "$.data.items", … */
    items_path: itemsPath.default("$"),
    paging: ticketsPaging.default({ style: "none" }),
    /** The centre's CA (PEM), added to the public roots; certificates are always verified. */
    tls_ca_file: z.string().min(1).optional(),
    /** Per request (connect, headers and body). */
    timeout: duration({ min: 100, max: 10 * 60_000 }).default(30_000),
  })
  .strict();

export const ticketsConfig = z
  .object({
    /** Where times without an offset were written. */
    timezone: timeZoneSchema.default("Asia/Shanghai"),
    mapping: ticketsMapping,
    /** Helpdesk category text → ours; our names (videoconf, platform, …) are accepted as they are. */
    category_map: labelMap(z.enum(CATEGORIES)),
    /** Helpdesk priority text → P1…P4; "P1"…"P4" are accepted as they are. */
    priority_map: labelMap(z.enum(PRIORITIES)).default(() => ({})),
    /** Accepted timestamp formats, tried in order; default: every text format (see dates.ts). */
    date_formats: z.array(z.enum(DATE_FORMATS)).min(1).optional(),
    /** The CSV file's encoding; auto: UTF-8 (with or without BOM), else GBK (GB18030). */
    encoding: z.enum(["auto", "utf-8", "gbk"]).default("auto"),
    /**
     * The largest file `tickets import` reads ("200MB", "1GiB"). The import streams, so memory does
     * not grow with the file; the bound is on time and scratch disk (about the file's size again).
     */
    max_file_size: byteSize({ min: 1024 }).default(1024 ** 3),
    pull: ticketsPull.optional(),
  })
  .strict();

export type TicketsConfig = z.output<typeof ticketsConfig>;
export type TicketsConfigInput = z.input<typeof ticketsConfig>;
export type TicketsMapping = z.output<typeof ticketsMapping>;
export type TicketsPull = z.output<typeof ticketsPull>;
export type TicketsPaging = z.output<typeof ticketsPaging>;
export type TicketsEncoding = TicketsConfig["encoding"];
