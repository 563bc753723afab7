/**
 * 视频会议: each system's health this month (share of the month healthy / degraded / down), its
 * endpoints online and MCUs — the figures the report's 视频会议 section shows, from the read
 * model — and its latest health judgement with the cause (figures/current.ts), in the report's
 * words (report/labels.ts).
 */
import { videoconfNow } from "../../figures/current.js";
import { Figures } from "../../figures/index.js";
import { formatNumber, formatRatio } from "../../report/format.js";
import { labels } from "../../report/labels.js";
import type { PageContext } from "../context.js";
import type { ConsoleDeps } from "../deps.js";
import { html } from "../html.js";
import { page } from "../layout.js";
import type { Reply } from "../reply.js";
import { spanOf } from "../spans.js";

export function videoconfPage(deps: ConsoleDeps, ctx: PageContext): Reply {
  const { t } = ctx;
  const words = labels(ctx.lang);
  const month = spanOf("month", ctx.now, ctx.timeZone);
  const figures = new Figures({ store: deps.store, config: deps.config() });
  const systems = figures.videoconfHealth({ from: month.from, to: month.to });
  const current = videoconfNow(deps.latest());
  // Numbers as the report's 视频会议 section writes them.
  const pct = (v: number | null) => (v === null ? words.noData : formatRatio(v));
  const badge = { healthy: "s-met", degraded: "s-at_risk", down: "s-not_met" } as const;
  const body = html`<section>
    <h2>${t.videoconf_title} · ${month.label}</h2>
    ${
      systems.length === 0
        ? html`<p class="muted">${t.no_data}</p>`
        : html`<table>
            <thead>
              <tr>
                <th>${words.system}</th>
                <th>${t.health_now}</th>
                <th class="num">${words.healthy}</th>
                <th class="num">${words.degraded}</th>
                <th class="num">${words.down}</th>
                <th class="num">${words.endpointsOnline}</th>
                <th class="wide">${words.mcu} · ${words.sipUp} · ${words.meanRtt}</th>
              </tr>
            </thead>
            <tbody>
              ${systems.map((s) => {
                const now = current.get(s.system);
                return html`<tr>
                  <td>${s.system}</td>
                  <td>
                    ${
                      now === undefined
                        ? t.unknown
                        : html`<span class="s ${badge[now.state]}">${words.healthState(now.state)}</span>
                            <span class="muted" title="${now.detail ?? ""}"
                              >${now.reason === undefined ? "" : words.healthReason(now.reason)}${ctx.lang === "en" && now.detail !== undefined ? ` (${now.detail})` : ""}</span
                            >`
                    }
                  </td>
                  <td class="num">${pct(s.healthy)}</td>
                  <td class="num">${pct(s.degraded)}</td>
                  <td class="num">${pct(s.down)}</td>
                  <td class="num">${pct(s.endpointsOnline)}</td>
                  <td class="wide">
                    ${s.mcus.map((m) => html`${m.name} · ${pct(m.sipUp)}${m.meanRttMs === null ? "" : ` · ${formatNumber(m.meanRttMs, 1)} ms`}<br />`)}
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
  </section>`;
  return { kind: "page", html: page(ctx, t.videoconf_title, body) };
}
