/** Manual records: validated against the indicator's unit; a refused record changes nothing. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { parseRecordedValue } from "../../agent/form/recorded-value.js";
import type { Indicator, TargetValue } from "../../agent/form/types.js";
import { parseTargetValue } from "../../agent/form/value.js";
import { recordManualValue } from "../../agent/kpi/records.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { parseConfigText } from "../../config/load.js";
import { tempDir } from "../helpers/tmp.js";

const target = (text: string): TargetValue => {
  const parsed = parseTargetValue(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed;
};

describe("recorded values", () => {
  it.each<[string, string, number | boolean | string]>([
    ["≥7人", "7", 7],
    ["≥7人", "8人", 8],
    ["≥7人", "8台", 'expected a number in 人 (e.g. "3人"), got "8台"'],
    ["≥95%", "96.5%", 0.965],
    ["≥95%", "96.5", 0.965],
    ["≥95%", "0.9万", 'expected a percentage like "96.5%", got "0.9万"'],
    ["≥95%", "100%", 1],
    // A share is at most 100 %: "9650%" is the typo for "96.50%".
    ["≥95%", "9650%", 'a percentage is at most 100%, got "9650%" (did you mean "96.5%"?)'],
    [">12.8万人次", "1.2万人次", 12_000],
    [">12.8万人次", "13500", 13_500],
    ["=4次", "1次", 1],
    ["及时", "及时", true],
    ["及时", "不及时", false],
    ["完成", "未完成", false],
    ["完成", "done", 'expected "完成" or "不完成"/"未完成" (a qualitative indicator), got "done"'],
    ["=4次", "", "empty value"],
    ["=4次", "four", 'expected a number in 次, got "four"'],
    ["=4次", "４次", 4],
  ])("%s ← %j", (targetText, input, expected) => {
    const parsed = parseRecordedValue(input, target(targetText));
    if (typeof expected === "string") expect(parsed).toMatchObject({ error: expected });
    else expect(parsed).toBe(expected);
  });
});

describe("recording", () => {
  const indicators: Indicator[] = [
    {
      key: "videoconf_staff",
      name: "视频会议运维服务人员",
      group: "output",
      level1: "履职",
      level2: "",
      half: target("≥7人"),
      full: target("≥7人"),
      binding: { source: "manual" },
    },
    {
      key: "vm_count",
      name: "日常维护信息系统所使用的虚拟机数量",
      group: "output",
      level1: "履职",
      level2: "",
      half: target("=253个"),
      full: target("=253个"),
      binding: { source: "vm_count" },
    },
  ];
  const loaded = parseConfigText("");
  if (!loaded.ok) throw new Error("empty config");
  const config = loaded.config;

  it("refuses unknown keys (naming the manual ones), automatic indicators, wrong units, bad and future dates; stores nothing", () => {
    const clock = new ManualClock("2026-11-28T10:00:00+08:00");
    const store = SqliteStore.open({
      path: join(tempDir(), "r.db"),
      clock,
      timeZone: "Asia/Shanghai",
      role: "agent",
    });
    const now = clock.now();
    const tryRecord = (key: string, value: string, extra: { date?: string; corrects?: number } = {}) =>
      recordManualValue(store, config, indicators, now, { key, value, by: "王老师", ...extra });
    expect(tryRecord("staff", "7")).toEqual({
      ok: false,
      error:
        'unknown indicator "staff"; did you mean "videoconf_staff"? (ops-agent kpi --keys lists every key and name)',
      refusal: { kind: "unknown_indicator", given: "staff" },
    });
    expect(tryRecord("vm_count", "253")).toEqual({
      ok: false,
      error:
        "vm_count (日常维护信息系统所使用的虚拟机数量) is measured by the agent (vm_count); it takes no manual records",
      refusal: {
        kind: "automatic",
        indicator: { key: "vm_count", name: "日常维护信息系统所使用的虚拟机数量" },
      },
    });
    expect(tryRecord("videoconf_staff", "7台")).toEqual({
      ok: false,
      error: 'videoconf_staff (视频会议运维服务人员): expected a number in 人 (e.g. "3人"), got "7台"',
      // The same reason as data, for the console to say in the page's language.
      refusal: {
        kind: "value",
        indicator: { key: "videoconf_staff", name: "视频会议运维服务人员" },
        value: { kind: "unit", unit: "人", got: "7台" },
      },
    });
    expect(tryRecord("videoconf_staff", "7", { date: "2026-02-30" })).toEqual({
      ok: false,
      error: '--date: expected a date like 2026-11-28, got "2026-02-30"',
      refusal: { kind: "date_format", got: "2026-02-30" },
    });
    expect(tryRecord("videoconf_staff", "7", { date: "2026-11-29" })).toEqual({
      ok: false,
      error: "--date: 2026-11-29 is in the future",
      refusal: { kind: "date_future", date: "2026-11-29" },
    });
    expect(tryRecord("videoconf_staff", "7", { corrects: 99 })).toEqual({
      ok: false,
      error: "--corrects: no manual record #99",
      refusal: { kind: "corrects_missing", id: 99 },
    });
    expect(store.records.history()).toEqual([]);

    // No --date: today in the centre's time zone.
    const ok = tryRecord("videoconf_staff", "8人");
    expect(ok).toMatchObject({ ok: true, record: { day: "2026-11-28", value: "8人", recordedBy: "王老师" } });
    // The Chinese name is a label for the key: the record is stored under the key.
    const byName = tryRecord("视频会议运维服务人员", "9人");
    expect(byName).toMatchObject({ ok: true, record: { indicator: "videoconf_staff", value: "9人" } });
    store.close();
  });

  it("a refused correction with an evidence file leaves no file behind; an accepted one keeps it", () => {
    const dir = tempDir();
    const withDataDir = parseConfigText(`data_dir: ${join(dir, "data")}\n`);
    if (!withDataDir.ok) throw new Error("config");
    const clock = new ManualClock("2026-11-28T10:00:00+08:00");
    const store = SqliteStore.open({
      path: join(dir, "r.db"),
      clock,
      timeZone: "Asia/Shanghai",
      role: "agent",
    });
    const evidence = {
      fileName: "签到表.pdf",
      contentType: "application/pdf",
      data: Buffer.from("%PDF-1.4 test"),
    };
    const record = (corrects?: number) =>
      recordManualValue(store, withDataDir.config, indicators, clock.now(), {
        key: "videoconf_staff",
        value: "7人",
        by: "王老师",
        evidence,
        ...(corrects === undefined ? {} : { corrects }),
      });
    const evidenceDir = join(dir, "data", "evidence");
    expect(record(42)).toEqual({
      ok: false,
      error: "--corrects: no manual record #42",
      refusal: { kind: "corrects_missing", id: 42 },
    });
    expect(existsSync(evidenceDir)).toBe(false);
    const first = record();
    if (!first.ok) throw new Error(first.error);
    const sha = first.record.evidence?.sha256 as string;
    expect(existsSync(join(evidenceDir, sha.slice(0, 2), sha))).toBe(true);
    expect(record(first.record.id)).toMatchObject({ ok: true, record: { corrects: first.record.id } });
    store.close();
  });
});
