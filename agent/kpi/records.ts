/**
 * Recording a manual value (CLI and API share this): the key must be an indicator of the targets
 * file, the value must parse in the indicator's unit, the date is a local calendar date (default
 * today) not in the future, and a correction must name an existing record of the same indicator.
 * A rejected record changes nothing.
 */
import type { Config } from "../../config/schema.js";
import { parseRecordedValue, type ValueRefusal } from "../form/recorded-value.js";
import type { Indicator } from "../form/types.js";
import { BucketCalendar } from "../store/buckets.js";
import { EvidenceFileError, storeEvidence } from "../store/evidence-files.js";
import {
  CorrectionOfOtherIndicatorError,
  NoSuchRecordError,
  type EvidenceFileLink,
  type ManualRecord,
} from "../store/manual-records.js";
import type { SqliteStore } from "../store/sqlite.js";
import { findIndicator } from "./indicator-lookup.js";
import { localMidnight } from "./periods.js";

export interface RecordRequest {
  key: string;
  value: string;
  date?: string;
  note?: string;
  corrects?: number;
  by: string;
  /** An evidence file given with the value (console upload, `record --evidence FILE`). */
  evidence?: { fileName: string; contentType: string; data: Buffer };
}

/**
 * Why a record was refused, as data beside the CLI's English `error`: the console says it in the
 * page's language (agent/kpi/refusal-text.ts). `indicator` is the row's key and name.
 */
export type RecordRefusal =
  | { kind: "value"; indicator: { key: string; name: string }; value: ValueRefusal }
  | { kind: "automatic"; indicator: { key: string; name: string } }
  | { kind: "unknown_indicator"; given: string }
  | { kind: "date_format"; got: string }
  | { kind: "date_future"; date: string }
  | { kind: "note_long" }
  | { kind: "corrects_missing"; id: number }
  | { kind: "corrects_other"; id: number; original: string }
  | { kind: "evidence"; detail: string };

export type RecordResult =
  { ok: true; record: ManualRecord } | { ok: false; error: string; refusal?: RecordRefusal };

export function recordManualValue(
  store: SqliteStore,
  config: Config,
  indicators: readonly Indicator[],
  now: Date,
  request: RecordRequest,
): RecordResult {
  // The key, or the Chinese name a person reads on the form; the record is stored under the key.
  const found = findIndicator(indicators, request.key);
  if (!found.ok) return { ...found, refusal: { kind: "unknown_indicator", given: request.key } };
  const indicator = found.indicator;
  const row = { key: indicator.key, name: indicator.name };
  if (indicator.binding.source !== "manual") {
    return {
      ok: false,
      error: `${indicator.key} (${indicator.name}) is measured by the agent (${indicator.binding.source}); it takes no manual records`,
      refusal: { kind: "automatic", indicator: row },
    };
  }
  // Both the half-year and the full-year value share the unit (the targets file checks it).
  const parsed = parseRecordedValue(request.value, indicator.full);
  if (typeof parsed === "object")
    return {
      ok: false,
      error: `${indicator.key} (${indicator.name}): ${parsed.error}`,
      refusal: { kind: "value", indicator: row, value: parsed.refusal },
    };
  const calendar = new BucketCalendar(config.timezone);
  const today = calendar.dayStart(Math.floor(now.getTime() / 1000));
  let dayStart = today;
  if (request.date !== undefined) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(request.date);
    const valid =
      m !== null &&
      (() => {
        const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
        return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
      })();
    if (!m || !valid)
      return {
        ok: false,
        error: `--date: expected a date like 2026-11-28, got "${request.date}"`,
        refusal: { kind: "date_format", got: request.date },
      };
    dayStart = localMidnight(Number(m[1]), Number(m[2]), Number(m[3]), calendar);
    if (dayStart > today)
      return {
        ok: false,
        error: `--date: ${request.date} is in the future`,
        refusal: { kind: "date_future", date: request.date },
      };
  }
  if (request.note !== undefined && request.note.length > 2000)
    return { ok: false, error: "--note: at most 2000 characters", refusal: { kind: "note_long" } };
  const local = new Date((dayStart + calendar.offsetAt(dayStart)) * 1000).toISOString().slice(0, 10);
  // A correction of a missing record or of another indicator's is refused before the evidence
  // file is written: a refused record leaves no file behind.
  const refused = store.records.correctionRefused(indicator.key, request.corrects);
  if (refused !== undefined) return correctionRefusal(refused);
  // The bytes are stored once the value is valid and before the record that names them: never a
  // record naming a missing file.
  let evidence: EvidenceFileLink | undefined;
  if (request.evidence !== undefined) {
    try {
      const stored = storeEvidence(config.data_dir, request.evidence.data);
      evidence = {
        ...stored,
        fileName: request.evidence.fileName,
        contentType: request.evidence.contentType,
      };
    } catch (error) {
      if (error instanceof EvidenceFileError)
        return {
          ok: false,
          error: `--evidence: ${error.message}`,
          refusal: { kind: "evidence", detail: error.message },
        };
      throw error;
    }
  }
  try {
    const record = store.records.add({
      indicator: indicator.key,
      day: local,
      at: new Date(dayStart * 1000),
      value: request.value.trim(),
      ...(request.note === undefined ? {} : { note: request.note }),
      ...(request.corrects === undefined ? {} : { corrects: request.corrects }),
      recordedBy: request.by,
      recordedAt: now,
      ...(evidence === undefined ? {} : { evidence }),
    });
    return { ok: true, record };
  } catch (error) {
    // Checked above; asked again in add()'s transaction (another process may have changed the store).
    if (error instanceof NoSuchRecordError || error instanceof CorrectionOfOtherIndicatorError)
      return correctionRefusal(error);
    throw error;
  }
}

function correctionRefusal(error: NoSuchRecordError | CorrectionOfOtherIndicatorError): RecordResult {
  return error instanceof NoSuchRecordError
    ? {
        ok: false,
        error: `--corrects: ${error.message}`,
        refusal: { kind: "corrects_missing", id: error.id },
      }
    : {
        ok: false,
        error: error.message,
        refusal: { kind: "corrects_other", id: error.id, original: error.original },
      };
}
