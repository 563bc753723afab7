/**
 * 偏差原因分析 of the automatic rows that are not met (or at risk): what in the store explains the
 * figure — the outages that cost availability, the unprotected running VMs, the faults answered
 * late, the inventory changes, the months without a report — and the 改进措施 drafted from the
 * same facts (what to fix, named). Read-only, from the same helpers the monthly report uses
 * (report/series.ts, incidents/sla.ts). Times are in the centre's zone with their offset.
 */
import type { Config } from "../../config/schema.js";
import type { Binding } from "../form/types.js";
import { judgeResponse } from "../incidents/sla.js";
import { CATEGORY_NAMES, type Category } from "../incidents/types.js";
import { Figures } from "../figures/index.js";
import { unprotectedVms } from "../figures/unprotected.js";
import { labels, reasonText, UNPROTECTED_REASONS_ZH } from "../report/labels.js";
import { applicationNames, displayName } from "../figures/names.js";
import { AVAILABILITY_METRIC } from "../kpi/availability-store.js";
import { downHoursBySeries, outagesOf } from "../report/series.js";
import type { SqliteStore } from "../store/sqlite.js";
import { localDateTimeWithOffset } from "../local-time.js";

/** At most this many items are named in one cell; the rest are counted. */
export const MAX_LISTED = 10;

export interface ReasonContext {
  store: SqliteStore;
  config: Config;
  /** Unix seconds, [from, to). */
  from: number;
  to: number;
  now: Date;
  /** YYYY-MM labels of the period's first and last month. */
  fromMonth: string;
  toMonth: string;
}

/** Why the figure deviates (detail after the headline) and what to do about it. */
export interface Deviation {
  detail: string;
  measure: string;
}

export function deviationReason(binding: Binding, ctx: ReasonContext): Deviation {
  switch (binding.source) {
    case "availability":
      return availabilityReason(ctx);
    case "vm_count":
      return vmCountReason(ctx);
    case "antivirus_coverage":
      return antivirusReason(ctx);
    case "fault_timeliness":
      return faultReason(binding.category, ctx);
    case "monthly_reports":
      return monthlyReportsReason(ctx);
    case "manual":
      return { detail: "", measure: "" };
  }
}

/** "2026-03-05 10:00 +08:00" in the centre's time zone, with its offset (never a bare UTC …Z). */
export const localTime = localDateTimeWithOffset;

/** "2026-03-05" in the centre's time zone. */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone, dateStyle: "short" }).format(at);
}

/** 180 → "3小时", 45 → "45分钟", 90 → "1小时30分钟". */
export function duration(minutes: number): string {
  const m = Math.round(minutes);
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h === 0) return `${rest}分钟`;
  return rest === 0 ? `${h}小时` : `${h}小时${rest}分钟`;
}

/** Percentage points with two decimals: 0.004 → "0.40%". */
const points = (ratio: number) => `${(ratio * 100).toFixed(2)}%`;

function listed(items: readonly string[], separator = "；"): string {
  const shown = items.slice(0, MAX_LISTED).join(separator);
  return items.length > MAX_LISTED ? `${shown}${separator}…另有${items.length - MAX_LISTED}项` : shown;
}

interface Loss {
  application: string;
  start: number;
  text: string;
  cost: number;
  /** Down time known only from the daily rollups (raw samples past their retention). */
  pruned?: boolean;
}

function availabilityReason(ctx: ReasonContext): Deviation {
  const { store, config, from, to } = ctx;
  const figure = new Figures({ store, config }).availability({ from, to });
  const apps = figure.specs;
  const names = applicationNames(config);
  const results = figure.applications;
  const overall = figure.value;
  const weightOf = figure.weightOf;
  const totalWeight = results
    .filter((r) => r.ratio !== null)
    .reduce((s, r) => s + weightOf(r.application), 0);
  const seriesByApp = new Map(store.listSeries(AVAILABILITY_METRIC).map((s) => [s.targetName, s.seriesId]));
  const losses: Loss[] = [];
  const unknown: string[] = [];
  const downHours = downHoursBySeries(store, AVAILABILITY_METRIC, from, to);
  for (const app of apps) {
    const result = results.find((r) => r.application === app.application);
    const seriesId = seriesByApp.get(app.application);
    if (result === undefined || result.ratio === null || seriesId === undefined || totalWeight === 0)
      continue;
    const judged = figure.judged(result);
    // One down sample of this application costs this much of the overall figure.
    const perSample = weightOf(app.application) / totalWeight / judged;
    const outages = outagesOf(
      store,
      seriesId,
      app.application,
      from,
      to,
      app.intervalSeconds,
      downHours.get(seriesId) ?? [],
    );
    for (const o of outages) {
      const samples = Math.max(1, Math.round((o.durationMinutes * 60) / app.intervalSeconds));
      losses.push({
        application: app.application,
        start: o.start.getTime(),
        cost: samples * perSample,
        text: `${displayName(names, app.application)} ${localTime(o.start, config.timezone)} 起${duration(o.durationMinutes)}（${labels("zh").outageCause(o.reason)}）`,
      });
    }
    // Raw samples are pruned after their retention; older down time is only in the daily
    // rollups: consecutive such days of an application make one entry.
    let run: { first: number; last: number; down: number } | undefined;
    const closeRun = () => {
      if (run === undefined) return;
      const first = localDay(new Date(run.first * 1000), config.timezone);
      const last = localDay(new Date(run.last * 1000), config.timezone);
      losses.push({
        application: app.application,
        start: run.first * 1000,
        cost: run.down * perSample,
        pruned: true,
        text:
          `${displayName(names, app.application)} ${first === last ? first : `${first} 至 ${last}`} ` +
          `共${duration((run.down * app.intervalSeconds) / 60)}（日汇总）`,
      });
      run = undefined;
    };
    const days = store
      .queryRollups({ resolution: "day", from, to, metric: AVAILABILITY_METRIC })
      .filter((d) => d.seriesId === seriesId && d.nDown > 0)
      .sort((x, y) => x.bucket - y.bucket);
    for (const day of days) {
      const next = store.calendar.nextDayStart(day.bucket);
      if (store.querySamples(seriesId, day.bucket, next).length > 0) {
        closeRun();
        continue;
      }
      if (run !== undefined && store.calendar.nextDayStart(run.last) === day.bucket) {
        run.last = day.bucket;
        run.down += day.nDown;
      } else {
        closeRun();
        run = { first: day.bucket, last: day.bucket, down: day.nDown };
      }
    }
    closeRun();
    if (config.availability.unknown_as_down && result.unknown > 0) {
      unknown.push(
        `${displayName(names, app.application)} ${duration((result.unknown * app.intervalSeconds) / 60)}`,
      );
    }
  }
  const parts: string[] = [];
  // The applications that cost the most, for the measure: fix those first.
  const costByApp = new Map<string, number>();
  for (const l of losses) costByApp.set(l.application, (costByApp.get(l.application) ?? 0) + l.cost);
  const worst = [...costByApp.entries()].sort((a, b) => b[1] - a[1]).map(([app]) => displayName(names, app));
  if (losses.length > 0) {
    losses.sort((a, b) => a.start - b.start);
    const cost = losses.reduce((s, l) => s + l.cost, 0);
    const pruned = losses.filter((l) => l.pruned).length;
    const outages = losses.length - pruned;
    const head =
      pruned === 0
        ? `${outages}次中断使可用率降低${points(cost)}`
        : `不可用时间使可用率降低${points(cost)}（${outages}次中断；${pruned}段原始采样已过保留期，按日汇总）`;
    parts.push(`${head}：${listed(losses.map((l) => l.text))}`);
  }
  if (unknown.length > 0)
    parts.push(`无采样时段按不可用计（availability.unknown_as_down）：${listed(unknown, "、")}`);
  const missing = results.filter((r) => r.ratio === null).map((r) => displayName(names, r.application));
  if (missing.length > 0) parts.push(`无数据的应用（未计入）：${listed(missing, "、")}`);
  const measures: string[] = [];
  if (worst.length > 0)
    measures.push(
      `对${listed(worst.slice(0, 3), "、")}的中断逐次复盘，查明原因并落实整改，加强监测告警以缩短恢复时间`,
    );
  if (unknown.length > 0) measures.push("检查探测采集，消除无采样时段");
  if (missing.length > 0) measures.push(`为${listed(missing, "、")}恢复可用率探测`);
  measures.push("计划内停机提前登记维护窗口（ops-agent maintenance add）");
  const measure = `${measures.join("；")}。`;
  if (parts.length === 0) {
    return {
      detail: overall === null ? "期间无可用率采样" : `可用率${points(overall)}，期间未发现中断记录`,
      measure,
    };
  }
  return { detail: parts.join("。"), measure };
}

function vmCountReason(ctx: ReasonContext): Deviation {
  const { store, config, from, to } = ctx;
  const vms = new Figures({ store, config }).vmsInScope({ from, to });
  const changes = store
    .listEvents(new Date(from * 1000), new Date(to * 1000))
    .filter((e) => e.kind === "vm_added" || e.kind === "vm_removed");
  const names = (kind: string) =>
    changes
      .filter((e) => e.kind === kind)
      .map((e) => `${String(e.detail.name ?? e.targetKey ?? "")}（${localDay(e.time, config.timezone)}）`);
  const parts: string[] = [];
  if (vms.value !== null) parts.push(`期末在管虚拟机${vms.value}个（${vms.sources.length}个清单来源）`);
  const added = names("vm_added");
  const removed = names("vm_removed");
  if (added.length > 0) parts.push(`期间新增${added.length}台：${listed(added, "、")}`);
  if (removed.length > 0) parts.push(`期间移除${removed.length}台：${listed(removed, "、")}`);
  if (added.length === 0 && removed.length === 0) parts.push("期间无虚拟机增减记录");
  const changed =
    added.length + removed.length === 0
      ? "核对虚拟化平台清单与在管系统台账"
      : `核对期间${[added.length > 0 ? `新增的${added.length}台` : "", removed.length > 0 ? `移除的${removed.length}台` : ""].filter(Boolean).join("、")}虚拟机是否属于日常维护范围`;
  return {
    detail: parts.join("；"),
    measure: `${changed}；范围确有变化的，按程序申请调整指标值。`,
  };
}

function antivirusReason(ctx: ReasonContext): Deviation {
  const { store, from, to } = ctx;
  // The read model's list: one row per VM (clones by id), with its system and reason.
  const unprotected = unprotectedVms(store, from, to)
    .map((vm) => {
      const notes = [
        ...(vm.id === undefined || vm.id === vm.name ? [] : [vm.id]),
        ...(vm.reason === undefined ? [] : [reasonText(vm.reason, UNPROTECTED_REASONS_ZH)]),
      ];
      const system = vm.system === undefined ? "" : `${vm.system}：`;
      return `${system}${vm.name}${notes.length === 0 ? "" : `（${notes.join("，")}）`}`;
    })
    .sort();
  if (unprotected.length === 0)
    return {
      detail: "覆盖率低于目标；期末未记录到未受保护的运行虚拟机",
      measure: "核对期间各次覆盖率测量中未受保护的虚拟机，启用无代理防护后复测。",
    };
  return {
    detail: `期末未受保护的运行虚拟机${unprotected.length}台：${listed(unprotected, "、")}`,
    measure: `为上述${unprotected.length}台运行虚拟机启用或恢复无代理杀毒防护，逐台复测确认受保护。`,
  };
}

function faultReason(category: Category, ctx: ReasonContext): Deviation {
  const { store, config, from, to, now } = ctx;
  const policy = config.incidents.sla;
  const started = store.incidents
    .list({ from: new Date(from * 1000), to: new Date(to * 1000) })
    .filter((i) => i.category === category && i.startedAt.getTime() >= from * 1000);
  const judged = started.map((i) => ({ incident: i, judgement: judgeResponse(i, policy, now) }));
  const late = judged.filter((j) => j.judgement.verdict === "late");
  const decided = judged.filter((j) => j.judgement.verdict !== "pending").length;
  const name = CATEGORY_NAMES[category];
  if (late.length === 0)
    return {
      detail: `期间${name}故障${started.length}起，无超时响应`,
      measure: "",
    };
  const items = late
    .sort((a, b) => a.incident.startedAt.getTime() - b.incident.startedAt.getTime())
    .map(({ incident, judgement }) => {
      const response =
        judgement.responseMs === undefined
          ? "未响应"
          : `响应${Math.round(judgement.responseMs / 60_000)}分钟`;
      return `#${incident.id} ${incident.title}（${localTime(incident.startedAt, config.timezone)}，${response}，时限${Math.round(judgement.boundMs / 60_000)}分钟）`;
    });
  const share = decided > 0 ? (decided - late.length) / decided : 0;
  const unanswered = late.filter((j) => j.judgement.responseMs === undefined).length;
  return {
    detail:
      `${decided}起已判定的${name}故障中${late.length}起响应超时（及时率${points(share)}，要求≥${points(policy.timely_share)}）：` +
      listed(items),
    measure:
      `对上述${late.length}起超时故障逐起复盘，检查值班安排与告警通知渠道，确保在时限内响应` +
      `${unanswered > 0 ? `；${unanswered}起未记录响应的，补记响应时间或说明原因` : ""}。`,
  };
}

function monthlyReportsReason(ctx: ReasonContext): Deviation {
  const { store, config, fromMonth, toMonth, now } = ctx;
  const figure = new Figures({ store, config }).monthlyReports(fromMonth, toMonth, now);
  const counted = new Set(figure.counted);
  const refused = new Map(figure.refused.map((r) => [r.month, r.why]));
  const missing: string[] = [];
  let year = Number(fromMonth.slice(0, 4));
  let month = Number(fromMonth.slice(5, 7));
  for (let label = fromMonth; label <= toMonth;) {
    const why = refused.get(label);
    if (!counted.has(label))
      missing.push(
        why === "running"
          ? `${label}（月末前生成，不计）`
          : why === "no_data"
            ? `${label}（当月无数据，不计）`
            : label,
      );
    month += 1;
    if (month === 13) {
      month = 1;
      year += 1;
    }
    label = `${year}-${String(month).padStart(2, "0")}`;
  }
  if (missing.length === 0) return { detail: "", measure: "" };
  return {
    detail: `缺少以下月份的月度运营报告：${listed(missing, "、")}`,
    measure: `补写缺少月份的报告（ops-agent report --month ${missing[0]?.slice(0, 7) ?? ""}），并确认每月1日自动生成已启用（report.enabled）。`,
  };
}
