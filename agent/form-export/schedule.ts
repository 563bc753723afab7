/**
 * When the self-evaluation is due: the half-year ("2026-H1") once June has ended, the year
 * ("2026") once December has. The daemon runs FormExportSchedule on `form_export.schedule`
 * (09:00 on January 1 and July 1 by default, in the centre's time zone); each run writes the
 * period that ended last. A failure is logged and retried at the next tick;
 * `ops-agent form export --period …` writes one by hand.
 */
import type { Config } from "../../config/schema.js";
import type { Clock } from "../clock.js";
import { CronJob } from "../cron-job.js";
import { indicatorsOf } from "../kpi/kpi-report.js";
import { halfYearRange, yearRange } from "../kpi/periods.js";
import { localYearMonth } from "../local-time.js";
import type { Logger } from "../log.js";
import { BucketCalendar } from "../store/buckets.js";
import type { SqliteStore } from "../store/sqlite.js";
import { DEFAULT_FORM_EXPORT_SCHEDULE, type FormExportOptions } from "./config.js";
import { writeFormExport, type WrittenExport } from "./write.js";

/** The period that ended last before `now`: "2026-H1" from July 1 to December 31, else the previous year. */
export function lastEndedPeriod(now: Date, timeZone: string): string {
  const { year, month } = localYearMonth(now, timeZone);
  return month >= 7 ? `${year}-H1` : String(year - 1);
}

/** The next export's moment after `now`: local midnight of the next July 1 or January 1. */
export function nextExportDue(now: Date, timeZone: string): { period: string; at: Date } {
  const { year, month } = localYearMonth(now, timeZone);
  const calendar = new BucketCalendar(timeZone);
  return month < 7
    ? { period: `${year}-H1`, at: new Date(halfYearRange(year, calendar).end * 1000) }
    : { period: String(year), at: new Date(yearRange(year, calendar).end * 1000) };
}

export class FormExportSchedule {
  private readonly job = new CronJob<WrittenExport[]>("form-export");

  constructor(
    private readonly store: SqliteStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** (Re)starts on `options.schedule`; stops when `options.enabled` is false. */
  start(config: Config, options: FormExportOptions): void {
    this.job.schedule(
      options.enabled ? (options.schedule ?? DEFAULT_FORM_EXPORT_SCHEDULE) : undefined,
      config.timezone,
      () => this.write(config, options),
    );
  }

  /** Writes the period that ended last, now (the schedule's job; tests call it directly). Never throws. */
  runOnce(config: Config, options: FormExportOptions): Promise<WrittenExport[]> {
    return this.job.runOnce(() => this.write(config, options));
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  private async write(config: Config, options: FormExportOptions): Promise<WrittenExport[]> {
    const now = this.clock.now();
    const period = lastEndedPeriod(now, config.timezone);
    try {
      const files = await writeFormExport(this.store, config, indicatorsOf(config), {
        period,
        formats: options.formats,
        ...(options.out_dir === undefined ? {} : { outDir: options.out_dir }),
        now,
        by: "schedule",
      });
      this.log.info({ period, files: files.map((f) => f.path) }, "performance self-evaluation written");
      return files;
    } catch (error) {
      this.log.error(
        { err: error, period },
        "performance self-evaluation failed; write it with ops-agent form export --period",
      );
      return [];
    }
  }
}
