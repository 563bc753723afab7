/**
 * Who is asking: the session cookie's user (who must still be in the config), or an anonymous
 * reader when the config opens the read-only pages to the client's network; else nobody. The
 * client address is the socket's, or what a trusted proxy says it is (clientOf).
 */
import { timingSafeEqual, createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
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

/** An address as written, an IPv4-mapped IPv6 address written as IPv4; "" when it is none. */
function plainAddress(text: string): string {
  const address = text.trim();
  const plain = address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
  return isIP(plain) === 0 ? "" : plain;
}

function listed(networks: readonly string[], address: string): boolean {
  return (
    address !== "" &&
    networks.length > 0 &&
    networksOf(networks).check(address, address.includes(":") ? "ipv6" : "ipv4")
  );
}

/** Who is on the other end of a request, as far as the console may believe it. */
export interface Client {
  /** The client's address: anonymous_networks and the login rate limit go by it. */
  address: string;
  /** Behind TLS (directly, or a trusted proxy says so): cookies get Secure. */
  tls: boolean;
}

/**
 * The socket's address and TLS, unless the socket is one of the config's trusted_proxies: then
 * the proxy's X-Forwarded-For, read from the right (each proxy appends the address it saw) up to
 * the first address that is not itself a trusted proxy, and its X-Forwarded-Proto (the last
 * value, the one the trusted proxy set). From any other peer those headers are ignored: anyone
 * can send them.
 */
export function clientOf(request: IncomingMessage, trustedProxies: readonly string[]): Client {
  const peer = plainAddress(request.socket.remoteAddress ?? "");
  const direct = (request.socket as { encrypted?: boolean }).encrypted === true;
  if (!listed(trustedProxies, peer)) return { address: peer, tls: direct };
  let address = peer;
  const chain = String(request.headers["x-forwarded-for"] ?? "").split(",");
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = plainAddress(chain[i] ?? "");
    if (hop === "") break;
    address = hop;
    if (!listed(trustedProxies, hop)) break;
  }
  const proto = String(request.headers["x-forwarded-proto"] ?? "")
    .split(",")
    .pop()
    ?.trim()
    .toLowerCase();
  return { address, tls: direct || proto === "https" };
}

/**
 * A cookie of the console. Without maxAgeSeconds it is a browser-session cookie: the session
 * cookie is one on purpose. The server's idle timeout slides with every use (console-sessions.ts),
 * so a Max-Age fixed at login would end a working user's session in the middle of a form at
 * login + idle; refreshing it on every page instead would put a Set-Cookie on every response.
 * The server alone decides when a session is idle; the browser forgets the cookie when closed.
 */
export function cookie(client: Client, name: string, value: string, maxAgeSeconds?: number): string {
  const maxAge = maxAgeSeconds === undefined ? "" : `; Max-Age=${maxAgeSeconds}`;
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict${maxAge}${client.tls ? "; Secure" : ""}`;
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
  client: Client,
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
  if (config.anonymous_read && listed(config.anonymous_networks, client.address))
    return { viewer: { name: "anonymous", display: "anonymous", role: "anonymous" } };
  return undefined;
}
