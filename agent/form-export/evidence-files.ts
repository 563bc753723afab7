/**
 * The evidence files of the manual rows on the self-evaluation's evidence sheet (佐证): for each
 * manual indicator, the files of the records in force for the period (the records the figure is
 * computed from), with file name, SHA-256, size, who recorded it and when. Kept apart from
 * build.ts and render-xlsx.ts, which call it once each (a field of FormExport, a block at the end
 * of the sheet), so the self-evaluation's own layout can change without touching this list.
 */
import type { Cell, Worksheet } from "exceljs";
import type { Indicator } from "../form/types.js";
import { consoleTime } from "../console/time.js";
import type { SqliteStore } from "../store/sqlite.js";

export interface EvidenceFileRow {
  /** The indicator's name on the form. */
  name: string;
  record: string;
  day: string;
  fileName: string;
  sha256: string;
  size: number;
  recordedBy: string;
  /** "2026-11-30 14:05 +08:00". */
  recordedAt: string;
}

export const EVIDENCE_FILE_HEADERS = [
  "三级指标",
  "记录",
  "日期",
  "文件名",
  "SHA-256",
  "大小（字节）",
  "填报人",
  "填报时间",
];

/** The period is [from, to) in unix seconds, as kpiReport's period. */
export function evidenceFileRows(
  store: SqliteStore,
  indicators: readonly Indicator[],
  period: { from: number; to: number },
  timeZone: string,
): EvidenceFileRow[] {
  return indicators
    .filter((i) => i.binding.source === "manual")
    .flatMap((i) =>
      store.records
        .evidenceFilesFor(i.key, new Date(period.from * 1000), new Date(period.to * 1000))
        .map((f) => ({
          name: i.name,
          record: `#${f.recordId}`,
          day: f.day,
          fileName: f.fileName,
          sha256: f.sha256,
          size: f.size,
          recordedBy: f.recordedBy,
          recordedAt: consoleTime(f.recordedAt, timeZone),
        })),
    );
}

/**
 * The list written from `row` on (a title, the header, one line per file); returns the next free
 * row. `heading` and `put` are the sheet's own styles, passed in so the block looks like the rest.
 */
export function writeEvidenceFiles(
  ws: Worksheet,
  row: number,
  files: readonly EvidenceFileRow[],
  heading: (ws: Worksheet, row: number, headers: readonly string[]) => void,
  put: (row: number, column: number, value: string | number | null) => void,
  title: (cell: Cell, text: string) => void,
): number {
  let at = row + 1;
  title(ws.getCell(at, 1), `人工填报指标的证明材料（${files.length}份）`);
  at += 1;
  heading(ws, at, EVIDENCE_FILE_HEADERS);
  at += 1;
  if (files.length === 0) {
    put(at, 1, "期间内的人工记录未附证明材料");
    return at + 1;
  }
  for (const f of files) {
    [f.name, f.record, f.day, f.fileName, f.sha256, f.size, f.recordedBy, f.recordedAt].forEach((v, c) =>
      put(at, c + 1, v),
    );
    at += 1;
  }
  return at;
}
