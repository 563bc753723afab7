/**
 * 故障: open and recently resolved incidents; acknowledge, note and resolve through the incident
 * service (the store calls of the API and the CLI, with notifications), under the user's name;
 * the month's response timeliness per category from the figures read model.
 */
import * as z from "zod";
import { Figures } from "../../figures/index.js";
import { CATEGORIES, CATEGORY_NAMES } from "../../incidents/types.js";
import { NoSuchIncidentError, type StoredIncident } from "../../store/incident-store-types.js";
import { link, type PageContext } from "../context.js";
import type { ConsoleDeps } from "../deps.js";
import { html, type Html } from "../html.js";
import { csrfField, page } from "../layout.js";
import type { Reply } from "../reply.js";
import { may } from "../roles.js";
import { spanOf } from "../spans.js";
import { consoleTime } from "../time.js";

const changeForm = z.object({
  text: z
    .string()
    .trim()
    .max(2000, { message: "at most 2000 characters" })
    .transform((s) => (s === "" ? undefined : s))
    .optional(),
});

function statusText(i: StoredIncident, ctx: PageContext): string {
  return i.status === "open"
    ? ctx.t.status_open
    : i.status === "acknowledged"
      ? ctx.t.status_acknowledged
      : ctx.t.status_resolved;
}

function actions(ctx: PageContext, i: StoredIncident): Html {
  if (!may(ctx.viewer.role, "incident") || i.status === "resolved") return html``;
  const { t } = ctx;
  const button = (kind: "ack" | "resolve", label: string) =>
    html`<form class="inline" method="post" action="${link(ctx, `/incidents/${i.id}/${kind}`)}">
      ${csrfField(ctx)}<button class="quiet" name="do" value="${kind}">${label}</button>
    </form> `;
  return html`${i.status === "open" ? button("ack", t.acknowledge) : ""}${button("resolve", t.resolve)}
    <form class="inline" method="post" action="${link(ctx, `/incidents/${i.id}/note`)}">
      ${csrfField(ctx)}<input
        name="text"
        size="16"
        placeholder="${t.note_text}"
        aria-label="${t.note_text}"
        required
      /><button class="quiet">${t.add_note}</button>
    </form>`;
}

function table(ctx: PageContext, incidents: readonly StoredIncident[], withActions: boolean): Html {
  const { t } = ctx;
  if (incidents.length === 0) return html`<p class="muted">${t.nothing_yet}</p>`;
  const time = (d: Date | undefined) => (d === undefined ? "—" : consoleTime(d, ctx.timeZone));
  // "cards": on a phone each incident is a block of labelled lines, not a squeezed row (layout.ts).
  return html`<table class="cards">
    <thead>
      <tr>
        <th>#</th>
        <th>${t.category}</th>
        <th>${t.priority}</th>
        <th>${t.subject}</th>
        <th>${t.status}</th>
        <th>${t.started}</th>
        <th class="wide">${t.acknowledged}</th>
        <th class="wide">${t.resolved}</th>
        ${withActions ? html`<th></th>` : ""}
      </tr>
    </thead>
    <tbody>
      ${incidents.map(
        (i) =>
          html`<tr data-incident="${i.id}">
            <td data-label="#">${i.id}</td>
            <td data-label="${t.category}">${CATEGORY_NAMES[i.category]}</td>
            <td data-label="${t.priority}">${i.priority}</td>
            <td data-label="${t.subject}">
              ${i.title}${i.target === i.title ? "" : html`<br /><span class="muted">${i.target}</span>`}
            </td>
            <td data-label="${t.status}">${statusText(i, ctx)}</td>
            <td data-label="${t.started}">${time(i.startedAt)}</td>
            <td class="wide" data-label="${t.acknowledged}">
              ${time(i.acknowledgedAt)}${i.acknowledgedBy === undefined ? "" : html`<br /><span class="muted">${i.acknowledgedBy}</span>`}
            </td>
            <td class="wide" data-label="${t.resolved}">
              ${time(i.resolvedAt)}${i.resolvedBy === undefined ? "" : html`<br /><span class="muted">${i.resolvedBy}</span>`}
            </td>
            ${withActions ? html`<td>${actions(ctx, i)}</td>` : ""}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function incidentsPage(deps: ConsoleDeps, ctx: PageContext): Reply {
  const { t } = ctx;
  const config = deps.config();
  const open = deps.store.incidents.list({ status: "unresolved", limit: 500 });
  const resolved = deps.store.incidents.list({ status: "resolved", limit: 30 });
  const month = spanOf("month", ctx.now, ctx.timeZone);
  const lookups = deps.lookups();
  const figures = new Figures({ store: deps.store, config, ...(lookups === undefined ? {} : { lookups }) });
  const timeliness = CATEGORIES.map((c) => ({ c, f: figures.faultTimeliness(c, month, ctx.now) }));
  const done = ctx.url.searchParams.get("done");
  const body = html`<section>
      <h2>${t.open_incidents}（${open.length}）</h2>
      ${table(ctx, open, true)}
    </section>
    <section>
      <h2>${t.timeliness} · ${month.label}</h2>
      <table>
        <thead>
          <tr>
            <th>${t.category}</th>
            <th>${t.value}</th>
            <th>${t.rule}</th>
          </tr>
        </thead>
        <tbody>
          ${timeliness.map(
            ({ c, f }) =>
              html`<tr>
                <td>${CATEGORY_NAMES[c]}</td>
                <td>${f.value === null ? t.no_data : f.value ? "及时" : "不及时"}</td>
                <td class="muted">${f.how[ctx.lang]}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section>
      <h2>${t.recent_incidents}</h2>
      ${table(ctx, resolved, false)}
    </section>`;
  return {
    kind: "page",
    html: page(
      ctx,
      t.incidents_title,
      body,
      done === null ? undefined : { ok: true, text: `${t.done}: #${done}` },
    ),
  };
}

export function incidentSubmit(
  deps: ConsoleDeps,
  ctx: PageContext,
  params: readonly string[],
  form: Readonly<Record<string, string>>,
): Reply {
  const id = Number(params[0]);
  const kind = params[1] as "ack" | "resolve" | "note";
  const parsed = changeForm.safeParse({ text: form.text ?? "" });
  const fail = (status: number, text: string): Reply => ({
    kind: "page",
    status,
    html: page(
      ctx,
      ctx.t.incidents_title,
      html`<section>
        <p>${text}</p>
        <p><a href="${link(ctx, "/incidents")}">${ctx.t.incidents_title}</a></p>
      </section>`,
      { ok: false, text },
    ),
  });
  if (!parsed.success) return fail(400, `text: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  if (kind === "note" && parsed.data.text === undefined) return fail(400, "text: a note needs some text");
  try {
    deps.changeIncident(kind, id, ctx.viewer.name, parsed.data.text);
  } catch (error) {
    if (error instanceof NoSuchIncidentError) return fail(404, error.message);
    throw error;
  }
  deps.log.info({ user: ctx.viewer.name, incident: id, kind }, "console: incident change");
  return { kind: "redirect", to: link(ctx, "/incidents", { done: String(id) }) };
}
