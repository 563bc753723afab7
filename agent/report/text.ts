/**
 * The report laid out as sections of blocks (headings, paragraphs, tables, charts), shared by
 * every renderer, so the HTML, Markdown and DOCX files print the same figures in the same order:
 * the eight sections of a 月度运营报告 (一 总体运行情况 … 八 下月工作计划), the sign-off
 * (编制、审核、日期), then the appendix (indicators for three periods, outages, maintenance
 * windows, manual records, rules). Output is plain text: each renderer escapes it for its format.
 * The words live in labels.ts, the number and time formats in format.ts; sections 一 七 八 in
 * text-overview.ts, 二 to 五 in text-platforms.ts; 六 and the appendix here.
 */
import { barChart, PALETTE } from "./charts/index.js";
import { formatDateTimeWithOffset, formatMinutes, formatRatio } from "./format.js";
import { labels, periodCaption, type Labels } from "./labels.js";
import type { MonthlyReport } from "./model.js";
import { cell, num, table, type Block, type ReportSection } from "./blocks.js";
import { incidentTable } from "./text-incidents.js";
import { overviewSection, planSection, problemsSection, withNotes } from "./text-overview.js";
import { machineRoomSection, platformsSection, securitySection, videoconfSection } from "./text-platforms.js";

export * from "./blocks.js";
export * from "./format.js";
export * from "./labels.js";

/** The DOCX keeps this many outage rows in the appendix (the longest); HTML and Markdown keep all. */
export const OUTAGE_ROWS_IN_PRINT = 15;

/** A response bucket as the chart's axis prints it: "≤15min", "≤2h", ">8h", "-" for the unanswered. */
function chartBucket(maxMinutes: number | null, longestBound: number): string {
  const span = (m: number) => (m >= 60 && m % 60 === 0 ? `${m / 60}h` : `${m}min`);
  if (maxMinutes === null) return "-";
  if (maxMinutes === Infinity) return `>${span(longestBound)}`;
  return `≤${span(maxMinutes)}`;
}

function faultsSection(report: MonthlyReport, t: Labels): ReportSection {
  const f = report.faults;
  const total = f.responseDistribution.reduce((s, b) => s + b.count, 0);
  const within = (maxMinutes: number | null) => maxMinutes !== null && maxMinutes !== Infinity;
  const longestBound = Math.max(
    0,
    ...f.responseDistribution.flatMap((b) => (within(b.maxMinutes) ? [b.maxMinutes as number] : [])),
  );
  const blocks: Block[] = [
    { kind: "heading", level: 3, text: t.byCategory },
    table(
      [t.categoryHeader, t.count, t.within, t.late, t.pending, t.withinShare, t.verdict],
      f.byCategory.map((c) => [
        cell(t.category(c.category)),
        num(String(c.count)),
        num(String(c.within)),
        num(String(c.late), c.late > 0 ? "bad" : undefined),
        num(String(c.pending), c.pending > 0 ? "warn" : undefined),
        num(formatRatio(c.share, 1)),
        cell(t.timelyVerdict(c.timely), c.timely ? "good" : "bad"),
      ]),
      t.none,
      [false, true, true, true, true, true, false],
    ),
    {
      kind: "charts",
      charts: [
        {
          caption: t.incidentsPerDayChart,
          scene: barChart(
            f.daily.map((d) => ({ label: d.day, value: d.value ?? 0 })),
            { title: t.incidentsPerDayChart, dayAxis: true },
          ),
        },
        {
          caption: t.responseChart,
          scene: barChart(
            f.responseDistribution.map((b) => ({
              // Digits and ≤ > min h only: the DOCX's PNG fallback draws these; the words are in the table below.
              label: chartBucket(b.maxMinutes, longestBound),
              value: b.count,
              caption: total === 0 ? String(b.count) : `${b.count} (${formatRatio(b.count / total, 0)})`,
              colour: within(b.maxMinutes) ? PALETTE.series : PALETTE.bad,
            })),
            { title: t.responseChart, labelZero: true },
          ),
        },
      ],
      data: table(
        [t.responseTime, t.count, t.shareOfFaults],
        f.responseDistribution.map((b) => [
          cell(t.bucket(b.maxMinutes, b.priority)),
          num(String(b.count)),
          num(total === 0 ? t.noData : formatRatio(b.count / total, 1)),
        ]),
        t.none,
        [false, true, true],
      ),
    },
    { kind: "heading", level: 3, text: t.longest },
    incidentTable(f.longest, report, t),
  ];
  return { id: "faults", title: t.sections.faults, blocks: withNotes(report, "faults", blocks, t) };
}

function summaryAppendix(report: MonthlyReport, t: Labels): ReportSection {
  const lang = report.lang;
  const keys: { key: string; name: string }[] = [];
  for (const p of report.summary)
    for (const r of p.rows) if (!keys.some((k) => k.key === r.key)) keys.push({ key: r.key, name: r.name });
  const rows = keys.map(({ key, name }) => [
    cell(name),
    ...report.summary.flatMap((p) => {
      const r = p.rows.find((x) => x.key === key);
      if (r === undefined) return [cell(t.noData), cell(t.noData), cell(t.status.no_data, "no_data")];
      return [
        num(r.value === "—" ? t.noData : r.value, r.status),
        cell(r.target),
        cell(t.status[r.status], r.status),
      ];
    }),
  ]);
  return {
    id: "summary",
    appendix: true,
    title: t.sections.summary,
    blocks: [
      table(
        [t.indicator, ...report.summary.flatMap(() => [t.value, t.target, t.verdict])],
        rows,
        t.none,
        [false, ...report.summary.flatMap(() => [true, false, false])],
        [{ text: "", span: 1 }, ...report.summary.map((p) => ({ text: periodCaption(p, lang), span: 3 }))],
      ),
    ],
  };
}

function outagesAppendix(report: MonthlyReport, t: Labels): ReportSection {
  const names = new Map(report.availability.applications.map((a) => [a.application, a.name]));
  const idTable = table(
    [t.system, t.systemId],
    report.availability.applications.map((a) => [cell(a.name), cell(a.application)]),
    t.none,
  );
  const outageTable = table(
    [t.system, t.start, t.duration, t.cause],
    report.availability.outages.map((o) => [
      cell(names.get(o.application) ?? o.application),
      cell(formatDateTimeWithOffset(o.start, report.timeZone)),
      num(formatMinutes(o.durationMinutes, report.lang)),
      cell(o.detail === undefined ? t.outageCause(o.reason) : `${t.outageCause(o.reason)}（${o.detail}）`),
    ]),
    t.none,
    [false, false, true, false],
  );
  return { id: "outages", appendix: true, title: t.sections.outages, blocks: [outageTable, idTable] };
}

function maintenanceAppendix(report: MonthlyReport, t: Labels): ReportSection {
  const names = new Map(report.availability.applications.map((a) => [a.application, a.name]));
  return {
    id: "maintenance",
    appendix: true,
    title: t.sections.maintenance,
    blocks: [
      table(
        [t.windowName, t.when, t.applications, t.source],
        report.maintenance.map((m) => [
          cell(m.name),
          cell(m.when),
          cell(
            m.applications === ""
              ? t.allApplications
              : m.applications
                  .split(", ")
                  .map((a) => names.get(a) ?? a)
                  .join("、"),
          ),
          cell(m.source === "config" ? t.sourceConfig : t.sourceCli),
        ]),
        t.none,
      ),
    ],
  };
}

function recordsAppendix(report: MonthlyReport, t: Labels): ReportSection {
  return {
    id: "records",
    appendix: true,
    title: t.sections.records,
    blocks: [
      table(
        [t.indicator, t.day, t.value, t.recordedBy, t.note],
        report.records.map((r) => [
          cell(r.name),
          cell(r.day),
          num(r.value),
          cell(r.by),
          cell(
            [r.note ?? "", r.corrects === undefined ? "" : t.correction(r.corrects, r.correctedValue)]
              .filter((x) => x !== "")
              .join("；"),
          ),
        ]),
        t.none,
        [false, false, true, false, false],
      ),
    ],
  };
}

function rulesAppendix(report: MonthlyReport, t: Labels): ReportSection {
  return {
    id: "rules",
    appendix: true,
    title: t.sections.rules,
    blocks: [
      {
        kind: "paragraph",
        text: `${t.coverageText(formatRatio(report.coverage))} ${t.site}：${report.site}。`,
      },
      ...report.rules.map((r): Block => ({ kind: "paragraph", text: `${r.title}：${r.text}` })),
    ],
  };
}

/**
 * Sections already laid out, per report: writeMonthlyReport renders one report in three formats.
 * Reports are not changed once built, and the renderers only read the sections.
 */
const laidOut = new WeakMap<MonthlyReport, ReportSection[]>();

/** The report's sections: 一 to 八, then the appendix (the sign-off goes between them). */
export function reportSections(report: MonthlyReport): ReportSection[] {
  let sections = laidOut.get(report);
  if (sections === undefined) laidOut.set(report, (sections = layOut(report)));
  return sections;
}

function layOut(report: MonthlyReport): ReportSection[] {
  const t = labels(report.lang);
  return [
    overviewSection(report, t),
    platformsSection(report, t),
    machineRoomSection(report, t),
    securitySection(report, t),
    videoconfSection(report, t),
    faultsSection(report, t),
    problemsSection(report, t),
    planSection(report, t),
    summaryAppendix(report, t),
    outagesAppendix(report, t),
    maintenanceAppendix(report, t),
    recordsAppendix(report, t),
    rulesAppendix(report, t),
  ];
}

/** The sign-off lines (编制、审核、日期), with room to sign. */
export function signOffBlock(report: MonthlyReport): Block {
  const t = labels(report.lang);
  return { kind: "signoff", items: [t.signOff.prepared, t.signOff.reviewed, t.signOff.date] };
}

/** The line under the title and in the page footer: the centre, the month, the generation time. */
export function footerText(report: MonthlyReport): string {
  const t = labels(report.lang);
  return [
    report.organisation,
    t.period(report),
    `${t.generatedAt} ${formatDateTimeWithOffset(report.generatedAt, report.timeZone)}`,
  ].join(" · ");
}
