/**
 * KPI over a year: `ops-agent kpi --period 2026` — the whole form (config/targets-2026.yaml, 63
 * indicators) evaluated by kpiReport() as the CLI does it — timed on a store holding a generated
 * year at the default scale: 50 applications, 253 VMs, 300 video-conference endpoints, 1-minute
 * samples; Asia/Shanghai, now = 2026-12-31 20:00 local. Target (the issue): ≤ 200 ms.
 *
 * What is in the temporary store, and how it got there:
 *  - http ("platforms", 1 min): per application an http_probe_up and an http_probe_duration_seconds
 *    sample each minute — mostly up, outage runs of 1 minute to ~3 hours a few times a month,
 *    scattered failed probes (0.2 %), a weekly two-hour maintenance window early on Sunday (flagged
 *    maintenance, half of it down). Written through SqliteStore.writeSamples, one simulated hour
 *    per call (as in bench/availability-ytd.ts, whose header explains why: one call per minute
 *    takes several minutes longer for the same rows), clock at the hour's end; the store builds its
 *    rollups itself. The generator counts up / down / maintenance per application.
 *  - vcenter vms_in_scope and antivirus_coverage_ratio every 5 minutes — the vcenter and antivirus
 *    schedules of config/default.yaml (`every: 5m`) — through writeSamples. The VM count is the
 *    scale's (253), one VM short for a few hours now and then; the coverage is protected ÷ running
 *    with 0–4 unprotected VMs. Only these two series of those collectors are generated (not the
 *    per-VM vm_power_state or per-VM antivirus series).
 *  - ICMP of every VM (icmp_probe_up, icmp_rtt_seconds, icmp_loss_ratio) and every videoconf
 *    endpoint (videoconf_endpoint_up, videoconf_endpoint_rtt_seconds), 1 minute: 1,359 series, a
 *    year of which is ~714 M raw samples — more than a benchmark run can write (this setup, with 54 M
 *    samples through the store, took 229–397 s on this shared 2-core machine). The KPI never reads these series, but their rollup rows share the
 *    tables (and the bucket ranges) the KPI scans, so they must be there. They are produced in
 *    three parts:
 *      · the first hour and the last `pingRawDays` days (default 1: Dec 31 00:00–20:00) as real
 *        1-minute samples through writeSamples — this creates the targets and series through the
 *        store's catalogue, and leaves raw samples of those days (`npm run bench` passes 35, the
 *        whole raw window, ~68 M more samples, for the disk figure; setup then took 856 s here);
 *      · every hour in between: NOT through the store. Their rollup rows are INSERTED DIRECTLY into
 *        rollup_hour and rollup_day over a second connection to the database file, with the
 *        columns and the upsert statement RollupStore writes (agent/store/rollup-store.ts, copied
 *        below), the day rows merged from the hour rows with the store's RollupAccumulator.merge().
 *        Each hour row holds exactly what the store would count from 60 one-minute samples of the
 *        same generator (n 60, up / down, value count, sum, min, max, last at minute 59) — checked
 *        against the store's own rollups of the first hour, whose planned down minutes are set to
 *        cover 0–60 — so the tables have the same series, buckets and counts (60 per hour, 1,440
 *        per day) as a year of samples written through the store. There was no other way: the
 *        store takes rollups only from raw samples. The benchmark checks those counts through the
 *        store's own query afterwards.
 *  - a few hundred incidents through store.incidents.open / acknowledge / resolve (probe faults of
 *    the platforms and the videoconf, tickets for the machine room and the antivirus; ~3 % answered
 *    late, the last few still open), 11 monthly reports (2026-01 … 2026-11) in store.reports, and
 *    manual records for 12 manual indicators through recordManualValue (the `ops-agent record` path).
 *  - the retention the daemon runs every hour (raw 35 d, hourly 93 d, daily 1100 d) runs every
 *    simulated hour: raw samples end at 35 days, hourly rollups at 93, daily ones cover the year.
 *
 * generateYear() builds that store once; bench/year.ts runs the KPI, the monthly report and the
 * disk figures on it. Timed here: kpiReport(store, config, indicators, "2026", now) — indicators loaded once, as the CLI
 * loads them — 3 warm-ups, then 20 iterations: median and p95. Then, if dist/ is built, the CLI end
 * to end once (`node dist/agent/main.js kpi --period 2026 --json --config <temp config>`): wall
 * time including process start, no target; it evaluates at the machine's real clock, not the
 * simulated Dec 31, so its period may be shorter. Setup is printed separately.
 * Sanity (throws): every automatic indicator has a value; the availability equals the mean
 * computed from the generator's own counts; the VM count and antivirus mean equal the generator's;
 * every ICMP / endpoint series has 60 samples per hour and 1,440 per whole day in the rollups.
 */
import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseConfigText } from "../config/load.js";
import type { Config } from "../config/schema.js";
import type { TargetRef } from "../collectors/types.js";
import { ManualClock } from "../agent/clock.js";
import type { Category, Priority } from "../agent/incidents/types.js";
import { indicatorsOf, kpiReport } from "../agent/kpi/kpi-report.js";
import { localMidnight } from "../agent/kpi/periods.js";
import { recordManualValue } from "../agent/kpi/records.js";
import { StoreKpiSources } from "../agent/kpi/sources.js";
import { retentionCutoffs, type RetentionPolicy } from "../agent/store/retention.js";
import { RollupAccumulator, emptyCells, type RollupCells } from "../agent/store/rollups.js";
import { SqliteStore, type StoredSample } from "../agent/store/sqlite.js";
import { probeTarget, prng } from "./generate.js";
import { repoRoot } from "./paths.js";
import { median, percentile } from "./stats.js";
import type { BenchResult } from "./types.js";
import { upsertSql } from "../agent/store/rollup-store.js";
import { toMicroseconds } from "../collectors/shared/timing.js";

export interface KpiYearOptions {
  /** Days of samples ending at now (Dec 31 20:00 local), whole local days back; at most 365. */
  days: number;
  vms: number;
  applications: number;
  endpoints: number;
  /** Timed iterations (default 20) after warm-ups (default 3). */
  iterations?: number;
  warmup?: number;
  /** Run the built CLI once end to end when dist/ exists (default true). */
  cli?: boolean;
  tmpRoot?: string;
  /**
   * Days (ending now) whose ICMP / endpoint samples go through writeSamples as real 1-minute
   * samples, so they are kept raw as the daemon keeps them (default 1: the last day only; 35 fills
   * the whole raw retention window, for the disk figure). The hours before get rollups only.
   */
  pingRawDays?: number;
  log?: (line: string) => void;
}

const B = "kpi year";
const TIME_ZONE = "Asia/Shanghai";
const YEAR = 2026;
const NOW = new Date(`${YEAR}-12-31T20:00:00+08:00`);
const PERIOD = String(YEAR);
const SEED = 20261231;
const MINUTE = 60;
const HOUR = 3600;
const DAY_MS = 86_400_000;
/** vcenter and antivirus: `every: 5m` in config/default.yaml. */
const INVENTORY_STEP = 5 * MINUTE;
/** The daemon's default retention (config/schema.ts), applied every simulated hour. */
export const RETENTION: RetentionPolicy = {
  rawMs: 35 * DAY_MS,
  hourlyMs: 93 * DAY_MS,
  dailyMs: 1100 * DAY_MS,
};
const REASONS = ["status", "connect", "timeout"] as const;
const HTTP_COLLECTOR = "platforms";
const ICMP_COLLECTOR = "reachability";
const VIDEOCONF_COLLECTOR = "videoconf";
const VIDEOCONF_SYSTEM = "市教育视频会议系统";
const SCOPE_TARGET: TargetRef = {
  key: "vcenter-scope:maintained-systems",
  kind: "scope",
  name: "maintained-systems",
  labels: { vcenter: "127.0.0.1:19443" },
};
/** As collectors/antivirus/collector.ts COVERAGE_TARGET. */
const COVERAGE_TARGET: TargetRef = { key: "antivirus:coverage", kind: "scope", name: "running VMs in scope" };

function params(seriesId: number, bucket: number, c: RollupCells): (number | null)[] {
  return [seriesId, bucket, c.n, c.nUp, c.nDown, c.nMaint, c.nValue, c.sum, c.min, c.max, c.last, c.lastTs];
}

// ---------------------------------------------------------------------------------------------
// http applications, minute by minute (counted by the generator)

interface AppState {
  target: TargetRef;
  outageLeft: number;
  up: number;
  down: number;
  maintenance: number;
}

/** Local hour and weekday in Asia/Shanghai (UTC+8, no DST). */
function localClock(ts: number): { hour: number; weekday: number } {
  const local = new Date((ts + 8 * HOUR) * 1000);
  return { hour: local.getUTCHours(), weekday: local.getUTCDay() };
}

function httpMinute(apps: readonly AppState[], ts: number, random: () => number, out: StoredSample[]): void {
  const time = new Date(ts * 1000);
  const { hour, weekday } = localClock(ts);
  for (let i = 0; i < apps.length; i++) {
    const app = apps[i] as AppState;
    const maintenance = weekday === 0 && hour >= 1 + (i % 4) && hour < 3 + (i % 4);
    let up: boolean;
    if (maintenance) up = random() < 0.5;
    else if (app.outageLeft > 0) {
      app.outageLeft--;
      up = false;
    } else if (random() < 1 / 8_000) {
      app.outageLeft = Math.floor(random() ** 3 * 180);
      up = false;
    } else up = random() > 0.002;
    if (maintenance) app.maintenance++;
    else if (up) app.up++;
    else app.down++;
    out.push(
      {
        target: app.target,
        metric: "http_probe_up",
        value: up ? 1 : 0,
        up,
        ...(up ? {} : { reason: REASONS[i % REASONS.length] as string }),
        maintenance,
        time,
      },
      {
        target: app.target,
        metric: "http_probe_duration_seconds",
        value: up ? toMicroseconds(0.01 + random() * 0.2) : null,
        time,
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// ICMP of the VMs and the videoconf endpoints: planned per hour, then written as 60 minute samples
// (through the store) or as the rollup cells those 60 samples give (inserted directly)

/** Per-minute RTT shape: minute m's RTT is base × SHAPE[m], to the microsecond as the collectors keep it. */
const SHAPE = Array.from({ length: 60 }, (_, m) => 0.8 + (0.4 * ((m * 37) % 60)) / 60);

function rttAt(plan: HourPlan, minute: number): number {
  return toMicroseconds(plan.rtt * (SHAPE[minute] as number));
}

interface PingState {
  target: TargetRef;
  /** "vm": icmp_probe_up, icmp_rtt_seconds, icmp_loss_ratio; "endpoint": videoconf_endpoint_up / _rtt_seconds. */
  kind: "vm" | "endpoint";
  baseRtt: number;
  outageLeft: number;
  /** Series ids (up, rtt, loss) once the catalogue has them. */
  ids: number[];
}

interface HourPlan {
  /** Down minutes: the first `down` minutes of the hour. */
  down: number;
  rtt: number;
}

function planHour(p: PingState, random: () => number): HourPlan {
  let down = 0;
  if (p.outageLeft > 0) {
    down = Math.min(60, p.outageLeft);
    p.outageLeft -= down;
  } else if (random() < (p.kind === "vm" ? 1 / 2_000 : 1 / 400)) {
    const length = 1 + Math.floor(random() ** 3 * 240);
    down = Math.min(60, length);
    p.outageLeft = length - down;
  }
  return { down, rtt: p.baseRtt * (1 + 0.3 * random()) };
}

function pingMetrics(kind: PingState["kind"]): string[] {
  return kind === "vm"
    ? ["icmp_probe_up", "icmp_rtt_seconds", "icmp_loss_ratio"]
    : ["videoconf_endpoint_up", "videoconf_endpoint_rtt_seconds"];
}

/** The 60 minute samples of one planned hour. */
function pingSamples(p: PingState, hour: number, plan: HourPlan, out: StoredSample[]): void {
  const [upMetric, rttMetric, lossMetric] = pingMetrics(p.kind) as [string, string, string | undefined];
  for (let m = 0; m < 60; m++) {
    const time = new Date((hour + m * MINUTE) * 1000);
    const up = m >= plan.down;
    out.push(
      {
        target: p.target,
        metric: upMetric,
        value: up ? 1 : 0,
        up,
        ...(up ? {} : { reason: "timeout" }),
        time,
      },
      { target: p.target, metric: rttMetric, value: up ? rttAt(plan, m) : null, time },
    );
    if (lossMetric !== undefined) out.push({ target: p.target, metric: lossMetric, value: up ? 0 : 1, time });
  }
}

/** What the store's rollups count from those 60 samples (rollups.ts addSample), per series. */
function pingCells(p: PingState, hour: number, plan: HourPlan): RollupCells[] {
  const d = plan.down;
  const lastTs = hour + 59 * MINUTE;
  const upCells: RollupCells = {
    n: 60,
    nUp: 60 - d,
    nDown: d,
    nMaint: 0,
    nValue: 60,
    sum: 60 - d,
    min: d > 0 ? 0 : 1,
    max: d < 60 ? 1 : 0,
    last: d < 60 ? 1 : 0,
    lastTs,
  };
  let rttCells: RollupCells = { ...emptyCells(), n: 60 };
  if (d < 60) {
    // The values of minutes d…59, added in the order the store adds them.
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let m = d; m < 60; m++) {
      const v = rttAt(plan, m);
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    rttCells = {
      n: 60,
      nUp: 0,
      nDown: 0,
      nMaint: 0,
      nValue: 60 - d,
      sum,
      min,
      max,
      last: rttAt(plan, 59),
      lastTs,
    };
  }
  if (p.kind === "endpoint") return [upCells, rttCells];
  const lossCells: RollupCells = {
    n: 60,
    nUp: 0,
    nDown: 0,
    nMaint: 0,
    nValue: 60,
    sum: d,
    min: d < 60 ? 0 : 1,
    max: d > 0 ? 1 : 0,
    last: d < 60 ? 0 : 1,
    lastTs,
  };
  return [upCells, rttCells, lossCells];
}

function pingStates(vms: number, endpoints: number, random: () => number): PingState[] {
  const out: PingState[] = [];
  for (let i = 0; i < vms; i++) {
    const address = `10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    out.push({
      target: {
        key: `icmp:${address}`,
        kind: "host",
        name: `vm-${i}`,
        labels: { system: `system-${i % 11}` },
      },
      kind: "vm",
      baseRtt: 0.0002 + random() * 0.002,
      outageLeft: 0,
      ids: [],
    });
  }
  for (let i = 0; i < endpoints; i++) {
    const address = `127.30.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    const name = `room-${i}`;
    out.push({
      target: {
        key: `endpoint:${VIDEOCONF_SYSTEM}:${name}`,
        kind: "endpoint",
        name,
        labels: { system: VIDEOCONF_SYSTEM, address },
      },
      kind: "endpoint",
      baseRtt: 0.001 + random() * 0.01,
      outageLeft: 0,
      ids: [],
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function configText(dir: string, applications: number): string {
  const targetsFile = join(repoRoot(), "config", "targets-2026.yaml");
  const targets = Array.from(
    { length: applications },
    (_, i) => `      - name: ${probeTarget(i).name}\n        url: http://127.0.0.1:9/app-${i}\n`,
  ).join("");
  return (
    `site: bench\ntimezone: ${TIME_ZONE}\ndata_dir: ${JSON.stringify(dir)}\n` +
    `targets_file: ${JSON.stringify(targetsFile)}\n` +
    `collectors:\n  - type: http\n    name: ${HTTP_COLLECTOR}\n    every: 1m\n    timeout: 20s\n    targets:\n${targets}`
  );
}

/** Manual records (indicator, value, dates): 12 indicators, some recorded every month or quarter. */
function manualRecords(): { key: string; value: string; dates: string[] }[] {
  const months = Array.from({ length: 11 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, "0")}-28`);
  const quarters = [`${YEAR}-03-30`, `${YEAR}-06-29`, `${YEAR}-09-29`, `${YEAR}-12-20`];
  return [
    { key: "long_term_plan_soundness", value: "健全", dates: [`${YEAR}-01-15`] },
    { key: "work_plan_soundness", value: "健全", dates: [`${YEAR}-01-20`] },
    { key: "budget_adjustment_rate", value: "0%", dates: [`${YEAR}-06-30`, `${YEAR}-12-15`] },
    { key: "budget_execution_rate", value: "97.5%", dates: [`${YEAR}-12-15`] },
    { key: "training_completion", value: "100%", dates: [`${YEAR}-11-30`] },
    { key: "online_customer_service", value: "完成", dates: [`${YEAR}-12-01`] },
    { key: "online_themed_activities", value: "2", dates: quarters },
    { key: "videoconf_staff", value: "8", dates: [`${YEAR}-02-01`] },
    { key: "ecard_operations_assessments", value: "1", dates: months },
    { key: "ecard_equipment_overhauls", value: "1", dates: quarters },
    { key: "news_posts", value: "28", dates: months },
    { key: "platform_school_coverage", value: "96.2%", dates: [`${YEAR}-09-01`] },
  ];
}

export interface Generated {
  samples: number;
  directHourRows: number;
  directDayRows: number;
  incidents: number;
  records: number;
  apps: AppState[];
  pings: PingState[];
  /** vms_in_scope of the last sample; antivirus coverage mean of the generator. */
  lastVmCount: number;
  coverageSum: number;
  coverageCount: number;
  from: number;
  lastDayStart: number;
}

function generate(
  store: SqliteStore,
  clock: ManualClock,
  config: Config,
  options: KpiYearOptions,
  log: (line: string) => void,
): Generated {
  const cal = store.calendar;
  const nowTs = Math.floor(NOW.getTime() / 1000);
  const yearStart = localMidnight(YEAR, 1, 1, cal);
  const lastDayStart = localMidnight(YEAR, 12, 31, cal);
  const from = Math.max(yearStart, lastDayStart - (Math.ceil(options.days) - 1) * 86_400);
  const rawFrom = lastDayStart - (Math.max(1, Math.ceil(options.pingRawDays ?? 1)) - 1) * 86_400;
  const random = prng(SEED);
  const apps: AppState[] = Array.from({ length: options.applications }, (_, i) => ({
    target: probeTarget(i),
    outageLeft: 0,
    up: 0,
    down: 0,
    maintenance: 0,
  }));
  const pings = pingStates(options.vms, options.endpoints, random);
  const g: Generated = {
    samples: 0,
    directHourRows: 0,
    directDayRows: 0,
    incidents: 0,
    records: 0,
    apps,
    pings,
    lastVmCount: options.vms,
    coverageSum: 0,
    coverageCount: 0,
    from,
    lastDayStart,
  };
  const write = (collector: string, batch: StoredSample[], time: Date) => {
    if (batch.length === 0) return;
    const r = store.writeSamples(collector, batch, time);
    if (r.written !== batch.length)
      throw new Error(`kpi year: ${collector}: ${batch.length - r.written} not written`);
    g.samples += r.written;
  };

  // The second connection for the ICMP / endpoint rollups of the hours between (see the header).
  const direct = new Database(store.path, { timeout: 5000 });
  const upsertHour = direct.prepare(upsertSql("rollup_hour"));
  const upsertDay = direct.prepare(upsertSql("rollup_day"));
  const dayAcc = new RollupAccumulator();
  let pendingHours: { seriesId: number; bucket: number; cells: RollupCells }[] = [];
  const commitDirect = direct.transaction(() => {
    for (const r of pendingHours) upsertHour.run(params(r.seriesId, r.bucket, r.cells));
    for (const r of dayAcc.drain()) upsertDay.run(params(r.seriesId, r.bucket, r));
  });
  const flushDirect = () => {
    if (pendingHours.length === 0) return;
    g.directHourRows += pendingHours.length;
    g.directDayRows += dayAcc.size;
    commitDirect();
    pendingHours = [];
  };

  let vmCount = options.vms;
  let vmShortLeft = 0;
  const t0 = performance.now();
  let nextLog = from + 30 * 86_400;
  try {
    for (let hour = from; hour < nowTs; hour += HOUR) {
      const end = Math.min(nowTs, hour + HOUR);
      const time = new Date(end * 1000);
      clock.set(time);
      // http: 60 runs of every application.
      const http: StoredSample[] = [];
      for (let ts = hour; ts < end; ts += MINUTE) httpMinute(apps, ts, random, http);
      write(HTTP_COLLECTOR, http, time);
      // vcenter and antivirus: every 5 minutes.
      const vcenter: StoredSample[] = [];
      const antivirus: StoredSample[] = [];
      for (let ts = hour; ts < end; ts += INVENTORY_STEP) {
        if (vmShortLeft > 0) vmShortLeft--;
        else if (random() < 1 / 4_000) vmShortLeft = 12 + Math.floor(random() * 36);
        vmCount = vmShortLeft > 0 ? options.vms - 1 : options.vms;
        const at = new Date(ts * 1000);
        vcenter.push({ target: SCOPE_TARGET, metric: "vms_in_scope", value: vmCount, time: at });
        const running = Math.max(1, vmCount - 3);
        const ratio = (running - Math.min(running - 1, Math.floor(random() * 5))) / running;
        g.coverageSum += ratio;
        g.coverageCount++;
        antivirus.push({
          target: COVERAGE_TARGET,
          metric: "antivirus_coverage_ratio",
          value: ratio,
          time: at,
        });
      }
      g.lastVmCount = vmCount;
      write("vcenter", vcenter, time);
      write("antivirus", antivirus, time);
      // ICMP and endpoints: real samples in the first hour and the last day, rollups in between.
      const real = hour === from || hour >= rawFrom;
      if (real) {
        flushDirect();
        const icmp: StoredSample[] = [];
        const vc: StoredSample[] = [];
        const plans = pings.map((p, i) => {
          const plan = planHour(p, random);
          // The first hour covers every down count (0–60 minutes), for the check below.
          if (hour === from) {
            plan.down = (i * 7) % 61;
            p.outageLeft = 0;
          }
          pingSamples(p, hour, plan, p.kind === "vm" ? icmp : vc);
          return plan;
        });
        write(ICMP_COLLECTOR, icmp, time);
        write(VIDEOCONF_COLLECTOR, vc, time);
        if (hour === from) {
          resolveIds(store, pings);
          checkCellsAgainstStore(store, pings, plans, hour);
        }
      } else {
        const day = store.calendar.dayStart(hour);
        for (const p of pings) {
          const cells = pingCells(p, hour, planHour(p, random));
          cells.forEach((c, k) => {
            const seriesId = p.ids[k] as number;
            pendingHours.push({ seriesId, bucket: hour, cells: c });
            dayAcc.merge(seriesId, day, c);
          });
        }
        if (store.calendar.dayStart(hour + HOUR) !== day) flushDirect();
      }
      // The daemon's hourly retention.
      store.applyRetention(retentionCutoffs(time, RETENTION, store.calendar));
      if (end >= nextLog) {
        log(
          `kpi year: ${Math.round((end - from) / 86_400)} days, ${g.samples} samples through the store, ` +
            `${g.directHourRows} hourly rollup rows inserted directly, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        );
        nextLog += 30 * 86_400;
      }
    }
    flushDirect();
  } finally {
    direct.close();
  }
  clock.set(NOW);
  store.flushRollups();

  // Incidents: a few hundred over the generated days.
  const categories: Category[] = [
    "videoconf",
    "platform",
    "videoconf",
    "platform",
    "machine_room",
    "antivirus",
  ];
  const priorities: Priority[] = ["P1", "P2", "P3", "P4"];
  const count = Math.max(24, Math.round((300 * (nowTs - from)) / (365 * 86_400)));
  const sla = config.incidents.sla;
  for (let i = 0; i < count; i++) {
    const category = categories[i % categories.length] as Category;
    const priority = priorities[Math.floor(random() * 4)] as Priority;
    const startTs = from + Math.floor(((i + random()) / count) * (nowTs - HOUR - from));
    const startedAt = new Date(startTs * 1000);
    const probe = category === "videoconf" || category === "platform";
    const target = probe
      ? category === "platform"
        ? probeTarget(i % options.applications).name
        : `room-${i % Math.max(1, options.endpoints)}`
      : `vm-${i % Math.max(1, options.vms)}`;
    const incident = store.incidents.open(
      {
        source: probe ? "probe" : "ticket",
        sourceKey: probe
          ? `${category}|${target}|${startTs * 1000}`
          : `T-${YEAR}-${String(i).padStart(4, "0")}`,
        subject: probe ? `${category}|${target}` : `T-${YEAR}-${String(i).padStart(4, "0")}`,
        category,
        priority,
        title: `${target}: ${probe ? "3 consecutive failed probes" : "helpdesk ticket"}`,
        target,
        startedAt,
      },
      probe ? "agent" : "ticket import",
    );
    g.incidents++;
    if (i >= count - 3) continue; // the last few still open
    const bound = sla.categories[category]?.[priority] ?? sla.response[priority];
    const late = random() < 0.03;
    const ackMs = late ? bound * (1.2 + random()) : bound * (0.05 + 0.85 * random());
    const ackAt = new Date(startedAt.getTime() + ackMs);
    store.incidents.acknowledge(incident.id, `operator-${i % 7}`, ackAt);
    store.incidents.resolve(
      incident.id,
      `operator-${i % 7}`,
      new Date(ackAt.getTime() + 600_000 + random() * 6 * 3_600_000),
    );
  }

  // 11 monthly reports, each generated on the 1st of the next month.
  for (let m = 1; m <= 11; m++) {
    const period = `${YEAR}-${String(m).padStart(2, "0")}`;
    store.reports.record({
      kind: "monthly_report",
      period,
      format: "html",
      path: `reports/monthly-${period}.html`,
      sha256: (m * 0x9e3779b1).toString(16).padStart(64, "0"),
      generatedAt: new Date((localMidnight(YEAR, m + 1, 1, cal) + 9 * HOUR) * 1000),
    });
  }

  // Manual records through the `ops-agent record` path.
  const indicators = indicatorsOf(config);
  for (const r of manualRecords()) {
    for (const date of r.dates) {
      const result = recordManualValue(store, config, indicators, NOW, {
        key: r.key,
        value: r.value,
        date,
        by: "bench",
      });
      if (!result.ok) throw new Error(`kpi year: record ${r.key} ${r.value} on ${date}: ${result.error}`);
      g.records++;
    }
  }
  return g;
}

/** The catalogue's ids of the ping series (created by the first hour's real samples). */
function resolveIds(store: SqliteStore, pings: PingState[]): void {
  const byKey = new Map<string, number>();
  for (const s of store.listSeries()) byKey.set(`${s.targetKey}\u0000${s.metric}`, s.seriesId);
  for (const p of pings) {
    p.ids = pingMetrics(p.kind).map((metric) => {
      const id = byKey.get(`${p.target.key}\u0000${metric}`);
      if (id === undefined) throw new Error(`kpi year: no series for ${p.target.key} ${metric}`);
      return id;
    });
  }
}

/**
 * The cells inserted directly must be what the store counts from the same 60 samples: the first
 * hour went through writeSamples, so its stored rollups are compared with pingCells() of its plans.
 */
function checkCellsAgainstStore(
  store: SqliteStore,
  pings: readonly PingState[],
  plans: readonly HourPlan[],
  hour: number,
): void {
  const stored = new Map<number, RollupCells>();
  for (const r of store.queryRollups({ resolution: "hour", from: hour, to: hour + HOUR }))
    stored.set(r.seriesId, r);
  const problems: string[] = [];
  const close = (a: number | null, b: number | null) =>
    a === null || b === null ? a === b : Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a));
  pings.forEach((p, i) => {
    pingCells(p, hour, plans[i] as HourPlan).forEach((want, k) => {
      const got = stored.get(p.ids[k] as number);
      const same =
        got !== undefined &&
        got.n === want.n &&
        got.nUp === want.nUp &&
        got.nDown === want.nDown &&
        got.nMaint === want.nMaint &&
        got.nValue === want.nValue &&
        got.lastTs === want.lastTs &&
        close(got.sum, want.sum) &&
        close(got.min, want.min) &&
        close(got.max, want.max) &&
        close(got.last, want.last);
      if (!same)
        problems.push(
          `${p.target.key} #${k}: store ${JSON.stringify(got)}, generator ${JSON.stringify(want)}`,
        );
    });
  });
  if (problems.length > 0)
    throw new Error(
      `kpi year: direct rollup cells differ from the store's: ${problems.slice(0, 3).join("; ")}`,
    );
}

/** Every ping series: 60 samples in each whole hour, 1,440 in each whole day, read through the store. */
function checkPingCounts(store: SqliteStore, g: Generated): string[] {
  const nowTs = Math.floor(NOW.getTime() / 1000);
  const problems: string[] = [];
  const wholeDays = Math.round((g.lastDayStart - g.from) / 86_400);
  for (const metric of [
    "icmp_probe_up",
    "icmp_rtt_seconds",
    "icmp_loss_ratio",
    "videoconf_endpoint_up",
    "videoconf_endpoint_rtt_seconds",
  ]) {
    const series = store.listSeries(metric).length;
    const expected = metric.startsWith("icmp")
      ? g.pings.filter((p) => p.kind === "vm").length
      : g.pings.length - g.pings.filter((p) => p.kind === "vm").length;
    if (series !== expected) problems.push(`${metric}: ${series} series, expected ${expected}`);
    const days = store.sumRollupCounts({ resolution: "day", from: g.from, to: g.lastDayStart, metric });
    // Hourly rollups older than the hourly retention are gone (the daily ones cover them).
    const hourFrom = Math.max(g.from, retentionCutoffs(NOW, RETENTION, store.calendar).hourBefore);
    const hours = store.sumRollupCounts({ resolution: "hour", from: hourFrom, to: nowTs, metric });
    for (const d of days)
      if (d.n !== wholeDays * 1440)
        problems.push(
          `${metric} series ${d.seriesId}: ${d.n} samples in whole days, expected ${wholeDays * 1440}`,
        );
    const hourCount = (nowTs - hourFrom) / HOUR;
    for (const h of hours)
      if (h.n !== hourCount * 60)
        problems.push(`${metric} series ${h.seriesId}: ${h.n} samples in hours, expected ${hourCount * 60}`);
    if (wholeDays > 0 && days.length !== expected)
      problems.push(`${metric}: daily rollups of ${days.length} series`);
    const rows = store.queryRollups({ resolution: "hour", from: hourFrom, to: hourFrom + HOUR, metric });
    if (rows.length !== expected || rows.some((r) => r.n !== 60))
      problems.push(
        `${metric}: the first kept hour has ${rows.length} series, not ${expected} with 60 samples each`,
      );
  }
  return problems;
}

/** A generated year in a temporary store, for the KPI, the monthly report and the disk figures. */
export interface GeneratedYear {
  options: KpiYearOptions;
  dir: string;
  configPath: string;
  config: Config;
  store: SqliteStore;
  g: Generated;
  setupSeconds: number;
  /** now: 2026-12-31 20:00 Asia/Shanghai. */
  now: Date;
  /** Closes the store and deletes the directory. */
  close(): void;
}

/** Generates the year (see the header) into a new store in a temporary directory. */
export function generateYear(options: KpiYearOptions): GeneratedYear {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(options.tmpRoot ?? tmpdir(), "ops-agent-bench-kpi-"));
  const close = () => {
    rmSync(dir, { recursive: true, force: true });
  };
  let store: SqliteStore | undefined;
  try {
    const configPath = join(dir, "ops-agent.yaml");
    writeFileSync(configPath, configText(dir, options.applications));
    const loaded = parseConfigText(configText(dir, options.applications));
    if (!loaded.ok) throw new Error(`kpi year: config: ${loaded.errors.join("; ")}`);
    const config = loaded.config;
    const clock = new ManualClock(NOW.getTime() - Math.ceil(options.days) * DAY_MS);
    const opened = SqliteStore.open({
      path: join(dir, "ops-agent.db"),
      clock,
      timeZone: TIME_ZONE,
      role: "agent",
      integrityCheck: "off",
    });
    store = opened;
    const t0 = performance.now();
    const g = generate(opened, clock, config, options, log);
    const setupSeconds = (performance.now() - t0) / 1000;
    log(
      `kpi year: setup ${setupSeconds.toFixed(1)} s: ${g.samples} samples through writeSamples, ` +
        `${g.directHourRows} hourly + ${g.directDayRows} daily ICMP/endpoint rollup rows inserted directly, ` +
        `${g.incidents} incidents, ${g.records} manual records, 11 reports`,
    );
    return {
      options,
      dir,
      configPath,
      config,
      store: opened,
      g,
      setupSeconds,
      now: NOW,
      close: () => {
        opened.close();
        close();
      },
    };
  } catch (error) {
    store?.close();
    close();
    throw error;
  }
}

/** Generates the year, times the KPI over it, and deletes it. */
export function runKpiYear(options: KpiYearOptions): BenchResult {
  const year = generateYear(options);
  try {
    return measureKpiYear(year);
  } finally {
    year.close();
  }
}

/** `ops-agent kpi --period 2026` (kpiReport) over a generated year: see the header. */
export function measureKpiYear(year: GeneratedYear): BenchResult {
  const { options, store, config, configPath, g, setupSeconds } = year;
  const log = options.log ?? (() => {});
  const iterations = options.iterations ?? 20;
  const warmup = options.warmup ?? 3;
  const indicators = indicatorsOf(config);
  const compute = () => {
    const report = kpiReport(store, config, indicators, PERIOD, NOW);
    if ("error" in report) throw new Error(`kpi year: ${report.error}`);
    return report;
  };
  for (let i = 0; i < warmup; i++) compute();
  const times: number[] = [];
  let report = compute();
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    report = compute();
    times.push(performance.now() - start);
  }

  // Sanity, loudly.
  const problems: string[] = [];
  const automatic = report.results.filter((r) => r.automatic);
  if (automatic.length !== 6) problems.push(`${automatic.length} automatic indicators, expected 6`);
  for (const r of automatic)
    if (r.value === null || r.status === "no_data") problems.push(`${r.key}: no data (${r.how})`);
  const ratios = g.apps.filter((a) => a.up + a.down > 0).map((a) => a.up / (a.up + a.down));
  const expected = ratios.reduce((s, r) => s + r, 0) / ratios.length;
  const availability = report.results.find((r) => r.key === "availability")?.value;
  if (typeof availability !== "number" || Math.abs(availability - expected) > 1e-12)
    problems.push(`availability ${availability} ≠ ${expected} from the generator's own counts`);
  const vmCount = report.results.find((r) => r.key === "vm_count")?.value;
  if (vmCount !== g.lastVmCount) problems.push(`vm_count ${vmCount} ≠ ${g.lastVmCount}`);
  const coverage = report.results.find((r) => r.key === "antivirus_coverage")?.value;
  const coverageExpected = g.coverageSum / g.coverageCount;
  if (typeof coverage !== "number" || Math.abs(coverage - coverageExpected) > 1e-9)
    problems.push(`antivirus coverage ${coverage} ≠ ${coverageExpected}`);
  const reports = report.results.find((r) => r.key === "monthly_reports")?.value;
  if (reports !== 11) problems.push(`monthly reports ${reports} ≠ 11`);
  problems.push(...checkPingCounts(store, g));
  if (problems.length > 0)
    throw new Error(`kpi year benchmark: wrong result: ${problems.slice(0, 6).join("; ")}`);

  const med = median(times);
  const p95 = percentile(times, 95);
  const noData = report.results.filter((r) => r.status === "no_data").length;
  log(
    `kpi year: kpiReport ${PERIOD} over ${indicators.length} indicators: median ${med.toFixed(1)} ms, ` +
      `p95 ${p95.toFixed(1)} ms; availability ${(availability as number).toFixed(6)} (generator: ${expected.toFixed(6)}); ` +
      `${noData} manual indicators without a record`,
  );

  // Where the time goes: each source the automatic indicators read, median of 5 (details only).
  const sources = new StoreKpiSources(store, config);
  const { from, to } = report.period;
  const parts: Record<string, () => unknown> = {
    availability: () => sources.availability(from, to),
    vmCount: () => sources.vmCount(from, to),
    antivirusCoverage: () => sources.antivirusCoverage(from, to),
    faultTimelinessVideoconf: () => sources.faultTimeliness("videoconf", from, to, NOW),
    faultTimelinessPlatform: () => sources.faultTimeliness("platform", from, to, NOW),
    monthlyReports: () => sources.monthlyReports(`${YEAR}-01`, `${YEAR}-12`),
  };
  const breakdownMs: Record<string, number> = {};
  for (const [name, fn] of Object.entries(parts)) {
    const t: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      fn();
      t.push(performance.now() - start);
    }
    breakdownMs[name] = median(t);
  }
  log(
    `kpi year: per source (median of 5): ${Object.entries(breakdownMs)
      .map(([k, v]) => `${k} ${v.toFixed(1)} ms`)
      .join(", ")}`,
  );

  let cliMs: number | undefined;
  const main = join(repoRoot(), "dist", "agent", "main.js");
  if ((options.cli ?? true) && existsSync(main)) {
    const start = performance.now();
    const child = spawnSync(
      process.execPath,
      [main, "kpi", "--period", PERIOD, "--json", "--config", configPath],
      { cwd: repoRoot(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    cliMs = performance.now() - start;
    let parsed = false;
    try {
      parsed = Array.isArray((JSON.parse(child.stdout) as { results?: unknown }).results);
    } catch {
      parsed = false;
    }
    // Exit 1 means an automatic indicator is not met: still a complete answer.
    if (!parsed || (child.status !== 0 && child.status !== 1)) {
      log(`kpi year: CLI failed (status ${child.status}): ${child.stderr.slice(0, 500)}`);
      cliMs = undefined;
    } else log(`kpi year: CLI end to end ${cliMs.toFixed(0)} ms (exit ${child.status})`);
  } else if (options.cli ?? true) log("kpi year: dist/agent/main.js not built: CLI end to end skipped");

  const scale = `${options.applications} apps, ${options.vms} VMs, ${options.endpoints} endpoints × ${options.days} days`;
  const rows: BenchResult["rows"] = [
    {
      benchmark: B,
      figure: `${scale}: kpiReport("${PERIOD}"), ${indicators.length} indicators, median`,
      value: med,
      unit: "ms",
      target: { kind: "max", value: 200 },
    },
    {
      benchmark: B,
      figure: `${scale}: kpiReport("${PERIOD}"), p95`,
      value: p95,
      unit: "ms",
      target: { kind: "max", value: 200 },
    },
  ];
  if (cliMs !== undefined)
    rows.push({
      benchmark: B,
      figure: `${scale}: \`ops-agent kpi --period ${PERIOD} --json\` end to end (process start included, real clock)`,
      value: cliMs,
      unit: "ms",
    });
  rows.push(
    {
      benchmark: B,
      figure:
        `${scale}: setup, ${g.samples.toLocaleString("en-US")} samples through writeSamples + ` +
        `${(g.directHourRows + g.directDayRows).toLocaleString("en-US")} ICMP/endpoint rollup rows INSERTED DIRECTLY (not timed above)`,
      value: setupSeconds,
      unit: "s",
    },
    {
      benchmark: B,
      figure: `${scale}: availability (= generator's own counts)`,
      value: availability as number,
      unit: "",
    },
  );
  return {
    benchmark: B,
    rows,
    details: {
      days: options.days,
      applications: options.applications,
      vms: options.vms,
      endpoints: options.endpoints,
      iterations,
      warmup,
      now: NOW.toISOString(),
      inventorySchedule: "vcenter and antivirus every 5 min (config/default.yaml)",
      samples: g.samples,
      directHourRows: g.directHourRows,
      directDayRows: g.directDayRows,
      incidents: g.incidents,
      manualRecords: g.records,
      setupSeconds,
      timesMs: times,
      cliMs,
      breakdownMs,
      availability,
      independentAvailability: expected,
      vmCount,
      antivirusCoverage: coverage,
      noDataIndicators: noData,
      fileBytes: store.sizeBytes(),
    },
  };
}
