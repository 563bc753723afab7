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
  /** The evidence file given with the record (agent/store/evidence-files.ts holds the bytes). */
  evidence?: EvidenceFileLink;
}

/** A record's evidence file: the bytes are named by their SHA-256; the file name is a label. */
export interface EvidenceFileLink {
  sha256: string;
  fileName: string;
  size: number;
  contentType: string;
}

/** One line of a period's evidence-file list (the self-evaluation's evidence sheet). */
export interface EvidenceFileEntry extends EvidenceFileLink {
  recordId: number;
  indicator: string;
  day: string;
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

/** A correction must be of a record of the same indicator. */
export class CorrectionOfOtherIndicatorError extends Error {
  constructor(
    readonly id: number,
    readonly original: string,
    readonly indicator: string,
  ) {
    super(`record #${id} is for ${original}, not ${indicator}: a correction keeps the indicator`);
    this.name = "CorrectionOfOtherIndicatorError";
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
  file_sha256: string | null;
  file_name: string | null;
  file_size: number | null;
  file_type: string | null;
}

/** Every column of a record and its evidence file (if any). */
const SELECT = `SELECT r.*, f.sha256 AS file_sha256, f.file_name AS file_name, f.size AS file_size,
  f.content_type AS file_type FROM manual_records r LEFT JOIN manual_record_files f ON f.record_id = r.id`;

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
    ...(r.file_sha256 === null
      ? {}
      : {
          evidence: {
            sha256: r.file_sha256,
            fileName: r.file_name ?? "",
            size: r.file_size ?? 0,
            contentType: r.file_type ?? "application/octet-stream",
          },
        }),
  };
}

export class ManualRecordStore {
  private readonly insert: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly insertFile: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO manual_records (indicator, day, ts, value, note, corrects, recorded_by, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byId = db.prepare(`${SELECT} WHERE r.id = ?`);
    this.insertFile = db.prepare(
      "INSERT INTO manual_record_files (record_id, sha256, file_name, size, content_type) VALUES (?, ?, ?, ?, ?)",
    );
  }

  /**
   * Why a record for `indicator` cannot correct record `corrects` (it does not exist, or it is
   * another indicator's), or undefined when it can. Asked before anything is written for the
   * record (its evidence file), and again inside add()'s transaction.
   */
  correctionRefused(
    indicator: string,
    corrects: number | undefined,
  ): NoSuchRecordError | CorrectionOfOtherIndicatorError | undefined {
    if (corrects === undefined) return undefined;
    const original = this.byId.get(corrects) as Row | undefined;
    if (original === undefined) return new NoSuchRecordError(corrects);
    if (original.indicator !== indicator)
      return new CorrectionOfOtherIndicatorError(corrects, original.indicator, indicator);
    return undefined;
  }

  add(record: NewManualRecord): ManualRecord {
    return this.db.transaction(() => {
      const refused = this.correctionRefused(record.indicator, record.corrects);
      if (refused !== undefined) throw refused;
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
      const e = record.evidence;
      if (e !== undefined)
        this.insertFile.run(Number(info.lastInsertRowid), e.sha256, e.fileName, e.size, e.contentType);
      return toRecord(this.byId.get(Number(info.lastInsertRowid)) as Row);
    })();
  }

  /** Every record (corrections and corrected ones), oldest first; optionally of one indicator. */
  history(indicator?: string): ManualRecord[] {
    const rows = (
      indicator === undefined
        ? this.db.prepare(`${SELECT} ORDER BY r.ts, r.id`).all()
        : this.db.prepare(`${SELECT} WHERE r.indicator = ? ORDER BY r.ts, r.id`).all(indicator)
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

  /** One record by its id (with its evidence file), or undefined. */
  get(id: number): ManualRecord | undefined {
    const row = this.byId.get(id) as Row | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /**
   * The evidence files behind an indicator's figure for [from, to): those of the records in
   * force (effective()), oldest first. The self-evaluation's evidence sheet lists these.
   */
  evidenceFilesFor(indicator: string, from: Date, to: Date): EvidenceFileEntry[] {
    return this.effective(indicator, from, to).flatMap((r) =>
      r.evidence === undefined
        ? []
        : [
            {
              ...r.evidence,
              recordId: r.id,
              indicator: r.indicator,
              day: r.day,
              recordedBy: r.recordedBy,
              recordedAt: r.recordedAt,
            },
          ],
    );
  }
}
