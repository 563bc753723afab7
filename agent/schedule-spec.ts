/**
 * `every: 1m` in the config becomes a node-cron expression, so every schedule runs on the same
 * engine and lines up on the clock (every 5m fires at :00, :05, … — runs of different agents and
 * restarts stay comparable). Only periods that divide the minute, the hour or the day evenly can
 * be written that way; anything else must be a cron expression.
 */
import cron from "node-cron";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function everyToCron(ms: number): string | undefined {
  if (ms <= 0) return undefined;
  if (ms < MINUTE && ms % SECOND === 0 && 60 % (ms / SECOND) === 0) {
    return `*/${ms / SECOND} * * * * *`;
  }
  if (ms === MINUTE) return "0 * * * * *";
  if (ms < HOUR && ms % MINUTE === 0 && 60 % (ms / MINUTE) === 0) return `0 */${ms / MINUTE} * * * *`;
  if (ms === HOUR) return "0 0 * * * *";
  if (ms < DAY && ms % HOUR === 0 && 24 % (ms / HOUR) === 0) return `0 0 */${ms / HOUR} * * *`;
  if (ms === DAY) return "0 0 0 * * *";
  return undefined;
}

export function isValidCron(expression: string): boolean {
  return cron.validate(expression);
}

/**
 * The nominal period of a schedule, used to judge staleness (a collector whose last good run is
 * older than a few periods is stale). For a cron expression: the gap between its next two firings.
 */
export function nominalPeriodMs(schedule: { every?: number; cron?: string }, timeZone?: string): number {
  if (schedule.every !== undefined) return schedule.every;
  if (schedule.cron === undefined) return MINUTE;
  const task = cron.createTask(schedule.cron, () => undefined, timeZone ? { timezone: timeZone } : {});
  try {
    const [first, second] = task.getNextRuns(2);
    return first && second ? second.getTime() - first.getTime() : DAY;
  } finally {
    void task.destroy();
  }
}
