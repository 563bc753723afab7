/**
 * 总览: every row of the form for this month, the half-year or the year to date — value, target,
 * status (达成 / 未达成 / 有风险 / 无数据), coverage, last measured — each linking to its evidence
 * (the inputs and the rule, from the figures read model via kpiReport).
 */
import type { IndicatorResult, KpiStatus } from "../../kpi/evaluate.js";
import { formatValue } from "../../form/value.js";
import { statusCounts } from "../../kpi/kpi-report.js";
import { formatRatio } from "../../report/format.js";
import { link, type PageContext } from "../context.js";
import type { ConsoleDeps } from "../deps.js";
import { formStatus } from "../form-status.js";
import { html, type Html } from "../html.js";
import type { Messages } from "../i18n.js";
import { page } from "../layout.js";
import { CONSOLE_PERIODS, parsePeriod, periodName, type ConsolePeriod } from "../periods.js";
import type { Reply } from "../reply.js";
import { consoleTime } from "../time.js";
import { recordTable } from "../record-table.js";
import { tidy } from "../../form-export/build.js";

export function statusBadge(status: KpiStatus, t: Messages): Html {
  const text =
    status === "met"
      ? t.met
      : status === "not_met"
        ? t.not_met
        : status === "at_risk"
          ? t.at_risk
          : status === "no_data"
            ? t.no_data
            : t.not_applicable;
  return html`<span class="s s-${status === "n/a" ? "na" : status}">${text}</span>`;
}

export function valueText(r: IndicatorResult, t: Messages): string {
  if (r.value === null) return t.no_data;
  const value = formatValue(r.target, r.value);
  return r.projected === undefined || r.projected === r.value
    ? value
    : `${value} → ${formatValue(r.target, r.projected)}`;
}

/** A coverage as the report and 平台 write it (two decimals). */
const pct = (v: number | null) => formatRatio(v);

function periodTabs(ctx: PageContext, current: ConsolePeriod, path: string): Html {
  return html`<p>
    ${CONSOLE_PERIODS.map((p) =>
      p === current
        ? html`<strong>${periodName(p, ctx.t)}</strong> `
        : html`<a href="${link(ctx, path, { period: p })}">${periodName(p, ctx.t)}</a> `,
    )}
  </p>`;
}

export function overviewPage(deps: ConsoleDeps, ctx: PageContext): Reply {
  const { t } = ctx;
  const period = parsePeriod(ctx.url.searchParams.get("period"));
  const report = formStatus(deps, period, ctx.now);
  if ("error" in report)
    return {
      kind: "page",
      status: 503,
      html: page(
        ctx,
        t.nav_overview,
        html`<section>
          <p>
            ${report.targetsFile === undefined ? report.error : ctx.lang === "zh" ? `${t.targets_not_loaded}（${report.targetsFile}）` : `${t.targets_not_loaded} (${report.targetsFile})`}
          </p>
        </section>`,
      ),
    };
  const counts = statusCounts(report.results);
  const rows = report.results.map(
    (r) =>
      html`<tr data-key="${r.key}">
        <td><a href="${link(ctx, `/kpi/${r.key}`, { period })}">${r.name}</a></td>
        <td class="num">${valueText(r, t)}</td>
        <td class="num">${r.target.text}</td>
        <td>${statusBadge(r.status, t)}</td>
        <td class="num wide">${pct(r.coverage)}</td>
        <td class="wide">
          ${r.lastMeasuredAt === undefined ? "—" : consoleTime(new Date(r.lastMeasuredAt * 1000), ctx.timeZone)}
        </td>
        <td class="wide">${r.automatic ? t.automatic : t.manual}</td>
      </tr>`,
  );
  const body = html`<section>
    <h2>${t.nav_overview} · ${report.period.label}</h2>
    ${periodTabs(ctx, period, "/")}
    <p class="muted">
      ${t.summary}:
      ${(["met", "at_risk", "not_met", "no_data", "n/a"] as const).map((s) =>
        counts.has(s) ? html`${statusBadge(s, t)} ${counts.get(s)} ` : "",
      )}
    </p>
    <table>
      <thead>
        <tr>
          <th>${t.indicator}</th>
          <th>${t.value}</th>
          <th>${t.target}</th>
          <th>${t.status}</th>
          <th class="wide">${t.coverage}</th>
          <th class="wide">${t.last_measured}</th>
          <th class="wide">${t.source}</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </section>`;
  return { kind: "page", html: page(ctx, t.nav_overview, body) };
}

/** One row's evidence: the rule, the numbers and the records it was computed from. */
export function evidencePage(deps: ConsoleDeps, ctx: PageContext, params: readonly string[]): Reply {
  const { t } = ctx;
  const period = parsePeriod(ctx.url.searchParams.get("period"));
  const report = formStatus(deps, period, ctx.now);
  const r = "error" in report ? undefined : report.results.find((x) => x.key === params[0]);
  if (r === undefined || "error" in report)
    return {
      kind: "page",
      status: 404,
      html: page(ctx, t.evidence, html`<section><p>${t.not_found}</p></section>`),
    };
  const records = new Set(r.records ?? []);
  const history = deps.store.records.history(r.key).filter((x) => records.has(x.id));
  const e = r.evidence;
  const body = html`<section>
    <h2>${r.name}</h2>
    ${periodTabs(ctx, period, `/kpi/${r.key}`)}
    <table>
      <tbody>
        <tr>
          <th>${t.value}</th>
          <td>${valueText(r, t)}</td>
        </tr>
        <tr>
          <th>${t.target}</th>
          <td>${r.target.text}</td>
        </tr>
        <tr>
          <th>${t.status}</th>
          <td>${statusBadge(r.status, t)}</td>
        </tr>
        <tr>
          <th>${t.coverage}</th>
          <td>${pct(r.coverage)}</td>
        </tr>
        <tr>
          <th>${t.last_measured}</th>
          <td>
            ${r.lastMeasuredAt === undefined ? "—" : consoleTime(new Date(r.lastMeasuredAt * 1000), ctx.timeZone)}
          </td>
        </tr>
        <tr>
          <th>${t.rule}</th>
          <td>${r.how[ctx.lang]}</td>
        </tr>
        ${
          e === undefined
            ? ""
            : html`<tr>
                <th>${t.inputs}</th>
                <td>
                  ${String(tidy(e.numerator))} / ${e.denominator === null ? "—" : String(tidy(e.denominator))}
                  ${e.unit[ctx.lang]}
                  ${
                    e.parts === undefined
                      ? ""
                      : html`<ul>
                          ${e.parts.map((p) => html`<li>${p.label[ctx.lang]}${ctx.t.colon}${String(tidy(p.numerator))} / ${p.denominator === null ? "—" : String(tidy(p.denominator))} ${p.unit[ctx.lang]}</li>`)}
                        </ul>`
                  }
                </td>
              </tr>`
        }
      </tbody>
    </table>
    ${
      r.automatic
        ? ""
        : html`<h3>${t.history}</h3>
            ${recordTable(ctx, history)}
            <p><a href="${link(ctx, `/records/${r.key}`)}">${t.records_title}</a></p>`
    }
  </section>`;
  return { kind: "page", html: page(ctx, `${t.evidence} · ${r.name}`, body) };
}
