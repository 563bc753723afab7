/**
 * The CLI's tables in the terminal's language (agent/cli/cli-text.ts), run as an operator types
 * them (the built CLI in a temporary checkout with a seeded store): under LANG=zh_CN.UTF-8 every
 * column header is Chinese, as are the states, verdicts, categories and the lines around the
 * tables; under LANG=C.UTF-8 the English headers scripts may read are unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCliWorld, type CliWorld } from "../helpers/cli-world.js";

let world: CliWorld;
beforeAll(() => {
  world = makeCliWorld();
}, 60_000);
afterAll(() => world?.remove());

const ZH = { LANG: "zh_CN.UTF-8" };

/** Run in Chinese; the command must succeed (kpi may exit 1 for a not-met row). */
function zh(command: string, statuses: readonly number[] = [0]): string {
  const result = world.run(command, ZH);
  expect(statuses, `${command}\n${result.stderr}`).toContain(result.status);
  return result.stdout;
}

/** The first line of a table: its headers, split on the two-space gutters. */
function headerOf(table: string, at = 0): string[] {
  return (table.split("\n")[at] ?? "").trim().split(/ {2,}/);
}

/** No run of three or more Latin letters: a Chinese header never falls back to English. */
const NO_ENGLISH = /^[^A-Za-z]*(?:[A-Za-z]{1,2}[^A-Za-z]+)*[A-Za-z]{0,2}$/;

describe("CLI tables under LANG=zh_CN.UTF-8", { timeout: 60_000 }, () => {
  it("kpi: Chinese headers, sources and statuses, the period as 2026年（截至目前）", () => {
    const out = zh("ops-agent kpi", [0, 1]);
    expect(out.split("\n")[0]).toMatch(/^\d{4}年（截至目前）$/);
    expect(headerOf(out, 1)).toEqual(["指标", "来源", "值", "目标", "状态", "数据覆盖"]);
    expect(out).toMatch(/\n教育应用运行可用率 +自动 /);
    expect(out).toMatch(/ 手工 /);
    expect(out).toMatch(/无数据/);
    expect(out).not.toMatch(/\bno data\b|\bmanual\b|\bauto\b|\(so far\)/);

    const keys = zh("ops-agent kpi --keys");
    expect(headerOf(keys)).toEqual(["键", "指标", "来源", "目标"]);
    expect(keys).toMatch(/\necard_equipment_overhauls +设备检修 +手工 +=4次\n/);
  });

  it("kpi --json: the period's bounds also as local times with their offset", () => {
    const out = world.run("ops-agent kpi --json --period 2026-H1");
    const period = (JSON.parse(out.stdout) as { period: Record<string, unknown> }).period;
    expect(period.from_time).toBe("2026-01-01T00:00:00+08:00");
    expect(period.end_time).toBe("2026-07-01T00:00:00+08:00");
    expect(new Date(period.from_time as string).getTime()).toBe((period.from as number) * 1000);
  });

  it("record and record --list: 已记录, the history's headers and states in Chinese", () => {
    const first = zh("ops-agent record 设备检修 1次 --date 2026-11-02 --note 十一月检修");
    expect(first).toMatch(/^已记录 #(\d+)：设备检修（ecard_equipment_overhauls）= 1次，日期 2026-11-02\n$/);
    const id = /#(\d+)/.exec(first)?.[1];
    const fix = zh(`ops-agent record 设备检修 2次 --date 2026-11-02 --corrects ${id}`);
    expect(fix).toContain(`，更正 #${id}`);
    const list = zh("ops-agent record --list ecard_equipment_overhauls");
    expect(headerOf(list)).toEqual(["编号", "指标", "日期", "值", "记录人", "备注", "状态"]);
    expect(list).toMatch(/已被更正/);
    expect(list).toMatch(new RegExp(`更正 #${id}`));
  });

  it("record: a refused value is said in Chinese, in the console's words; in English under LANG=C", () => {
    const over = world.run("ops-agent record 预算执行率 150%", ZH);
    expect(over.status).toBe(78);
    expect(over.stderr).toBe(
      "record：预算执行率（budget_execution_rate）：百分比最大为 100%，收到“150%”（是否应为“1.5%”？）\n",
    );
    const unknown = world.run("ops-agent record 不存在的指标 1", ZH);
    expect(unknown.status).toBe(78);
    expect(unknown.stderr).toContain("没有键或名称为“不存在的指标”的指标");
    const english = world.run("ops-agent record 预算执行率 150%");
    expect(english.status).toBe(78);
    expect(english.stderr).toMatch(
      /^record: budget_execution_rate \(预算执行率\): a percentage is at most 100%/,
    );
  });

  it("incident list / show / timeliness: statuses, categories, verdicts and the rule in Chinese", () => {
    const list = zh("ops-agent incident list");
    expect(headerOf(list)).toEqual([
      "编号",
      "状态",
      "类别",
      "优先级",
      "开始时间",
      "响应用时",
      "时限判定",
      "故障内容",
    ]);
    // The seeded incident: a P2 platform fault, open for 90 minutes, past its response bound.
    expect(list).toMatch(
      /\n#1 +未响应 +教育平台 +P2 +\d{4}-\d\d-\d\d \d\d:\d\d \+08:00 +- +不及时 +ecard: HTTP 502/,
    );

    const show = zh("ops-agent incident show 1");
    expect(show).toMatch(/\n状态 +未响应（来源：probe）\n/);
    expect(show).toMatch(/\n响应用时 -（时限 [\d.]+ 分钟：不及时）\n/);
    const events = show.split("\n").findIndex((line) => line.startsWith("时间"));
    expect(headerOf(show, events)).toEqual(["时间", "事件", "操作人", "说明"]);
    expect(show).toMatch(/ 发生 +agent/);

    const timeliness = zh("ops-agent incident timeliness");
    expect(timeliness.split("\n")[0]).toMatch(/^本月：\d{4}-/);
    expect(headerOf(timeliness, 1)).toEqual(["类别", "故障数", "及时", "不及时", "待响应", "及时率", "判定"]);
    expect(timeliness).toMatch(/\n口径：响应时间 = 首次确认时间/);
    expect(timeliness).not.toContain("Rule:");
  });

  it("availability: windows and systems by their Chinese names, 无数据 rather than unknown", () => {
    const out = zh("ops-agent availability --window month");
    expect(headerOf(out)).toEqual([
      "统计期",
      "系统",
      "可用率",
      "数据覆盖",
      "正常",
      "异常",
      "维护",
      "剩余可中断时间",
    ]);
    expect(out).toMatch(/\n本月 +（平均） +\d/);
    for (const line of out
      .split("\n")
      .slice(1)
      .filter((l) => l.startsWith("本月")))
      expect(line.split(/ {2,}/)[1], line).toMatch(/[\u4e00-\u9fff]/);
  });

  it("maintenance list (and --removed), report list, report note --list: Chinese headers", () => {
    zh('ops-agent maintenance add 升级 --start "2030-12-12 22:00" --end "2030-12-13 01:00"');
    const list = zh("ops-agent maintenance list");
    expect(headerOf(list)).toEqual(["名称", "来源", "适用系统", "时间", "当前生效", "添加人", "备注"]);
    expect(list).toMatch(
      /\n升级 +命令行\/控制台 +全部 +2030-12-12 22:00 \+08:00 – 2030-12-13 01:00 \+08:00 +否 /,
    );
    zh("ops-agent maintenance remove 升级");
    const removed = zh("ops-agent maintenance list --removed");
    expect(headerOf(removed)).toEqual(["名称", "时间", "添加人", "添加时间", "移除人", "移除时间"]);

    const reports = zh("ops-agent report --list");
    expect(headerOf(reports)).toEqual(["月份", "格式", "生成时间", "文件"]);
    expect(reports).toMatch(/年：已生成 \d+ 个月的月度报告/);
    expect(zh("ops-agent report note --list --month 2026-11")).toBe("2026-11：没有备注\n");
  });

  it("every header line printed above is free of English words", () => {
    for (const command of ["ops-agent kpi --keys", "ops-agent incident list", "ops-agent maintenance list"])
      expect(headerOf(zh(command)).join(" "), command).toMatch(NO_ENGLISH);
  });
});

describe("CLI tables under LANG=C.UTF-8", { timeout: 60_000 }, () => {
  it("keep their English headers (what scripts reading the tables saw before)", () => {
    expect(headerOf(world.run("ops-agent incident list").stdout)).toEqual([
      "ID",
      "STATUS",
      "CATEGORY",
      "PRIORITY",
      "STARTED",
      "RESPONSE",
      "SLA",
      "TITLE",
    ]);
    const kpi = world.run("ops-agent kpi").stdout;
    expect(kpi.split("\n")[0]).toMatch(/^\d{4} \(so far\)$/);
    expect(headerOf(kpi, 1)).toEqual(["指标 INDICATOR", "SOURCE", "VALUE", "TARGET", "STATUS", "COVERAGE"]);
  });
});
