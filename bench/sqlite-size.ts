/** On-disk size of a database file and of some of its b-trees, after folding the WAL back in. */
import Database from "better-sqlite3";

export interface SizeFigures {
  /** Bytes of the named b-trees' pages (dbstat), or undefined when SQLite lacks dbstat. */
  tableBytes: number | undefined;
  /** Bytes of the whole database file after a TRUNCATE checkpoint. */
  fileBytes: number;
}

/** `trees`: table and index names, summed. */
export function measureSize(path: string, trees: readonly string[]): SizeFigures {
  const db = new Database(path);
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const pageCount = db.pragma("page_count", { simple: true }) as number;
    let tableBytes: number | undefined;
    try {
      const row = db
        .prepare(`SELECT sum(pgsize) AS bytes FROM dbstat WHERE name IN (${trees.map(() => "?").join(", ")})`)
        .get(...trees) as { bytes: number | null };
      tableBytes = row.bytes ?? 0;
    } catch {
      tableBytes = undefined; // SQLite compiled without SQLITE_ENABLE_DBSTAT_VTAB
    }
    return { tableBytes, fileBytes: pageSize * pageCount };
  } finally {
    db.close();
  }
}
