/**
 * The report laid out as sections of blocks (headings, paragraphs, key figures, tables, charts),
 * shared by every renderer, so the HTML, Markdown and DOCX files print the same figures in the
 * same order. Output is plain text: each renderer escapes it for its format. The words live in
 * labels.ts, the number and time formats in format.ts; the block shapes in blocks.ts, the
 * summary, availability, machine-room and video-conference sections in text-platforms.ts; the
 * faults, maintenance, records and rules sections here.
 */
import { distributionChart } from "./charts/index.js";
import { formatDateTime, formatRatio } from "./format.js";
import { labels, periodCaption, type Labels } from "./labels.js";
import type { MonthlyReport } from "./model.js";
import { cell, num, table, type Block, type ReportSection } from "./blocks.js";
import { incidentTable } from "./text-incidents.js";
import {
  availabilitySection,
  machineRoomSection,
  summarySection,
  videoconfSection,
} from "./text-platforms.js";

export * from "./blocks.js";
export * from "./format.js";
export * from "./labels.js";

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

/**
 * Sections already laid out, per report: writeMonthlyReport renders one report in three formats,
 * and a year-scale month (thousands of outage rows, a chart per application) takes a while to lay
 * out. Reports are not changed once built, and the renderers only read the sections.
 */
const laidOut = new WeakMap<MonthlyReport, ReportSection[]>();

/** The report's sections in the order: summary, availability, machine room, video conference, faults, maintenance, records, rules. */
export function reportSections(report: MonthlyReport): ReportSection[] {
  let sections = laidOut.get(report);
  if (sections === undefined) laidOut.set(report, (sections = layOut(report)));
  return sections;
}

function layOut(report: MonthlyReport): ReportSection[] {
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
