/**
 * 机房: VMs in scope against the VMs expected, power states (by VM id), running VMs without
 * antivirus protection with their reason, and VMs whose latest ping went unanswered — every list
 * and count from the figures read model (the month's figures the report shows; the latest state
 * from figures/current.ts), said in the report's words (report/labels.ts).
 */
import { unreachableVms } from "../../figures/current.js";
import { Figures } from "../../figures/index.js";
import { labels } from "../../report/labels.js";
import type { PageContext } from "../context.js";
import type { ConsoleDeps } from "../deps.js";
import { html } from "../html.js";
import { page } from "../layout.js";
import type { Reply } from "../reply.js";
import { spanOf } from "../spans.js";
import { consoleTime } from "../time.js";

export function roomPage(deps: ConsoleDeps, ctx: PageContext): Reply {
  const { t } = ctx;
  const config = deps.config();
  const month = spanOf("month", ctx.now, ctx.timeZone);
  const lookups = deps.lookups();
  const figures = new Figures({ store: deps.store, config, ...(lookups === undefined ? {} : { lookups }) });
  const span = { from: month.from, to: month.to };
  const inScope = figures.vmsInScope(span);
  const expected = figures.vmsExpected(span);
  const states = figures.powerStates(span);
  const unprotected = figures.unprotectedVms(span);
  const unreachable = unreachableVms(deps.latest());
  const words = labels(ctx.lang);
  // A heading with its count: full-width brackets in Chinese text, plain ones in English.
  const counted = (title: string, n: number) => (ctx.lang === "zh" ? `${title}（${n}）` : `${title} (${n})`);
  const count = (v: number | null) => (v === null ? t.no_data : String(v));
  const body = html`<section>
      <h2>${t.room_title} · ${month.label}</h2>
      <div class="grid">
        <div>
          <div class="muted">${t.vms_in_scope}</div>
          <div class="big">${count(inScope.value)}</div>
          <div class="muted">${inScope.how[ctx.lang]}</div>
        </div>
        <div>
          <div class="muted">${t.vms_expected}</div>
          <div class="big">${count(expected.value)}</div>
          <div class="muted">${expected.how[ctx.lang]}</div>
        </div>
        <div>
          <div class="muted">${t.power_states}</div>
          ${
            states.value === null
              ? html`<div class="big">${t.no_data}</div>`
              : html`<ul>
                  ${(states.evidence?.parts ?? []).map((p) => html`<li>${p.label[ctx.lang]}${ctx.t.colon}${p.numerator}</li>`)}
                </ul>`
          }
        </div>
      </div>
    </section>
    <section>
      <h2>${counted(t.unprotected, unprotected.length)}</h2>
      ${
        unprotected.length === 0
          ? html`<p class="muted">${t.none}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>${t.vm}</th>
                  <th class="wide">${t.vm_id}</th>
                  <th>${t.system}</th>
                  <th>${t.reason}</th>
                </tr>
              </thead>
              <tbody>
                ${unprotected.map(
                  (v) =>
                    html`<tr>
                      <td>${v.name}</td>
                      <td class="wide">${v.id ?? ""}</td>
                      <td>${v.system ?? ""}</td>
                      <td>${v.reason === undefined ? "" : words.unprotectedReason(v.reason)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    <section>
      <h2>${counted(t.unreachable, unreachable.length)}</h2>
      ${
        unreachable.length === 0
          ? html`<p class="muted">${t.none}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>${t.vm}</th>
                  <th class="wide">${t.vm_id}</th>
                  <th>${t.reason}</th>
                  <th>${t.last_measured}</th>
                </tr>
              </thead>
              <tbody>
                ${unreachable.map(
                  (v) =>
                    html`<tr>
                      <td>${v.name}</td>
                      <td class="wide">${v.id}</td>
                      <td title="${v.detail ?? ""}">
                        ${v.reason === undefined ? "" : words.outageCause(v.reason)}${ctx.lang === "en" && v.detail !== undefined ? ` (${v.detail})` : ""}
                      </td>
                      <td>${consoleTime(v.time, ctx.timeZone)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  return { kind: "page", html: page(ctx, t.room_title, body) };
}
