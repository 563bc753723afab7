/**
 * Outages (down runs) of the applications' probes, to the minute, for a range such as a month.
 *
 * What an outage is: consecutive down samples outside maintenance; it ends at the next sample
 * that is not down (or the last down sample plus the probe interval when none follows before the
 * range's end). That is a walk over every raw sample of the range, but only the samples that can
 * open, extend or close a run matter, and the hourly rollups say where they are:
 *  - an hour whose rollup counts no down probe holds no down sample: it can only close a run,
 *    with its first sample;
 *  - an hour without a rollup row holds no sample at all: a run goes on across it.
 * So the raw samples read are those of the down hours — down hours up to three hours apart as
 * one range, with the hours between — and, when a run is still open at the end of such a range,
 * the next sampled hour, whose first sample closes it. The result is the same as walking the whole range
 * (test/report/outages.test.ts checks it against that walk). At a 0.2 % failed-probe rate about
 * one hour in nine of an application has a down probe, so this reads ~1/9 of the month's raw
 * samples, and one hourly rollup query for all applications says which.
 */
import type { SqliteStore } from "../store/sqlite.js";
import type { RawSample } from "../store/queries.js";
import { isDownFlags } from "../store/rollups.js";
import type { Outage } from "./model.js";

const HOUR = 3600;
/** Down hours at most this far apart (start to start) are read in one range. */
const MERGE_SPAN = 3 * HOUR;

/** One hour of a series with samples: its start (unix seconds) and whether it counts a down probe. */
export interface SampledHour {
  bucket: number;
  down: boolean;
}

/** Per series of `metric`: its hours in [from, to) that hold samples, ascending (one rollup query). */
export function sampledHoursBySeries(
  store: SqliteStore,
  metric: string,
  from: number,
  to: number,
): Map<number, SampledHour[]> {
  const out = new Map<number, SampledHour[]>();
  for (const r of store.queryRollups({ resolution: "hour", from, to, metric })) {
    if (r.n === 0) continue;
    let list = out.get(r.seriesId);
    if (list === undefined) out.set(r.seriesId, (list = []));
    list.push({ bucket: r.bucket, down: r.nDown > 0 });
  }
  for (const list of out.values()) list.sort((a, b) => a.bucket - b.bucket);
  return out;
}

/** How many raw reads (store.querySamples calls) and raw hours outage detection cost. */
export interface RawReadCount {
  reads: number;
  hours: number;
}

/** Tracks the open run over samples fed in time order and emits the closed ones. */
class RunTracker {
  readonly outages: Outage[] = [];
  private open: { start: number; last: number; reason: string } | undefined;

  constructor(
    private readonly application: string,
    private readonly to: number,
    private readonly intervalSeconds: number,
  ) {}

  get isOpen(): boolean {
    return this.open !== undefined;
  }

  feed(samples: readonly Pick<RawSample, "ts" | "flags" | "reason">[]): void {
    for (const s of samples) {
      if (!isDownFlags(s.flags)) this.close(s.ts);
      else if (this.open === undefined) this.open = { start: s.ts, last: s.ts, reason: s.reason ?? "down" };
      else this.open.last = s.ts;
    }
  }

  /** No sample follows before the range's end: the run lasted one interval past its last sample. */
  finish(): Outage[] {
    if (this.open !== undefined) this.close(Math.min(this.to, this.open.last + this.intervalSeconds), true);
    return this.outages;
  }

  private close(endTs: number, openAtEnd = false): void {
    const open = this.open;
    if (open === undefined) return;
    this.outages.push({
      application: this.application,
      start: new Date(open.start * 1000),
      end: new Date(endTs * 1000),
      durationMinutes: (endTs - open.start) / 60,
      reason: open.reason,
      ...(openAtEnd ? { openAtEnd: true as const } : {}),
    });
    this.open = undefined;
  }
}

/**
 * The outages of one application's series in [from, to), reading raw samples only where the
 * hours say a run can be (see the header). `hours` holds every sampled hour (sampledHoursBySeries)
 * or, with `complete` false, only the down hours (then a run still open at the end of a block is
 * settled by the first sample before the next down hour, wherever it is). `count` adds up the
 * raw reads.
 */
export function outagesFromHours(
  store: SqliteStore,
  seriesId: number,
  application: string,
  from: number,
  to: number,
  intervalSeconds: number,
  hours: readonly SampledHour[],
  options: { complete: boolean; count?: RawReadCount } = { complete: true },
): Outage[] {
  const runs = new RunTracker(application, to, intervalSeconds);
  const read = (a: number, b: number) => {
    if (options.count !== undefined) {
      options.count.reads += 1;
      options.count.hours += Math.ceil((Math.min(to, b) - Math.max(from, a)) / HOUR);
    }
    return store.querySamples(seriesId, Math.max(from, a), Math.min(to, b));
  };
  for (let i = 0; i < hours.length; i++) {
    if (!(hours[i] as SampledHour).down) continue;
    // A block: this down hour and the down hours after it up to MERGE_SPAN apart, read as one
    // range (the hours between, without down probes, are read too: each read has a fixed cost in
    // the store that is worth more than an hour of samples).
    let j = i;
    for (let k = i + 1; k < hours.length; k++) {
      const h = hours[k] as SampledHour;
      if (h.bucket - (hours[j] as SampledHour).bucket > MERGE_SPAN) break;
      if (h.down) j = k;
    }
    const last = (hours[j] as SampledHour).bucket;
    runs.feed(read((hours[i] as SampledHour).bucket, last + HOUR));
    const next = hours[j + 1];
    // Still down at the block's end: the next sample (in an hour without down probes) ends the
    // run; with no sample before the next down hour, the run goes on into it.
    if (runs.isOpen) {
      if (next !== undefined && !next.down) runs.feed(read(next.bucket, next.bucket + HOUR).slice(0, 1));
      else if (!options.complete) runs.feed(read(last + HOUR, next?.bucket ?? to).slice(0, 1));
    }
    i = j;
  }
  return runs.finish();
}

/**
 * The outages of many applications over [from, to), oldest first: one hourly rollup query for
 * all of them, then raw reads only where outagesFromHours needs them.
 */
export function outagesOfApplications(
  store: SqliteStore,
  metric: string,
  applications: readonly { application: string; seriesId: number; intervalSeconds: number }[],
  from: number,
  to: number,
  count?: RawReadCount,
): Outage[] {
  const hours = sampledHoursBySeries(store, metric, from, to);
  return applications
    .flatMap((a) =>
      outagesFromHours(
        store,
        a.seriesId,
        a.application,
        from,
        to,
        a.intervalSeconds,
        hours.get(a.seriesId) ?? [],
        { complete: true, ...(count === undefined ? {} : { count }) },
      ),
    )
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}
