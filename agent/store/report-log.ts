/**
 * Generated documents (monthly operations reports, form exports), one row per kind, period and
 * format: regenerating a month replaces its row, so a report counts once toward the form's
 * 大平台月度运营报告 row however often it is written.
 */
import type Database from "better-sqlite3";

export interface GeneratedReport {
  /** "monthly_report", "form_export". */
  kind: string;
  /** "2026-10" for a month, "2026-H1" / "2026" for a form export. */
  period: string;
  /** "html", "md", "docx", "xlsx", "csv". */
  format: string;
  path: string;
  sha256: string;
  generatedAt: Date;
  /**
   * Who generated it: a console user's or the CLI's name, "schedule" for the daemon's own runs;
   * absent for documents generated before the store recorded it.
   */
  generatedBy?: string;
}

interface Row {
  kind: string;
  period: string;
  format: string;
  path: string;
  sha256: string;
  generated_at: number;
  generated_by: string | null;
}

export class ReportLog {
  constructor(private readonly db: Database.Database) {}

  record(report: GeneratedReport & { generatedBy: string }): void {
    this.db
      .prepare(
        `INSERT INTO reports (kind, period, format, path, sha256, generated_at, generated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, period, format) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256,
           generated_at = excluded.generated_at, generated_by = excluded.generated_by`,
      )
      .run(
        report.kind,
        report.period,
        report.format,
        report.path,
        report.sha256,
        report.generatedAt.getTime(),
        report.generatedBy,
      );
  }

  /** Every generated file of a kind whose period starts with `prefix` (e.g. "2026"), by period. */
  list(kind: string, prefix = ""): GeneratedReport[] {
    return (
      this.db
        .prepare("SELECT * FROM reports WHERE kind = ? AND period LIKE ? ESCAPE '\\' ORDER BY period, format")
        .all(kind, `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) as Row[]
    ).map((r) => ({
      kind: r.kind,
      period: r.period,
      format: r.format,
      path: r.path,
      sha256: r.sha256,
      generatedAt: new Date(r.generated_at),
      ...(r.generated_by === null ? {} : { generatedBy: r.generated_by }),
    }));
  }

  /** The distinct periods of a kind in [fromPeriod, toPeriod] (string order: "2026-01" … "2026-06"). */
  periods(kind: string, fromPeriod: string, toPeriod: string): string[] {
    return this.db
      .prepare(
        "SELECT DISTINCT period FROM reports WHERE kind = ? AND period >= ? AND period <= ? ORDER BY period",
      )
      .pluck()
      .all(kind, fromPeriod, toPeriod) as string[];
  }
}
