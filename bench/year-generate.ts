/**
 * A generated year in a temporary store, for the KPI, the monthly report and the disk benchmarks
 * (bench/kpi-year.ts, bench/monthly-report.ts, bench/disk-year.ts; bench/year.ts runs them all on
 * one): the default scale — 50 applications, 253 VMs, 300 video-conference endpoints, 1-minute
 * samples; Asia/Shanghai, now = 2026-12-31 20:00 local.
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
 * The series themselves: bench/year-series.ts; incidents, reports and manual records:
 * agent/demo-history/records.ts (shared with the demo's history); the checks that the rollups inserted directly are the store's own:
 * bench/year-checks.ts.
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseConfigText } from "../config/load.js";
import type { Config } from "../config/schema.js";
import type { TargetRef } from "../collectors/types.js";
import { ManualClock } from "../agent/clock.js";
import { localMidnight } from "../agent/kpi/periods.js";
import { retentionCutoffs } from "../agent/store/retention.js";
import { RollupAccumulator, type RollupCells } from "../agent/store/rollups.js";
import { SqliteStore, type StoredSample } from "../agent/store/sqlite.js";
import { upsertSql } from "../agent/store/rollup-store.js";
import { probeTarget, prng } from "./generate.js";
import { repoRoot } from "./paths.js";
import { checkCellsAgainstStore, resolveIds } from "./year-checks.js";
import { generateRecords, recordMonthlyReportRows } from "../agent/demo-history/records.js";
import {
  DAY_MS,
  HOUR,
  MINUTE,
  NOW,
  RETENTION,
  TIME_ZONE,
  YEAR,
  httpMinute,
  newAppStates,
  params,
  pingCells,
  pingSamples,
  pingStates,
  planHour,
  type AppState,
  type PingState,
} from "./year-series.js";

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

const SEED = 20261231;
/** vcenter and antivirus: `every: 5m` in config/default.yaml. */
const INVENTORY_STEP = 5 * MINUTE;
const HTTP_COLLECTOR = "platforms";
const ICMP_COLLECTOR = "reachability";
const VIDEOCONF_COLLECTOR = "videoconf";
const SCOPE_TARGET: TargetRef = {
  key: "vcenter-scope:maintained-systems",
  kind: "scope",
  name: "maintained-systems",
  labels: { vcenter: "127.0.0.1:19443" },
};
/** As collectors/antivirus/collector.ts COVERAGE_TARGET. */
const COVERAGE_TARGET: TargetRef = { key: "antivirus:coverage", kind: "scope", name: "running VMs in scope" };

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
  const apps = newAppStates(options.applications);
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

  const written = generateRecords(store, config, {
    year: YEAR,
    targets: {
      platform: apps.map((a) => a.target.name),
      videoconf: pings.filter((p) => p.kind === "endpoint").map((p) => p.target.name),
      machineRoom: pings.filter((p) => p.kind === "vm").map((p) => p.target.name),
    },
    random,
    from,
    nowTs,
    by: "bench",
  });
  recordMonthlyReportRows(store, YEAR, 11);
  g.incidents = written.incidents;
  g.records = written.records;
  return g;
}

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
