/**
 * The `console:` section: the agent's own web console at `/` (agent/console/). Who may log in
 * (users with a role and a scrypt password hash, written by `ops-agent user passwd NAME`), and
 * whether the read-only pages are open without a login — only on networks the config lists.
 */
import { BlockList, isIP } from "node:net";
import * as z from "zod";
import { duration } from "./duration.js";

/** What each role may do; every role may read. */
export const CONSOLE_ROLES = ["viewer", "recorder", "operator", "admin"] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** `scrypt$N$r$p$salt$hash` (salt and hash base64url): agent/console/password.ts writes and reads it. */
export const PASSWORD_HASH_PATTERN =
  /^scrypt\$\d{1,8}\$\d{1,3}\$\d{1,3}\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}$/;

const consoleUser = z
  .object({
    /** The login name and the identity every change is recorded under (the audit's "by"). */
    name: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, {
      message: "expected a login name of letters, digits, '.', '_', '@' or '-' (max 64)",
    }),
    /** How the console greets the person (a label; identity is `name`). */
    display_name: z.string().min(1).max(100).optional(),
    role: z.enum(CONSOLE_ROLES),
    password_hash: z.string().regex(PASSWORD_HASH_PATTERN, {
      message:
        "expected a hash line from `ops-agent user passwd NAME` (scrypt$N$r$p$salt$hash), never a plain password",
    }),
  })
  .strict();

/** "10.20.0.0/16", "192.168.1.7", "fd00::/8": an address or a CIDR network. */
const network = z.string().refine(
  (text) => {
    const [address, bits, extra] = text.split("/");
    if (address === undefined || extra !== undefined) return false;
    const family = isIP(address);
    if (family === 0) return false;
    if (bits === undefined) return true;
    const n = Number(bits);
    return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
  },
  { message: 'expected an address or CIDR network such as "10.20.0.0/16" or "fd00::/8"' },
);

export const consoleSchema = z
  .object({
    /** false: `/` answers 404 as before (the API and /metrics are unaffected). */
    enabled: z.boolean().default(true),
    users: z.array(consoleUser).default([]),
    /** Read-only pages without a login, for clients on `anonymous_networks` only. */
    anonymous_read: z.boolean().default(false),
    anonymous_networks: z.array(network).default([]),
    /**
     * Reverse proxies (addresses or CIDR networks) in front of the console, e.g. the nginx that
     * terminates TLS. Only a request arriving from one of them has its X-Forwarded-For (the client
     * address, for anonymous_networks and the login rate limit) and X-Forwarded-Proto (https: the
     * cookies get Secure) believed; from anyone else those headers are the client's own claim.
     */
    trusted_proxies: z.array(network).default([]),
    /** A session ends this long after its last use. */
    session_idle: duration({ min: 60_000, max: 30 * 86_400_000 }).prefault("8h"),
    /** Failed logins allowed per user name (four times as many per client address) within `login_window`. */
    login_attempts: z.number().int().min(1).max(100).default(5),
    login_window: duration({ min: 10_000, max: 86_400_000 }).prefault("15m"),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.users.forEach((u, i) => {
      if (seen.has(u.name))
        ctx.addIssue({
          code: "custom",
          path: ["users", i, "name"],
          message: `"${u.name}" is listed twice; names are logins and must be unique`,
        });
      seen.add(u.name);
    });
    if (c.anonymous_read && c.anonymous_networks.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["anonymous_networks"],
        message:
          "anonymous_read: true needs the networks it applies to (e.g. the machine room's 10.20.0.0/16)",
      });
  });

export type ConsoleConfig = z.output<typeof consoleSchema>;
export type ConsoleUserConfig = ConsoleConfig["users"][number];

const compiled = new WeakMap<readonly string[], BlockList>();

/**
 * Networks (anonymous_networks, trusted_proxies) as a BlockList (node:net), for checking a client
 * address; built once per parsed config list.
 */
export function networksOf(networks: readonly string[]): BlockList {
  const known = compiled.get(networks);
  if (known !== undefined) return known;
  const list = new BlockList();
  compiled.set(networks, list);
  for (const text of networks) {
    const [address = "", bits] = text.split("/");
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}
