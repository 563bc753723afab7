/**
 * Who is asking: the session cookie's user (who must still be in the config), or an anonymous
 * reader when the config opens the read-only pages to the client's network; else nobody. The
 * client address is the socket's: a forwarded-for header is the client's own claim.
 */
import { timingSafeEqual, createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { ConsoleConfig, ConsoleUserConfig } from "../../config/console.js";
import { networksOf } from "../../config/console.js";
import type { ConsoleSessionStore } from "../store/console-sessions.js";
import type { Viewer } from "./context.js";

export const SESSION_COOKIE = "opsagent_session";
export const LOGIN_COOKIE = "opsagent_login";

export function cookiesOf(request: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0) out.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return out;
}

/** The socket's address, an IPv4-mapped IPv6 address written as IPv4. */
export function clientAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/** Behind TLS (directly, or a proxy that says so): cookies get Secure. */
export function overTls(request: IncomingMessage): boolean {
  return (
    (request.socket as { encrypted?: boolean }).encrypted === true ||
    request.headers["x-forwarded-proto"] === "https"
  );
}

/**
 * A cookie of the console. Without maxAgeSeconds it is a browser-session cookie: the session
 * cookie is one on purpose. The server's idle timeout slides with every use (console-sessions.ts),
 * so a Max-Age fixed at login would end a working user's session in the middle of a form at
 * login + idle; refreshing it on every page instead would put a Set-Cookie on every response.
 * The server alone decides when a session is idle; the browser forgets the cookie when closed.
 */
export function cookie(
  request: IncomingMessage,
  name: string,
  value: string,
  maxAgeSeconds?: number,
): string {
  const maxAge = maxAgeSeconds === undefined ? "" : `; Max-Age=${maxAgeSeconds}`;
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict${maxAge}${overTls(request) ? "; Secure" : ""}`;
}

export function sameToken(given: string | undefined, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return given !== undefined && given !== "" && timingSafeEqual(digest(given), digest(expected));
}

export function findUser(
  name: string,
  config: ConsoleConfig,
  extra: readonly ConsoleUserConfig[],
): ConsoleUserConfig | undefined {
  return [...config.users, ...extra].find((u) => u.name === name);
}

export interface Identity {
  viewer: Viewer;
  /** The cookie's session id, for logout. */
  sessionId?: string;
}

export function identify(
  request: IncomingMessage,
  config: ConsoleConfig,
  extra: readonly ConsoleUserConfig[],
  sessions: ConsoleSessionStore,
  now: Date,
): Identity | undefined {
  const id = cookiesOf(request).get(SESSION_COOKIE);
  if (id !== undefined && id !== "") {
    const session = sessions.use(id, now, config.session_idle);
    const user = session && findUser(session.userName, config, extra);
    if (session && user)
      return {
        viewer: {
          name: user.name,
          display: user.display_name ?? user.name,
          role: user.role,
          csrf: session.csrf,
        },
        sessionId: id,
      };
  }
  if (
    config.anonymous_read &&
    networksOf(config.anonymous_networks).check(
      clientAddress(request),
      clientAddress(request).includes(":") ? "ipv6" : "ipv4",
    )
  )
    return { viewer: { name: "anonymous", display: "anonymous", role: "anonymous" } };
  return undefined;
}
