/**
 * The report laid out as sections of blocks (headings, paragraphs, key figures, tables, charts),
 * shared by every renderer, so the HTML, Markdown and DOCX files print the same figures in the
 * same order. Output is plain text: each renderer escapes it for its format. The words live in
 * labels.ts, the number and time formats in format.ts.
 */
import type { KpiStatus } from "../kpi/evaluate.js";
import { parseTargetValue } from "../form/value.js";
import { countChart, distributionChart, ratioChart, type Scene } from "./charts/index.js";
import { formatBudget, formatDateTime, formatMinutes, formatNumber, formatRatio } from "./format.js";
import { labels, periodCaption, type Labels } from "./labels.js";
import type { DailyPoint, IncidentRow, MonthlyReport } from "./model.js";

export * from "./format.js";
export * from "./labels.js";
// ───────────────────────── the report as blocks ─────────────────────────
// Every renderer prints the same blocks (headings, paragraphs, key figures, tables, charts) in
// the same order, so the three files cannot drift apart: HTML draws the charts as SVG, the DOCX as
// PNG next to the chart's numbers, Markdown prints the numbers instead of the chart.

/** A cell's colour: a KPI status, or good/bad for verdicts such as within SLA. */
export type Tone = KpiStatus | "good" | "bad" | "warn";

export interface Cell {
  text: string;
  tone?: Tone;
  /** Numbers are right-aligned. */
  numeric?: boolean;
}

export interface TableBlock {
  kind: "table";
  /** Optional grouping row above the headers: spans must add up to the header count. */
  groups?: { text: string; span: number }[];
  headers: string[];
  /** Which header columns are numeric (right-aligned). */
  numeric?: boolean[];
  rows: Cell[][];
  /** Printed instead of an empty table. */
  empty: string;
}

export interface ChartItem {
  caption: string;
  scene: Scene;
}

export type Block =
  | { kind: "heading"; level: 2 | 3; text: string; id?: string }
  | { kind: "paragraph"; text: string; note?: boolean }
  | { kind: "figures"; items: { label: string; value: string; tone?: Tone }[] }
  | TableBlock
  /** Charts and the table of the numbers they draw (Markdown prints the table only). */
  | { kind: "charts"; charts: ChartItem[]; data: TableBlock };

export interface ReportSection {
  id: string;
  title: string;
  blocks: Block[];
}

const cell = (text: string, tone?: Tone): Cell => (tone === undefined ? { text } : { text, tone });
const num = (text: string, tone?: Tone): Cell => ({ ...cell(text, tone), numeric: true });

function table(
  headers: string[],
  rows: Cell[][],
  empty: string,
  numeric?: boolean[],
  groups?: { text: string; span: number }[],
): TableBlock {
  return {
    kind: "table",
    headers,
    rows,
    empty,
    ...(numeric === undefined ? {} : { numeric }),
    ...(groups === undefined ? {} : { groups }),
  };
}

/** The ratio a summary row's target sets ("≥95%" → 0.95), for chart target lines. */
export function ratioTarget(report: MonthlyReport, key: string, fallback: number): number {
  const row = report.summary[0]?.rows.find((r) => r.key === key);
  const parsed = row === undefined ? undefined : parseTargetValue(row.target);
  return parsed !== undefined && !("error" in parsed) && parsed.kind === "number" && parsed.unit === "%"
    ? parsed.value
    : fallback;
}

function percentLabel(ratio: number): string {
  return `≥${Math.round(ratio * 10000) / 100}%`;
}

/** The one-page summary: each indicator's value, target and status for the month, the half-year and the year. */
function summarySection(report: MonthlyReport, t: Labels): ReportSection {
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

function dailyTable(
  t: Labels,
  series: { header: string; points: readonly DailyPoint[]; format: (v: number) => string }[],
): TableBlock {
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.day)))].sort();
  const rows = days.map((day) => [
    cell(day),
    ...series.map((s) => {
      const v = s.points.find((p) => p.day === day)?.value ?? null;
      return num(v === null ? t.noData : s.format(v));
    }),
  ]);
  return table([t.day, ...series.map((s) => s.header)], rows, t.none, [false, ...series.map(() => true)]);
}

function availabilitySection(report: MonthlyReport, t: Labels): ReportSection {
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

function toneOf(tone: Tone | undefined): { tone?: Tone } {
  return tone === undefined ? {} : { tone };
}

function machineRoomSection(report: MonthlyReport, t: Labels): ReportSection {
  const m = report.machineRoom;
  const avTarget = ratioTarget(report, "antivirus_coverage", 0.95);
  const vmTone: Tone = m.vmCount === null ? "no_data" : m.vmCount === m.vmExpected ? "good" : "bad";
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
            label: `${t.vmCount}（${t.vmExpected} ${m.vmExpected}）`,
            value: m.vmCount === null ? t.noData : String(m.vmCount),
            tone: vmTone,
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
          {
            caption: t.vmCountChart(m.vmExpected),
            scene: countChart(m.vmCountDaily, {
              title: t.vmCountChart(m.vmExpected),
              expected: m.vmExpected,
              expectedLabel: `=${m.vmExpected}`,
              noDataLabel: t.status.no_data,
            }),
          },
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
        m.unprotected.map((u) => [cell(u.name), cell(u.system ?? ""), cell(u.reason ?? "")]),
        t.none,
      ),
    ],
  };
}

function incidentTable(rows: readonly IncidentRow[], report: MonthlyReport, t: Labels): TableBlock {
  const { lang, timeZone } = report;
  return table(
    [t.id, t.category, t.priority, t.titleHeader, t.start, t.response, t.resolution, t.withinSla],
    rows.map((i) => [
      num(`#${i.id}`),
      cell(i.category),
      cell(i.priority),
      cell(i.title),
      cell(formatDateTime(i.start, timeZone)),
      num(formatMinutes(i.responseMinutes, lang)),
      num(formatMinutes(i.resolutionMinutes, lang)),
      cell(t.sla[i.withinSla], i.withinSla === "within" ? "good" : i.withinSla === "late" ? "bad" : "warn"),
    ]),
    t.none,
    [true, false, false, false, false, true, true, false],
  );
}

function videoconfSection(report: MonthlyReport, t: Labels): ReportSection {
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

function faultsSection(report: MonthlyReport, t: Labels): ReportSection {
  const f = report.faults;
  const answered = f.responseDistribution.reduce((s, b) => s + b.count, 0);
  return {
    id: "faults",
    title: t.sections.faults,
    blocks: [
      { kind: "figures", items: [{ label: t.faultTotal, value: String(f.total) }] },
      { kind: "heading", level: 3, text: t.byCategory },
      table(
        [t.category, t.count, t.within, t.late, t.pending, t.share, t.timely],
        f.byCategory.map((c) => [
          cell(c.category),
          num(String(c.count)),
          num(String(c.within)),
          num(String(c.late), c.late > 0 ? "bad" : undefined),
          num(String(c.pending), c.pending > 0 ? "warn" : undefined),
          num(formatRatio(c.share, 1)),
          cell(c.timely ? t.yes : t.no, c.timely ? "good" : "bad"),
        ]),
        t.none,
        [false, true, true, true, true, true, false],
      ),
      { kind: "heading", level: 3, text: t.responseDistribution },
      {
        kind: "charts",
        charts: [
          {
            caption: t.responseDistribution,
            scene: distributionChart(f.responseDistribution, { title: t.responseDistribution }),
          },
        ],
        data: table(
          [t.bucket, t.count, t.share],
          f.responseDistribution.map((b) => [
            cell(b.bucket),
            num(String(b.count)),
            num(answered === 0 ? t.noData : formatRatio(b.count / answered, 1)),
          ]),
          t.none,
          [false, true, true],
        ),
      },
      { kind: "heading", level: 3, text: t.longest },
      incidentTable(f.longest, report, t),
    ],
  };
}

function maintenanceSection(report: MonthlyReport, t: Labels): ReportSection {
  return {
    id: "maintenance",
    title: t.sections.maintenance,
    blocks: [
      table(
        [t.windowName, t.when, t.applications, t.source],
        report.maintenance.map((m) => [
          cell(m.name),
          cell(m.when),
          cell(m.applications),
          cell(m.source === "config" ? t.sourceConfig : t.sourceCli),
        ]),
        t.none,
      ),
    ],
  };
}

function recordsSection(report: MonthlyReport, t: Labels): ReportSection {
  return {
    id: "records",
    title: t.sections.records,
    blocks: [
      table(
        [t.indicator, t.day, t.value, t.recordedBy, t.note, t.corrects],
        report.records.map((r) => [
          cell(r.name),
          cell(r.day),
          num(r.value),
          cell(r.by),
          cell(r.note ?? ""),
          cell(r.corrects === undefined ? "" : `#${r.corrects}`),
        ]),
        t.none,
        [false, false, true, false, false, false],
      ),
    ],
  };
}

function rulesSection(report: MonthlyReport, t: Labels): ReportSection {
  const lang = report.lang;
  return {
    id: "rules",
    title: t.sections.rules,
    blocks: [
      { kind: "heading", level: 3, text: t.dataCoverage },
      { kind: "paragraph", text: t.coverageText(formatRatio(report.coverage)) },
      ...report.rules.flatMap((r): Block[] => [
        { kind: "heading", level: 3, text: r.title },
        { kind: "paragraph", text: r.text },
      ]),
      { kind: "heading", level: 3, text: t.indicatorHow },
      table(
        [t.indicator, t.statusHeader, t.coverage, t.how],
        report.summary.flatMap((p) =>
          p.rows.map((r) => [
            cell(`${r.name}（${periodCaption(p, lang)}）`),
            cell(t.status[r.status], r.status),
            num(formatRatio(r.coverage, 1)),
            cell(r.how),
          ]),
        ),
        t.none,
        [false, false, true, false],
      ),
    ],
  };
}

/** The report's sections in the order: summary, availability, machine room, video conference, faults, maintenance, records, rules. */
export function reportSections(report: MonthlyReport): ReportSection[] {
  const t = labels(report.lang);
  return [
    summarySection(report, t),
    availabilitySection(report, t),
    machineRoomSection(report, t),
    videoconfSection(report, t),
    faultsSection(report, t),
    maintenanceSection(report, t),
    recordsSection(report, t),
    rulesSection(report, t),
  ];
}

/** The footer line: generation time, site, coverage. */
export function footerText(report: MonthlyReport): string {
  const t = labels(report.lang);
  return [
    `${t.generatedAt} ${formatDateTime(report.generatedAt, report.timeZone)} (${report.timeZone})`,
    `${t.site} ${report.site}`,
    `${t.dataCoverage} ${formatRatio(report.coverage)}`,
  ].join(" · ");
}
