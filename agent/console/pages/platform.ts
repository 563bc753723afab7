/**
 * 平台: availability per application for this month, the half-year and the year to date (the
 * figures read model), its current state (the latest probe), the month's outages, and the
 * maintenance windows — added and removed with the code `ops-agent maintenance` uses
 * (parseWindowArgs: the config's own schema for a window; the store's add/remove).
 */
import * as z from "zod";
import { Figures } from "../../figures/index.js";
import { parseWindowArgs } from "../../cli/maintenance.js";
import { knownTargetNames } from "../../cli/target-names.js";
import { unknownApplications } from "../../maintenance-applications.js";
import { applicationsNow } from "../../figures/current.js";
import { applicationNames, displayName } from "../../figures/names.js";
import type { MaintenanceWindowSpec } from "../../maintenance.js";
import { formatMinutes, formatRatio } from "../../report/format.js";
import { labels } from "../../report/labels.js";
import { DuplicateWindowError } from "../../store/sqlite.js";
import { link, type PageContext } from "../context.js";
import type { ConsoleDeps } from "../deps.js";
import { html, type Html } from "../html.js";
import { csrfField, page } from "../layout.js";
import { CONSOLE_PERIODS, periodName } from "../periods.js";
import type { Reply } from "../reply.js";
import { may } from "../roles.js";
import { spanOf } from "../spans.js";
import { consoleTime, localInputToIso } from "../time.js";

/** Ratios as the report writes them. */
const pct = (v: number | null | undefined) => formatRatio(v ?? null);

const addForm = z.object({
  name: z.string().trim().min(1, { message: "give the window a name" }).max(100),
  start: z.string().trim().default(""),
  end: z.string().trim().default(""),
  applications: z.string().trim().max(2000).default(""),
  note: z.string().trim().max(2000).default(""),
});

function whenText(w: MaintenanceWindowSpec, ctx: PageContext): string {
  if (w.cron !== undefined)
    return labels(ctx.lang).cronWindow(w.cron, Math.round((w.durationMs ?? 0) / 60_000));
  const show = (d: Date | undefined) => (d === undefined ? "?" : consoleTime(d, ctx.timeZone));
  return `${show(w.start)} – ${show(w.end)}`;
}

function maintenanceSection(
  deps: ConsoleDeps,
  ctx: PageContext,
  entered: Readonly<Record<string, string>> = {},
): Html {
  const { t } = ctx;
  const config = deps.config();
  const lookups = deps.lookups();
  const figures = new Figures({ store: deps.store, config, ...(lookups === undefined ? {} : { lookups }) });
  const all = figures.maintenanceWindows({ now: ctx.now });
  const canEdit = may(ctx.viewer.role, "maintenance");
  const names = applicationNames(config);
  const rows = all.map(({ window: w, source, open }) => {
    const fromConfig = source === "config";
    return html`<tr data-window="${w.name}">
      <td>${w.name}</td>
      <td>${w.applications?.map((a) => displayName(names, a)).join("、") ?? t.every_application}</td>
      <td>${whenText(w, ctx)}</td>
      <td>${open ? t.open_now : ""}</td>
      <td>
        ${fromConfig ? t.from_config : `${w.createdBy ?? ""} · ${w.createdAt === undefined ? "" : consoleTime(w.createdAt, ctx.timeZone)}`}
      </td>
      <td>${w.note ?? ""}</td>
      <td>
        ${canEdit && !fromConfig ? html`<form class="inline" method="post" action="${link(ctx, "/platform/maintenance/remove")}">${csrfField(ctx)}<input type="hidden" name="name" value="${w.name}" /><button class="quiet">${t.maintenance_remove}</button></form>` : ""}
      </td>
    </tr>`;
  });
  // The audit trail of removals (the same as `ops-agent maintenance list --removed`): a removed
  // window no longer excludes anything, but who took it out of force and when stays visible.
  const removed = deps.store.listRemovedMaintenanceWindows();
  const removedList =
    removed.length === 0
      ? ""
      : html`<details>
          <summary>${t.maintenance_removed_list.replace("{n}", String(removed.length))}</summary>
          <table>
            <thead>
              <tr>
                <th>${t.maintenance_name}</th>
                <th>${t.application}</th>
                <th>${t.at}</th>
                <th>${t.by}</th>
                <th>${t.maintenance_removed_by}</th>
                <th>${t.record_note}</th>
              </tr>
            </thead>
            <tbody>
              ${[...removed].reverse().map(
                (w) =>
                  html`<tr>
                    <td>${w.name}</td>
                    <td>
                      ${w.applications?.map((a) => displayName(names, a)).join("、") ?? t.every_application}
                    </td>
                    <td>${whenText(w, ctx)}</td>
                    <td>${w.createdBy} · ${consoleTime(w.createdAt, ctx.timeZone)}</td>
                    <td>${w.removedBy} · ${consoleTime(w.removedAt, ctx.timeZone)}</td>
                    <td>${w.note ?? ""}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </details>`;
  return html`<section>
    <h2>${t.maintenance}</h2>
    ${
      all.length === 0
        ? html`<p class="muted">${t.nothing_yet}</p>`
        : html`<table>
            <thead>
              <tr>
                <th>${t.maintenance_name}</th>
                <th>${t.application}</th>
                <th>${t.at}</th>
                <th></th>
                <th>${t.by}</th>
                <th>${t.record_note}</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`
    }
    ${removedList}
    ${
      canEdit
        ? html`<h3>${t.maintenance_add}</h3>
            <form method="post" action="${link(ctx, "/platform/maintenance")}">
              ${csrfField(ctx)}
              <label
                >${t.maintenance_name}<br /><input
                  name="name"
                  required
                  maxlength="100"
                  value="${entered.name ?? ""}"
              /></label>
              <label
                >${t.maintenance_start}<br /><input
                  name="start"
                  type="datetime-local"
                  required
                  value="${entered.start ?? ""}"
              /></label>
              <label
                >${t.maintenance_end}<br /><input
                  name="end"
                  type="datetime-local"
                  required
                  value="${entered.end ?? ""}"
              /></label>
              <label
                >${t.maintenance_apps}<br /><input
                  name="applications"
                  size="40"
                  list="maintenance-applications"
                  value="${entered.applications ?? ""}"
              /></label>
              <datalist id="maintenance-applications">
                ${[...new Set(knownTargetNames(config).map((id) => displayName(names, id)))].map(
                  (name) => html`<option value="${name}"></option>`,
                )}
              </datalist>
              <label
                >${t.record_note}<br /><input
                  name="note"
                  size="40"
                  maxlength="2000"
                  value="${entered.note ?? ""}"
              /></label>
              <p><button>${t.maintenance_add}</button></p>
            </form>`
        : ""
    }
  </section>`;
}

function platformView(
  deps: ConsoleDeps,
  ctx: PageContext,
  entered?: Readonly<Record<string, string>>,
  flash?: { ok: boolean; text: string },
  status = 200,
): Reply {
  const { t } = ctx;
  const config = deps.config();
  const lookups = deps.lookups();
  const figures = new Figures({ store: deps.store, config, ...(lookups === undefined ? {} : { lookups }) });
  const spans = CONSOLE_PERIODS.map((p) => ({ p, span: spanOf(p, ctx.now, ctx.timeZone) }));
  const byPeriod = spans.map(({ p, span }) => ({
    p,
    figure: figures.availability({ from: span.from, to: span.to, end: span.end }),
  }));
  const apps = byPeriod[0]?.figure.specs ?? [];
  const latest = applicationsNow(deps.latest());
  const month = spans[0]?.span;
  const outages = month === undefined ? [] : figures.outages({ from: month.from, to: month.to });
  const words = labels(ctx.lang);
  // An application is its probe target's name (the id); people read its `system:` name.
  const names = applicationNames(config);
  const nameOf = (id: string) => displayName(names, id);
  const causeOf = (reason: string | undefined, detail: string | undefined) =>
    html`<span title="${detail ?? ""}"
      >${reason === undefined ? "" : words.outageCause(reason)}${ctx.lang === "en" && detail !== undefined ? ` (${detail})` : ""}</span
    >`;
  const body = html`<section>
      <h2>${t.availability}</h2>
      <table>
        <thead>
          <tr>
            <th>${t.application}</th>
            <th>${t.current_state}</th>
            ${byPeriod.map(({ p }) => html`<th class="num">${periodName(p, t)}</th>`)}
            <th class="wide">${t.coverage}</th>
          </tr>
        </thead>
        <tbody>
          ${apps.map((a) => {
            const now = latest.get(a.application);
            return html`<tr>
              <td title="${a.application}">${nameOf(a.application)}</td>
              <td>
                ${now === undefined ? t.unknown : now.up ? html`<span class="s s-met">${t.up}</span>` : html`<span class="s s-not_met">${t.down}</span> <span class="muted">${causeOf(now.reason, now.detail)}</span>`}
              </td>
              ${byPeriod.map(({ figure }) => html`<td class="num">${pct(figure.applications.find((x) => x.application === a.application)?.ratio)}</td>`)}
              <td class="num wide">
                ${pct(byPeriod[0]?.figure.applications.find((x) => x.application === a.application)?.coverage)}
              </td>
            </tr>`;
          })}
          <tr>
            <th>${t.summary}</th>
            <td></td>
            ${byPeriod.map(({ figure }) => html`<th class="num">${pct(figure.value)}</th>`)}
            <td></td>
          </tr>
        </tbody>
      </table>
      <p class="muted">${t.rule}${t.colon}${byPeriod[2]?.figure.how[ctx.lang] ?? ""}</p>
    </section>
    <section>
      <h2>${t.outages}</h2>
      ${
        outages.length === 0
          ? html`<p class="muted">${t.nothing_yet}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>${t.application}</th>
                  <th>${words.start}</th>
                  <th>${t.outage_end}</th>
                  <th class="num">${words.duration}</th>
                  <th>${words.cause}</th>
                </tr>
              </thead>
              <tbody>
                ${outages.map(
                  (o) =>
                    html`<tr>
                      <td title="${o.application}">${nameOf(o.application)}</td>
                      <td>${consoleTime(o.start, ctx.timeZone)}</td>
                      <td>
                        ${o.openAtEnd === true ? html`<span class="s s-not_met">${t.outage_ongoing}</span>` : consoleTime(o.end, ctx.timeZone)}
                      </td>
                      <td class="num">
                        ${o.openAtEnd === true ? `≥ ${formatMinutes(o.durationMinutes, ctx.lang)}` : formatMinutes(o.durationMinutes, ctx.lang)}
                      </td>
                      <td>${causeOf(o.reason, o.detail)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    ${maintenanceSection(deps, ctx, entered)}`;
  return { kind: "page", status, html: page(ctx, t.platform_title, body, flash) };
}

export function platformPage(deps: ConsoleDeps, ctx: PageContext): Reply {
  const done = ctx.url.searchParams.get("done");
  return platformView(
    deps,
    ctx,
    undefined,
    done === null ? undefined : { ok: true, text: `${ctx.t.done}${ctx.t.colon}${done}` },
  );
}

export function maintenanceAddSubmit(
  deps: ConsoleDeps,
  ctx: PageContext,
  _params: readonly string[],
  form: Readonly<Record<string, string>>,
): Reply {
  const fail = (text: string) => platformView(deps, ctx, form, { ok: false, text }, 400);
  const parsed = addForm.safeParse(form);
  const { t } = ctx;
  const zh = ctx.lang === "zh";
  if (!parsed.success)
    return fail(
      zh
        ? parsed.error.issues.some((i) => i.path[0] === "name")
          ? t.maintenance_need_name
          : t.maintenance_too_long
        : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  const { name, applications, note } = parsed.data;
  const start = localInputToIso(parsed.data.start, ctx.timeZone);
  const end = localInputToIso(parsed.data.end, ctx.timeZone);
  if (start === undefined)
    return fail(
      zh
        ? `${t.maintenance_bad_start}“${parsed.data.start}”`
        : `start: expected a local time like 2026-12-05 22:00, got "${parsed.data.start}"`,
    );
  if (end === undefined)
    return fail(
      zh
        ? `${t.maintenance_bad_end}“${parsed.data.end}”`
        : `end: expected a local time like 2026-12-06 02:00, got "${parsed.data.end}"`,
    );
  // A person types what the pages show, the system's name (智慧教育大平台), or the target's id;
  // the window stores ids (identity by id), every target a system name stands for.
  const known = knownTargetNames(deps.config());
  const apps = resolveApplications(
    applications.split(/[,，、\s]+/).filter((a) => a !== ""),
    known,
    applicationNames(deps.config()),
  );
  // The same checks as `ops-agent maintenance add`, said in the page's language.
  if (Date.parse(end) <= Date.parse(start))
    return fail(zh ? t.maintenance_end_before_start : "end: must be after start");
  const unknown = unknownApplications(apps, known);
  if (unknown.length > 0)
    return fail(
      unknown
        .map(
          ({ name, hint }) =>
            t.maintenance_unknown_application.replace("{name}", name) +
            (hint === undefined ? "" : t.maintenance_did_you_mean.replace("{hint}", hint)),
        )
        .join(t.list_separator),
    );
  const window = parseWindowArgs(name, { start, end, ...(apps.length === 0 ? {} : { application: apps }) });
  // The window's own checks (end after start, known applications) are the CLI's, in its words.
  if (!window.ok) return fail(`${zh ? t.maintenance_invalid : ""}${window.errors.join("; ")}`);
  if (deps.config().maintenance.some((w) => w.name === name))
    return fail(
      zh
        ? `${t.maintenance_name_used}“${name}”`
        : `name: a maintenance window named "${name}" is already in the config file; choose another name`,
    );
  try {
    deps.store.addMaintenanceWindow({
      ...window.window,
      ...(note === "" ? {} : { note }),
      createdBy: ctx.viewer.name,
      createdAt: ctx.now,
    });
  } catch (error) {
    if (error instanceof DuplicateWindowError)
      return fail(zh ? `${t.maintenance_name_used}“${name}”` : `name: ${error.message}; choose another name`);
    throw error;
  }
  deps.log.info({ user: ctx.viewer.name, window: name }, "console: maintenance window added");
  return { kind: "redirect", to: link(ctx, "/platform", { done: name }) };
}

export function maintenanceRemoveSubmit(
  deps: ConsoleDeps,
  ctx: PageContext,
  _params: readonly string[],
  form: Readonly<Record<string, string>>,
): Reply {
  const name = (form.name ?? "").trim();
  if (!deps.store.removeMaintenanceWindow(name, ctx.viewer.name, ctx.now))
    return platformView(
      deps,
      ctx,
      undefined,
      {
        ok: false,
        text:
          ctx.lang === "zh"
            ? `${ctx.t.maintenance_not_added}“${name}”`
            : `name: no maintenance window "${name}" added here (config windows are edited in the config file)`,
      },
      404,
    );
  deps.log.info({ user: ctx.viewer.name, window: name }, "console: maintenance window removed");
  return { kind: "redirect", to: link(ctx, "/platform", { done: name }) };
}

/** Names as typed → target ids: an id stays; a system name becomes every target of that system. */
function resolveApplications(
  typed: readonly string[],
  known: readonly string[],
  names: ReadonlyMap<string, string>,
): string[] {
  const ids = typed.flatMap((name) => {
    if (known.includes(name)) return [name];
    const bySystem = known.filter((id) => names.get(id) === name);
    return bySystem.length > 0 ? bySystem : [name];
  });
  return [...new Set(ids)];
}
