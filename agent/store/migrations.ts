/**
 * Versioned schema migrations. The database's PRAGMA user_version is the number of migrations
 * applied; each one runs in its own transaction, so a failure leaves the previous version intact.
 * Append new migrations at the end; never edit one that has shipped.
 *
 * Units: sample and rollup times are unix seconds (they are the bulk of the file, and seconds
 * keep them at 4 bytes); every other time column is unix milliseconds.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "initial schema: targets, series, samples, rollups, runs, events, incidents, manual records, reports",
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

      -- Things measured (the host, VMs, applications, MCUs, endpoints).
      CREATE TABLE targets (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        labels TEXT NOT NULL DEFAULT '{}',
        collector TEXT NOT NULL,
        first_seen INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- One series per (target, metric, extra labels); samples refer to it by a small integer.
      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        target_id INTEGER NOT NULL REFERENCES targets(id),
        metric TEXT NOT NULL,
        labels TEXT NOT NULL DEFAULT '',
        UNIQUE (target_id, metric, labels)
      );

      CREATE TABLE reasons (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);

      -- Raw samples, keyed by time first: writes append at the right edge of the b-tree (full
      -- pages, few bytes per sample) and retention deletes a contiguous range.
      -- flags: bit 0 = up/down known, bit 1 = up, bit 2 = inside a maintenance window.
      CREATE TABLE samples (
        ts INTEGER NOT NULL,
        series_id INTEGER NOT NULL,
        value REAL,
        flags INTEGER NOT NULL,
        reason_id INTEGER,
        PRIMARY KEY (ts, series_id)
      ) WITHOUT ROWID;

      -- Rollups, keyed by time first like the samples: a flush appends to the last pages instead of
      -- touching one page per series, and a period is one contiguous range.
      -- n = samples; n_up / n_down = probe results outside maintenance; n_maint = samples
      -- inside maintenance; n_value, sum, min, max over non-null values; last = latest value.
      CREATE TABLE rollup_hour (
        series_id INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        n INTEGER NOT NULL, n_up INTEGER NOT NULL, n_down INTEGER NOT NULL,
        n_maint INTEGER NOT NULL, n_value INTEGER NOT NULL,
        sum REAL, min REAL, max REAL, last REAL, last_ts INTEGER,
        PRIMARY KEY (bucket, series_id)
      ) WITHOUT ROWID;

      CREATE TABLE rollup_day (
        series_id INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        n INTEGER NOT NULL, n_up INTEGER NOT NULL, n_down INTEGER NOT NULL,
        n_maint INTEGER NOT NULL, n_value INTEGER NOT NULL,
        sum REAL, min REAL, max REAL, last REAL, last_ts INTEGER,
        PRIMARY KEY (bucket, series_id)
      ) WITHOUT ROWID;

      -- Hours whose raw samples may not all be in the rollups yet (committed with each raw batch,
      -- cleared when the rollup deltas are flushed): after a crash these hours are rebuilt from raw.
      CREATE TABLE rollup_dirty (bucket INTEGER PRIMARY KEY);

      CREATE TABLE collector_runs (
        id INTEGER PRIMARY KEY,
        collector TEXT NOT NULL,
        type TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'timeout')),
        error TEXT,
        samples INTEGER NOT NULL
      );
      CREATE INDEX collector_runs_by_collector ON collector_runs(collector, started_at);

      -- Things that happened to a target (inventory changes, state changes), with time.
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        target_id INTEGER REFERENCES targets(id),
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX events_by_time ON events(ts);

      CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        external_id TEXT,
        category TEXT NOT NULL,
        severity TEXT NOT NULL,
        priority TEXT,
        target_id INTEGER REFERENCES targets(id),
        title TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        resolved_at INTEGER,
        detail TEXT NOT NULL DEFAULT '{}',
        UNIQUE (source, external_id)
      );
      CREATE INDEX incidents_by_start ON incidents(started_at);

      CREATE TABLE incident_notes (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        ts INTEGER NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL
      );

      -- Values no probe can see, recorded by people for an indicator of the form and a period.
      CREATE TABLE manual_records (
        id INTEGER PRIMARY KEY,
        indicator TEXT NOT NULL,
        period_start INTEGER NOT NULL,
        period_end INTEGER NOT NULL,
        value TEXT NOT NULL,
        note TEXT,
        recorded_by TEXT NOT NULL,
        recorded_at INTEGER NOT NULL
      );
      CREATE INDEX manual_records_by_indicator ON manual_records(indicator, period_start);

      -- Generated documents (monthly reports, form exports); regenerating replaces the row.
      CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        period TEXT NOT NULL,
        format TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        generated_at INTEGER NOT NULL,
        UNIQUE (kind, period, format)
      );
    `,
  },
  {
    version: 2,
    name: "inventory snapshot: the last VM list of each inventory collector, to record changes as events",
    sql: `
      CREATE TABLE inventory_snapshot (
        collector TEXT NOT NULL,
        target_key TEXT NOT NULL,
        name TEXT NOT NULL,
        power_state TEXT NOT NULL,
        PRIMARY KEY (collector, target_key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: "maintenance windows added from the command line (ops-agent maintenance add)",
    sql: `
      -- applications: a JSON array of target names, NULL = every application. A window is either
      -- recurring (cron, duration_ms) or one-off (start_ms, end_ms), as in the config.
      CREATE TABLE maintenance_windows (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        applications TEXT,
        cron TEXT,
        duration_ms INTEGER,
        start_ms INTEGER,
        end_ms INTEGER,
        note TEXT,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: "incidents with their event log (open, ack, resolve, notes), replacing the unused v1 tables",
    sql: `
      -- The v1 incident tables were never written to; their shape could not say where an incident
      -- came from (probe, Alertmanager, ticket) nor keep its history.
      DROP TABLE incident_notes;
      DROP TABLE incidents;

      -- source_key identifies the incident across re-deliveries: the probe's collector, target and
      -- start; Alertmanager's fingerprint and startsAt; the helpdesk's ticket id. subject groups the
      -- incidents of one thing (collector and target; fingerprint) to find the open one.
      CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        source_key TEXT NOT NULL,
        subject TEXT NOT NULL,
        category TEXT NOT NULL,
        priority TEXT NOT NULL,
        title TEXT NOT NULL,
        target TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        resolved_at INTEGER,
        resolved_by TEXT,
        updated_at INTEGER NOT NULL,
        UNIQUE (source, source_key)
      );
      CREATE INDEX incidents_by_start ON incidents(started_at);
      CREATE INDEX incidents_by_subject ON incidents(source, subject, started_at);

      CREATE TABLE incident_events (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        ts INTEGER NOT NULL,
        kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        text TEXT
      );
      CREATE INDEX incident_events_by_incident ON incident_events(incident_id, ts);
    `,
  },
  {
    version: 5,
    name: "manual records: dated values with corrections kept as new records",
    sql: `
      -- The v1 manual_records table was never written to. A record is a value of one indicator
      -- on one date; a correction is a new record naming the one it corrects (never an
      -- overwrite), so the history of what was recorded, by whom and when stays.
      DROP TABLE manual_records;
      CREATE TABLE manual_records (
        id INTEGER PRIMARY KEY,
        indicator TEXT NOT NULL,
        day TEXT NOT NULL,
        ts INTEGER NOT NULL,
        value TEXT NOT NULL,
        note TEXT,
        corrects INTEGER REFERENCES manual_records(id),
        recorded_by TEXT NOT NULL,
        recorded_at INTEGER NOT NULL
      );
      CREATE INDEX manual_records_by_indicator ON manual_records(indicator, ts);
    `,
  },
  {
    version: 6,
    name: "daily rollups by series: a year of one metric without scanning every series",
    sql: `
      -- The daily table is keyed (bucket, series_id) for writing and retention; the year's figures
      -- of the form read a few series (one metric) over every day of the year. This index makes
      -- that a few hundred rows per series instead of every series of every day.
      CREATE INDEX rollup_day_by_series ON rollup_day(series_id, bucket);
    `,
  },
  {
    version: 7,
    name: "raw samples of closed hours compacted: one blob per series and hour",
    sql: `
      -- agent/store/raw-chunks.ts moves each closed hour of the samples table here once its
      -- rollups are flushed; chunk-codec.ts is the blob's format. n = samples in the blob. Keyed
      -- (bucket, series_id) like the rollups: compaction appends, retention cuts a range. The
      -- index serves the readers, which want one series over a range of hours.
      CREATE TABLE sample_chunks (
        bucket INTEGER NOT NULL,
        series_id INTEGER NOT NULL,
        n INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (bucket, series_id)
      ) WITHOUT ROWID;
      CREATE INDEX sample_chunks_by_series ON sample_chunks(series_id, bucket);
    `,
  },
  {
    version: 8,
    name: "report notes: operators' text for a monthly report's sections, kept across regenerations",
    sql: `
      -- ops-agent report note: text an operator adds to (mode add) or puts in place of (mode
      -- replace) the drafted text of a monthly report's section (问题 = 七、存在问题与整改措施,
      -- 计划 = 八、下月工作计划, …). The report reads them every time it is built, so a regenerated
      -- report keeps them. month YYYY-MM; times unix milliseconds.
      CREATE TABLE report_notes (
        id INTEGER PRIMARY KEY,
        month TEXT NOT NULL,
        section TEXT NOT NULL,
        text TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('add', 'replace')),
        author TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX report_notes_by_month ON report_notes(month, section, id);
    `,
  },
  {
    version: 9,
    name: "console sessions: who is logged in to the web console, until when",
    sql: `
      -- agent/store/console-sessions.ts. The cookie carries a random session id; only its
      -- SHA-256 is stored, so a copy of the database logs nobody in. csrf is the token every
      -- form of the session carries. Times are unix milliseconds.
      CREATE TABLE console_sessions (
        id_hash TEXT PRIMARY KEY,
        user_name TEXT NOT NULL,
        csrf TEXT NOT NULL,
        address TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX console_sessions_by_last_use ON console_sessions(last_used_at);
    `,
  },
  {
    version: 10,
    name: "evidence files of manual records: one file per record, stored by its SHA-256",
    sql: `
      -- agent/store/evidence-files.ts keeps the bytes under <data_dir>/evidence/, named by their
      -- SHA-256; this links a record to them. The file name is the uploader's label (shown and
      -- offered on download), never a path. Who and when are the record's recorded_by and
      -- recorded_at: the file arrives with the record, in the same transaction.
      CREATE TABLE manual_record_files (
        record_id INTEGER PRIMARY KEY REFERENCES manual_records(id),
        sha256 TEXT NOT NULL,
        file_name TEXT NOT NULL,
        size INTEGER NOT NULL,
        content_type TEXT NOT NULL
      );
    `,
  },
  {
    version: 11,
    name: "audit: maintenance windows removed by whom and when (kept, not deleted); reports generated by whom",
    sql: `
      -- A removed window was a hard DELETE, its remover only in a log line. Now the row stays with
      -- removed_by and removed_at (the audit fields created_by/created_at have), and only windows
      -- not removed are in force. The name is unique among those in force only (a partial index:
      -- a column UNIQUE cannot be dropped in place, so the table is rebuilt).
      CREATE TABLE maintenance_windows_v11 (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applications TEXT,
        cron TEXT,
        duration_ms INTEGER,
        start_ms INTEGER,
        end_ms INTEGER,
        note TEXT,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        removed_by TEXT,
        removed_at INTEGER,
        CHECK ((removed_by IS NULL) = (removed_at IS NULL))
      );
      INSERT INTO maintenance_windows_v11
        (id, name, applications, cron, duration_ms, start_ms, end_ms, note, created_by, created_at)
        SELECT id, name, applications, cron, duration_ms, start_ms, end_ms, note, created_by, created_at
        FROM maintenance_windows;
      DROP TABLE maintenance_windows;
      ALTER TABLE maintenance_windows_v11 RENAME TO maintenance_windows;
      CREATE UNIQUE INDEX maintenance_windows_in_force ON maintenance_windows(name)
        WHERE removed_at IS NULL;

      -- Who generated a document: a console user's or the CLI's name, "schedule" for the daemon's
      -- own runs. NULL for documents generated before this version (unknown).
      ALTER TABLE reports ADD COLUMN generated_by TEXT;
    `,
  },
];
