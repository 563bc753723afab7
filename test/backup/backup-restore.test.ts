/**
 * Backup and restore on real database files (in-process; test/backup/round-trip.test.ts does the
 * same beside a real agent process): the copy is verified and complete, made 0640, named in the
 * configured zone, pruned to --keep among the tool's own copies only; a newer schema (a downgrade)
 * and foreign files are refused with their message; restore keeps the previous database and its
 * log aside, removes stale -shm / orphan -wal, and is refused while an agent holds the database.
 */
import Database from "better-sqlite3";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { takeBackup } from "../../agent/backup/backup.js";
import { BackupError } from "../../agent/backup/errors.js";
import { restoreDatabase } from "../../agent/backup/restore.js";
import { ManualClock } from "../../agent/clock.js";
import { migrations } from "../../agent/store/migrations.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { probeBatch, prng } from "../helpers/samples.js";
import { tempDir } from "../helpers/tmp.js";

const TZ = "Asia/Shanghai";
const START = new Date("2026-03-01T00:00:00+08:00");

function storeWithSamples(path: string, batches = 3): number {
  const clock = new ManualClock(START);
  const store = SqliteStore.open({ path, clock, timeZone: TZ, role: "agent" });
  const random = prng(7);
  let written = 0;
  for (let i = 0; i < batches; i++) {
    const at = new Date(START.getTime() + i * 60_000);
    clock.set(at);
    written += store.writeSamples("web", probeBatch(20, at, random), at).written;
  }
  store.close();
  return written;
}

function count(path: string, table: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function refusal(promise: Promise<unknown>): Promise<BackupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupError);
  return error as BackupError;
}

describe("ops-agent backup", () => {
  it("writes a verified, complete copy named in the configured zone, mode 0640, nothing else left", async () => {
    const dir = tempDir();
    const db = join(dir, "data", "ops-agent.db");
    const written = storeWithSamples(db);
    const out = join(dir, "backups");
    const now = new Date("2026-12-04T00:00:00Z");
    const result = await takeBackup({ databasePath: db, dir: out, now, timeZone: TZ });
    expect(result.path).toBe(join(out, "ops-agent-2026-12-04T0800+0800.db"));
    expect(result.version).toBe(migrations.length);
    expect(readdirSync(out)).toEqual(["ops-agent-2026-12-04T0800+0800.db"]);
    expect(statSync(result.path).mode & 0o777).toBe(0o640);
    expect(count(result.path, "samples")).toBe(written);
    const copy = new Database(result.path, { readonly: true });
    expect(copy.pragma("journal_mode", { simple: true })).toBe("delete");
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    copy.close();
  });

  it("--out never overwrites a file, and needs exactly one destination", async () => {
    const dir = tempDir();
    const db = join(dir, "ops-agent.db");
    storeWithSamples(db, 1);
    const out = join(dir, "copy.db");
    writeFileSync(out, "mine");
    const now = new Date();
    expect((await refusal(takeBackup({ databasePath: db, out, now, timeZone: TZ }))).message).toContain(
      `${out} 已存在`,
    );
    expect(statSync(out).size).toBe(4);
    expect((await refusal(takeBackup({ databasePath: db, now, timeZone: TZ }))).code).toBe("usage");
    expect(
      (await refusal(takeBackup({ databasePath: db, out: join(dir, "b.db"), keep: 2, now, timeZone: TZ })))
        .message,
    ).toContain("--keep prunes the timestamped copies of a directory");
    expect(
      (
        await refusal(
          takeBackup({ databasePath: join(dir, "none.db"), out: join(dir, "c.db"), now, timeZone: TZ }),
        )
      ).code,
    ).toBe("not_found");
  });

  it("--keep N keeps the newest N of the tool's copies and never touches other files", async () => {
    const dir = tempDir();
    const db = join(dir, "ops-agent.db");
    storeWithSamples(db, 1);
    const out = join(dir, "backups");
    const day = 86_400_000;
    const first = new Date("2026-12-01T19:00:00Z"); // 03:00 +08:00 on the 2nd
    const paths: string[] = [];
    for (let i = 0; i < 3; i++)
      paths.push(
        (
          await takeBackup({
            databasePath: db,
            dir: out,
            keep: 3,
            now: new Date(first.getTime() + i * day),
            timeZone: TZ,
          })
        ).path,
      );
    // A person's files beside them, one of them nearly the tool's pattern.
    for (const name of ["ops-agent-2026-01-01.db", "notes.txt", "ops-agent-2026-12-01T0300+0800.db.keep"])
      writeFileSync(join(out, name), "x");
    const fourth = await takeBackup({
      databasePath: db,
      dir: out,
      keep: 2,
      now: new Date(first.getTime() + 3 * day),
      timeZone: TZ,
    });
    expect(fourth.pruned).toEqual([paths[1], paths[0]]);
    expect(readdirSync(out).sort()).toEqual([
      "notes.txt",
      "ops-agent-2026-01-01.db",
      "ops-agent-2026-12-01T0300+0800.db.keep",
      "ops-agent-2026-12-04T0300+0800.db",
      "ops-agent-2026-12-05T0300+0800.db",
    ]);
  });

  it("refuses a database newer than this code (a downgrade) and leaves it unchanged", async () => {
    const dir = tempDir();
    const db = join(dir, "ops-agent.db");
    storeWithSamples(db, 1);
    const raw = new Database(db);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    const error = await refusal(
      takeBackup({ databasePath: db, out: join(dir, "copy.db"), now: new Date(), timeZone: TZ }),
    );
    expect(error.code).toBe("newer_schema");
    expect(error.message).toContain(
      `结构版本为 ${migrations.length + 1}，高于本程序认识的 ${migrations.length}`,
    );
    expect(existsSync(join(dir, "copy.db"))).toBe(false);
    // The agent itself refuses to open it, and says what to do.
    expect(() =>
      SqliteStore.open({ path: db, clock: new ManualClock(START), timeZone: TZ, role: "agent" }),
    ).toThrow(`拒绝降级，文件未改动`);
  });
});

describe("ops-agent restore", () => {
  it("puts the copy in place, keeps the previous database and its log aside, removes stale files", async () => {
    const dir = tempDir();
    const db = join(dir, "ops-agent.db");
    const written = storeWithSamples(db, 2);
    const backup = await takeBackup({
      databasePath: db,
      out: join(dir, "copy.db"),
      now: new Date(),
      timeZone: TZ,
    });
    // More data after the backup, then a crash-like state: a -wal and a -shm beside the database.
    storeWithSamples(db, 4);
    const after = count(db, "samples");
    expect(after).toBeGreaterThan(written);
    writeFileSync(`${db}-wal`, "");
    writeFileSync(`${db}-shm`, "stale");
    const now = new Date("2026-12-04T06:30:00Z");
    const result = await restoreDatabase({ file: backup.path, databasePath: db, now, timeZone: TZ });
    const aside = `${db}.before-restore-2026-12-04T1430+0800`;
    expect(result.keptAside).toEqual([aside, `${aside}-wal`]);
    expect(result.removed).toEqual([`${db}-shm`]);
    expect(count(db, "samples")).toBe(written);
    expect(count(aside, "samples")).toBe(after);
    expect(statSync(db).mode & 0o777).toBe(0o640);
    // The agent opens the restored file.
    const store = SqliteStore.open({ path: db, clock: new ManualClock(START), timeZone: TZ, role: "agent" });
    expect(store.rawSampleCount()).toBe(written);
    store.close();
  });

  it("into a fresh data directory; an orphan -wal there is removed, never replayed", async () => {
    const dir = tempDir();
    const db = join(dir, "old", "ops-agent.db");
    const written = storeWithSamples(db, 2);
    const backup = await takeBackup({
      databasePath: db,
      out: join(dir, "copy.db"),
      now: new Date(),
      timeZone: TZ,
    });
    const fresh = join(dir, "fresh", "ops-agent.db");
    const result = await restoreDatabase({
      file: backup.path,
      databasePath: fresh,
      now: new Date(),
      timeZone: TZ,
    });
    expect(result.keptAside).toEqual([]);
    expect(count(fresh, "samples")).toBe(written);
    const again = join(dir, "again", "ops-agent.db");
    await restoreDatabase({
      file: backup.path,
      databasePath: join(dir, "again", "x.db"),
      now: new Date(),
      timeZone: TZ,
    });
    writeFileSync(`${again}-wal`, "not a log");
    const second = await restoreDatabase({
      file: backup.path,
      databasePath: again,
      now: new Date(),
      timeZone: TZ,
    });
    expect(second.removed).toEqual([`${again}-wal`]);
    expect(count(again, "samples")).toBe(written);
  });

  it("is refused while an agent holds the database, which is left as it was", async () => {
    const dir = tempDir();
    const db = join(dir, "ops-agent.db");
    storeWithSamples(db, 1);
    const backup = await takeBackup({
      databasePath: db,
      out: join(dir, "copy.db"),
      now: new Date(),
      timeZone: TZ,
    });
    const agent = SqliteStore.open({ path: db, clock: new ManualClock(START), timeZone: TZ, role: "agent" });
    try {
      const error = await refusal(
        restoreDatabase({ file: backup.path, databasePath: db, now: new Date(), timeZone: TZ }),
      );
      expect(error.code).toBe("locked");
      expect(error.message).toContain(`拒绝恢复：ops-agent 正在使用 ${db}`);
      expect(error.message).toContain(`pid ${process.pid}`);
      expect(readdirSync(dir).filter((n) => n.includes("before-restore"))).toEqual([]);
    } finally {
      agent.close();
    }
  });

  it("refuses a newer schema, a foreign SQLite file and a file that is no database, touching nothing", async () => {
    const dir = tempDir();
    const db = join(dir, "data", "ops-agent.db");
    const written = storeWithSamples(db, 1);
    const newer = join(dir, "newer.db");
    await takeBackup({ databasePath: db, out: newer, now: new Date(), timeZone: TZ });
    const raw = new Database(newer);
    raw.pragma(`user_version = ${migrations.length + 3}`);
    raw.close();
    const foreign = join(dir, "foreign.db");
    const other = new Database(foreign);
    other.exec("CREATE TABLE t (x)");
    other.close();
    const text = join(dir, "notes.db");
    writeFileSync(text, "this is not a database, just a text file long enough to have a header ....");
    const restore = (file: string) =>
      restoreDatabase({ file, databasePath: db, now: new Date(), timeZone: TZ });
    const downgrade = await refusal(restore(newer));
    expect(downgrade.code).toBe("newer_schema");
    expect(downgrade.message).toContain(
      `结构版本为 ${migrations.length + 3}，由更新版本的 ops-agent 写入；本程序只认识到版本 ${migrations.length}，拒绝降级`,
    );
    expect((await refusal(restore(foreign))).code).toBe("not_ops_agent");
    expect((await refusal(restore(text))).code).toBe("not_a_database");
    expect((await refusal(restore(join(dir, "missing.db")))).code).toBe("not_found");
    expect(readdirSync(join(dir, "data")).sort()).toEqual(["ops-agent.db", "ops-agent.db.lock"]);
    expect(count(db, "samples")).toBe(written);
  });
});

describe("verification in a worker thread (the daemon's)", () => {
  it("gives the same verdicts as on the command line", async () => {
    const { verifyAgentDatabaseOffThread } = await import("../../agent/backup/verify-off-thread.js");
    const { verifyAgentDatabase } = await import("../../agent/backup/verify.js");
    const dir = tempDir();
    const good = join(dir, "ops-agent.db");
    storeWithSamples(good, 1);
    expect(await verifyAgentDatabaseOffThread(good)).toEqual(verifyAgentDatabase(good));
    const newer = join(dir, "newer.db");
    await takeBackup({ databasePath: good, out: newer, now: new Date(), timeZone: TZ });
    const raw = new Database(newer);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    const text = join(dir, "text.db");
    writeFileSync(text, "not a database at all, long enough to be read as a header ............");
    for (const [file, code] of [
      [newer, "newer_schema"],
      [text, "not_a_database"],
      [join(dir, "missing.db"), "not_found"],
    ] as const) {
      const offThread = await refusal(verifyAgentDatabaseOffThread(file));
      expect(offThread.code).toBe(code);
      expect(() => verifyAgentDatabase(file)).toThrow(offThread.message);
    }
  });
});
