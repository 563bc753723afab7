/**
 * The daemon's monthly report: at `report.schedule` (08:00 on the 1st, in the centre's time zone,
 * by default) it writes the month just ended in the configured formats. A failure is logged and
 * retried at the next tick of the schedule; `ops-agent report --month …` writes one by hand.
 */
import type { Config } from "../../config/schema.js";
import { CronJob } from "../cron-job.js";
import type { Clock } from "../clock.js";
import { indicatorsOf } from "../kpi/kpi-report.js";
import type { Logger } from "../log.js";
import type { SqliteStore } from "../store/sqlite.js";
import { previousMonth, writeMonthlyReport } from "./write.js";

export class ReportSchedule {
  private readonly job = new CronJob<void>("monthly-report");

  constructor(
    private readonly store: SqliteStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(config: Config): void {
    this.job.schedule(config.report.enabled ? config.report.schedule : undefined, config.timezone, () =>
      this.write(config),
    );
  }

  /** Writes the previous month's report now (the schedule's job; tests call it directly). */
  runOnce(config: Config): Promise<void> {
    return this.job.runOnce(() => this.write(config));
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  private async write(config: Config): Promise<void> {
    const now = this.clock.now();
    const month = previousMonth(now, config.timezone);
    try {
      const files = await writeMonthlyReport(this.store, config, indicatorsOf(config), {
        month,
        formats: config.report.formats,
        now,
        by: "schedule",
      });
      this.log.info({ month, files: files.map((f) => f.path) }, "monthly operations report written");
    } catch (error) {
      this.log.error(
        { err: error, month },
        "monthly operations report failed; write it with ops-agent report --month",
      );
    }
  }
}
