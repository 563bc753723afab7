/**
 * 日常维护信息系统所使用的虚拟机数量: the VMs in scope at the end of a span, summed over the
 * inventory sources that were still reporting then (DESIGN.md, The form: measured rows). The KPI
 * row, the report's 机房 section and the export's 偏差原因 read this one figure.
 */
import type { VcenterMetric } from "../../collectors/vcenter/metrics.js";
import { foldDaily } from "./daily-series.js";
import type { FigureContext } from "./context.js";
import type { Figure, Span } from "./types.js";
import { both, quoted } from "./words.js";

/** What a level figure counts, in both languages. */
interface Counted {
  zh: string;
  en: string;
}

export interface VmCountFigure extends Figure<number> {
  /** Per inventory source still reporting at the span's end: its collector and its count. */
  sources: { source: string; vms: number }[];
  min: number | null;
  max: number | null;
}

function sourceNames(ctx: FigureContext, metric: string): Map<number, string> {
  return new Map(ctx.store.listSeries(metric).map((s) => [s.seriesId, s.collector]));
}

function levelFigure(ctx: FigureContext, metric: string, span: Span, counted: Counted): VmCountFigure {
  const what = counted.en;
  const fold = foldDaily(ctx.store, metric, span);
  if (fold.days === 0)
    return {
      value: null,
      coverage: 0,
      how: both(`无数据：本期无${counted.zh}采样。`, `no ${what} samples in the period`),
      sources: [],
      min: null,
      max: null,
    };
  const names = sourceNames(ctx, metric);
  const sources = fold.current.map((c) => ({
    source: names.get(c.seriesId) ?? `series ${c.seriesId}`,
    vms: c.last,
  }));
  const stopped = fold.lastBySeries.size - fold.current.length;
  return {
    value: fold.lastSum,
    coverage: fold.days / fold.daysInPeriod,
    evidence: {
      numerator: fold.lastSum,
      denominator: null,
      unit: both(`${counted.zh}（台）`, what),
      parts: sources.map((s) => ({
        id: s.source,
        label: both(s.source, s.source),
        numerator: s.vms,
        denominator: null,
        unit: both("台", "VMs"),
      })),
    },
    ...(fold.lastMeasuredAt === undefined ? {} : { lastMeasuredAt: fold.lastMeasuredAt }),
    sources,
    min: fold.min,
    max: fold.max,
    how: both(
      `期末最后一次清单中的${counted.zh} ${fold.lastSum} 台，为 ${sources.length} 个清单来源之和` +
        `（${sources.map((s) => `${quoted(s.source)} ${s.vms} 台`).join("、")}）` +
        `${stopped > 0 ? `；此前已停止上报的 ${stopped} 个来源不计入` : ""}；` +
        (fold.lastBySeries.size === 1
          ? `本期最少 ${fold.min} 台、最多 ${fold.max} 台。`
          : `本期单个来源的读数在 ${fold.min}–${fold.max} 台之间。`),
      `${what} in the last inventory of the period, summed over ${sources.length} inventory source(s)` +
        `${stopped > 0 ? ` (${stopped} source(s) that stopped reporting earlier left out)` : ""}; ` +
        (fold.lastBySeries.size === 1
          ? `lowest ${fold.min}, highest ${fold.max} in the period`
          : `single-source readings from ${fold.min} to ${fold.max} in the period`),
    ),
  };
}

export const VMS_IN_SCOPE_METRIC = "vms_in_scope" satisfies VcenterMetric;

export function vmsInScope(ctx: FigureContext, span: Span): VmCountFigure {
  return levelFigure(ctx, VMS_IN_SCOPE_METRIC, span, { zh: "在管虚拟机", en: "VMs in scope" });
}

export function vmsExpected(ctx: FigureContext, span: Span): VmCountFigure {
  return levelFigure(ctx, "vms_expected" satisfies VcenterMetric, span, {
    zh: "应有虚拟机",
    en: "VMs expected",
  });
}
