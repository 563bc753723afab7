/**
 * A realistic monthly report for October 2026 (Asia/Shanghai), with Chinese names, a few outages,
 * days without data, and hostile strings from the outside world in every kind of field the
 * renderers print: a VM name with HTML and Markdown table syntax, a note with a newline and a
 * javascript: link, a reason with "&".
 */
import type { DailyPoint, MonthlyReport } from "../../agent/report/model.js";

export const HOSTILE_VM = "<script>alert(1)</script>|*x*";
export const HOSTILE_NOTE = "第一行\n[link](javascript:alert(1)) 见 `附件` _斜体_";
export const HOSTILE_REASON = "status 502 & <b>bad gateway</b>";

/** Local time in Asia/Shanghai (UTC+8, no DST). */
function local(day: number, hour: number, minute = 0): Date {
  return new Date(Date.UTC(2026, 9, day, hour - 8, minute));
}

function days(value: (day: number) => number | null): DailyPoint[] {
  return Array.from({ length: 31 }, (_, i) => ({
    day: `2026-10-${String(i + 1).padStart(2, "0")}`,
    value: value(i + 1),
  }));
}

export function octoberReport(overrides: Partial<MonthlyReport> = {}): MonthlyReport {
  return {
    lang: "zh",
    month: "2026-10",
    previousMonth: "2026-09",
    runningAsOf: null,
    organisation: "苏州市电化教育馆",
    site: "苏州电教馆中心机房",
    timeZone: "Asia/Shanghai",
    generatedAt: new Date("2026-11-01T01:30:00Z"),
    coverage: 0.9871,
    summary: [
      {
        label: "2026-10",
        caption: "10月",
        rows: [
          {
            key: "availability",
            name: "教育应用运行可用率",
            value: "96.3%",
            target: "≥95%",
            status: "met",
            coverage: 0.9871,
            how: "各应用本月可用率的平均值（维护窗口内的探测不计）",
          },
          {
            key: "vm_count",
            name: "日常维护信息系统所使用的虚拟机数量",
            value: "251个",
            target: "=253个",
            status: "not_met",
            coverage: 1,
            how: "本月最后一次采集时范围内的虚拟机数",
          },
          {
            key: "antivirus_coverage",
            name: "运行状态虚拟机无代理杀毒覆盖率",
            value: "94.1%",
            target: "≥95%",
            status: "at_risk",
            coverage: 0.95,
            how: "受保护的运行虚拟机 ÷ 运行虚拟机",
          },
          {
            key: "videoconf_fault_response",
            name: "视频会议系统故障响应",
            value: "—",
            target: "及时",
            status: "no_data",
            coverage: null,
            how: "本月无视频会议故障",
          },
          {
            key: "monthly_reports",
            name: "大平台月度运营报告",
            value: "1份",
            target: "=12份",
            status: "n/a",
            coverage: null,
            how: "本月生成的报告数",
          },
        ],
      },
      {
        label: "2026-H1",
        caption: "上半年",
        rows: [
          {
            key: "availability",
            name: "教育应用运行可用率",
            value: "97.85%",
            target: "≥90%",
            status: "met",
            coverage: 0.99,
            how: "各应用上半年可用率的平均值",
          },
          {
            key: "vm_count",
            name: "日常维护信息系统所使用的虚拟机数量",
            value: "253个",
            target: "=253个",
            status: "met",
            coverage: 1,
            how: "上半年最后一次采集时的虚拟机数",
          },
          {
            key: "antivirus_coverage",
            name: "运行状态虚拟机无代理杀毒覆盖率",
            value: "96%",
            target: "≥95%",
            status: "met",
            coverage: 0.97,
            how: "最后一次采集的覆盖率",
          },
          {
            key: "videoconf_fault_response",
            name: "视频会议系统故障响应",
            value: "及时",
            target: "及时",
            status: "met",
            coverage: null,
            how: "及时响应的故障占比 ≥ 90%",
          },
          {
            key: "monthly_reports",
            name: "大平台月度运营报告",
            value: "6份",
            target: "=6份",
            status: "met",
            coverage: null,
            how: "上半年生成的报告数",
          },
        ],
      },
      {
        label: "2026",
        caption: "年初至今",
        rows: [
          {
            key: "availability",
            name: "教育应用运行可用率",
            value: "97.41%",
            target: "≥95%",
            status: "met",
            coverage: 0.988,
            how: "年初至今可用率，预测至年底",
          },
          {
            key: "vm_count",
            name: "日常维护信息系统所使用的虚拟机数量",
            value: "251个",
            target: "=253个",
            status: "at_risk",
            coverage: 1,
            how: "最后一次采集的虚拟机数",
          },
          {
            key: "antivirus_coverage",
            name: "运行状态虚拟机无代理杀毒覆盖率",
            value: "94.1%",
            target: "≥95%",
            status: "at_risk",
            coverage: 0.96,
            how: "最后一次采集的覆盖率",
          },
          {
            key: "videoconf_fault_response",
            name: "视频会议系统故障响应",
            value: "不及时",
            target: "及时",
            status: "not_met",
            coverage: null,
            how: "及时响应的故障占比 < 90%",
          },
          {
            key: "monthly_reports",
            name: "大平台月度运营报告",
            value: "10份",
            target: "=12份",
            status: "met",
            coverage: null,
            how: "年初至今的报告数，按比例预测至年底",
          },
        ],
      },
    ],
    availability: {
      overallMonth: 0.9758,
      overallYearToDate: 0.9741,
      applications: [
        {
          application: "online-education",
          name: "苏州线上教育平台",
          previousMonth: 0.9712,
          downMinutes: 1560,
          maintenanceMinutes: 480,
          longestOutageMinutes: 725,
          outageCount: 3,
          month: 0.963,
          monthCoverage: 0.9871,
          yearToDate: 0.9702,
          budgetLeftMinutes: 4123,
          daily: days((d) => (d === 12 ? 0.71 : d === 13 ? 0.88 : d === 20 || d === 21 ? null : 1)),
        },
        {
          application: "portal",
          name: "教育城域网门户",
          previousMonth: null,
          downMinutes: 480,
          maintenanceMinutes: 480,
          longestOutageMinutes: 50,
          outageCount: 1,
          month: 0.9886,
          monthCoverage: 0.99,
          yearToDate: 0.9913,
          budgetLeftMinutes: 18650.5,
          daily: days((d) => (d === 7 ? 0.9647 : 1)),
        },
        {
          application: "ecard",
          name: "E卡通服务",
          previousMonth: 0.99,
          downMinutes: 0,
          maintenanceMinutes: 0,
          longestOutageMinutes: null,
          outageCount: 0,
          month: null,
          monthCoverage: 0,
          yearToDate: 0.95,
          budgetLeftMinutes: -95,
          daily: days(() => null),
        },
      ],
      outages: [
        {
          application: "online-education",
          start: local(12, 9, 15),
          end: local(12, 16, 15),
          durationMinutes: 420,
          reason: "status",
          detail: HOSTILE_REASON,
        },
        {
          application: "online-education",
          start: local(13, 8, 0),
          end: local(13, 10, 50),
          durationMinutes: 170,
          reason: "timeout",
        },
        {
          application: "portal",
          start: local(7, 22, 5),
          end: local(7, 22, 56),
          durationMinutes: 51,
          reason: "connect",
          detail: "ECONNREFUSED 10.0.3.15:443",
        },
      ],
    },
    machineRoom: {
      vmCount: 251,
      vmExpected: 253,
      powerStates: { on: 244, off: 5, suspended: 2 },
      vmCountDaily: days((d) => (d < 9 ? 253 : d < 16 ? 252 : d === 25 ? null : 251)),
      changes: [
        { at: local(9, 10, 2), kind: "removed", vm: "jy-web-old-03", detail: "已下线（迁移至新集群）" },
        { at: local(16, 14, 30), kind: "removed", vm: HOSTILE_VM },
        { at: local(22, 9, 0), kind: "powered_off", vm: "备份服务器-02", detail: "维护" },
      ],
      antivirusCoverage: 0.941,
      antivirusDaily: days((d) => (d === 25 ? null : d < 15 ? 0.96 : 0.941)),
      unprotected: [
        { name: HOSTILE_VM, system: "Windows Server 2019", reason: "agent offline & not seen for 7d" },
        { name: "教务系统-db-01", system: "CentOS 7", reason: "未知虚拟机" },
      ],
    },
    videoconf: {
      systems: [
        {
          system: "华为 SMC",
          healthy: 0.95,
          degraded: 0.04,
          down: 0.01,
          endpointsOnline: 0.872,
          mcus: [
            { name: "MCU-主", sipUp: 0.999, meanRttMs: 3.42 },
            { name: "MCU-备", sipUp: 0.98, meanRttMs: null },
          ],
        },
        {
          system: "科达",
          healthy: 1,
          degraded: 0,
          down: 0,
          endpointsOnline: null,
          mcus: [],
        },
      ],
      incidents: [
        {
          id: 41,
          category: "videoconf",
          priority: "P2",
          title: "区县分会场无法入会 | 音频中断",
          start: local(15, 9, 30),
          responseMinutes: 12,
          resolutionMinutes: 95,
          withinSla: "within",
        },
      ],
    },
    faults: {
      total: 7,
      byCategory: [
        { category: "platform", count: 4, within: 3, late: 1, pending: 0, share: 0.75, timely: false },
        { category: "videoconf", count: 1, within: 1, late: 0, pending: 0, share: 1, timely: true },
        { category: "network", count: 2, within: 1, late: 0, pending: 1, share: 1, timely: true },
      ],
      responseDistribution: [
        { maxMinutes: 15, priority: "P1", count: 3 },
        { maxMinutes: 30, priority: "P2", count: 2 },
        { maxMinutes: 120, priority: "P3", count: 1 },
        { maxMinutes: 480, priority: "P4", count: 0 },
        { maxMinutes: Infinity, count: 0 },
        { maxMinutes: null, count: 1 },
      ],
      daily: days((d) => (d === 12 ? 2 : d === 28 ? 1 : d % 7 === 0 ? 1 : 0)),
      longest: [
        {
          id: 37,
          category: "platform",
          priority: "P1",
          title: "线上教育平台 502 <img src=x onerror=alert(1)>",
          start: local(12, 9, 15),
          responseMinutes: 48,
          resolutionMinutes: 420,
          withinSla: "late",
        },
        {
          id: 43,
          category: "network",
          priority: "P3",
          title: "城域网 # 链路抖动",
          start: local(28, 17, 40),
          responseMinutes: null,
          resolutionMinutes: null,
          withinSla: "pending",
        },
      ],
    },
    maintenance: [
      { name: "每周例行维护", when: "每周六 02:00 起 2小时", applications: "全部", source: "config" },
      {
        name: "核心交换机升级",
        when: "2026-10-18 22:00 – 2026-10-19 02:00",
        applications: "苏州线上教育平台, 教育城域网门户",
        source: "cli",
      },
    ],
    records: [
      {
        indicator: "news_posts",
        name: "自制新闻条数",
        day: "2026-10-31",
        value: "=18条",
        by: "张老师",
        note: HOSTILE_NOTE,
      },
      {
        indicator: "videoconf_staff",
        name: "视频会议保障人次",
        day: "2026-10-20",
        value: "=42人次",
        by: "李工",
        corrects: 12,
        correctedValue: "=40人次",
      },
    ],
    rules: [
      {
        title: "可用率 Availability",
        text: "可用率 = 成功探测数 ÷（探测数 − 维护窗口内的探测数）；无样本的时间为“未知”，按数据覆盖率单列。",
      },
      {
        title: "故障响应及时 Fault response timeliness",
        text: "首次响应在 SLA 之内的故障占比，≥ 90% 为及时。P1 15 分钟，P2 30 分钟，P3 4 小时。",
      },
    ],
    previous: { overallMonth: 0.9801, vmCount: 253, antivirusCoverage: 0.95, faultTotal: 4 },
    slaMinutes: { P1: 15, P2: 30, P3: 120, P4: 480 },
    timelyShare: 0.95,
    notes: [],
    ...overrides,
  };
}
