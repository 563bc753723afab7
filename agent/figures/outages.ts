/**
 * The outages of the education applications over a span (DESIGN.md, Availability: an outage is a
 * run of down probes outside maintenance): the monthly report's 中断明细 and the console's 平台
 * both list these, so the two cannot disagree on what went down, when and why.
 */
import { AVAILABILITY_METRIC, applicationsOf } from "../kpi/availability-store.js";
import type { Outage } from "../report/model.js";
import { outagesOfApplications } from "../report/outages.js";
import type { FigureContext } from "./context.js";
import type { Span } from "./types.js";

/** Every counted application's outages in [from, to), oldest first. */
export function applicationOutages(ctx: FigureContext, span: Span): Outage[] {
  const specs = ctx.applications ?? applicationsOf(ctx.config);
  const seriesByApp = new Map(
    ctx.store.listSeries(AVAILABILITY_METRIC).map((s) => [s.targetName, s.seriesId]),
  );
  return outagesOfApplications(
    ctx.store,
    AVAILABILITY_METRIC,
    specs.flatMap((a) => {
      const seriesId = seriesByApp.get(a.application);
      return seriesId === undefined ? [] : [{ ...a, seriesId }];
    }),
    span.from,
    span.to,
  );
}
