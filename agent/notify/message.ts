/**
 * The text of an incident notification, Chinese by default:
 *
 *   【故障】视频会议 P1 mcu-1：无响应
 *   开始：2026-11-28 08:00 +08:00
 *   来源：探测 · 编号 #42
 *
 * Composed as a title and "label：value" lines (composeMessage); the channels write that as plain
 * text, WeCom markdown (markdown.ts escapes the outside strings) or a Feishu card (plain_text
 * elements, which interpret nothing). What plain text still interprets is neutralised here: the mention syntax
 * (WeCom `<@userid>`, Feishu `<at user_id="all">`) by turning `<` and `>` into their full-width
 * forms, so a ticket subject can never ping the whole group. DingTalk mentions only the numbers
 * listed in the request's `at` field, which is never sent.
 *
 * Every outside string (title, target, actor, source key) is stripped of control and
 * bidirectional-override characters, its whitespace collapsed, and cut to a bound.
 */
import { CATEGORY_NAMES, type Category, type Incident, type IncidentSource } from "../incidents/types.js";
import type { Lang, NotifyEventKind } from "./config.js";
import { localDateTimeWithOffset } from "../local-time.js";

export interface NotifyEvent {
  kind: NotifyEventKind;
  incident: Incident;
  /** When it happened: the opening, the acknowledgement or the resolution. */
  at: Date;
  /** Who acknowledged or resolved it (the incident's acknowledgedBy/resolvedBy when absent). */
  actor?: string;
}

export interface MessageOptions {
  lang?: Lang;
  /** IANA time zone for the times shown; default Asia/Shanghai. */
  timeZone?: string;
}

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/** Bounds, in characters (code points), of the outside strings. */
export const LIMITS = { title: 200, target: 100, actor: 50, sourceKey: 100 } as const;

// C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings/overrides/isolates, BOM.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]+/g;

/** An outside string made safe for one line of a chat message: no controls, bounded, no mentions. */
export function cleanText(value: string | undefined, max: number): string {
  if (value === undefined) return "";
  const flat = value.replace(UNSAFE, " ").replace(/\s+/g, " ").trim().replace(/</g, "＜").replace(/>/g, "＞");
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/** Cut a string to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  let out = "";
  let bytes = 0;
  const ellipsisBytes = 3;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, "utf8");
    if (bytes + size > maxBytes - ellipsisBytes) break;
    out += ch;
    bytes += size;
  }
  return `${out}…`;
}

/** "2026-11-28 08:00 +08:00" in the given zone. */
export const formatTime = localDateTimeWithOffset;

/** Whole minutes between two times, never negative (a clock step back must not print "-3"). */
export function minutesBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
}

/** "1 天 2 小时 5 分钟" / "1d 2h 5m"; under a minute is "不到 1 分钟" / "under 1m". */
export function formatDuration(minutes: number, lang: Lang): string {
  if (minutes < 1) return lang === "zh" ? "不到 1 分钟" : "under 1m";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const units = lang === "zh" ? [" 天", " 小时", " 分钟"] : ["d", "h", "m"];
  const parts: string[] = [];
  if (days > 0) parts.push(`${days}${units[0]}`);
  if (hours > 0) parts.push(`${hours}${units[1]}`);
  if (mins > 0) parts.push(`${mins}${units[2]}`);
  return parts.join(" ");
}

const CATEGORY_NAMES_EN: Readonly<Record<Category, string>> = {
  videoconf: "Video conference",
  platform: "Education platform",
  machine_room: "Machine room",
  antivirus: "Antivirus",
};

const SOURCE_NAMES: Readonly<Record<Lang, Record<IncidentSource, string>>> = {
  zh: { probe: "探测", alertmanager: "告警", ticket: "工单" },
  en: { probe: "probe", alertmanager: "alert", ticket: "ticket" },
};

const WORDS = {
  zh: {
    open: "【故障】",
    ack: "【已响应】",
    resolve: "【已恢复】",
    started: "开始",
    acknowledged: "响应",
    by: "响应人",
    responseTime: "响应用时",
    resolved: "恢复",
    resolvedBy: "处理人",
    lasted: "持续",
    source: "来源",
    id: "编号",
    unknownActor: "未知",
    sep: "：",
  },
  en: {
    open: "[FAULT] ",
    ack: "[ACKNOWLEDGED] ",
    resolve: "[RESOLVED] ",
    started: "Started",
    acknowledged: "Acknowledged",
    by: "By",
    responseTime: "Response time",
    resolved: "Resolved",
    resolvedBy: "Resolved by",
    lasted: "Lasted",
    source: "Source",
    id: "Incident",
    unknownActor: "unknown",
    sep: ": ",
  },
} as const;

/** One "label：value" line of a message; both already made safe (cleanText). */
export interface MessageLine {
  label: string;
  value: string;
}

/**
 * A message before a channel writes it: its headline and its lines. The robots' rich forms (WeCom
 * markdown, Feishu cards) lay these out; the plain text is `messageText()`.
 */
export interface Message {
  kind: NotifyEventKind | "test";
  /** 【故障】视频会议 P1 mcu-1：无响应 */
  title: string;
  lines: MessageLine[];
  /** The separator between label and value in plain text ("：" or ": "). */
  sep: string;
}

/** The message for one event. */
export function composeMessage(event: NotifyEvent, options: MessageOptions = {}): Message {
  const lang = options.lang ?? "zh";
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const w = WORDS[lang];
  const { incident } = event;
  const category = lang === "zh" ? CATEGORY_NAMES[incident.category] : CATEGORY_NAMES_EN[incident.category];
  const target = cleanText(incident.target, LIMITS.target);
  const title = cleanText(incident.title, LIMITS.title);
  const what = [target, title].filter((s) => s !== "").join(w.sep);
  // With the offset ("2026-11-28 08:00 +08:00"): a reader elsewhere, or a log, is never unsure.
  const time = (at: Date) => formatTime(at, timeZone);
  const lines: MessageLine[] = [];
  const line = (label: string, value: string) => lines.push({ label, value });

  line(w.started, time(incident.startedAt));
  if (event.kind === "ack") {
    const actor = cleanText(event.actor ?? incident.acknowledgedBy, LIMITS.actor) || w.unknownActor;
    line(w.acknowledged, time(event.at));
    line(w.by, actor);
    // In whole minutes, as the response SLA is written (no hours: "95 分钟" compares at a glance).
    const minutes = minutesBetween(incident.startedAt, event.at);
    line(w.responseTime, lang === "zh" ? `${minutes} 分钟` : `${minutes} min`);
  } else if (event.kind === "resolve") {
    line(w.resolved, time(event.at));
    line(w.lasted, formatDuration(minutesBetween(incident.startedAt, event.at), lang));
    const actor = cleanText(event.actor ?? incident.resolvedBy, LIMITS.actor);
    if (actor !== "") line(w.resolvedBy, actor);
  }
  line(w.source, `${SOURCE_NAMES[lang][incident.source]} · ${w.id} #${incident.id}`);
  return {
    kind: event.kind,
    title: `${w[event.kind]}${category} ${incident.priority} ${what}`.trimEnd(),
    lines,
    sep: w.sep,
  };
}

/**
 * The message `ops-agent notify test` sends: says what it is, which route, and when — no incident
 * is invented for it.
 */
export function composeTestMessage(
  channel: string,
  at: Date,
  site: string,
  options: MessageOptions = {},
): Message {
  const lang = options.lang ?? "zh";
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const zh = lang === "zh";
  const sep = zh ? "：" : ": ";
  return {
    kind: "test",
    title: zh ? "【测试】ops-agent 通知测试" : "[TEST] ops-agent notification test",
    lines: [
      { label: zh ? "通道" : "Route", value: cleanText(channel, 63) },
      { label: zh ? "站点" : "Site", value: cleanText(site, 63) },
      { label: zh ? "时间" : "Time", value: formatTime(at, timeZone) },
      {
        label: zh ? "说明" : "Note",
        value: zh ? "这是一条测试消息，无需处理" : "a test message; nothing to do",
      },
    ],
    sep,
  };
}

/**
 * The route's keyword (the robot's 自定义关键词 security mode) at the head of the title, unless
 * the title already holds it: the robot then always finds it, in every format.
 */
export function withKeyword(message: Message, keyword: string | undefined): Message {
  if (keyword === undefined || message.title.includes(keyword)) return message;
  return { ...message, title: `${keyword} ${message.title}` };
}

/** The plain-text form: the title, then one "label：value" line each, separated by "\n". */
export function messageText(message: Message): string {
  return [message.title, ...message.lines.map((l) => `${l.label}${message.sep}${l.value}`)].join("\n");
}

/** The plain-text message for one event. */
export function formatMessage(event: NotifyEvent, options: MessageOptions = {}): string {
  return messageText(composeMessage(event, options));
}
