/**
 * Operators' text for a monthly report's sections (`ops-agent report note`): added to the text the
 * report drafts from the figures (mode add) or put in its place (mode replace). Kept in the store,
 * not in the report files, so a regenerated report (the daemon's run on the 1st, a rerun after a
 * correction) keeps what people wrote.
 */
import type Database from "better-sqlite3";

export type ReportNoteMode = "add" | "replace";

export interface ReportNote {
  id: number;
  /** YYYY-MM. */
  month: string;
  /** The section's id (agent/report/note-sections.ts): "problems", "plan", … */
  section: string;
  text: string;
  mode: ReportNoteMode;
  author: string;
  createdAt: Date;
}

export type NewReportNote = Omit<ReportNote, "id">;

interface Row {
  id: number;
  month: string;
  section: string;
  text: string;
  mode: ReportNoteMode;
  author: string;
  created_at: number;
}

const toNote = (r: Row): ReportNote => ({
  id: r.id,
  month: r.month,
  section: r.section,
  text: r.text,
  mode: r.mode,
  author: r.author,
  createdAt: new Date(r.created_at),
});

export class ReportNoteStore {
  constructor(private readonly db: Database.Database) {}

  add(note: NewReportNote): ReportNote {
    const info = this.db
      .prepare(
        "INSERT INTO report_notes (month, section, text, mode, author, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(note.month, note.section, note.text, note.mode, note.author, note.createdAt.getTime());
    return { ...note, id: Number(info.lastInsertRowid) };
  }

  /** A month's notes, by section, oldest first. */
  list(month: string): ReportNote[] {
    return (
      this.db.prepare("SELECT * FROM report_notes WHERE month = ? ORDER BY section, id").all(month) as Row[]
    ).map(toNote);
  }

  /** Removes one note; false when there is none with that id. */
  remove(id: number): boolean {
    return this.db.prepare("DELETE FROM report_notes WHERE id = ?").run(id).changes > 0;
  }
}
