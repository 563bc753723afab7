/**
 * Writes a simulated history into a store, hour by hour, fast enough for `ops-agent demo` to give
 * the simulated machine room a year in seconds.
 *
 * A year of the demo room's series at their collectors' intervals is tens of millions of samples;
 * through SqliteStore.writeSamples that takes minutes (bench/year-generate.ts measures it). But
 * after the raw retention only the rollups of those samples remain, and most series are only ever
 * read through their rollups. So each series' samples take one of two roads, per hour:
 *  - through the store (writeSamples: raw samples, and the rollups the store builds from them):
 *    the metrics named `rawMetrics` in the hours from `rawFrom` (the platforms' probe results of
 *    the last weeks: the monthly report's outage list reads their raw samples), and the first hour
 *    of every series (which makes its target and series in the store's catalogue);
 *  - as rollups only: the same samples added with the store's own arithmetic (addSample,
 *    agent/store/rollups.ts) into hourly and daily rows, upserted with
 *    the store's own statement (upsertSql) over a second connection — the rows the store would have
 *    built from them. Hourly rows only from `hourRowsFrom` (the hourly retention), daily rows always.
 * Both roads use the store's arithmetic and statement; test/demo-history/ checks a day's sample count
 * (288 five-minute runs), not yet a row-for-row comparison with the store's own rollups.
 */
import Database from "better-sqlite3";
import { canonicalLabels } from "../store/catalogue.js";
import { upsertSql, rollupParams } from "../store/rollup-store.js";
import { addSample, emptyCells, sampleFlags, type RollupCells, type RollupRow } from "../store/rollups.js";
import type { SqliteStore, StoredSample } from "../store/sqlite.js";

/** One series of the history: a collector's sample as its template (target, metric, labels). */
export interface SeriesSlot {
  collector: string;
  template: StoredSample;
  /** The store's series id once its catalogue has it. */
  seriesId?: number;
  /** The open hour's and day's rollups of the samples added as rollups only (the writer's). */
  hourCells?: RollupCells;
  dayCells?: RollupCells;
}

export interface HistoryWriterOptions {
  /** Hours from here (unix seconds) get hourly rollup rows; before, daily rows only. */
  hourRowsFrom: number;
  /** Hours from here of the `rawMetrics` go through the store as raw samples. */
  rawFrom: number;
  rawMetrics: ReadonlySet<string>;
}

export interface HistoryWriterCounts {
  /** Samples written through writeSamples. */
  throughStore: number;
  /** Samples added to rollups only. */
  rollupOnly: number;
  hourRows: number;
  dayRows: number;
}

const seriesKey = (targetKey: string, metric: string, labels: string) =>
  `${targetKey}\u0000${metric}\u0000${labels}`;

const ROWS_PER_STATEMENT = 64;
const ROW_PLACEHOLDERS = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/** The store's one-row upsert made a `rows`-row one (no two rows of one statement share a key). */
function manyRows(sql: string, rows: number): string {
  if (!sql.includes(ROW_PLACEHOLDERS)) throw new Error("the rollup upsert changed shape: update manyRows");
  return sql.replace(ROW_PLACEHOLDERS, Array.from({ length: rows }, () => ROW_PLACEHOLDERS).join(", "));
}

export class HistoryWriter {
  readonly counts: HistoryWriterCounts = { throughStore: 0, rollupOnly: 0, hourRows: 0, dayRows: 0 };
  private readonly direct: Database.Database;
  private readonly upsertHour: Database.Statement;
  private readonly upsertDay: Database.Statement;
  /** The same upsert with ROWS_PER_STATEMENT rows: a statement per row costs more than the row. */
  private readonly upsertHours: Database.Statement;
  /** Slots with cells in the open hour / day; rows of closed hours waiting for the day's transaction. */
  private readonly inHour = new Set<SeriesSlot>();
  private readonly inDay = new Set<SeriesSlot>();
  private hourRows: RollupRow[] = [];
  private readonly known = new Map<string, number>();
  /** The open hour: its start, day and the samples that go through the store, per collector. */
  private hour = Number.NaN;
  private day = Number.NaN;
  private raw = new Map<string, { slot: SeriesSlot; sample: StoredSample }[]>();

  constructor(
    private readonly store: SqliteStore,
    private readonly options: HistoryWriterOptions,
  ) {
    this.direct = new Database(store.path, { timeout: 5000 });
    // As the store's own connection (agent/store/open.ts): WAL commits need no fsync each.
    this.direct.pragma("synchronous = NORMAL");
    this.direct.pragma("cache_size = -65536");
    this.upsertHour = this.direct.prepare(upsertSql("rollup_hour"));
    this.upsertDay = this.direct.prepare(upsertSql("rollup_day"));
    this.upsertHours = this.direct.prepare(manyRows(upsertSql("rollup_hour"), ROWS_PER_STATEMENT));
    this.learnSeries();
  }

  /** Starts the hour beginning at `hour` (unix seconds); the previous one is written first. */
  beginHour(hour: number): void {
    this.endHour();
    this.hour = hour;
    const day = this.store.calendar.dayStart(hour);
    if (day !== this.day && !Number.isNaN(this.day)) this.flushDirect();
    this.day = day;
  }

  /**
   * One sample of a series, inside the open hour: its time (unix seconds), value, probe result,
   * maintenance flag and failure reason. Positional, not an object: this runs for every sample of
   * the year.
   */
  add(
    slot: SeriesSlot,
    ts: number,
    value: number | null,
    up?: boolean,
    maintenance = false,
    reason?: string,
  ): void {
    const throughStore =
      slot.seriesId === undefined ||
      (this.hour >= this.options.rawFrom && this.options.rawMetrics.has(slot.template.metric));
    if (throughStore) {
      const sample: StoredSample = { ...slot.template, value, time: new Date(ts * 1000) };
      if (up !== undefined) sample.up = up;
      else delete sample.up;
      if (maintenance) sample.maintenance = true;
      if (reason !== undefined) sample.reason = reason;
      else delete sample.reason;
      delete sample.detail;
      let batch = this.raw.get(slot.collector);
      if (batch === undefined) this.raw.set(slot.collector, (batch = []));
      batch.push({ slot, sample });
      return;
    }
    // The slot's own cells: no map lookup per sample (a year is tens of millions of samples).
    const flags = sampleFlags(up, maintenance);
    if (this.hour >= this.options.hourRowsFrom) {
      if (slot.hourCells === undefined) slot.hourCells = emptyCells();
      if (slot.hourCells.n === 0) this.inHour.add(slot);
      addSample(slot.hourCells, ts, value, flags);
    }
    if (slot.dayCells === undefined) slot.dayCells = emptyCells();
    if (slot.dayCells.n === 0) this.inDay.add(slot);
    addSample(slot.dayCells, ts, value, flags);
    this.counts.rollupOnly++;
  }

  /**
   * The same sample at each of `steps` (unix seconds, ascending, inside the open hour): a series
   * that holds still (a VM's power state) costs a loop, not a call per sample.
   */
  addRun(
    slot: SeriesSlot,
    steps: readonly number[],
    value: number | null,
    up?: boolean,
    reason?: string,
  ): void {
    if (
      slot.seriesId === undefined ||
      (this.hour >= this.options.rawFrom && this.options.rawMetrics.has(slot.template.metric))
    ) {
      for (const ts of steps) this.add(slot, ts, value, up, false, reason);
      return;
    }
    const flags = sampleFlags(up, false);
    if (slot.dayCells === undefined) slot.dayCells = emptyCells();
    if (slot.dayCells.n === 0) this.inDay.add(slot);
    const day = slot.dayCells;
    let hour: RollupCells | undefined;
    if (this.hour >= this.options.hourRowsFrom) {
      if (slot.hourCells === undefined) slot.hourCells = emptyCells();
      if (slot.hourCells.n === 0) this.inHour.add(slot);
      hour = slot.hourCells;
    }
    for (const ts of steps) {
      if (hour !== undefined) addSample(hour, ts, value, flags);
      addSample(day, ts, value, flags);
    }
    this.counts.rollupOnly += steps.length;
  }

  /** Writes what is pending and the store's rollup deltas; closes the second connection. */
  finish(): void {
    this.endHour();
    this.flushDirect();
    this.store.flushRollups();
    this.direct.close();
  }

  private endHour(): void {
    if (Number.isNaN(this.hour)) return;
    for (const slot of this.inHour) {
      this.hourRows.push({
        seriesId: slot.seriesId as number,
        bucket: this.hour,
        ...(slot.hourCells as RollupCells),
      });
      slot.hourCells = emptyCells();
    }
    this.inHour.clear();
    const time = new Date((this.hour + 3600) * 1000);
    let created = false;
    for (const [collector, batch] of this.raw) {
      const result = this.store.writeSamples(
        collector,
        batch.map((b) => b.sample),
        time,
      );
      this.counts.throughStore += result.written;
      created ||= batch.some((b) => b.slot.seriesId === undefined);
    }
    if (created) {
      this.learnSeries();
      for (const batch of this.raw.values())
        for (const { slot } of batch) if (slot.seriesId === undefined) this.resolve(slot);
    }
    this.raw = new Map();
  }

  private flushDirect(): void {
    const hours = this.hourRows;
    this.hourRows = [];
    const days: RollupRow[] = [];
    for (const slot of this.inDay) {
      days.push({ seriesId: slot.seriesId as number, bucket: this.day, ...(slot.dayCells as RollupCells) });
      slot.dayCells = emptyCells();
    }
    this.inDay.clear();
    if (hours.length + days.length === 0) return;
    this.direct.transaction(() => {
      let i = 0;
      for (; i + ROWS_PER_STATEMENT <= hours.length; i += ROWS_PER_STATEMENT)
        this.upsertHours.run(hours.slice(i, i + ROWS_PER_STATEMENT).flatMap(rollupParams));
      for (; i < hours.length; i++) this.upsertHour.run(rollupParams(hours[i] as RollupRow));
      for (const r of days) this.upsertDay.run(rollupParams(r));
    })();
    this.counts.hourRows += hours.length;
    this.counts.dayRows += days.length;
  }

  /** The catalogue's series, by target key, metric and labels. */
  private learnSeries(): void {
    for (const s of this.store.listSeries())
      this.known.set(seriesKey(s.targetKey, s.metric, canonicalLabels(s.labels)), s.seriesId);
  }

  /** Sets the slot's series id when the catalogue knows its series. */
  resolve(slot: SeriesSlot): void {
    const t = slot.template;
    const id = this.known.get(seriesKey(t.target.key, t.metric, canonicalLabels(t.labels)));
    if (id !== undefined) slot.seriesId = id;
  }
}
