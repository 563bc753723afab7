/**
 * 故障响应及时性 of one category (视频会议, 大平台…) over a span (DESIGN.md, Fault response
 * timeliness): the share of its faults answered within SLA, judged against `timely_share`.
 *
 * A span with no fault is 及时 only when the agent was watching that category in it — its probes
 * stored samples on at least one day — and then says 无故障; with nothing watched and no fault it
 * is 无数据, never 达成 (a month the agent was off is not a month without faults).
 */
import { pluginFor } from "../../collectors/index.js";
import { timeliness, type Timeliness } from "../incidents/sla.js";
import { CATEGORY_NAMES, type Category } from "../incidents/types.js";
import type { FigureContext } from "./context.js";
import type { Figure, Span } from "./types.js";
import { both, listZh, pct, type Bilingual } from "./words.js";

export interface TimelinessFigure extends Figure<boolean> {
  /** The tally behind the verdict. */
  tally: Timeliness;
  /** The category had faults decided in the span (false: 无故障 or 无数据). */
  hadFaults: boolean;
}

/**
 * The enabled collectors whose probes watch a category (their plugin's incidentCategory). A probe
 * collector whose targets are all left out of the education applications (the agent's
 * self-probe) watches no platform.
 */
export function watchersOf(ctx: FigureContext, category: Category): string[] {
  const { config } = ctx;
  return config.collectors
    .filter((c) => {
      const plugin = pluginFor(c.type);
      if (!c.enabled || plugin?.incidentCategory !== category) return false;
      return (
        plugin.availability === undefined ||
        plugin.availability.applications(c, config.http.listen).length > 0
      );
    })
    .map((c) => c.name as string);
}

export function faultTimeliness(
  ctx: FigureContext,
  category: Category,
  span: Span,
  asOf: Date,
): TimelinessFigure {
  const { store, config } = ctx;
  const sla = config.incidents.sla;
  const incidents = store.incidents.list({ to: new Date(span.to * 1000) });
  const rows = timeliness(incidents, sla, new Date(span.from * 1000), new Date(span.to * 1000), asOf);
  const tally = rows.find((t) => t.category === category) as Timeliness;
  const name = CATEGORY_NAMES[category];
  const bound = `${(sla.timely_share * 100).toFixed(0)}%`;
  const days = Math.max(1, Math.ceil((span.to - span.from) / 86_400));
  const watchers = watchersOf(ctx, category);
  const watchedDays = store.dataDays(watchers, span.from, span.to);
  const coverage = Math.min(1, watchedDays / days);
  if (tally.noData) {
    if (tally.incidents === 0 && watchedDays === 0) {
      return {
        value: null,
        coverage: 0,
        tally,
        hadFaults: false,
        how: both(
          `无数据：本期无${name}故障，且无监测` +
            `（${watchers.length === 0 ? "没有采集器监测该类别" : `${listZh(watchers)}本期无采样`}）。`,
          `no data: no ${name} (${category}) fault in the period and nothing watched it ` +
            `(${watchers.length === 0 ? "no collector watches this category" : `no samples from ${watchers.join(", ")}`})`,
        ),
      };
    }
    return {
      value: true,
      coverage,
      tally,
      hadFaults: false,
      evidence: { numerator: 0, denominator: 0, unit: withinSla(name, category) },
      how: both(
        `本期无已判定的${name}故障（待响应 ${tally.pending} 起），${days} 天中监测 ${watchedDays} 天：及时（无故障）。`,
        `no fault: no ${name} (${category}) fault decided in the period (${tally.pending} pending), ` +
          `watched on ${watchedDays} of ${days} days: timely`,
      ),
    };
  }
  // With faults decided, they are the evidence: how long the probes watched says nothing more.
  return {
    value: tally.timely,
    coverage: null,
    tally,
    hadFaults: true,
    evidence: {
      numerator: tally.within,
      denominator: tally.within + tally.late,
      unit: withinSla(name, category),
    },
    how: both(
      `本期已判定${name}故障 ${tally.within + tally.late} 起，按时响应 ${tally.within} 起，` +
        `及时率 ${pct(tally.share ?? 0)}（不低于 ${bound} 为及时）：${tally.timely ? "及时" : "不及时"}` +
        `；待响应 ${tally.pending} 起。`,
      `${tally.within} of ${tally.within + tally.late} ${name} (${category}) faults answered within SLA ` +
        `(${pct(tally.share ?? 0)}, timely at ≥ ${bound}; ${tally.pending} pending; DESIGN.md, Fault response timeliness)`,
    ),
  };
}

/** What a timeliness figure's numerator ÷ denominator count. */
function withinSla(name: string, category: string): Bilingual {
  return both(
    `按时响应的${name}故障数 ÷ 已判定的${name}故障数`,
    `${category} faults answered within the SLA ÷ ${category} faults decided`,
  );
}
