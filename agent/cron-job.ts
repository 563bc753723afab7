/**
 * A job the daemon runs on a cron schedule in the centre's time zone (the monthly report, the
 * form export): restartable with a new schedule on reload, one run at a time (a tick while a run
 * is going joins it), and stop() waits for the run in flight.
 */
import cron, { type ScheduledTask } from "node-cron";

export class CronJob<T> {
  private task: ScheduledTask | undefined;
  private running: Promise<T> | undefined;

  constructor(private readonly name: string) {}

  /** (Re)starts on `expression`; `undefined` stops it. */
  schedule(expression: string | undefined, timeZone: string, run: () => Promise<T>): void {
    void this.task?.destroy();
    this.task = undefined;
    if (expression === undefined) return;
    this.task = cron.createTask(expression, () => void this.runOnce(run), {
      timezone: timeZone,
      name: this.name,
    });
    void this.task.start();
  }

  /** Runs the job now, or joins the run in flight. */
  runOnce(run: () => Promise<T>): Promise<T> {
    this.running ??= run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
    await this.running?.catch(() => undefined);
  }
}
