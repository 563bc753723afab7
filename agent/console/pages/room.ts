/**
 * 机房: VMs in scope against the VMs expected, power states (by VM id), running VMs without
 * antivirus protection with their reason, and VMs whose latest probe found them unreachable —
 * all from the figures read model for this month, plus the latest probe state.
 */
import { Figures } from "../../figures/index.js";
import { unprotectedVms } from "../../figures/unprotected.js";
import { reasonText, UNPROTECTED_REASONS_ZH } from "../../report/labels.js";
import type { PageContext } from "../context.js";
import type { ConsoleDeps } from "../deps.js";
import { html } from "../html.js";
import { page } from "../layout.js";
import type { Reply } from "../reply.js";
import { spanOf } from "../spans.js";
import { consoleTime } from "../time.js";

/** vSphere's power states as the machine room says them. */
const POWER_STATES_ZH: Readonly<Record<string, string>> = {
  POWERED_ON: "运行中",
  POWERED_OFF: "已关机",
  SUSPENDED: "已挂起",
};

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
  const unprotected = unprotectedVms(deps.store, month.from, month.to);
  // Unreachable: a VM target whose latest probe in any collector says down, by target key (id).
  const unreachable = new Map<string, { name: string; reason: string; time: Date; collector: string }>();
  // Only reachability probes say "unreachable": an antivirus series of a VM is down when the VM is
  // unprotected, which is the table above, not this one.
  const reachability = new Set(
    config.collectors.filter((c) => c.type === "icmp").map((c) => c.name as string),
  );
  for (const v of deps.latest())
    if (v.target.kind === "vm" && v.up === false && reachability.has(v.collector))
      unreachable.set(v.target.key, {
        name: v.target.name,
        reason: v.reason ?? v.detail ?? "",
        time: v.time,
        collector: v.collector,
      });
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
                  ${Object.entries(states.byState).map(([state, n]) => html`<li>${ctx.lang === "zh" ? (POWER_STATES_ZH[state] ?? state) : state}: ${n}</li>`)}
                </ul>`
          }
        </div>
      </div>
    </section>
    <section>
      <h2>${t.unprotected}（${unprotected.length}）</h2>
      ${
        unprotected.length === 0
          ? html`<p class="muted">${t.none}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>${t.vm}</th>
                  <th class="wide">id</th>
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
                      <td>
                        ${v.reason === undefined ? "" : ctx.lang === "zh" ? reasonText(v.reason, UNPROTECTED_REASONS_ZH) : v.reason}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    <section>
      <h2>${t.unreachable}（${unreachable.size}）</h2>
      ${
        unreachable.size === 0
          ? html`<p class="muted">${t.none}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>${t.vm}</th>
                  <th class="wide">id</th>
                  <th>${t.reason}</th>
                  <th>${t.last_measured}</th>
                </tr>
              </thead>
              <tbody>
                ${[...unreachable].map(
                  ([key, v]) =>
                    html`<tr>
                      <td>${v.name}</td>
                      <td class="wide">${key}</td>
                      <td>${v.reason}</td>
                      <td>${consoleTime(v.time, ctx.timeZone)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  return { kind: "page", html: page(ctx, t.room_title, body) };
}
