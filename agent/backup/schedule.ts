/**
 * The daemon's scheduled backup: at `backup.schedule` (03:00 every day by default, in the centre's
 * time zone) a verified copy of the database goes to `backup.dir`, and copies beyond `backup.keep`
 * are deleted. The copying code (backup.ts and what it needs) is imported at the first run, not at
 * start: it costs the daemon's memory nothing until it is used.
 *
 * The copy is made through the agent's own connection, PAGES_PER_STEP pages a step with the event
 * loop free in between: 1024 pages (4 MiB at SQLite's 4 KiB page) took 9 ms a step (median, 19 ms
 * the slowest) from a warm 62 MiB database on the development machine, so a probe's callback or a
 * scrape waits at most about that long — the housekeeping's 25 ms steps are the same budget — and
 * a year's database of a few hundred megabytes is copied in about a hundred steps. The copy's
 * integrity_check (seconds for such a file) runs in a worker thread and the flush to disk in
 * libuv's thread pool (copy.ts), so neither holds the loop either.
 *
 * Metrics (only while backups are enabled): opsagent_backup_last_success_timestamp_seconds (the
 * newest copy in the directory, from its name, so it also counts copies made with `ops-agent
 * backup --dir` and survives restarts; 0 when there is none), opsagent_backup_failures_total,
 * opsagent_backup_interval_seconds (the schedule's period, what staleness is judged against) and
 * opsagent_backup_last_duration_seconds.
 */
import { performance } from "node:perf_hooks";
import { Counter, Gauge, type Registry } from "prom-client";
import type { Config } from "../../config/schema.js";
import type { Clock } from "../clock.js";
import { CronJob } from "../cron-job.js";
import type { Logger } from "../log.js";
import { nominalPeriodMs } from "../schedule-spec.js";
import type { SqliteStore } from "../store/sqlite.js";
import { listBackups } from "./names.js";
import { backupDirectory } from "./paths.js";

export const PAGES_PER_STEP = 1024;

const PREFIX = "opsagent_backup_";

interface BackupMetrics {
  failures: Counter;
  interval: Gauge;
  duration: Gauge;
}

export class BackupSchedule {
  private readonly job = new CronJob<void>("backup");
  private metrics: BackupMetrics | undefined;
  /** The directory the last-success gauge reads (changes on reload). */
  private dir = "";

  constructor(
    private readonly store: SqliteStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly registry: Registry,
  ) {}

  /** (Re)starts on `backup.schedule`; stops, and drops the metrics, when backups are off. */
  start(config: Config): void {
    const enabled = config.backup.enabled;
    this.dir = backupDirectory(config);
    if (enabled)
      this.registerMetrics().interval.set(
        nominalPeriodMs({ cron: config.backup.schedule }, config.timezone) / 1000,
      );
    else this.unregisterMetrics();
    this.job.schedule(enabled ? config.backup.schedule : undefined, config.timezone, () =>
      this.write(config),
    );
  }

  /** A backup now (the schedule's job; tests call it directly). Never throws: a failure is logged and counted. */
  runOnce(config: Config): Promise<void> {
    return this.job.runOnce(() => this.write(config));
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  private async write(config: Config): Promise<void> {
    const started = performance.now();
    const dir = backupDirectory(config);
    try {
      const { takeBackup } = await import("./backup.js");
      const result = await takeBackup({
        databasePath: this.store.path,
        dir,
        keep: config.backup.keep,
        now: this.clock.now(),
        timeZone: config.timezone,
        source: (destination) => this.store.backup(destination, PAGES_PER_STEP),
      });
      const seconds = (performance.now() - started) / 1000;
      this.metrics?.duration.set(seconds);
      this.log.info(
        {
          file: result.path,
          bytes: result.bytes,
          schema_version: result.version,
          pruned: result.pruned,
          seconds,
        },
        "backup written and verified",
      );
    } catch (error) {
      this.metrics?.failures.inc();
      this.log.error(
        { err: error, dir },
        "backup failed; the next one runs at the next tick of backup.schedule (or run ops-agent backup --dir)",
      );
    }
  }

  private registerMetrics(): BackupMetrics {
    if (this.metrics) return this.metrics;
    const registers = [this.registry];
    const dir = () => this.dir;
    new Gauge({
      name: `${PREFIX}last_success_timestamp_seconds`,
      help: "Unix time of the newest verified backup copy in backup.dir (from its name; 0 when there is none).",
      registers,
      collect() {
        try {
          const newest = listBackups(dir())[0];
          this.set(newest ? newest.at.getTime() / 1000 : 0);
        } catch {
          // An unreadable directory: the value stays as it was; the failing backups are counted.
        }
      },
    });
    this.metrics = {
      failures: new Counter({
        name: `${PREFIX}failures_total`,
        help: "Scheduled backups that failed (copy, verification, rename or retention); each is logged.",
        registers,
      }),
      interval: new Gauge({
        name: `${PREFIX}interval_seconds`,
        help: "Seconds between scheduled backups (the gap between the schedule's next two firings).",
        registers,
      }),
      duration: new Gauge({
        name: `${PREFIX}last_duration_seconds`,
        help: "Wall time of the last successful scheduled backup, copy and verification included.",
        registers,
      }),
    };
    return this.metrics;
  }

  private unregisterMetrics(): void {
    if (!this.metrics) return;
    for (const name of [
      "last_success_timestamp_seconds",
      "failures_total",
      "interval_seconds",
      "last_duration_seconds",
    ])
      this.registry.removeSingleMetric(`${PREFIX}${name}`);
    this.metrics = undefined;
  }
}
