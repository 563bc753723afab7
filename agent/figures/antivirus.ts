/**
 * 运行状态虚拟机无代理杀毒覆盖率: the mean of every coverage measurement of the span, over every
 * antivirus source (DESIGN.md, The form: measured rows). The KPI row, the report's 网络安全
 * section and the export read this one figure (the report once took the first source's mean only).
 */
import type { AntivirusMetric } from "../../collectors/antivirus/metrics.js";
import { foldDaily } from "./daily-series.js";
import type { FigureContext } from "./context.js";
import type { Figure, Span } from "./types.js";
import { both, pct } from "./words.js";

export const COVERAGE_METRIC = "antivirus_coverage_ratio" satisfies AntivirusMetric;
const RUNNING_METRIC = "antivirus_running_vms" satisfies AntivirusMetric;
const PROTECTED_METRIC = "antivirus_protected_vms" satisfies AntivirusMetric;

export interface CoverageFigure extends Figure<number> {
  /** Lowest single measurement in the span. */
  lowest: number | null;
}

export function antivirusCoverage(ctx: FigureContext, span: Span): CoverageFigure {
  const fold = foldDaily(ctx.store, COVERAGE_METRIC, span);
  if (fold.days === 0 || fold.count === 0) {
    return {
      value: null,
      coverage: 0,
      lowest: null,
      how: both(
        "无数据：本期无防病毒覆盖率测量（防病毒管理平台或虚拟机清单不可用）。",
        "no antivirus coverage measurement in the period (the manager or the inventory was unknown)",
      ),
    };
  }
  const value = fold.sum / fold.count;
  // The VMs behind the last measurement of each source, when the sources report them.
  const running = foldDaily(ctx.store, RUNNING_METRIC, span);
  const protectedVms = foldDaily(ctx.store, PROTECTED_METRIC, span);
  const counts =
    running.days > 0 && protectedVms.days > 0
      ? { running: running.lastSum, protected: protectedVms.lastSum }
      : undefined;
  const sources = fold.lastBySeries.size;
  return {
    value,
    coverage: fold.days / fold.daysInPeriod,
    lowest: fold.min,
    evidence: {
      numerator: fold.sum,
      denominator: fold.count,
      unit: both("覆盖率测量值之和 ÷ 测量次数", "sum of the coverage measurements ÷ measurements"),
    },
    ...(fold.lastMeasuredAt === undefined ? {} : { lastMeasuredAt: fold.lastMeasuredAt }),
    how: both(
      `${sources} 个防病毒来源本期 ${fold.count} 次覆盖率测量（每次：受防护的运行虚拟机 ÷ 在管运行虚拟机）的平均值为 ${pct(value)}，` +
        `最低一次 ${pct(fold.min)}` +
        (counts === undefined
          ? ""
          : `；期末运行中虚拟机 ${counts.running} 台，其中受防护 ${counts.protected} 台`) +
        "。",
      `mean of ${fold.count} coverage measurements over ${sources} antivirus source(s) ` +
        `(protected running VMs ÷ running VMs in scope): ${pct(value)}; lowest ${pct(fold.min)}` +
        (counts === undefined
          ? ""
          : `; at the period's end ${counts.running} running VMs, ${counts.protected} of them protected`),
    ),
  };
}
