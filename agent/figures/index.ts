/**
 * The read model: every figure the agent shows, computed in one place each (DESIGN.md, "One
 * figure, one place"). `ops-agent kpi`, the kpi series of /metrics, the monthly report and the
 * self-evaluation export all take their figures from here and only format them.
 */
import type { Category } from "../incidents/types.js";
import { availabilityFigure, type AvailabilityFigure } from "./availability.js";
import { antivirusCoverage, type CoverageFigure } from "./antivirus.js";
import type { FigureContext } from "./context.js";
import { powerStates, type PowerStatesFigure } from "./power-states.js";
import { monthlyReports, type MonthlyReportsFigure } from "./monthly-reports.js";
import { maintenanceWindows, type MaintenanceEntry } from "./maintenance.js";
import { applicationOutages } from "./outages.js";
import { unprotectedVms, type UnprotectedVm } from "./unprotected.js";
import { videoconfHealth, type VideoconfSystemHealth } from "./videoconf.js";
import type { Outage } from "../report/model.js";
import { faultTimeliness, type TimelinessFigure } from "./timeliness.js";
import { vmsExpected, vmsInScope, type VmCountFigure } from "./inventory.js";
import type { Span } from "./types.js";

export type { Bilingual, Evidence, Figure, Span } from "./types.js";
export type { FigureContext } from "./context.js";

export class Figures {
  constructor(readonly ctx: FigureContext) {}

  availability(span: Span & { end?: number }): AvailabilityFigure {
    return availabilityFigure(this.ctx, span);
  }

  vmsInScope(span: Span): VmCountFigure {
    return vmsInScope(this.ctx, span);
  }

  vmsExpected(span: Span): VmCountFigure {
    return vmsExpected(this.ctx, span);
  }

  powerStates(span: Span): PowerStatesFigure {
    return powerStates(this.ctx.store, span);
  }

  antivirusCoverage(span: Span): CoverageFigure {
    return antivirusCoverage(this.ctx, span);
  }

  faultTimeliness(category: Category, span: Span, asOf: Date): TimelinessFigure {
    return faultTimeliness(this.ctx, category, span, asOf);
  }

  /** The education applications' outages (runs of down probes outside maintenance), oldest first. */
  outages(span: Span): Outage[] {
    return applicationOutages(this.ctx, span);
  }

  /** The maintenance windows (config and run time); within a span, and open or not at `now`. */
  maintenanceWindows(options: { span?: Span; now?: Date } = {}): MaintenanceEntry[] {
    return maintenanceWindows(this.ctx, options);
  }

  /** The running VMs without antivirus protection at the span's end, with their reason codes. */
  unprotectedVms(span: Span): UnprotectedVm[] {
    return unprotectedVms(this.ctx.store, span.from, span.to);
  }

  /** Each video-conference system's share of healthy / degraded / down, endpoints and MCUs. */
  videoconfHealth(span: Span): VideoconfSystemHealth[] {
    return videoconfHealth(this.ctx.store, span);
  }

  /** Months with a counted report between two YYYY-MM labels (inclusive), as of `now`. */
  monthlyReports(fromMonth: string, toMonth: string, now: Date): MonthlyReportsFigure {
    return monthlyReports(this.ctx, fromMonth, toMonth, now);
  }
}
