/**
 * The simulated machine room's past, for `ops-agent demo`: from a start date (1 January of the
 * current year by default) to now, the series the demo's collectors write — with their own
 * targets, metrics and labels, because each series replays a sample the real collector produced
 * against the simulated room a moment ago (templates.ts) — at the collectors' intervals, shaped by
 * the seeded plan (plan.ts): outages, a maintenance window, a July whose antivirus coverage misses
 * 95 %, MCU faults, a VM being rebuilt now and then. Then the incidents and manual records of the
 * year (records.ts, shared with bench/) and the monthly reports of the closed months, written by
 * the report writer itself. Everything is simulated: the store is marked (marker.ts).
 *
 * Left out, because no figure or document reads them and they would be most of the work: the
 * ICMP series of the VMs, the school meeting rooms' per-endpoint series (their online share per
 * system is in), and the agent's own host and /healthz series.
 */
import { performance } from "node:perf_hooks";
import type { Config } from "../../config/schema.js";
import { toMicroseconds } from "../../collectors/shared/timing.js";
import { AVAILABILITY_METRIC } from "../kpi/availability-store.js";
import { localMidnight } from "../kpi/periods.js";
import { indicatorsOf } from "../kpi/kpi-report.js";
import { writeMonthlyReport } from "../report/write.js";
import type { RunOutcome } from "../runner.js";
import { retentionCutoffs } from "../store/retention.js";
import type { SqliteStore } from "../store/sqlite.js";
import type { ManualClock } from "../clock.js";
import { HistoryWriter, type HistoryWriterCounts, type SeriesSlot } from "./history-writer.js";
import { planYear, SpellCursor, type DemoPlan, type Outage, type McuFault } from "./plan.js";
import { prng } from "./random.js";
import { generateRecords } from "./records.js";

export const DEFAULT_SEED = 20_260_101;
const HOUR = 3600;
/** Raw samples of the platforms' probes are kept for this long before now (the report's outages). */
const RAW_DAYS_DEFAULT = 35;

export interface DemoHistoryOptions {
  /** The start of the history (a local midnight) and its end (now), as Dates. */
  from: Date;
  now: Date;
  seed?: number;
  /** The store's clock: moved through the history, left at `now`. */
  clock: ManualClock;
  log?: (line: string) => void;
}

export interface DemoHistoryResult {
  plan: DemoPlan;
  counts: HistoryWriterCounts;
  series: number;
  incidents: number;
  records: number;
  reports: string[];
  seconds: number;
}

interface Group {
  collector: string;
  type: string;
  step: number;
  slots: SeriesSlot[];
}

/** The templates' samples as series slots, grouped by collector with its interval (seconds). */
function groups(config: Config, templates: readonly RunOutcome[], writer: HistoryWriter): Group[] {
  const out: Group[] = [];
  for (const outcome of templates) {
    if (outcome.status !== "ok") continue;
    const entry = config.collectors.find((c) => c.name === outcome.collector);
    // A cron-scheduled collector has no fixed step to replay: it is left out of the history.
    if (entry?.every === undefined) continue;
    const slots = outcome.samples
      .filter((s) => !s.metric.startsWith("videoconf_endpoint_"))
      .map((s) => {
        const { time: _time, detail: _detail, ...template } = s;
        const slot: SeriesSlot = { collector: outcome.collector, template };
        writer.resolve(slot);
        return slot;
      });
    out.push({
      collector: outcome.collector,
      type: outcome.type,
      step: Math.round(entry.every / 1000),
      slots,
    });
  }
  return out;
}

export async function writeDemoHistory(
  store: SqliteStore,
  config: Config,
  templates: readonly RunOutcome[],
  options: DemoHistoryOptions,
): Promise<DemoHistoryResult> {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  const random = prng(options.seed ?? DEFAULT_SEED);
  const cal = store.calendar;
  const from = Math.floor(options.from.getTime() / 1000);
  const nowTs = Math.floor(options.now.getTime() / 1000);
  const year = Number(
    new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone, year: "numeric" }).format(options.from),
  );
  const rawDays = Math.min(RAW_DAYS_DEFAULT, config.store.raw_retention / 86_400_000);
  const writer = new HistoryWriter(store, {
    // Hourly rows for the raw window's days only (the daemon keeps 93 days of them): no figure
    // reads the hourly rows of a closed day but the outage list, and that reads the raw window's;
    // a year's hourly rows for every VM would be most of the history's time.
    hourRowsFrom: cal.dayStart(nowTs - Math.min(config.store.hourly_retention / 1000, rawDays * 86_400)),
    rawFrom: cal.dayStart(nowTs - rawDays * 86_400),
    rawMetrics: new Set([AVAILABILITY_METRIC]),
  });
  const all = groups(config, templates, writer);
  const http = all.filter((g) => g.type === "http");
  const applications = [...new Set(http.flatMap((g) => g.slots.map((s) => s.template.target.name)))];
  const mcuSlots = all.flatMap((g) => g.slots).filter((s) => s.template.metric === "videoconf_mcu_sip_up");
  const plan = planYear({
    applications,
    mcus: mcuSlots.map((s) => ({
      system: s.template.target.labels?.system ?? "",
      mcu: s.template.target.name,
    })),
    from,
    to: nowTs,
    year,
    localTime: (month, day, hour) => localMidnight(year, month, day, cal) + hour * HOUR,
    random,
  });
  store.addMaintenanceWindow({
    name: plan.maintenance.name,
    start: new Date(plan.maintenance.from * 1000),
    end: new Date(plan.maintenance.to * 1000),
    note: plan.maintenance.note,
    createdBy: "演示数据",
    createdAt: new Date((plan.maintenance.from - 7 * 86_400) * 1000),
  });

  const samplers = all.map((g) => sampler(g, plan, random));
  let nextLog = from + 60 * 86_400;
  for (let hour = cal.hourStart(from); hour < nowTs; hour += HOUR) {
    options.clock.set((hour + HOUR) * 1000);
    writer.beginHour(hour);
    const end = Math.min(nowTs, hour + HOUR);
    all.forEach((g, i) => {
      // Steps on the collector's grid (a 5-minute collector runs at :00, :05 …).
      const steps: number[] = [];
      for (let ts = Math.max(from, hour + ((g.step - (hour % g.step)) % g.step)); ts < end; ts += g.step)
        steps.push(ts);
      if (steps.length > 0) (samplers[i] as Sampler)(writer, steps);
    });
    if (hour >= nextLog) {
      log(`simulated history: ${Math.round((hour - from) / 86_400)} days written`);
      nextLog += 60 * 86_400;
    }
  }
  writer.finish();
  options.clock.set(options.now);
  log(`simulated history: samples written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const vms = all.flatMap((g) => g.slots).filter((s) => s.template.metric === "vm_power_state");
  const written = generateRecords(store, config, {
    year,
    targets: {
      platform: applications,
      videoconf: mcuSlots.map((s) => s.template.target.name),
      machineRoom: vms.map((s) => s.template.target.name),
    },
    random,
    from,
    nowTs,
    by: "演示数据",
  });
  // The retention the daemon runs: raw samples and hourly rows end where it would have cut them.
  store.applyRetention(
    retentionCutoffs(
      options.now,
      {
        rawMs: config.store.raw_retention,
        hourlyMs: config.store.hourly_retention,
        dailyMs: config.store.daily_retention,
      },
      cal,
    ),
  );
  // The monthly reports of the closed months, each written on the 1st of the next month at 08:00.
  const indicators = indicatorsOf(config);
  const reports: string[] = [];
  const [firstYear, firstMonth] = monthOf(from, config.timezone);
  const [nowYear, nowMonth] = monthOf(nowTs, config.timezone);
  for (
    let y = firstYear, m = firstMonth;
    y * 12 + m < nowYear * 12 + nowMonth;
    m === 12 ? ((m = 1), y++) : m++
  ) {
    const next = m === 12 ? localMidnight(y + 1, 1, 1, cal) : localMidnight(y, m + 1, 1, cal);
    const month = `${y}-${String(m).padStart(2, "0")}`;
    const files = await writeMonthlyReport(store, config, indicators, {
      month,
      formats: ["html"],
      now: new Date((next + 8 * HOUR) * 1000),
      // The simulated history's reports were written by the daemon's schedule.
      by: "schedule",
    });
    reports.push(...files.map((f) => f.path));
  }
  log(
    `simulated history: ${reports.length} monthly reports written, ${((performance.now() - t0) / 1000).toFixed(1)} s in all`,
  );
  return {
    plan,
    counts: writer.counts,
    series: store.listSeries().length,
    incidents: written.incidents,
    records: written.records,
    reports,
    seconds: (performance.now() - t0) / 1000,
  };
}

function monthOf(ts: number, timeZone: string): [number, number] {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
  }).formatToParts(new Date(ts * 1000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return [get("year"), get("month")];
}

/** Writes one collector's samples at the hour's steps. */
type Sampler = (writer: HistoryWriter, steps: readonly number[]) => void;

/** A sampler that decides per step; series it leaves alone repeat their template. */
function perStep(each: (w: HistoryWriter, ts: number) => void): Sampler {
  return (w, steps) => {
    for (const ts of steps) each(w, ts);
  };
}

/** What one collector's series hold at a step, from the plan; everything else is the template's. */
function sampler(group: Group, plan: DemoPlan, random: () => number): Sampler {
  if (group.type === "http") return httpSampler(group, plan, random);
  if (group.type === "antivirus") return antivirusSampler(group, plan);
  if (group.type === "videoconf") return videoconfSampler(group, plan, random);
  const vmShort = new SpellCursor(plan.vmShort);
  const scope = group.slots.filter((s) => s.template.metric === "vms_in_scope");
  const still = group.slots.filter((s) => s.template.metric !== "vms_in_scope");
  return (w, steps) => {
    for (const slot of still)
      w.addRun(slot, steps, slot.template.value, slot.template.up, slot.template.reason);
    for (const ts of steps) {
      const short = vmShort.at(ts) !== undefined;
      for (const slot of scope) {
        const v = slot.template.value;
        w.add(slot, ts, short && v !== null ? v - 1 : v);
      }
    }
  };
}

function httpSampler(group: Group, plan: DemoPlan, random: () => number): Sampler {
  const cursors = new Map<string, SpellCursor<Outage>>();
  for (const slot of group.slots) {
    const app = slot.template.target.name;
    if (!cursors.has(app))
      cursors.set(app, new SpellCursor(plan.outages.filter((o) => o.application === app)));
  }
  const m = plan.maintenance;
  return perStep((w, ts) => {
    const state = new Map<string, { up: boolean; maintenance: boolean; reason: string | undefined }>();
    for (const [app, cursor] of cursors) {
      const maintenance = ts >= m.from && ts < m.to;
      const outage = cursor.at(ts);
      // Outside outages, a probe now and then fails on its own (a timeout, a dropped connection):
      // one in 20,000, a couple a month per platform at a 30-s interval. One in 500 made ~170
      // one-probe "outages" a month per platform, which no real month of the centre's shows and
      // which buried the report's 存在问题 under 反复中断.
      const up = !maintenance && outage === undefined && random() >= 0.00005;
      const reason = up ? undefined : maintenance ? "connect" : (outage?.reason ?? "timeout");
      state.set(app, { up, maintenance, reason });
    }
    for (const slot of group.slots) {
      const t = slot.template;
      const s = state.get(t.target.name);
      if (s === undefined) continue;
      if (t.metric === "http_probe_up") w.add(slot, ts, s.up ? 1 : 0, s.up, s.maintenance, s.reason);
      else if (t.metric === "http_probe_duration_seconds")
        w.add(slot, ts, s.up ? toMicroseconds(0.02 + 0.15 * random() ** 2) : null);
      else if (t.metric === "http_probe_status_code")
        w.add(slot, ts, s.up ? 200 : s.reason === "status" ? 502 : null);
      else w.add(slot, ts, t.value);
    }
  });
}

function antivirusSampler(group: Group, plan: DemoPlan): Sampler {
  const dip = plan.coverageDip;
  const perVm = group.slots.filter((s) => s.template.metric === "antivirus_protected");
  // The VMs the inactive appliance stops protecting: the first ones protected in the template.
  const dipped = new Set(perVm.filter((s) => s.template.value === 1).slice(0, dip.vms));
  const running = perVm.length;
  const protectedNormally = perVm.filter((s) => s.template.value === 1).length;
  const scope = group.slots.filter((s) => s.template.metric !== "antivirus_protected");
  return (w, steps) => {
    const inDip = (ts: number) => ts >= dip.from && ts < dip.to;
    for (const slot of perVm) {
      const t = slot.template;
      if (!dipped.has(slot) || !steps.some(inDip)) w.addRun(slot, steps, t.value, t.up, t.reason);
      else
        for (const ts of steps)
          if (inDip(ts)) w.add(slot, ts, 0, undefined, false, "appliance_inactive");
          else w.add(slot, ts, t.value, t.up, false, t.reason);
    }
    for (const ts of steps) {
      const protectedNow = protectedNormally - (inDip(ts) ? dipped.size : 0);
      for (const slot of scope) {
        const t = slot.template;
        if (t.metric === "antivirus_coverage_ratio")
          w.add(slot, ts, running === 0 ? null : protectedNow / running);
        else if (t.metric === "antivirus_protected_vms") w.add(slot, ts, protectedNow);
        else w.add(slot, ts, t.value, t.up, false, t.reason);
      }
    }
  };
}

function videoconfSampler(group: Group, plan: DemoPlan, random: () => number): Sampler {
  const cursors = new Map<string, SpellCursor<McuFault>>();
  for (const f of plan.mcuFaults)
    if (!cursors.has(f.system))
      cursors.set(f.system, new SpellCursor(plan.mcuFaults.filter((x) => x.system === f.system)));
  const systemOf = (slot: SeriesSlot) =>
    slot.template.target.kind === "mcu"
      ? (slot.template.target.labels?.system ?? "")
      : slot.template.target.name;
  const listed = new Map<string, number>();
  for (const slot of group.slots)
    if (slot.template.metric === "videoconf_endpoints_listed" && slot.template.value !== null)
      listed.set(slot.template.target.name, slot.template.value);
  return perStep((w, ts) => {
    const faulty = new Set<string>();
    for (const [system, cursor] of cursors) if (cursor.at(ts) !== undefined) faulty.add(system);
    // A few school meeting rooms offline at any time (switched off, a broken link).
    const online = new Map([...listed].map(([system, n]) => [system, n - Math.floor(random() ** 2 * 12)]));
    for (const slot of group.slots) {
      const t = slot.template;
      const system = systemOf(slot);
      const fault = faulty.has(system);
      const n = online.get(system);
      switch (t.metric) {
        case "videoconf_mcu_sip_up":
          if (fault) w.add(slot, ts, 0, false, false, "timeout");
          else w.add(slot, ts, t.value, t.up, false, t.reason);
          break;
        case "videoconf_mcu_sip_rtt_seconds":
        case "videoconf_mcu_sip_status_code":
          w.add(
            slot,
            ts,
            fault || t.value === null
              ? null
              : t.metric.endsWith("code")
                ? t.value
                : toMicroseconds(t.value * (0.8 + 0.4 * random())),
          );
          break;
        case "videoconf_system_health":
          if (fault) w.add(slot, ts, 0, false, false, "mcu_down");
          else w.add(slot, ts, t.value, t.up, false, t.reason);
          break;
        case "videoconf_system_state":
          w.add(slot, ts, fault ? (t.labels?.state === "down" ? 1 : 0) : t.value);
          break;
        case "videoconf_endpoints_online":
          w.add(slot, ts, n ?? t.value);
          break;
        case "videoconf_endpoints_online_ratio": {
          const total = listed.get(system);
          w.add(slot, ts, n !== undefined && total ? n / total : t.value);
          break;
        }
        default:
          w.add(slot, ts, t.value, t.up, false, t.reason);
      }
    }
  });
}
