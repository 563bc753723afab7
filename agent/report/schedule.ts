/**
 * The daemon's monthly report: at `report.schedule` (08:00 on the 1st, in the centre's time zone,
 * by default) it writes the month just ended in the configured formats. A failure is logged and
 * retried at the next tick of the schedule; `ops-agent report --month …` writes one by hand.
 */
import cron, { type ScheduledTask } from "node-cron";
import type { Config } from "../../config/schema.js";
import type { Clock } from "../clock.js";
import { indicatorsOf } from "../kpi/kpi-report.js";
import type { Logger } from "../log.js";
import type { SqliteStore } from "../store/sqlite.js";
import { previousMonth, writeMonthlyReport } from "./write.js";

export class ReportSchedule {
  private task: ScheduledTask | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: SqliteStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(config: Config): void {
    void this.task?.destroy();
    this.task = undefined;
    if (!config.report.enabled) return;
    this.task = cron.createTask(config.report.schedule, () => void this.runOnce(config), {
      timezone: config.timezone,
      name: "monthly-report",
    });
    void this.task.start();
  }

  /** Writes the previous month's report now (the schedule's job; tests call it directly). */
  runOnce(config: Config): Promise<void> {
    this.running ??= (async () => {
      const now = this.clock.now();
      const month = previousMonth(now, config.timezone);
      try {
        const files = await writeMonthlyReport(this.store, config, indicatorsOf(config), {
          month,
          formats: config.report.formats,
          now,
        });
        this.log.info({ month, files: files.map((f) => f.path) }, "monthly operations report written");
      } catch (error) {
        this.log.error(
          { err: error, month },
          "monthly operations report failed; write it with ops-agent report --month",
        );
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
    await this.running;
  }
}
