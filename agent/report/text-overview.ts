/**
 * The sections a reader reads first and last: 一、总体运行情况 (a paragraph drafted from the
 * figures, with the 环比, and the headline table), 七、存在问题与整改措施 and 八、下月工作计划
 * (drafted from what the data shows), and the operators' notes (`ops-agent report note`) that add
 * to or replace the drafted text of any section. Only words here: every number comes from the
 * model, which took it from the read model (agent/figures/).
 */
import {
  formatCountChange,
  formatDateTimeWithOffset,
  formatMinutes,
  formatPointChange,
  formatRatio,
} from "./format.js";
import type { Labels } from "./labels.js";
import type { MonthlyReport, SummaryRow } from "./model.js";
import { cell, num, table, type Block, type ReportSection } from "./blocks.js";

const summaryRow = (report: MonthlyReport, key: string): SummaryRow | undefined =>
  report.summary[0]?.rows.find((r) => r.key === key);

/** The operators' notes of a section after (or, mode replace, instead of) the drafted blocks. */
export function withNotes(report: MonthlyReport, section: string, drafted: Block[], t: Labels): Block[] {
  const notes = report.notes.filter((n) => n.section === section);
  const replacing = notes.filter((n) => n.mode === "replace");
  const kept = replacing.length === 0 ? drafted : [];
  // The newest replacement stands in for the drafted text; the additions follow in order.
  const shown = [...replacing.slice(-1), ...notes.filter((n) => n.mode === "add")];
  return [
    ...kept,
    ...shown.flatMap((n): Block[] =>
      n.text.split(/\n\s*\n/).map((text, i, all) => ({
        kind: "paragraph" as const,
        text:
          i === all.length - 1
            ? `${text.trim()} ${t.operatorNote(n.author, formatDateTimeWithOffset(n.createdAt, report.timeZone))}`
            : text.trim(),
      })),
    ),
  ];
}

function overviewText(report: MonthlyReport, t: Labels): string {
  const zh = report.lang === "zh";
  const a = report.availability.overallMonth;
  const avRow = summaryRow(report, "availability");
  const m = report.machineRoom;
  const f = report.faults;
  const all = f.byCategory.find((c) => c.category === "all");
  const verdict = (row: SummaryRow | undefined) =>
    row === undefined ? t.status.no_data : t.status[row.status];
  const period = t.period(report);
  if (!zh) {
    return [
      `In ${period}, education application availability was ${formatRatio(a)} (target ${avRow?.target ?? "≥95%"}, ${verdict(avRow)}; ${formatPointChange(a, report.previous.overallMonth, "en")} on last month).`,
      `VMs in scope: ${m.vmCount ?? t.noData} (expected ${m.vmExpected ?? t.noData}); agentless antivirus coverage of running VMs ${formatRatio(m.antivirusCoverage)} (${formatPointChange(m.antivirusCoverage, report.previous.antivirusCoverage, "en")}).`,
      `${f.total} faults (${formatCountChange(f.total, report.previous.faultTotal, "en")} on last month)` +
        (all === undefined
          ? "."
          : `: ${all.within} timely, ${all.late} late, ${all.pending} pending; share timely ${formatRatio(all.share, 1)}, ${t.timelyVerdict(all.timely)}.`),
    ].join(" ");
  }
  const below = report.availability.applications.filter(
    (r) => r.month !== null && r.month < target(report) - 1e-9,
  );
  const steady =
    a === null
      ? ""
      : below.length === 0 && (all === undefined || all.timely)
        ? "总体运行平稳。"
        : "总体运行基本平稳。";
  const parts = [
    `${period}，中心机房、视频会议系统及各教育平台${steady === "" ? "的运行情况如下。" : steady}`,
    a === null
      ? "本月无教育应用可用率数据。"
      : `教育应用运行可用率为 ${formatRatio(a)}（目标 ${avRow?.target ?? "≥95%"}，${verdict(avRow)}），环比${changeWords(formatPointChange(a, report.previous.overallMonth, "zh"))}` +
        (below.length === 0
          ? `，${report.availability.applications.length} 个系统均达到目标。`
          : `；${below.map((r) => r.name).join("、")}低于目标。`),
    m.vmCount === null
      ? "本月无虚拟机清点数据；"
      : `在管虚拟机 ${m.vmCount} 台（目标 ${m.vmExpected ?? t.noData} 台${m.vmExpected !== null && m.vmCount !== m.vmExpected ? "，不符" : ""}），环比${changeWords(formatCountChange(m.vmCount, report.previous.vmCount, "zh"))}；`,
    m.antivirusCoverage === null
      ? "无代理杀毒覆盖率无数据。"
      : `运行虚拟机无代理杀毒覆盖率 ${formatRatio(m.antivirusCoverage)}（目标 ${summaryRow(report, "antivirus_coverage")?.target ?? "≥95%"}，${verdict(summaryRow(report, "antivirus_coverage"))}），环比${changeWords(formatPointChange(m.antivirusCoverage, report.previous.antivirusCoverage, "zh"))}。`,
    f.total === 0
      ? `本月未发生故障，环比${changeWords(formatCountChange(0, report.previous.faultTotal, "zh"))}。`
      : `本月共发生故障 ${f.total} 起（${f.byCategory
          .filter((c) => c.category !== "all")
          .map((c) => `${t.category(c.category)} ${c.count} 起`)
          .join("，")}），环比${changeWords(formatCountChange(f.total, report.previous.faultTotal, "zh"))}` +
        (all === undefined
          ? "。"
          : `；及时响应 ${all.within} 起、不及时 ${all.late} 起${all.pending > 0 ? `、待响应 ${all.pending} 起` : ""}，及时率 ${formatRatio(all.share, 1)}，判定为${t.timelyVerdict(all.timely)}。`),
  ];
  return parts.join("");
}

/** "持平" reads "环比持平"; a signed change reads "环比 +0.35个百分点"; 无数据 reads "环比无数据（上月无数据）". */
function changeWords(change: string): string {
  if (change === "持平") return "持平";
  if (change === "无数据") return "无法比较（上月无数据）";
  return ` ${change}`;
}

const target = (report: MonthlyReport): number => {
  const row = summaryRow(report, "availability");
  const match = row === undefined ? null : /(\d+(?:\.\d+)?)%/.exec(row.target);
  return match === null ? 0.95 : Number(match[1]) / 100;
};

export function overviewSection(report: MonthlyReport, t: Labels): ReportSection {
  const p = report.previous;
  const m = report.machineRoom;
  const f = report.faults;
  const all = f.byCategory.find((c) => c.category === "all");
  const verdictCell = (key: string) => {
    const row = summaryRow(report, key);
    return row === undefined ? cell(t.status.no_data, "no_data") : cell(t.status[row.status], row.status);
  };
  const targetText = (key: string, fallback: string) => summaryRow(report, key)?.target ?? fallback;
  const rows = [
    [
      cell(t.overallAvailability),
      num(formatRatio(report.availability.overallMonth)),
      num(formatRatio(p.overallMonth)),
      num(formatPointChange(report.availability.overallMonth, p.overallMonth, report.lang)),
      cell(targetText("availability", "≥95%")),
      verdictCell("availability"),
    ],
    [
      cell(t.vmCount),
      num(m.vmCount === null ? t.noData : String(m.vmCount)),
      num(p.vmCount === null ? t.noData : String(p.vmCount)),
      num(formatCountChange(m.vmCount, p.vmCount, report.lang)),
      cell(targetText("vm_count", m.vmExpected === null ? t.noData : `=${m.vmExpected}`)),
      verdictCell("vm_count"),
    ],
    [
      cell(t.antivirusCoverage),
      num(formatRatio(m.antivirusCoverage)),
      num(formatRatio(p.antivirusCoverage)),
      num(formatPointChange(m.antivirusCoverage, p.antivirusCoverage, report.lang)),
      cell(targetText("antivirus_coverage", "≥95%")),
      verdictCell("antivirus_coverage"),
    ],
    [
      cell(t.faultTotal),
      num(String(f.total)),
      num(p.faultTotal === null ? t.noData : String(p.faultTotal)),
      num(formatCountChange(f.total, p.faultTotal, report.lang)),
      cell("—"),
      cell(all === undefined ? t.none : `${t.withinShare} ${formatRatio(all.share, 1)}`),
    ],
    [
      cell(t.timeliness),
      num(all === undefined ? t.noData : formatRatio(all.share, 1)),
      num("—"),
      num("—"),
      cell(`≥${Math.round(report.timelyShare * 100)}%`),
      all === undefined
        ? cell(t.noData, "no_data")
        : cell(t.timelyVerdict(all.timely), all.timely ? "good" : "bad"),
    ],
  ];
  const blocks: Block[] = [
    { kind: "paragraph", text: overviewText(report, t) },
    ...(report.runningAsOf === null ? [] : [{ kind: "paragraph" as const, text: t.draftNote, note: true }]),
    table([t.indicator, t.thisMonth, t.lastMonth, t.change, t.target, t.verdict], rows, t.none, [
      false,
      true,
      true,
      true,
      false,
      false,
    ]),
  ];
  return { id: "overview", title: t.sections.overview, blocks: withNotes(report, "overview", blocks, t) };
}

const REMEDY_ZH: Readonly<Record<string, string>> = {
  status: "核查应用服务与上游网关日志，修复返回异常状态码的问题",
  timeout: "排查应用与数据库的性能瓶颈，必要时扩容或优化资源配置",
  latency: "排查响应变慢的原因，优化资源配置",
  connect: "检查服务进程、负载均衡与网络连通性，完善进程守护与自动拉起",
  dns: "核查域名解析配置",
  tls: "更新或修复证书配置，建立证书到期提醒",
  assertion: "核查页面或接口内容异常的原因",
};

/** What the data shows needs attention, each with its remedy (七); empty when nothing does. */
function problems(report: MonthlyReport, t: Labels): { problem: string; remedy: string }[] {
  const out: { problem: string; remedy: string }[] = [];
  const goal = target(report);
  const zh = report.lang === "zh";
  for (const app of report.availability.applications) {
    const missed = app.month !== null && app.month < goal - 1e-9;
    const repeated = app.outageCount >= 3;
    if (!missed && !repeated) continue;
    const causes = [
      ...new Set(
        report.availability.outages.filter((o) => o.application === app.application).map((o) => o.reason),
      ),
    ];
    const causeText = causes.map((c) => t.outageCause(c)).join("、");
    out.push(
      zh
        ? {
            problem:
              `${app.name}本月可用率 ${formatRatio(app.month)}${missed ? `，低于 ${formatRatio(goal, 0)} 目标` : ""}；` +
              `中断 ${app.outageCount} 次${repeated ? "（反复中断）" : ""}，累计 ${formatMinutes(app.downMinutes, "zh")}` +
              `${app.longestOutageMinutes === null ? "" : `，最长一次 ${formatMinutes(app.longestOutageMinutes, "zh")}`}` +
              `${causeText === "" ? "" : `，原因为${causeText}`}。`,
            remedy: `${causes.map((c) => REMEDY_ZH[c]).find((r) => r !== undefined) ?? "排查中断原因"}，并跟踪整改后的可用率。`,
          }
        : {
            problem: `${app.name}: availability ${formatRatio(app.month)}, ${app.outageCount} outages (${causeText}).`,
            remedy: "Find and remove the cause; follow the availability after the fix.",
          },
    );
  }
  const m = report.machineRoom;
  if (m.vmCount !== null && m.vmExpected !== null && m.vmCount !== m.vmExpected)
    out.push(
      zh
        ? {
            problem: `在管虚拟机 ${m.vmCount} 台，与目标 ${m.vmExpected} 台不符。`,
            remedy: "核对虚拟化平台清单与在管系统台账，确认新增、下线的虚拟机并更新范围。",
          }
        : {
            problem: `VMs in scope ${m.vmCount}, expected ${m.vmExpected}.`,
            remedy: "Reconcile the inventory.",
          },
    );
  if (m.unprotected.length > 0) {
    const reasons = [
      ...new Set(m.unprotected.map((u) => (u.reason === undefined ? "" : t.unprotectedReason(u.reason)))),
    ]
      .filter((r) => r !== "")
      .join("、");
    out.push(
      zh
        ? {
            problem: `${m.unprotected.length} 台运行虚拟机未受无代理杀毒保护${reasons === "" ? "" : `（${reasons}）`}，覆盖率 ${formatRatio(m.antivirusCoverage)}。`,
            remedy:
              "逐台核查防护状态：启用防病毒模块、激活安全虚拟设备或将虚拟机纳入管理器，处理后复核覆盖率。",
          }
        : {
            problem: `${m.unprotected.length} running VMs unprotected.`,
            remedy: "Protect them and check again.",
          },
    );
  }
  const all = report.faults.byCategory.find((c) => c.category === "all");
  if (all !== undefined && all.late > 0)
    out.push(
      zh
        ? {
            problem: `${all.late} 起故障响应超过时限，及时率 ${formatRatio(all.share, 1)}${all.timely ? "" : "，未达到及时标准"}。`,
            remedy: "复盘超时故障的通知与值守环节，确保告警送达值班人员并在时限内确认。",
          }
        : { problem: `${all.late} faults answered late.`, remedy: "Review the on-call path." },
    );
  for (const s of report.videoconf.systems)
    if (s.down > 0)
      out.push(
        zh
          ? {
              problem: `视频会议系统“${s.system}”本月有 ${formatRatio(s.down)} 的时间处于中断状态。`,
              remedy: "检查 MCU 与网络链路，必要时联系厂商维保处理。",
            }
          : {
              problem: `Video conference ${s.system} down ${formatRatio(s.down)} of the time.`,
              remedy: "Check the MCUs.",
            },
      );
  return out;
}

export function problemsSection(report: MonthlyReport, t: Labels): ReportSection {
  const found = problems(report, t);
  const zh = report.lang === "zh";
  const drafted: Block[] =
    found.length === 0
      ? [
          {
            kind: "paragraph",
            text: zh ? "本月各项指标均达到目标，未发现需整改的问题。" : "Nothing to remedy this month.",
          },
        ]
      : found.map((p, i) => ({
          kind: "paragraph",
          text: zh
            ? `${i + 1}. ${p.problem}整改措施：${p.remedy}`
            : `${i + 1}. ${p.problem} Remedy: ${p.remedy}`,
        }));
  return { id: "problems", title: t.sections.problems, blocks: withNotes(report, "problems", drafted, t) };
}

export function planSection(report: MonthlyReport, t: Labels): ReportSection {
  const zh = report.lang === "zh";
  const found = problems(report, t);
  const lines = zh
    ? [
        "继续做好中心机房、城域网、视频会议系统及各教育平台的日常监测与运维，保持教育应用运行可用率不低于95%。",
        ...(found.length === 0
          ? []
          : [`落实本报告第七部分列出的 ${found.length} 项整改措施，并在下月报告中说明整改结果。`]),
        ...(report.maintenance.length === 0
          ? []
          : [
              `按计划执行维护窗口（${report.maintenance.map((w) => w.name).join("、")}），维护前通知相关学校与业务部门。`,
            ]),
        "保持运行虚拟机无代理杀毒覆盖率不低于95%，新上线虚拟机及时纳入防护。",
        "按时编制下月大平台月度运营报告。",
      ]
    : [
        "Keep watching the machine room, the network, the video conference and the platforms; keep availability at or above 95%.",
        ...(found.length === 0 ? [] : [`Carry out the ${found.length} remedies of section 7.`]),
        "Keep antivirus coverage at or above 95%.",
        "Write next month's report on time.",
      ];
  const drafted: Block[] = lines.map((text, i) => ({ kind: "paragraph", text: `${i + 1}. ${text}` }));
  return { id: "plan", title: t.sections.plan, blocks: withNotes(report, "plan", drafted, t) };
}
