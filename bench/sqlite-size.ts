/** On-disk size of a database file and of one of its tables, after folding the WAL back in. */
import Database from "better-sqlite3";

export interface SizeFigures {
  /** Bytes of the table's b-tree pages (dbstat), or undefined when SQLite lacks dbstat. */
  tableBytes: number | undefined;
  /** Bytes of the whole database file after a TRUNCATE checkpoint. */
  fileBytes: number;
}

export function measureSize(path: string, table: string): SizeFigures {
  const db = new Database(path);
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const pageCount = db.pragma("page_count", { simple: true }) as number;
    let tableBytes: number | undefined;
    try {
      const row = db.prepare("SELECT sum(pgsize) AS bytes FROM dbstat WHERE name = ?").get(table) as {
        bytes: number | null;
      };
      tableBytes = row.bytes ?? 0;
    } catch {
      tableBytes = undefined; // SQLite compiled without SQLITE_ENABLE_DBSTAT_VTAB
    }
    return { tableBytes, fileBytes: pageSize * pageCount };
  } finally {
    db.close();
  }
}
