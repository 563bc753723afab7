/**
 * 教育应用运行可用率: per application and overall, for any span (DESIGN.md, Availability). The
 * one place the overall figure, its coverage and its evidence are made: the KPI row, the monthly
 * report's 可用率 figures and the form export's 偏差原因 all read this.
 */
import { pluginFor } from "../../collectors/index.js";
import { formatDuration } from "../../config/duration.js";
import type { Config } from "../../config/schema.js";
import { nominalPeriodMs } from "../schedule-spec.js";
import { overallAvailability, type ApplicationAvailability } from "../kpi/availability.js";
import { applicationsOf, availabilityForPeriod, type ApplicationSpec } from "../kpi/availability-store.js";
import type { FigureContext } from "./context.js";
import type { Evidence, Figure, Span } from "./types.js";

export interface AvailabilityFigure extends Figure<number> {
  /** Per application, in the config's order. */
  applications: ApplicationAvailability[];
  /** The applications counted and their probe intervals. */
  specs: ApplicationSpec[];
  /** judged samples of an application: up + down (+ unknown when unknown counts as down). */
  judged: (a: ApplicationAvailability) => number;
  /** Weight of an application in the overall mean. */
  weightOf: (application: string) => number;
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** When the first figure will appear: after the first run of the collectors that probe the applications. */
function firstFigureHint(config: Config): string {
  const probes = config.collectors.filter((c) => c.enabled && pluginFor(c.type)?.availability !== undefined);
  const runs = probes.map((c) => {
    const every = nominalPeriodMs(
      c.cron !== undefined ? { cron: c.cron } : { every: c.every ?? 60_000 },
      config.timezone,
    );
    return `${c.name} (every ${formatDuration(every)})`;
  });
  return `the first figure appears after the first run of ${runs.join(", ")} once the agent runs`;
}

export function availabilityFigure(ctx: FigureContext, span: Span & { end?: number }): AvailabilityFigure {
  const { config } = ctx;
  const specs = [...(ctx.applications ?? applicationsOf(config))];
  const unknownAsDown = config.availability.unknown_as_down;
  const judged = (r: ApplicationAvailability) => r.up + r.down + (unknownAsDown ? r.unknown : 0);
  const weightOf = (application: string) => config.availability.weights[application] ?? 1;
  if (specs.length === 0) {
    return {
      value: null,
      coverage: null,
      how: "no education application is configured (no counted http target)",
      applications: [],
      specs,
      judged,
      weightOf,
    };
  }
  const applications = availabilityForPeriod(
    ctx.store,
    { kind: "year_to_date", from: span.from, to: span.to, end: span.end ?? span.to },
    specs,
    { unknownAsDown },
    ctx.lookups,
  );
  const value = overallAvailability(applications, config.availability.weights);
  const coverage = applications.reduce((sum, r) => sum + r.coverage, 0) / applications.length;
  const up = applications.reduce((s, r) => s + r.up, 0);
  const down = applications.reduce((s, r) => s + r.down, 0);
  const maintenance = applications.reduce((s, r) => s + r.maintenance, 0);
  const weighted = applications.filter((r) => r.ratio !== null);
  const evidence: Evidence = {
    numerator: weighted.reduce((s, r) => s + (r.ratio as number) * weightOf(r.application), 0),
    denominator: weighted.reduce((s, r) => s + weightOf(r.application), 0),
    unit: "weighted application ratios",
    parts: applications.map((r) => ({
      label: r.application,
      numerator: r.up,
      denominator: judged(r),
      unit: "samples",
    })),
  };
  const missing = applications.filter((r) => r.ratio === null).map((r) => r.application);
  const nothingStored = applications.every((r) => r.up + r.down + r.maintenance === 0);
  return {
    value: nothingStored ? null : value,
    coverage,
    evidence,
    applications,
    specs,
    judged,
    weightOf,
    how: nothingStored
      ? `无数据: no probe of the ${applications.length} applications is stored for the period yet; ${firstFigureHint(config)}`
      : `mean over ${weighted.length} of ${applications.length} applications of up ÷ (all − maintenance) samples ` +
        `(${up} up, ${down} down, ${maintenance} in maintenance; coverage ${pct(coverage)}` +
        `${missing.length > 0 ? `; no figure for ${missing.join(", ")}` : ""}; DESIGN.md, Availability)`,
  };
}
