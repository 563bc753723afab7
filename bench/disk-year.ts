/**
 * Disk: the database after a generated year at the default scale (bench/year-generate.ts,
 * which runs the daemon's retention — raw 35 d, hourly 93 d, daily 1100 d — every simulated
 * hour). Target (the issue): one year at default scale ≤ 1 GB on disk with the default retention.
 *
 * MEASURED: the file after a TRUNCATE checkpoint (page_count × page_size: free pages left by the
 * retention's deletes included, the WAL folded in), the bytes of each b-tree (dbstat), the rows of
 * samples / rollup_hour / rollup_day, and how many days the raw samples span (the retention cuts
 * at the start of the local day 35 days back, so under 36).
 *
 * What the generated year holds (see bench/year-generate.ts): 50 applications' http_probe_up and
 * http_probe_duration_seconds at 1 minute, vms_in_scope and antivirus_coverage_ratio at 5 minutes,
 * and the ICMP of 253 VMs plus the 300 videoconf endpoints at 1 minute — raw for the last
 * `pingRawDays` days only (35 in `npm run bench`: the whole raw window), rollups for the year.
 *
 * NOT generated, so ESTIMATED (rows × bytes per row measured in this same file): the series the
 * default config also writes — host (17 series, 30 s), the self http probe (3 series, 15 s), the
 * platforms' http_probe_status_code and TLS expiry (51 series, 30 s), the platforms probed every
 * 30 s (config/default.yaml) where the generator writes 1 minute, vcenter's per-VM vm_power_state
 * and vms_expected (254, 5 min), antivirus per VM and its counts (250, 5 min), the loopback ICMP
 * target (3, 1 min), the videoconf MCU and system series (22, 1 min), the ICMP / endpoint raw
 * samples of the raw window when `pingRawDays` < 35, and a year of collector_runs rows (kept
 * 1100 days; bytes per row measured by recording 20,000 runs through store.recordRun). Series
 * counts are those of one real default-scale cycle (bench/machine-room.ts). Not counted at all:
 * events, incidents and reports beyond the generator's, the WAL between checkpoints.
 */
import Database from "better-sqlite3";
import type { GeneratedYear } from "./year-generate.js";
import { RETENTION } from "./year-series.js";
import { MIB } from "./stats.js";
import type { BenchResult, BenchRow } from "./types.js";

const B = "disk year";
const DAY = 86_400;
const RAW_DAYS = 35;
const YEAR_DAYS = 365;
/** The issue's unit: "≤ 1 GB on disk", a gigabyte of 10^9 bytes (0.93 GiB). */
const GB = 1e9;

/**
 * Series the generator does not write: count and interval (s). The counts are one real
 * default-scale cycle's (bench/machine-room.ts: 253 VMs of which 248 known to the antivirus, 50
 * applications), scaled with the generated VMs and applications.
 */
function notGenerated(vms: number, applications: number): { what: string; series: number; every: number }[] {
  const protectedVms = Math.round((vms * 248) / 253);
  return [
    { what: "host (17 series)", series: 17, every: 30 },
    { what: "self http probe", series: 3, every: 15 },
    { what: "platforms: http_probe_status_code + TLS expiry", series: applications + 1, every: 30 },
    { what: `vcenter: vm_power_state × ${vms} + vms_expected`, series: vms + 1, every: 300 },
    {
      what: `antivirus: per VM × ${protectedVms} + running / protected counts`,
      series: protectedVms + 2,
      every: 300,
    },
    { what: "icmp: the loopback target", series: 3, every: 60 },
    { what: "videoconf: MCU and system series", series: 22, every: 60 },
  ];
}
/** collector_runs per day at config/default.yaml's schedules. */
const RUNS_PER_DAY = DAY / 15 + DAY / 30 + DAY / 30 + DAY / 60 + DAY / 60 + DAY / 300 + DAY / 300;

interface TreeBytes {
  table: string;
  bytes: number;
}

function treeBytes(db: Database.Database): TreeBytes[] | undefined {
  try {
    return db
      .prepare(
        `SELECT coalesce(m.tbl_name, d.name) AS "table", sum(d.pgsize) AS bytes
           FROM dbstat d LEFT JOIN sqlite_master m ON m.name = d.name
          GROUP BY 1 ORDER BY 2 DESC`,
      )
      .all() as TreeBytes[];
  } catch {
    return undefined; // SQLite without dbstat
  }
}

export function measureDiskYear(year: GeneratedYear): BenchResult {
  const log = year.options.log ?? (() => {});
  const store = year.store;
  store.flushRollups();
  const db = new Database(store.path, { timeout: 10_000 });
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const fileBytes = pageSize * (db.pragma("page_count", { simple: true }) as number);
    const freeBytes = pageSize * (db.pragma("freelist_count", { simple: true }) as number);
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    // Raw samples live in the head (samples) and in the compacted hours (sample_chunks).
    const rows = { samples: store.rawSampleCount(), hour: count("rollup_hour"), day: count("rollup_day") };
    const span = db
      .prepare(
        `SELECT min(lo) AS lo, max(hi) AS hi FROM (
           SELECT min(ts) AS lo, max(ts) AS hi FROM samples
           UNION ALL SELECT min(bucket), max(bucket) + 3599 FROM sample_chunks)`,
      )
      .get() as { lo: number | null; hi: number | null };
    const rawDays = span.lo === null || span.hi === null ? 0 : (span.hi - span.lo) / DAY;
    const trees = treeBytes(db) ?? [];
    const bytesOf = (table: string) => trees.find((t) => t.table === table)?.bytes ?? Number.NaN;
    const rawBytes = bytesOf("samples") + bytesOf("sample_chunks");
    const perRaw = rawBytes / rows.samples;
    const perHour = bytesOf("rollup_hour") / rows.hour;
    const perDay = bytesOf("rollup_day") / rows.day;
    log(
      `disk year: file ${(fileBytes / MIB).toFixed(1)} MiB (${(freeBytes / MIB).toFixed(1)} MiB free pages); ` +
        `${rows.samples} raw samples over ${rawDays.toFixed(2)} days (${perRaw.toFixed(1)} B each), ` +
        `${rows.hour} hourly rollups (${perHour.toFixed(1)} B), ${rows.day} daily (${perDay.toFixed(1)} B); ` +
        `trees: ${trees
          .slice(0, 6)
          .map((t) => `${t.table} ${(t.bytes / MIB).toFixed(1)} MiB`)
          .join(", ")}`,
    );

    // Bytes per collector_runs row, through the store's own insert (rows added after the file was measured).
    const runsBefore = count("collector_runs");
    const runsBytesBefore = bytesOf("collector_runs");
    const t0 = year.now.getTime();
    const collectors = ["self", "host", "platforms", "reachability", "videoconf", "vcenter", "antivirus"];
    for (let i = 0; i < 20_000; i++) {
      const startedAt = new Date(t0 + i * 1000);
      store.recordRun({
        collector: collectors[i % collectors.length] as string,
        type: "http",
        startedAt,
        finishedAt: new Date(startedAt.getTime() + 250),
        status: "ok",
        samples: 100,
      });
    }
    db.pragma("wal_checkpoint(TRUNCATE)");
    const runsTree = (treeBytes(db) ?? []).find((t) => t.table === "collector_runs")?.bytes ?? Number.NaN;
    const perRun =
      (runsTree - (Number.isFinite(runsBytesBefore) ? runsBytesBefore : 0)) /
      (count("collector_runs") - runsBefore);

    // The estimate of what was not generated.
    const hourRows = Math.min(YEAR_DAYS, RETENTION.hourlyMs / 86_400_000) * 24;
    const dayRows = YEAR_DAYS;
    const apps = year.options.applications;
    const parts: { what: string; bytes: number }[] = notGenerated(year.options.vms, apps).map((p) => ({
      what: p.what,
      bytes:
        p.series * ((RAW_DAYS * DAY) / p.every) * perRaw + p.series * (hourRows * perHour + dayRows * perDay),
    }));
    // The platforms every 30 s where the generator wrote 1 minute: twice the raw samples (rollups alike).
    parts.push({
      what: `http up + duration of ${apps} apps at 30 s (generated: 1 min)`,
      bytes: apps * 2 * ((RAW_DAYS * DAY) / 60) * perRaw,
    });
    const pingRawDays = Math.min(RAW_DAYS, Math.max(1, year.options.pingRawDays ?? 1));
    if (pingRawDays < RAW_DAYS) {
      const pingSeries = year.options.vms * 3 + year.options.endpoints * 2;
      parts.push({
        what: `ICMP / endpoint raw samples of ${RAW_DAYS - pingRawDays} more days`,
        bytes: pingSeries * (((RAW_DAYS - pingRawDays) * DAY) / 60) * perRaw,
      });
    }
    // The run log follows the raw retention.
    parts.push({
      what: `collector_runs: ${Math.round(RUNS_PER_DAY * RAW_DAYS).toLocaleString("en-US")} rows (${RAW_DAYS} days)`,
      bytes: RUNS_PER_DAY * RAW_DAYS * perRun,
    });
    const estimated = parts.reduce((s, p) => s + p.bytes, 0);
    log(
      `disk year: not generated, estimated ${(estimated / MIB).toFixed(1)} MiB: ${parts
        .map((p) => `${p.what} ${(p.bytes / MIB).toFixed(1)} MiB`)
        .join("; ")}`,
    );
    const scale = `${apps} apps, ${year.options.vms} VMs, ${year.options.endpoints} endpoints × ${year.options.days} days`;
    const result: BenchRow[] = [
      {
        benchmark: B,
        figure: `${scale}: database file, MEASURED (the generated series only; raw ICMP/endpoints for the last ${pingRawDays} d)`,
        value: fileBytes / GB,
        unit: "GB",
      },
      {
        benchmark: B,
        figure: `${scale}: measured + ESTIMATE of the series and run log not generated (see bench/disk-year.ts)`,
        value: (fileBytes + estimated) / GB,
        unit: "GB",
        target: { kind: "max", value: 1 },
      },
      {
        benchmark: B,
        figure:
          "raw samples kept: span of their timestamps (raw retention 35 d, cut at a local day's start: under 36 d)",
        value: rawDays,
        unit: "days",
        target: { kind: "max", value: RAW_DAYS + 1 },
      },
      {
        benchmark: B,
        figure: "bytes per raw sample (samples head + compacted chunks and their index ÷ samples)",
        value: perRaw,
        unit: "B",
      },
      { benchmark: B, figure: "bytes per hourly rollup row", value: perHour, unit: "B" },
    ];
    return {
      benchmark: B,
      rows: result,
      details: {
        fileBytes,
        freeBytes,
        rows,
        rawDays,
        trees,
        bytesPerRow: { raw: perRaw, hour: perHour, day: perDay, run: perRun },
        estimate: parts,
        estimatedBytes: estimated,
        pingRawDays,
      },
    };
  } finally {
    db.close();
  }
}
