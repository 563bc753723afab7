/** What a console page knows about the request it answers. */
import type { IncomingMessage } from "node:http";
import type { ConsoleRole } from "../../config/console.js";
import type { Client } from "./auth.js";
import type { Lang, Messages } from "./i18n.js";

export interface Viewer {
  /** The login name: the identity changes are recorded under. */
  name: string;
  /** How to greet them (a label). */
  display: string;
  role: ConsoleRole | "anonymous";
  /** The session's CSRF token (absent for an anonymous visitor, who sends no forms). */
  csrf?: string;
}

export interface PageContext {
  request: IncomingMessage;
  /** The client's address and whether it came over TLS (trusted proxies believed). */
  client: Client;
  url: URL;
  lang: Lang;
  /** The language came from `?lang=` and links keep it. */
  langExplicit: boolean;
  t: Messages;
  viewer: Viewer;
  now: Date;
  timeZone: string;
}

/** A console link that keeps an explicit `?lang=`. */
export function link(
  ctx: Pick<PageContext, "lang" | "langExplicit">,
  path: string,
  query: Record<string, string> = {},
): string {
  const params = new URLSearchParams(query);
  if (ctx.langExplicit) params.set("lang", ctx.lang);
  const text = params.toString();
  return text === "" ? path : `${path}?${text}`;
}
