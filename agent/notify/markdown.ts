/**
 * WeCom markdown for a message (https://developer.work.weixin.qq.com/document/path/91770,
 * 消息类型 markdown: headings, **bold**, [links](url), `code`, > quotes, <font color="info|comment|warning">,
 * <@userid> mentions). The title and values come partly from outside (ticket subjects, alert
 * names): cleanText already turned `<` `>` into full-width forms (no font tag, no <@…>), and the
 * characters that would start emphasis, code or a link are turned into their full-width forms
 * here, so an outside string is shown exactly, never interpreted.
 */
import type { Message } from "./message.js";

const MARKUP: Readonly<Record<string, string>> = { "*": "＊", "`": "｀", "[": "［", "]": "］" };

export function escapeMarkdown(text: string): string {
  return text.replace(/[*`[\]]/g, (ch) => MARKUP[ch] ?? ch);
}

/** WeCom's three colours: warning (orange-red) for a fault, info (green) when it is over. */
const COLOUR: Readonly<Record<Message["kind"], string>> = {
  open: "warning",
  ack: "comment",
  resolve: "info",
  test: "comment",
};

export function wecomMarkdown(message: Message, userIds: readonly string[]): string {
  const lines = [`<font color="${COLOUR[message.kind]}">**${escapeMarkdown(message.title)}**</font>`];
  for (const line of message.lines) {
    lines.push(`> ${escapeMarkdown(line.label)}${message.sep}${escapeMarkdown(line.value)}`);
  }
  if (userIds.length > 0) lines.push(userIds.map((id) => `<@${id}>`).join(" "));
  return lines.join("\n");
}
