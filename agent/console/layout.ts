/**
 * The console's frame: one small embedded stylesheet, the navigation, the logged-in user and the
 * logout form (with its CSRF token), the language switch. No script: every action is a form.
 */
import { html, trusted, type Html } from "./html.js";
import { link, type PageContext } from "./context.js";
import type { Messages } from "./i18n.js";

const STYLE = trusted(`
:root{--fg:#1d2733;--muted:#5c6b7a;--line:#d8dee6;--bg:#f5f7fa;--accent:#0b5cad;--ok:#1a7f37;--bad:#c62828;--warn:#b26a00;--none:#6b7280}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 "Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#0f2f57;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center}
header h1{font-size:1.05rem;margin:0 1rem 0 0}header a{color:#dce9f8;text-decoration:none}header a[aria-current]{color:#fff;font-weight:700;border-bottom:2px solid #fff}
header .who{margin-left:auto;display:flex;gap:.75rem;align-items:center}header form{margin:0}
main{padding:1rem;max-width:1200px;margin:0 auto}section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:1rem;margin:0 0 1rem}
h2{font-size:1.1rem;margin:.2rem 0 .8rem}h3{font-size:1rem;margin:.8rem 0 .4rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}th{color:var(--muted);font-weight:600;font-size:.88rem}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.s{display:inline-block;padding:0 .45rem;border-radius:4px;font-size:.85rem;color:#fff;white-space:nowrap}.s-met{background:var(--ok)}.s-not_met{background:var(--bad)}.s-at_risk{background:var(--warn)}.s-no_data,.s-na{background:var(--none)}
.muted{color:var(--muted);font-size:.88rem}.flash{padding:.6rem .8rem;border-radius:4px;margin:0 0 1rem}.flash.ok{background:#e6f4ea}.flash.err{background:#fdecea}
form.inline{display:inline}label{display:block;margin:.3rem 0}input,select,textarea{font:inherit;padding:.3rem .4rem;border:1px solid #b8c2cc;border-radius:4px;max-width:100%}
button{font:inherit;padding:.3rem .8rem;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}button.quiet{background:#fff;color:var(--accent)}
header button{background:transparent;border-color:#dce9f8;color:#dce9f8;padding:.1rem .6rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:1rem}.big{font-size:1.6rem;font-weight:700}
th{white-space:nowrap}
@media (max-width:640px){td,th{padding:.3rem .25rem;font-size:.9rem}.wide{display:none}
table.cards thead{display:none}table.cards tr{display:block;border-bottom:1px solid var(--line);padding:.5rem 0}table.cards td,table.cards td.wide{display:block;border:0;padding:.1rem 0}
table.cards td[data-label]::before{content:attr(data-label) "：";color:var(--muted);font-size:.85rem}}
`);

const PAGES: readonly { path: string; key: keyof Messages }[] = [
  { path: "/", key: "nav_overview" },
  { path: "/room", key: "nav_room" },
  { path: "/platform", key: "nav_platform" },
  { path: "/videoconf", key: "nav_videoconf" },
  { path: "/incidents", key: "nav_incidents" },
  { path: "/records", key: "nav_records" },
  { path: "/reports", key: "nav_reports" },
];

/** The hidden CSRF field every form of a logged-in page carries. */
export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="csrf" value="${ctx.viewer.csrf ?? ""}" />`;
}

export function page(
  ctx: PageContext,
  title: string,
  body: Html,
  flash?: { ok: boolean; text: string },
): Html {
  const { t } = ctx;
  const current = ctx.url.pathname;
  const other = ctx.lang === "zh" ? "en" : "zh";
  const switchHref = `${current}?${new URLSearchParams({ ...Object.fromEntries(ctx.url.searchParams), lang: other }).toString()}`;
  const who =
    ctx.viewer.role === "anonymous"
      ? html`<span>${t.anonymous}</span><a href="${link(ctx, "/login")}">${t.login}</a>`
      : html`<span>${ctx.viewer.display}（${t[`role_${ctx.viewer.role}`]}）</span>
          <form method="post" action="${link(ctx, "/logout")}">
            ${csrfField(ctx)}<button>${t.logout}</button>
          </form>`;
  return html`<!doctype html>
    <html lang="${ctx.lang === "zh" ? "zh-CN" : "en"}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${title} · ${t.title}</title>
        <style>
          ${STYLE}
        </style>
      </head>
      <body>
        <header>
          <h1>${t.title}</h1>
          <nav>
            ${PAGES.map(
              (p) =>
                html`<a
                  href="${link(ctx, p.path)}"
                  ${p.path === current ? trusted(' aria-current="page"') : ""}
                  >${t[p.key]}</a
                > `,
            )}
          </nav>
          <div class="who">${who}<a href="${switchHref}" lang="${other}">${t.language}</a></div>
        </header>
        <main>
          ${flash ? html`<p class="flash ${flash.ok ? "ok" : "err"}" role="status">${flash.text}</p>` : ""}${body}
        </main>
      </body>
    </html>`;
}

/** A page with only a message (refusals, errors), in the frame when there is a viewer. */
export function messagePage(ctx: PageContext | undefined, title: string, text: string): Html {
  if (ctx === undefined)
    return html`<!doctype html>
      <html lang="zh-CN">
        <head>
          <meta charset="utf-8" />
          <title>${title}</title>
          <style>
            ${STYLE}
          </style>
        </head>
        <body>
          <main>
            <section>
              <h2>${title}</h2>
              <p>${text}</p>
            </section>
          </main>
        </body>
      </html>`;
  return page(
    ctx,
    title,
    html`<section>
      <h2>${title}</h2>
      <p>${text}</p>
    </section>`,
  );
}

export { STYLE as CONSOLE_STYLE };
