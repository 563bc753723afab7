/**
 * Gathers the monthly platform operations report for one month from the store: the form's
 * operational indicators (month, half-year, year to date), availability per application with
 * its outages, the machine room, the video-conference systems, the faults, the maintenance
 * windows, the month's manual records, and the rules behind every figure.
 */
import type { Config } from "../../config/schema.js";
import { formatValue } from "../form/value.js";
import type { Indicator } from "../form/types.js";
import { judgeResponse, timeliness } from "../incidents/sla.js";
import type { StoredIncident } from "../store/incident-store-types.js";
import { COVERAGE_METRIC } from "../figures/antivirus.js";
import { Figures } from "../figures/index.js";
import { VMS_IN_SCOPE_METRIC } from "../figures/inventory.js";
import { errorBudget } from "../kpi/availability.js";
import { AVAILABILITY_METRIC } from "../kpi/availability-store.js";
import { FULL_YEAR_TARGET } from "../kpi/availability-report.js";
import { kpiReport } from "../kpi/kpi-report.js";
import { monthRange, yearRange } from "../kpi/periods.js";
import type { MaintenanceWindowSpec } from "../maintenance.js";
import type { SqliteStore } from "../store/sqlite.js";
import type {
  FaultSummary,
  IncidentRow,
  Lang,
  MaintenanceRow,
  MonthlyReport,
  SummaryPeriod,
} from "./model.js";
import { dailyPoints, dailyPointsBySeries, daysOf } from "./series.js";
import { previousMonth as monthBefore } from "../local-time.js";
import { applicationNames, displayName } from "../figures/names.js";
import { labels } from "./labels.js";
import { accountingRules } from "../figures/rules.js";
import type { ManualRecordRow, SectionNote } from "./model.js";

export interface BuildOptions {
  /** "2026-10". */
  month: string;
  lang: Lang;
  now: Date;
  organisation?: string;
}

export function monthBounds(
  month: string,
  calendar: SqliteStore["calendar"],
): { from: number; end: number; year: number; m: number } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw new Error(`expected a month like 2026-10, got "${month}"`);
  const year = Number(match[1]);
  const m = Number(match[2]);
  return { ...monthRange(year, m, calendar), year, m };
}

export function buildMonthlyReport(
  store: SqliteStore,
  config: Config,
  indicators: readonly Indicator[],
  options: BuildOptions,
): MonthlyReport {
  const calendar = store.calendar;
  const { from, end, year } = monthBounds(options.month, calendar);
  const nowTs = Math.floor(options.now.getTime() / 1000);
  if (from >= nowTs) throw new Error(`${options.month} has not begun yet`);
  const to = Math.min(end, nowTs);

  const summary = summaryPeriods(store, config, indicators, options, year);
  // Every figure from the read model (agent/figures/): the same numbers the KPI rows above and
  // the form export show.
  const figures = new Figures({ store, config });
  const { from: yearFrom, end: yearEnd } = yearRange(year, calendar);
  const monthFigure = figures.availability({ from, to, end });
  const ytdFigure = figures.availability({ from: yearFrom, to, end: yearEnd });
  const apps = monthFigure.specs;
  const policy = { unknownAsDown: config.availability.unknown_as_down };
  const monthResults = monthFigure.applications;
  const ytdResults = ytdFigure.applications;
  // 环比: last month's figures from the same read model, over the whole of last month.
  const previousMonth = previousMonthOf(options.month, calendar);
  const prev = monthBounds(previousMonth, calendar);
  const prevSpan = { from: prev.from, to: Math.min(prev.end, nowTs) };
  const prevFigure = figures.availability({ ...prevSpan, end: prev.end });
  const names = applicationNames(config);
  const seriesByApp = new Map(store.listSeries(AVAILABILITY_METRIC).map((s) => [s.targetName, s.seriesId]));
  // One daily rollup query for every application's chart.
  const dailyBySeries = dailyPointsBySeries(store, AVAILABILITY_METRIC, from, to, "up");
  const outages = figures.outages({ from, to });
  const applications = monthResults.map((a) => {
    const ytd = ytdResults.find((y) => y.application === a.application);
    const spec = apps.find((x) => x.application === a.application);
    const seriesId = seriesByApp.get(a.application);
    const intervalMinutes = (spec?.intervalSeconds ?? 0) / 60;
    const own = outages.filter((o) => o.application === a.application);
    return {
      application: a.application,
      name: displayName(names, a.application),
      previousMonth: prevFigure.applications.find((p) => p.application === a.application)?.ratio ?? null,
      downMinutes: a.down * intervalMinutes,
      maintenanceMinutes: a.maintenance * intervalMinutes,
      longestOutageMinutes: own.length === 0 ? null : Math.max(...own.map((o) => o.durationMinutes)),
      outageCount: own.length,
      month: a.ratio,
      monthCoverage: a.coverage,
      yearToDate: ytd?.ratio ?? null,
      budgetLeftMinutes:
        ytd === undefined || spec === undefined
          ? null
          : errorBudget(FULL_YEAR_TARGET, yearEnd - yearFrom, spec.intervalSeconds, ytd, policy).leftMinutes,
      daily:
        (seriesId === undefined ? undefined : dailyBySeries.get(seriesId)) ??
        daysOf(from, to, calendar).map(({ day }) => ({ day, value: null })),
    };
  });
  const span = { from, to };
  const vmCount = figures.vmsInScope(span);
  const vmExpected = figures.vmsExpected(span);
  const coverage = figures.antivirusCoverage(span);
  const unprotected = figures.unprotectedVms(span);
  const states = figures.powerStates(span);
  const changes = store
    .listEvents(new Date(from * 1000), new Date(to * 1000))
    .filter((e) => e.kind.startsWith("vm_"))
    .map((e) => ({
      at: e.time,
      kind: e.kind.replace(/^vm_/, ""),
      vm: String(e.detail.name ?? e.targetKey ?? ""),
      ...(e.detail.previousName !== undefined
        ? { detail: `${String(e.detail.previousName)} → ${String(e.detail.name)}` }
        : e.detail.previousPowerState !== undefined
          ? { detail: `${String(e.detail.previousPowerState)} → ${String(e.detail.powerState)}` }
          : {}),
    }));

  const incidents = store.incidents.list({ to: new Date(to * 1000), from: new Date(from * 1000) });
  const started = incidents.filter((i) => i.startedAt.getTime() >= from * 1000);
  const faults = faultSummary(started, config, from, to, options.now, store.calendar);
  const prevIncidents = store.incidents
    .list({ from: new Date(prev.from * 1000), to: new Date(prevSpan.to * 1000) })
    .filter((i) => i.startedAt.getTime() >= prev.from * 1000).length;

  return {
    lang: options.lang,
    month: options.month,
    previousMonth,
    runningAsOf: nowTs < end ? options.now : null,
    organisation: options.organisation ?? "苏州市电化教育馆",
    site: config.site,
    timeZone: config.timezone,
    generatedAt: options.now,
    coverage: monthFigure.coverage ?? 0,
    summary,
    availability: {
      overallMonth: monthFigure.value,
      overallYearToDate: ytdFigure.value,
      applications,
      outages,
    },
    machineRoom: {
      vmCount: vmCount.value,
      vmExpected: vmExpected.value ?? indicatorTarget(indicators, "vm_count") ?? null,
      vmCountDaily: dailyPoints(store, VMS_IN_SCOPE_METRIC, from, to, "sum_of_last"),
      changes,
      antivirusCoverage: coverage.value,
      antivirusDaily: dailyPoints(store, COVERAGE_METRIC, from, to, "mean"),
      unprotected,
      powerStates:
        states.value === null
          ? null
          : {
              on: states.byState.POWERED_ON,
              off: states.byState.POWERED_OFF,
              suspended: states.byState.SUSPENDED,
            },
    },
    videoconf: {
      systems: figures.videoconfHealth(span),
      incidents: started
        .filter((i) => i.category === "videoconf")
        .map((i) => incidentRow(i, config, options.now)),
    },
    faults,
    maintenance: maintenanceRows(config, figures, span),
    records: recordsInForce(store, indicators, from, to),
    rules: accountingRules(config, options.lang),
    previous: {
      overallMonth: prevFigure.value,
      vmCount: figures.vmsInScope(prevSpan).value,
      antivirusCoverage: figures.antivirusCoverage(prevSpan).value,
      // A month the agent did not watch had no figure, not zero faults.
      faultTotal: prevFigure.value === null && prevIncidents === 0 ? null : prevIncidents,
    },
    slaMinutes: Object.fromEntries(
      Object.entries(config.incidents.sla.response).map(([p, ms]) => [p, (ms as number) / 60_000]),
    ),
    timelyShare: config.incidents.sla.timely_share,
    notes: store.reportNotes.list(options.month).map((n): SectionNote => ({
      id: n.id,
      section: n.section,
      text: n.text,
      mode: n.mode,
      author: n.author,
      createdAt: n.createdAt,
    })),
  };
}

/** The month before a YYYY-MM month ("2026-01" → "2025-12"). */
function previousMonthOf(month: string, calendar: SqliteStore["calendar"]): string {
  const { from } = monthBounds(month, calendar);
  return monthBefore(new Date(from * 1000), calendar.timeZone);
}

/**
 * The month's manual records in force: a corrected record is replaced by its correction (the
 * superseded value is named beside the one in force, never listed as current).
 */
function recordsInForce(
  store: SqliteStore,
  indicators: readonly Indicator[],
  from: number,
  to: number,
): ManualRecordRow[] {
  const all = store.records.history();
  const byId = new Map(all.map((r) => [r.id, r]));
  const corrected = new Set(all.flatMap((r) => (r.corrects === undefined ? [] : [r.corrects])));
  return all
    .filter((r) => !corrected.has(r.id) && r.at.getTime() >= from * 1000 && r.at.getTime() < to * 1000)
    .map((r) => {
      const replaced = r.corrects === undefined ? undefined : byId.get(r.corrects);
      return {
        indicator: r.indicator,
        name: indicators.find((i) => i.key === r.indicator)?.name ?? r.indicator,
        day: r.day,
        value: r.value,
        by: r.recordedBy,
        ...(r.note === undefined ? {} : { note: r.note }),
        ...(r.corrects === undefined ? {} : { corrects: r.corrects }),
        ...(replaced === undefined ? {} : { correctedValue: replaced.value }),
      };
    });
}

function indicatorTarget(indicators: readonly Indicator[], key: string): number | undefined {
  const t = indicators.find((i) => i.key === key)?.full;
  return t?.kind === "number" ? t.value : undefined;
}

function summaryPeriods(
  store: SqliteStore,
  config: Config,
  indicators: readonly Indicator[],
  options: BuildOptions,
  year: number,
): SummaryPeriod[] {
  const automatic = indicators.filter((i) => i.binding.source !== "manual");
  // Each period is judged as of the month's end (or now): the report for October shows the year to date at October.
  const { end } = monthBounds(options.month, store.calendar);
  const asOf = new Date(Math.min(end * 1000, options.now.getTime()));
  const periods: { label: string; caption: string }[] = [
    { label: options.month, caption: `${Number(options.month.slice(5))}月` },
    { label: `${year}-H1`, caption: "上半年" },
    { label: String(year), caption: "年初至今" },
  ];
  return periods.flatMap(({ label, caption }) => {
    const report = kpiReport(store, config, automatic, label, asOf);
    if ("error" in report) return [];
    return [
      {
        label,
        caption,
        rows: report.results.map((r) => ({
          key: r.key,
          name: r.name,
          value: r.value === null ? "—" : formatValue(r.target, r.value),
          target: r.target.text,
          status: r.status,
          coverage: r.coverage,
          how: r.how[options.lang],
        })),
      },
    ];
  });
}

function incidentRow(i: StoredIncident, config: Config, now: Date): IncidentRow {
  const judged = judgeResponse(i, config.incidents.sla, now);
  return {
    id: i.id,
    category: i.category,
    priority: i.priority,
    title: i.title,
    start: i.startedAt,
    responseMinutes: judged.responseMs === undefined ? null : judged.responseMs / 60_000,
    resolutionMinutes: judged.resolutionMs === undefined ? null : judged.resolutionMs / 60_000,
    withinSla: judged.verdict,
  };
}

function faultSummary(
  incidents: readonly StoredIncident[],
  config: Config,
  from: number,
  to: number,
  now: Date,
  calendar: SqliteStore["calendar"],
): FaultSummary {
  const rows = incidents.map((i) => incidentRow(i, config, now));
  // The buckets' edges are the SLA bounds (P1 15 min, P2 30 min, P3 2 h, P4 8 h by default), so
  // the chart reads against the SLA: a bar is the faults answered within that priority's bound.
  const edges = new Map<number, string>();
  for (const [priority, ms] of Object.entries(config.incidents.sla.response))
    if (!edges.has(ms as number)) edges.set(ms as number, priority);
  const buckets: FaultSummary["responseDistribution"] = [...edges.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([ms, priority]) => ({ maxMinutes: ms / 60_000, priority, count: 0 }));
  buckets.push({ maxMinutes: Infinity, count: 0 }, { maxMinutes: null, count: 0 });
  for (const r of rows) {
    const bucket =
      r.responseMinutes === null
        ? buckets[buckets.length - 1]
        : buckets.find((b) => b.maxMinutes !== null && (r.responseMinutes as number) <= b.maxMinutes);
    if (bucket !== undefined) bucket.count += 1;
  }
  const days = daysOf(from, to, calendar);
  const perDay = new Map(days.map((d) => [d.start, 0]));
  for (const i of incidents) {
    const day = calendar.dayStart(Math.floor(i.startedAt.getTime() / 1000));
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const byCategory = timeliness(
    incidents,
    config.incidents.sla,
    new Date(from * 1000),
    new Date(to * 1000),
    now,
  )
    .filter((t) => t.incidents > 0)
    .map((t) => ({
      category: t.category,
      count: t.incidents,
      within: t.within,
      late: t.late,
      pending: t.pending,
      share: t.share,
      timely: t.timely,
    }));
  const duration = (r: IncidentRow) => r.resolutionMinutes ?? (now.getTime() - r.start.getTime()) / 60_000;
  return {
    total: incidents.length,
    byCategory,
    responseDistribution: buckets,
    daily: days.map((d) => ({ day: d.day, value: perDay.get(d.start) ?? 0 })),
    longest: [...rows].sort((a, b) => duration(b) - duration(a)).slice(0, 5),
  };
}

function maintenanceRows(
  config: Config,
  figures: Figures,
  span: { from: number; to: number },
): MaintenanceRow[] {
  const fmt = new Intl.DateTimeFormat("sv-SE", {
    timeZone: config.timezone,
    dateStyle: "short",
    timeStyle: "short",
  });
  const describe = (w: MaintenanceWindowSpec): string =>
    w.cron !== undefined
      ? labels("zh").cronWindow(w.cron, Math.round((w.durationMs ?? 0) / 60_000))
      : `${fmt.format(w.start as Date)} – ${fmt.format(w.end as Date)}`;
  return figures.maintenanceWindows({ span }).map(({ window: w, source }) => ({
    name: w.name,
    when: describe(w),
    applications: w.applications?.join(", ") ?? "全部应用 all",
    source,
  }));
}
