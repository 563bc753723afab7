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
import {
  AVAILABILITY_METRIC,
  applicationsOf,
  availabilityForPeriod,
  type ApplicationSpec,
} from "../kpi/availability-store.js";
import type { FigureContext } from "./context.js";
import { applicationNames, displayName } from "./names.js";
import type { Evidence, Figure, Span } from "./types.js";
import { both, durationZh, listZh, pct, quoted, type Bilingual } from "./words.js";

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

/** When the first figure will appear: after the first run of the collectors that probe the applications. */
function firstFigureHint(config: Config): Bilingual {
  const probes = config.collectors.filter((c) => c.enabled && pluginFor(c.type)?.availability !== undefined);
  const runs = probes.map((c) => ({
    name: c.name as string,
    every: nominalPeriodMs(
      c.cron !== undefined ? { cron: c.cron } : { every: c.every ?? 60_000 },
      config.timezone,
    ),
  }));
  return both(
    `代理运行后，${runs.map((r) => `${quoted(r.name)}（每${durationZh(r.every)}）`).join("、")}首次采集完成即出现第一个数值`,
    `the first figure appears after the first run of ${runs.map((r) => `${r.name} (every ${formatDuration(r.every)})`).join(", ")} once the agent runs`,
  );
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
      how: both(
        "无数据：未配置教育应用（没有计入可用率的 HTTP 探测目标）。",
        "no education application is configured (no counted http target)",
      ),
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
  const names = applicationNames(config);
  const evidence: Evidence = {
    numerator: weighted.reduce((s, r) => s + (r.ratio as number) * weightOf(r.application), 0),
    denominator: weighted.reduce((s, r) => s + weightOf(r.application), 0),
    unit: both("各应用可用率×权重之和 ÷ 权重之和", "Σ application availability × weight ÷ Σ weights"),
    parts: applications.map((r) => ({
      id: r.application,
      label: both(displayName(names, r.application), r.application),
      numerator: r.up,
      denominator: judged(r),
      unit: both("正常采样数 ÷ 计入采样数", "samples up ÷ samples judged"),
    })),
  };
  const missing = applications.filter((r) => r.ratio === null).map((r) => r.application);
  const nothingStored = applications.every((r) => r.up + r.down + r.maintenance === 0);
  const lastMeasuredAt = nothingStored ? undefined : lastProbe(ctx, specs, span);
  return {
    value: nothingStored ? null : value,
    coverage,
    evidence,
    ...(lastMeasuredAt === undefined ? {} : { lastMeasuredAt }),
    applications,
    specs,
    judged,
    weightOf,
    how: nothingStored ? noProbeYet(applications.length, firstFigureHint(config)) : measuredHow(),
  };

  function measuredHow(): Bilingual {
    const weights = weighted.some((r) => weightOf(r.application) !== 1);
    return both(
      (missing.length === 0
        ? `${applications.length} 个教育应用可用率的${weights ? "加权" : ""}平均值`
        : `${applications.length} 个教育应用中 ${weighted.length} 个有数值，取其可用率的${weights ? "加权" : ""}平均值`) +
        `${value === null ? "" : `为 ${pct(value)}`}（各应用可用率 = 正常采样数 ÷（全部采样数 − 维护窗口内采样数））；` +
        `正常采样 ${up} 次、异常 ${down} 次、维护窗口内 ${maintenance} 次，数据覆盖率 ${pct(coverage)}` +
        `${missing.length > 0 ? `；${listZh(missing)}本期无数值` : ""}。`,
      `mean over ${weighted.length} of ${applications.length} applications of up ÷ (all − maintenance) samples ` +
        `(${up} up, ${down} down, ${maintenance} in maintenance; coverage ${pct(coverage)}` +
        `${missing.length > 0 ? `; no figure for ${missing.join(", ")}` : ""}; DESIGN.md, Availability)`,
    );
  }
}

const DAY = 86_400;

/**
 * Unix seconds of the newest probe of a counted application in the span (总览's 最近测量), from
 * the daily rollups: the span's last two days first — where a running agent's probe is — and the
 * whole span only when those hold none.
 */
function lastProbe(ctx: FigureContext, specs: readonly ApplicationSpec[], span: Span): number | undefined {
  const counted = new Set(specs.map((s) => s.application));
  const series = new Set(
    ctx.store
      .listSeries(AVAILABILITY_METRIC)
      .filter((s) => counted.has(s.targetName))
      .map((s) => s.seriesId),
  );
  const newest = (from: number) => {
    let last: number | undefined;
    for (const r of ctx.store.queryRollups({
      resolution: "day",
      from,
      to: span.to,
      metric: AVAILABILITY_METRIC,
    }))
      if (series.has(r.seriesId) && r.lastTs !== null) last = Math.max(last ?? 0, r.lastTs);
    return last;
  };
  const recent = Math.max(span.from, span.to - 2 * DAY);
  return newest(recent) ?? (recent > span.from ? newest(span.from) : undefined);
}

function noProbeYet(applications: number, hint: Bilingual): Bilingual {
  return both(
    `无数据：本期尚未存储 ${applications} 个教育应用的任何探测结果；${hint.zh}。`,
    `no data: no probe of the ${applications} applications is stored for the period yet; ${hint.en}`,
  );
}
