/**
 * Logging in and out. The login form carries a token that must equal the one in its own short-lived
 * cookie (so another site cannot log a browser in under its account). Failures are counted per
 * user name and per address (LoginLimiter); at the limit the password is not even checked. An
 * unknown user costs the same scrypt time as a known one.
 */
import { randomBytes } from "node:crypto";
import { cookie, cookiesOf, findUser, LOGIN_COOKIE, sameToken, SESSION_COOKIE } from "../auth.js";
import { link, type PageContext } from "../context.js";
import type { ConsoleDeps } from "../deps.js";
import { readForm } from "../form-body.js";
import { html } from "../html.js";
import { CONSOLE_STYLE } from "../layout.js";
import { decoyHash, verifyPassword } from "../password.js";
import type { LoginLimiter } from "../rate-limit.js";
import type { Reply } from "../reply.js";

type BaseContext = Omit<PageContext, "viewer">;

/** Only a path on this console: never another site (`//evil`) after logging in. */
function safeNext(next: string | null | undefined): string {
  return next !== null && next !== undefined && /^\/(?![/\\])/.test(next) ? next : "/";
}

function form(
  ctx: BaseContext,
  next: string,
  error?: string,
  status = 200,
  headers: Record<string, string> = {},
): Reply {
  const { t } = ctx;
  const token = randomBytes(24).toString("base64url");
  return {
    kind: "page",
    status,
    headers,
    cookie: cookie(ctx.client, LOGIN_COOKIE, token, 3600),
    html: html`<!doctype html>
      <html lang="${ctx.lang === "zh" ? "zh-CN" : "en"}">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width,initial-scale=1" />
          <title>${t.login} · ${t.title}</title>
          <style>
            ${CONSOLE_STYLE}
          </style>
        </head>
        <body>
          <header>
            <h1>${t.title}</h1>
            <div class="who">
              <a href="?${new URLSearchParams({ lang: ctx.lang === "zh" ? "en" : "zh", next }).toString()}"
                >${t.language}</a
              >
            </div>
          </header>
          <main>
            <section style="max-width:24rem;margin:2rem auto">
              <h2>${t.login}</h2>
              ${error === undefined ? "" : html`<p class="flash err" role="alert">${error}</p>`}
              <form method="post" action="${link(ctx, "/login")}">
                <input type="hidden" name="csrf" value="${token}" /><input
                  type="hidden"
                  name="next"
                  value="${next}"
                />
                <label
                  >${t.user_name}<br /><input name="user" autocomplete="username" required autofocus
                /></label>
                <label
                  >${t.password}<br /><input
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                /></label>
                <p><button>${t.login}</button></p>
              </form>
            </section>
          </main>
        </body>
      </html>`,
  };
}

export function loginPage(_deps: ConsoleDeps, ctx: BaseContext): Reply {
  return form(ctx, safeNext(ctx.url.searchParams.get("next")));
}

export async function loginSubmit(
  deps: ConsoleDeps,
  ctx: BaseContext,
  limiter: LoginLimiter,
): Promise<Reply> {
  const { t } = ctx;
  const fields = await readForm(ctx.request).catch(() => undefined);
  const next = safeNext(fields?.next);
  if (fields === undefined || !sameToken(fields.csrf, cookiesOf(ctx.request).get(LOGIN_COOKIE) ?? ""))
    return form(ctx, next, t.csrf_failed, 403);
  const name = (fields.user ?? "").trim();
  const address = ctx.client.address;
  const keys = [`user:${name}`, `address:${address}`];
  const now = ctx.now.getTime();
  const wait = limiter.retryAfterMs(keys, now);
  if (wait > 0) {
    deps.log.warn({ user: name.slice(0, 64), address }, "console login refused: too many failed attempts");
    // Retry-After: when the oldest failure that holds the limit leaves the window.
    return form(ctx, next, t.login_limited, 429, { "retry-after": String(Math.ceil(wait / 1000)) });
  }
  const user = findUser(name, deps.config().console, deps.extraUsers());
  const ok = await verifyPassword(fields.password ?? "", user?.password_hash ?? (await decoyHash()));
  if (!ok || user === undefined) {
    limiter.fail(keys, now);
    deps.log.warn({ user: name.slice(0, 64), address }, "console login failed");
    return form(ctx, next, t.login_failed, 401);
  }
  limiter.succeed(`user:${name}`);
  const config = deps.config().console;
  deps.store.consoleSessions.expireIdle(ctx.now, config.session_idle);
  const { id } = deps.store.consoleSessions.create(user.name, address, ctx.now);
  deps.log.info({ user: user.name, role: user.role, address }, "console login");
  return {
    kind: "redirect",
    to: next,
    // No Max-Age: the server's sliding idle timeout ends the session (see cookie()).
    cookie: cookie(ctx.client, SESSION_COOKIE, id),
  };
}

export function logoutSubmit(deps: ConsoleDeps, ctx: BaseContext, sessionId: string): Reply {
  deps.store.consoleSessions.end(sessionId);
  return { kind: "redirect", to: link(ctx, "/login"), cookie: cookie(ctx.client, SESSION_COOKIE, "", 0) };
}
