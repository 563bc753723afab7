/**
 * Rollup buckets follow the centre's clock: an hour bucket starts at a local hour, a day bucket at
 * local midnight (Asia/Shanghai by default), so a "day" in a report is the day people lived.
 * Bucket keys are unix seconds of the bucket's start.
 */
const HOUR = 3600;

export class BucketCalendar {
  private readonly offsetCache = new Map<number, number>();
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  private lastHourKey = Number.NaN;
  private lastOffset = 0;

  /** The zone's offset from UTC in seconds at the given instant (cached per UTC hour). */
  offsetAt(ts: number): number {
    const hourKey = Math.floor(ts / HOUR);
    // Fast path: samples of one batch share their hour.
    if (hourKey === this.lastHourKey) return this.lastOffset;
    const offset = this.lookupOffset(hourKey);
    this.lastHourKey = hourKey;
    this.lastOffset = offset;
    return offset;
  }

  private lookupOffset(hourKey: number): number {
    const cached = this.offsetCache.get(hourKey);
    if (cached !== undefined) return cached;
    const parts = Object.fromEntries(
      this.format.formatToParts(new Date(hourKey * HOUR * 1000)).map((p) => [p.type, p.value]),
    );
    const asUtc = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    const offset = Math.round(asUtc / 1000 - hourKey * HOUR);
    if (this.offsetCache.size > 100_000) this.offsetCache.clear();
    this.offsetCache.set(hourKey, offset);
    return offset;
  }

  hourStart(ts: number): number {
    const offset = this.offsetAt(ts);
    return Math.floor((ts + offset) / HOUR) * HOUR - offset;
  }

  dayStart(ts: number): number {
    const offset = this.offsetAt(ts);
    const localMidnight = Math.floor((ts + offset) / 86_400) * 86_400;
    // Across a DST change the offset at midnight differs from the offset now; re-check once.
    return localMidnight - this.offsetAt(localMidnight - offset);
  }

  /** The start of the local day after the one containing ts. */
  nextDayStart(ts: number): number {
    return this.dayStart(this.dayStart(ts) + 86_400 + 2 * HOUR);
  }
}
