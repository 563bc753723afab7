/**
 * `ops-agent form export` on a store on disk (exit codes, files, records), the schedule's periods,
 * the daemon's run on July 1, and down time whose raw samples are past their retention.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { formExportCommand } from "../../agent/cli/form-export.js";
import { buildFormExport } from "../../agent/form-export/build.js";
import { FormExportSchedule, lastEndedPeriod, nextExportDue } from "../../agent/form-export/schedule.js";
import { localMidnight } from "../../agent/kpi/periods.js";
import { silentLogger } from "../../agent/log.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { databasePath } from "../../config/load.js";
import { tempDir } from "../helpers/tmp.js";
import { configText, halfYear, loadConfig, NOW } from "./fixture.js";

const TZ = "Asia/Shanghai";

describe("when the export is due", () => {
  it.each([
    ["2026-07-01T09:00:00+08:00", "2026-H1"],
    ["2026-12-31T23:59:00+08:00", "2026-H1"],
    ["2027-01-01T00:00:00+08:00", "2026"],
    ["2026-06-30T23:59:00+08:00", "2025"],
    ["2026-06-30T16:30:00Z", "2026-H1"],
  ])("at %s the period that ended last is %s", (at, period) => {
    expect(lastEndedPeriod(new Date(at), TZ)).toBe(period);
  });

  it("names the next export and its moment", () => {
    expect(nextExportDue(new Date("2026-03-01T00:00:00+08:00"), TZ)).toEqual({
      period: "2026-H1",
      at: new Date("2026-07-01T00:00:00+08:00"),
    });
    expect(nextExportDue(new Date("2026-07-01T09:00:00+08:00"), TZ)).toEqual({
      period: "2026",
      at: new Date("2027-01-01T00:00:00+08:00"),
    });
  });

  it("the daemon's run on July 1 writes and records the half-year", async () => {
    const dir = tempDir();
    const fx = halfYear(dir);
    const schedule = new FormExportSchedule(fx.store, new ManualClock(NOW), silentLogger);
    const files = await schedule.runOnce(fx.config, {
      enabled: true,
      formats: ["xlsx", "csv"],
      out_dir: join(dir, "o"),
    });
    expect(files.map((f) => f.format)).toEqual(["xlsx", "csv"]);
    expect(fx.store.reports.list("form_export").map((r) => `${r.period}/${r.format}`)).toEqual([
      "2026-H1/csv",
      "2026-H1/xlsx",
    ]);
    // Recorded as the daemon's own (the console shows 定时任务).
    expect(fx.store.reports.list("form_export").map((r) => r.generatedBy)).toEqual(["schedule", "schedule"]);
    // Written again: replaced, still one row per format.
    await schedule.runOnce(fx.config, { enabled: true, formats: ["xlsx", "csv"], out_dir: join(dir, "o") });
    expect(fx.store.reports.list("form_export")).toHaveLength(2);
    await schedule.stop();
    fx.store.close();
  });
});

describe("ops-agent form export", () => {
  it("writes the files beside the store and exits 0; bad arguments exit 78", async () => {
    const dir = tempDir();
    const configPath = join(dir, "agent.yaml");
    writeFileSync(configPath, configText(dir));
    const fx = halfYear(dir, databasePath(loadConfig(dir)));
    fx.store.close();
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const out = join(dir, "out");
      expect(await formExportCommand({ config: configPath, period: "2026-H1", out, now: NOW })).toBe(0);
      expect(existsSync(join(out, "2026-H1-绩效自评表.xlsx"))).toBe(true);
      expect(existsSync(join(out, "2026-H1-绩效自评表.csv"))).toBe(true);
      // Recorded under the CLI's user, as every CLI change is.
      const reopened = SqliteStore.open({
        path: databasePath(loadConfig(dir)),
        clock: new ManualClock(NOW),
        timeZone: TZ,
        role: "reader",
      });
      expect(reopened.reports.list("form_export").map((r) => r.generatedBy)).toEqual([
        process.env.USER || "cli",
        process.env.USER || "cli",
      ]);
      reopened.close();
      expect(await formExportCommand({ config: configPath, format: "csv", out, json: true, now: NOW })).toBe(
        0,
      );
      const printed = JSON.parse(String(log.mock.calls.at(-1)?.[0])) as { path: string }[];
      expect(printed.map((p) => p.path)).toEqual([join(out, "2026-H1-绩效自评表.csv")]);
      for (const bad of [
        { period: "2026-H2" },
        { period: "2026-06" },
        { period: "2027" },
        { format: "pdf" },
        { format: "" },
      ]) {
        expect(await formExportCommand({ config: configPath, out, now: NOW, ...bad })).toBe(78);
      }
      expect(error.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringContaining("--period"),
        expect.stringContaining("--period"),
        expect.stringContaining("not begun"),
        expect.stringContaining("--format"),
        expect.stringContaining("--format"),
      ]);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});

describe("down time past the raw retention", () => {
  it("is taken from the daily rollups, consecutive days together", () => {
    const fx = halfYear(tempDir());
    const rawBefore = localMidnight(2026, 5, 27, fx.store.calendar);
    fx.store.deleteOlderThan({ rawBefore, hourBefore: 0, dayBefore: 0 });
    const exp = buildFormExport(fx.store, fx.config, fx.indicators, { period: "2026-H1", now: NOW });
    expect(exp.rows.find((r) => r.key === "availability")).toMatchObject({
      value: "83.64%",
      reason:
        "2026年上半年教育应用运行可用率83.64%，低于目标90%。" +
        "不可用时间使可用率降低16.36%（0次中断；3段原始采样已过保留期，按日汇总）：" +
        "ecard 2026-02-01 至 2026-03-31 共1416小时（日汇总）；portal 2026-03-05 共3小时（日汇总）；" +
        "portal 2026-05-20 共2小时（日汇总）。",
    });
    fx.store.close();
  });
});

// LibreOffice reading the workbook and the CSV: render.test.ts.
