/**
 * A downgrade is refused (issue 20 point 5, README 备份与升级): the built CLI, started on a
 * database whose schema a newer ops-agent migrated (user_version above this code's migrations),
 * exits 1 with one message that says what happened and what to do, in Chinese first — and leaves
 * the file byte for byte as it was. The daemon (`run`) and a command that reads the store
 * (`availability`) both refuse.
 */
import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { migrations } from "../../agent/store/migrations.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { CLI, freePort, writeConfig } from "../helpers/agent-process.js";
import { tempDir } from "../helpers/tmp.js";

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("a downgrade", () => {
  it("is refused by run and by the CLI: exit 1, a clear message, the database unchanged", async () => {
    const dir = tempDir();
    const config = writeConfig(dir, await freePort(), "  - type: host\n");
    const db = join(dir, "data", "ops-agent.db");
    const store = SqliteStore.open({
      path: db,
      clock: new ManualClock(Date.UTC(2026, 10, 30)),
      timeZone: "Asia/Shanghai",
      role: "agent",
    });
    store.close();
    // What a newer agent's next migration leaves behind.
    const raw = new Database(db);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.pragma("wal_checkpoint(TRUNCATE)");
    raw.close();
    const before = sha256(db);

    for (const args of [["run"], ["availability"]]) {
      const result = spawnSync(process.execPath, [CLI, ...args, "--config", config], {
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(result.status, `${args[0]}: ${result.stdout}${result.stderr}`).toBe(1);
      const said = result.stdout + result.stderr;
      expect(said).toContain(
        `数据库 ${db} 的结构版本为 ${migrations.length + 1}，由更新版本的 ops-agent 写入（本程序只认识到 ${migrations.length}）：拒绝降级，文件未改动。`,
      );
      expect(said).toContain("用升级前的备份恢复（ops-agent restore FILE）");
      expect(sha256(db), `${args[0]} changed the database`).toBe(before);
    }
  });
});
