/**
 * The report's sections on the platforms and the machine room: the one-page summary, the
 * applications' availability (a chart per application, the outages), the machine room (VM count,
 * antivirus coverage, inventory changes) and the video-conference systems.
 */
import { countChart, ratioChart } from "./charts/index.js";
import { formatBudget, formatDateTime, formatMinutes, formatNumber, formatRatio } from "./format.js";
import { periodCaption, type Labels } from "./labels.js";
import type { MonthlyReport } from "./model.js";
import {
  cell,
  dailyTable,
  num,
  percentLabel,
  ratioTarget,
  table,
  toneOf,
  type ReportSection,
  type Tone,
} from "./blocks.js";
import { incidentTable } from "./text-incidents.js";

/** The one-page summary: each indicator's value, target and status for the month, the half-year and the year. */
export function summarySection(report: MonthlyReport, t: Labels): ReportSection {
  const lang = report.lang;
  const keys: { key: string; name: string }[] = [];
  for (const p of report.summary)
    for (const r of p.rows) if (!keys.some((k) => k.key === r.key)) keys.push({ key: r.key, name: r.name });
  const rows = keys.map(({ key, name }) => [
    cell(name),
    ...report.summary.flatMap((p) => {
      const r = p.rows.find((x) => x.key === key);
      if (r === undefined) return [cell(t.noData), cell(t.noData), cell(t.status.no_data, "no_data")];
      return [num(r.value, r.status), cell(r.target), cell(t.status[r.status], r.status)];
    }),
  ]);
  const headers = [t.indicator, ...report.summary.flatMap(() => [t.value, t.target, t.statusHeader])];
  const groups = [
    { text: "", span: 1 },
    ...report.summary.map((p) => ({ text: periodCaption(p, lang), span: 3 })),
  ];
  const numeric = [false, ...report.summary.flatMap(() => [true, false, false])];
  return {
    id: "summary",
    title: t.sections.summary,
    blocks: [
      {
        kind: "figures",
        items: [
          { label: t.overallMonth, value: formatRatio(report.availability.overallMonth) },
          {
            label: t.vmCount,
            value: report.machineRoom.vmCount === null ? t.noData : String(report.machineRoom.vmCount),
          },
          { label: t.antivirusCoverage, value: formatRatio(report.machineRoom.antivirusCoverage) },
          { label: t.faultTotal, value: String(report.faults.total) },
          { label: t.dataCoverage, value: formatRatio(report.coverage) },
        ],
      },
      table(headers, rows, t.none, numeric, groups),
      { kind: "paragraph", text: t.summaryNote, note: true },
    ],
  };
}

export function availabilitySection(report: MonthlyReport, t: Labels): ReportSection {
  const { lang, timeZone } = report;
  const a = report.availability;
  const target = ratioTarget(report, "availability", 0.95);
  const tone = (v: number | null): Tone | undefined =>
    v === null ? "no_data" : v >= target - 1e-9 ? "good" : "bad";
  return {
    id: "availability",
    title: t.sections.availability,
    blocks: [
      {
        kind: "figures",
        items: [
          { label: t.overallMonth, value: formatRatio(a.overallMonth), ...toneOf(tone(a.overallMonth)) },
          {
            label: t.overallYearToDate,
            value: formatRatio(a.overallYearToDate),
            ...toneOf(tone(a.overallYearToDate)),
          },
        ],
      },
      table(
        [t.application, t.month, t.monthCoverage, t.yearToDate, t.budgetLeft],
        a.applications.map((r) => [
          cell(r.application),
          num(formatRatio(r.month), tone(r.month)),
          num(formatRatio(r.monthCoverage)),
          num(formatRatio(r.yearToDate), tone(r.yearToDate)),
          num(
            formatBudget(r.budgetLeftMinutes, lang),
            r.budgetLeftMinutes === null ? "no_data" : r.budgetLeftMinutes < 0 ? "bad" : undefined,
          ),
        ]),
        t.none,
        [false, true, true, true, true],
      ),
      {
        kind: "charts",
        charts: a.applications.map((r) => ({
          caption: t.dailyAvailability(r.application),
          scene: ratioChart(r.daily, {
            title: t.dailyAvailability(r.application),
            target,
            targetLabel: percentLabel(target),
            noDataLabel: t.status.no_data,
          }),
        })),
        data: dailyTable(
          t,
          a.applications.map((r) => ({
            header: r.application,
            points: r.daily,
            format: (v) => formatRatio(v),
          })),
        ),
      },
      { kind: "heading", level: 3, text: t.outages },
      table(
        [t.application, t.start, t.duration, t.reason],
        a.outages.map((o) => [
          cell(o.application),
          cell(formatDateTime(o.start, timeZone)),
          num(formatMinutes(o.durationMinutes, lang)),
          cell(o.detail === undefined ? o.reason : `${o.reason}: ${o.detail}`),
        ]),
        t.none,
        [false, false, true, false],
      ),
    ],
  };
}

export function machineRoomSection(report: MonthlyReport, t: Labels): ReportSection {
  const m = report.machineRoom;
  const avTarget = ratioTarget(report, "antivirus_coverage", 0.95);
  const vmTone: Tone =
    m.vmCount === null || m.vmExpected === null ? "no_data" : m.vmCount === m.vmExpected ? "good" : "bad";
  const expected = m.vmExpected;
  const avTone: Tone =
    m.antivirusCoverage === null ? "no_data" : m.antivirusCoverage >= avTarget - 1e-9 ? "good" : "bad";
  return {
    id: "machine-room",
    title: t.sections.machineRoom,
    blocks: [
      {
        kind: "figures",
        items: [
          {
            label: `${t.vmCount}（${t.vmExpected} ${m.vmExpected ?? "—"}）`,
            value: m.vmCount === null ? t.noData : String(m.vmCount),
            tone: vmTone,
          },
          {
            label: t.powerStates,
            value:
              m.powerStates === null
                ? t.noData
                : `${m.powerStates.on} / ${m.powerStates.off} / ${m.powerStates.suspended}`,
            ...(m.powerStates === null ? { tone: "no_data" as const } : {}),
          },
          { label: t.antivirusCoverage, value: formatRatio(m.antivirusCoverage), tone: avTone },
          {
            label: t.unprotected,
            value: String(m.unprotected.length),
            tone: m.unprotected.length > 0 ? "bad" : "good",
          },
        ],
      },
      {
        kind: "charts",
        charts: [
          // Without a target (no vms_expected series, no vm_count row in the targets file) there
          // is no line to draw the count against: the daily table below still lists it.
          ...(expected === null
            ? []
            : [
                {
                  caption: t.vmCountChart(expected),
                  scene: countChart(m.vmCountDaily, {
                    title: t.vmCountChart(expected),
                    expected,
                    expectedLabel: `=${expected}`,
                    noDataLabel: t.status.no_data,
                  }),
                },
              ]),
          {
            caption: t.antivirusChart,
            scene: ratioChart(m.antivirusDaily, {
              title: t.antivirusChart,
              target: avTarget,
              targetLabel: percentLabel(avTarget),
              noDataLabel: t.status.no_data,
            }),
          },
        ],
        data: dailyTable(t, [
          { header: t.vmCount, points: m.vmCountDaily, format: (v) => formatNumber(v, 0) },
          { header: t.antivirusCoverage, points: m.antivirusDaily, format: (v) => formatRatio(v) },
        ]),
      },
      { kind: "heading", level: 3, text: t.inventoryChanges },
      table(
        [t.time, t.kind, t.vm, t.detail],
        m.changes.map((c) => [
          cell(formatDateTime(c.at, report.timeZone)),
          cell(c.kind),
          cell(c.vm),
          cell(c.detail ?? ""),
        ]),
        t.none,
      ),
      { kind: "heading", level: 3, text: t.unprotected },
      table(
        [t.vm, t.system, t.reason],
        m.unprotected.map((u) => [
          // Same-named VMs (clones) are told apart by their id.
          cell(
            u.id !== undefined && m.unprotected.some((o) => o !== u && o.name === u.name)
              ? `${u.name} (${u.id})`
              : u.name,
          ),
          cell(u.system ?? ""),
          cell(u.reason === undefined ? "" : t.unprotectedReason(u.reason)),
        ]),
        t.none,
      ),
    ],
  };
}

export function videoconfSection(report: MonthlyReport, t: Labels): ReportSection {
  const v = report.videoconf;
  return {
    id: "videoconf",
    title: t.sections.videoconf,
    blocks: [
      { kind: "heading", level: 3, text: t.videoconfSystems },
      table(
        [t.system, t.healthy, t.degraded, t.down, t.endpointsOnline],
        v.systems.map((s) => [
          cell(s.system),
          num(formatRatio(s.healthy)),
          num(formatRatio(s.degraded), s.degraded > 0 ? "warn" : undefined),
          num(formatRatio(s.down), s.down > 0 ? "bad" : undefined),
          num(formatRatio(s.endpointsOnline)),
        ]),
        t.none,
        [false, true, true, true, true],
      ),
      table(
        [t.system, t.mcu, t.sipUp, t.meanRtt],
        v.systems.flatMap((s) =>
          s.mcus.map((m) => [
            cell(s.system),
            cell(m.name),
            num(formatRatio(m.sipUp)),
            num(m.meanRttMs === null ? t.noData : `${formatNumber(m.meanRttMs, 1)} ms`),
          ]),
        ),
        t.none,
        [false, false, true, true],
      ),
      { kind: "heading", level: 3, text: t.videoconfIncidents },
      incidentTable(v.incidents, report, t),
    ],
  };
}
