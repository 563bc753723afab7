/**
 * The report's sections on the platforms and the machine room: 二、各平台运行情况 (one table of
 * the systems by their Chinese names, one chart of their daily availability against the target),
 * 三、机房与虚拟化资源, 四、网络安全（无代理杀毒） and 五、视频会议.
 */
import { countChart, multiRatioChart, ratioChart, SERIES_COLOURS } from "./charts/index.js";
import {
  formatDateTimeWithOffset,
  formatMinutes,
  formatNumber,
  formatPointChange,
  formatRatio,
} from "./format.js";
import type { Labels } from "./labels.js";
import type { MonthlyReport } from "./model.js";
import {
  cell,
  num,
  percentLabel,
  ratioTarget,
  table,
  type Block,
  type ReportSection,
  type Tone,
} from "./blocks.js";
import { incidentTable } from "./text-incidents.js";
import { withNotes } from "./text-overview.js";

export function platformsSection(report: MonthlyReport, t: Labels): ReportSection {
  const { lang } = report;
  const a = report.availability;
  const target = ratioTarget(report, "availability", 0.95);
  const tone = (v: number | null): Tone | undefined =>
    v === null ? "no_data" : v >= target - 1e-9 ? "good" : "bad";
  const blocks: Block[] = [
    table(
      [t.system, t.availability, t.downTime, t.maintenanceTime, t.longestOutage, t.outageCount, t.change],
      a.applications.map((r) => [
        cell(r.name),
        num(r.month === null ? t.noData : formatRatio(r.month), tone(r.month)),
        num(formatMinutes(r.downMinutes, lang)),
        num(formatMinutes(r.maintenanceMinutes, lang)),
        num(r.longestOutageMinutes === null ? t.none : formatMinutes(r.longestOutageMinutes, lang)),
        num(String(r.outageCount)),
        num(formatPointChange(r.month, r.previousMonth, lang)),
      ]),
      t.none,
      [false, true, true, true, true, true, true],
    ),
    {
      kind: "charts",
      charts: [
        {
          caption: t.dailyAvailabilityChart,
          legend: a.applications.map((r, i) => ({
            name: r.name,
            colour: SERIES_COLOURS[i % SERIES_COLOURS.length] as string,
          })),
          scene: multiRatioChart(
            a.applications.map((r) => ({ name: r.name, points: r.daily })),
            {
              title: t.dailyAvailabilityChart,
              target,
              targetLabel: percentLabel(target),
              noDataLabel: t.noData,
            },
          ),
        },
      ],
    },
  ];
  return { id: "platforms", title: t.sections.platforms, blocks: withNotes(report, "platforms", blocks, t) };
}

export function machineRoomSection(report: MonthlyReport, t: Labels): ReportSection {
  const m = report.machineRoom;
  const zh = report.lang === "zh";
  const states = m.powerStates;
  const text = zh
    ? m.vmCount === null
      ? "本月无虚拟化平台清点数据。"
      : `月末在管虚拟机 ${m.vmCount} 台（目标 ${m.vmExpected ?? t.noData} 台）` +
        (states === null
          ? ""
          : `，其中运行 ${states.on} 台、关机 ${states.off} 台、挂起 ${states.suspended} 台`) +
        `；本月虚拟机变更 ${m.changes.length} 次。`
    : `VMs in scope at the month's end: ${m.vmCount ?? t.noData} (expected ${m.vmExpected ?? t.noData}); ${m.changes.length} inventory changes.`;
  const expected = m.vmExpected;
  const blocks: Block[] = [
    { kind: "paragraph", text },
    ...(expected === null
      ? []
      : [
          {
            kind: "charts" as const,
            charts: [
              {
                caption: t.vmCountChart(expected),
                scene: countChart(m.vmCountDaily, {
                  title: t.vmCountChart(expected),
                  expected,
                  expectedLabel: `=${expected}`,
                  noDataLabel: t.noData,
                }),
              },
            ],
          },
        ]),
    { kind: "heading", level: 3, text: t.inventoryChanges },
    table(
      [t.time, t.kind, t.vm, t.detail],
      m.changes.map((c) => [
        cell(formatDateTimeWithOffset(c.at, report.timeZone)),
        cell(t.changeKind(c.kind)),
        cell(c.vm),
        cell(c.detail === undefined ? "" : c.detail.replace(/[A-Z_]{6,}/g, (s) => t.powerState(s))),
      ]),
      t.none,
    ),
  ];
  return {
    id: "machine-room",
    title: t.sections.machineRoom,
    blocks: withNotes(report, "machine-room", blocks, t),
  };
}

export function securitySection(report: MonthlyReport, t: Labels): ReportSection {
  const m = report.machineRoom;
  const avTarget = ratioTarget(report, "antivirus_coverage", 0.95);
  const zh = report.lang === "zh";
  const text = zh
    ? m.antivirusCoverage === null
      ? "本月无无代理杀毒覆盖率数据。"
      : `运行虚拟机无代理杀毒覆盖率本月平均 ${formatRatio(m.antivirusCoverage)}（目标 ${percentLabel(avTarget)}），` +
        `环比${formatPointChange(m.antivirusCoverage, report.previous.antivirusCoverage, "zh")}；` +
        (m.unprotected.length === 0
          ? "本月无未受保护的运行虚拟机。"
          : `未受保护的运行虚拟机 ${m.unprotected.length} 台，见下表。`)
    : `Agentless antivirus coverage of running VMs: ${formatRatio(m.antivirusCoverage)} (target ${percentLabel(avTarget)}); ${m.unprotected.length} unprotected.`;
  const blocks: Block[] = [
    { kind: "paragraph", text },
    {
      kind: "charts",
      charts: [
        {
          caption: t.antivirusChart,
          scene: ratioChart(m.antivirusDaily, {
            title: t.antivirusChart,
            target: avTarget,
            targetLabel: percentLabel(avTarget),
            noDataLabel: t.noData,
          }),
        },
      ],
    },
    { kind: "heading", level: 3, text: t.unprotected },
    table(
      [t.vm, t.system, t.cause],
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
  ];
  return { id: "security", title: t.sections.security, blocks: withNotes(report, "security", blocks, t) };
}

export function videoconfSection(report: MonthlyReport, t: Labels): ReportSection {
  const v = report.videoconf;
  const blocks: Block[] = [
    { kind: "heading", level: 3, text: t.videoconfSystems },
    table(
      [t.system, t.healthy, t.degraded, t.down, t.endpointsOnline],
      v.systems.map((s) => [
        cell(s.system),
        num(formatRatio(s.healthy)),
        num(formatRatio(s.degraded), s.degraded > 0 ? "warn" : undefined),
        num(formatRatio(s.down), s.down > 0 ? "bad" : undefined),
        num(s.endpointsOnline === null ? t.noData : formatRatio(s.endpointsOnline)),
      ]),
      t.none,
      [false, true, true, true, true],
    ),
    { kind: "heading", level: 3, text: t.videoconfMcus },
    table(
      [t.system, t.mcu, t.sipUp, t.meanRtt],
      v.systems.flatMap((s) =>
        s.mcus.map((m) => [
          cell(s.system),
          cell(m.name),
          num(m.sipUp === null ? t.noData : formatRatio(m.sipUp)),
          num(m.meanRttMs === null ? t.noData : `${formatNumber(m.meanRttMs, 1)} ms`),
        ]),
      ),
      t.none,
      [false, false, true, true],
    ),
    { kind: "heading", level: 3, text: t.videoconfIncidents },
    incidentTable(v.incidents, report, t),
  ];
  return { id: "videoconf", title: t.sections.videoconf, blocks: withNotes(report, "videoconf", blocks, t) };
}
