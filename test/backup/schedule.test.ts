/**
 * The daemon's scheduled backup, run in-process on a real store through the agent's own
 * connection: a verified copy in backup.dir, pruned to backup.keep, and its metrics; a failure is
 * logged and counted, never thrown; turned off, its metrics are gone.
 */
import Database from "better-sqlite3";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { BackupSchedule } from "../../agent/backup/schedule.js";
import { ManualClock } from "../../agent/clock.js";
import { silentLogger } from "../../agent/log.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { parseConfigText } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { probeBatch, prng } from "../helpers/samples.js";
import { tempDir } from "../helpers/tmp.js";

const TZ = "Asia/Shanghai";

function config(yaml: string): Config {
  const result = parseConfigText(yaml);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

function metricValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text);
  return match ? Number(match[1]) : undefined;
}

describe("scheduled backup (backup: in the config)", () => {
  it("copies through the agent's connection while it writes, keeps backup.keep copies, exports its metrics", async () => {
    const dir = tempDir();
    const clock = new ManualClock(new Date("2026-12-03T19:00:00Z"));
    const store = SqliteStore.open({ path: join(dir, "ops-agent.db"), clock, timeZone: TZ, role: "agent" });
    const registry = new Registry();
    const schedule = new BackupSchedule(store, clock, silentLogger, registry);
    const backups = join(dir, "backups");
    const cfg = config(`timezone: ${TZ}\nbackup: { enabled: true, dir: ${backups}, keep: 2 }\n`);
    schedule.start(cfg);
    const random = prng(3);
    let written = 0;
    try {
      // Enough rows that the copy takes several 1024-page steps.
      for (let day = 0; day < 3; day++) {
        for (let i = 0; i < 200; i++) {
          const at = new Date(clock.now().getTime() + 1000);
          clock.set(at);
          written += store.writeSamples("web", probeBatch(200, at, random), at).written;
        }
        // A write while the job runs, through the same connection, is in the copy too.
        const running = schedule.runOnce(cfg);
        const at = new Date(clock.now().getTime() + 1000);
        written += store.writeSamples("web", probeBatch(200, at, random), at).written;
        await running;
        clock.set(new Date(clock.now().getTime() + 86_400_000));
      }
      const copies = readdirSync(backups).sort();
      expect(copies).toEqual(["ops-agent-2026-12-05T0306+0800.db", "ops-agent-2026-12-06T0310+0800.db"]);
      const newest = new Database(join(backups, copies[1]!), { readonly: true });
      const n = (newest.prepare("SELECT count(*) AS n FROM samples").get() as { n: number }).n;
      newest.close();
      expect(n).toBe(written);
      const text = await registry.metrics();
      expect(metricValue(text, "opsagent_backup_last_success_timestamp_seconds")).toBe(
        new Date("2026-12-06T03:10:00+08:00").getTime() / 1000,
      );
      expect(metricValue(text, "opsagent_backup_failures_total")).toBe(0);
      expect(metricValue(text, "opsagent_backup_interval_seconds")).toBe(86_400);
      expect(metricValue(text, "opsagent_backup_last_duration_seconds")).toBeGreaterThan(0);
    } finally {
      await schedule.stop();
      store.close();
    }
  });

  it("counts and logs a failure instead of throwing; turned off, it exports nothing", async () => {
    const dir = tempDir();
    const clock = new ManualClock(new Date("2026-12-03T19:00:00Z"));
    const store = SqliteStore.open({ path: join(dir, "ops-agent.db"), clock, timeZone: TZ, role: "agent" });
    const registry = new Registry();
    const schedule = new BackupSchedule(store, clock, silentLogger, registry);
    const blocked = join(dir, "not-a-dir");
    writeFileSync(blocked, "a file where the directory should be");
    const cfg = config(`backup: { enabled: true, dir: ${blocked} }\n`);
    try {
      schedule.start(cfg);
      await schedule.runOnce(cfg);
      const text = await registry.metrics();
      expect(metricValue(text, "opsagent_backup_failures_total")).toBe(1);
      expect(metricValue(text, "opsagent_backup_last_success_timestamp_seconds")).toBe(0);
      schedule.start(config("backup: { enabled: false }\n"));
      expect(await registry.metrics()).not.toContain("opsagent_backup_");
    } finally {
      await schedule.stop();
      store.close();
    }
  });
});
