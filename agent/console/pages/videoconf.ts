/**
 * 视频会议: each system's health this month (share of runs healthy / degraded / down), its
 * endpoints online and MCUs (figures/videoconf.ts), and the latest state with its reason.
 */
import { videoconfHealth } from "../../figures/videoconf.js";
import type { PageContext } from "../context.js";
import type { ConsoleDeps } from "../deps.js";
import { html } from "../html.js";
import { page } from "../layout.js";
import type { Reply } from "../reply.js";
import { spanOf } from "../spans.js";

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);

export function videoconfPage(deps: ConsoleDeps, ctx: PageContext): Reply {
  const { t } = ctx;
  const month = spanOf("month", ctx.now, ctx.timeZone);
  const systems = videoconfHealth(deps.store, { from: month.from, to: month.to });
  // The latest state reading of each system, with the reason the collector gave.
  const current = new Map<string, { value: number; reason: string }>();
  for (const v of deps.latest())
    if (v.metric === "videoconf_system_health")
      current.set(v.target.name, { value: v.value, reason: v.detail ?? v.reason ?? "" });
  const stateText = (value: number | undefined) =>
    value === undefined ? t.unknown : value >= 2 ? t.up : value >= 1 ? t.at_risk : t.down;
  const body = html`<section>
    <h2>${t.videoconf_title} · ${month.label}</h2>
    ${
      systems.length === 0
        ? html`<p class="muted">${t.no_data}</p>`
        : html`<table>
            <thead>
              <tr>
                <th>${t.system}</th>
                <th>${t.current_state}</th>
                <th class="num">${t.up}</th>
                <th class="num">${t.at_risk}</th>
                <th class="num">${t.down}</th>
                <th class="num">${t.endpoints_online}</th>
                <th class="wide">MCU</th>
              </tr>
            </thead>
            <tbody>
              ${systems.map((s) => {
                const now = current.get(s.system);
                return html`<tr>
                  <td>${s.system}</td>
                  <td>${stateText(now?.value)} <span class="muted">${now?.reason ?? ""}</span></td>
                  <td class="num">${pct(s.healthy)}</td>
                  <td class="num">${pct(s.degraded)}</td>
                  <td class="num">${pct(s.down)}</td>
                  <td class="num">${pct(s.endpointsOnline)}</td>
                  <td class="wide">
                    ${s.mcus.map((m) => html`${m.name}: SIP ${pct(m.sipUp)}${m.meanRttMs === null ? "" : ` · ${m.meanRttMs.toFixed(0)} ms`}<br />`)}
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
  </section>`;
  return { kind: "page", html: page(ctx, t.videoconf_title, body) };
}
