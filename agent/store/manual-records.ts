/**
 * Manual records: values of the form's indicators no probe can see, entered by people
 * (`ops-agent record`, the records API). A record is a value on a local date; a correction is a
 * new record naming the one it corrects, so nothing recorded is ever overwritten and the history
 * (who, when, what was corrected) stays.
 */
import type Database from "better-sqlite3";

export interface ManualRecord {
  id: number;
  indicator: string;
  /** The local date the value belongs to, YYYY-MM-DD. */
  day: string;
  /** Local midnight of `day`, as an instant (for period queries). */
  at: Date;
  /** As entered ("3", "96.5%", "及时"); parsed by the indicator's unit when evaluated. */
  value: string;
  note?: string;
  /** The record this one corrects. */
  corrects?: number;
  recordedBy: string;
  recordedAt: Date;
}

export type NewManualRecord = Omit<ManualRecord, "id">;

export class NoSuchRecordError extends Error {
  constructor(readonly id: number) {
    super(`no manual record #${id}`);
    this.name = "NoSuchRecordError";
  }
}

interface Row {
  id: number;
  indicator: string;
  day: string;
  ts: number;
  value: string;
  note: string | null;
  corrects: number | null;
  recorded_by: string;
  recorded_at: number;
}

function toRecord(r: Row): ManualRecord {
  return {
    id: r.id,
    indicator: r.indicator,
    day: r.day,
    at: new Date(r.ts),
    value: r.value,
    ...(r.note === null ? {} : { note: r.note }),
    ...(r.corrects === null ? {} : { corrects: r.corrects }),
    recordedBy: r.recorded_by,
    recordedAt: new Date(r.recorded_at),
  };
}

export class ManualRecordStore {
  private readonly insert: Database.Statement;
  private readonly byId: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO manual_records (indicator, day, ts, value, note, corrects, recorded_by, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byId = db.prepare("SELECT * FROM manual_records WHERE id = ?");
  }

  add(record: NewManualRecord): ManualRecord {
    return this.db.transaction(() => {
      if (record.corrects !== undefined) {
        const original = this.byId.get(record.corrects) as Row | undefined;
        if (original === undefined) throw new NoSuchRecordError(record.corrects);
        if (original.indicator !== record.indicator) {
          throw new Error(
            `record #${record.corrects} is for ${original.indicator}, not ${record.indicator}: a correction keeps the indicator`,
          );
        }
      }
      const info = this.insert.run(
        record.indicator,
        record.day,
        record.at.getTime(),
        record.value,
        record.note ?? null,
        record.corrects ?? null,
        record.recordedBy,
        record.recordedAt.getTime(),
      );
      return toRecord(this.byId.get(Number(info.lastInsertRowid)) as Row);
    })();
  }

  /** Every record (corrections and corrected ones), oldest first; optionally of one indicator. */
  history(indicator?: string): ManualRecord[] {
    const rows = (
      indicator === undefined
        ? this.db.prepare("SELECT * FROM manual_records ORDER BY ts, id").all()
        : this.db.prepare("SELECT * FROM manual_records WHERE indicator = ? ORDER BY ts, id").all(indicator)
    ) as Row[];
    return rows.map(toRecord);
  }

  /**
   * The records in force for [from, to): dated in the range, and not corrected by a later record
   * (a correction may move a value to another date: the corrected record is out wherever it was).
   */
  effective(indicator: string, from: Date, to: Date): ManualRecord[] {
    const all = this.history(indicator);
    const corrected = new Set(all.flatMap((r) => (r.corrects === undefined ? [] : [r.corrects])));
    return all.filter(
      (r) => !corrected.has(r.id) && r.at.getTime() >= from.getTime() && r.at.getTime() < to.getTime(),
    );
  }
}
