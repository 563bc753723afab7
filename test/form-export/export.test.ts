/**
 * The self-evaluation (绩效自评表) of a generated first half of 2026 (fixture.ts), written to XLSX
 * and CSV and read back: the XLSX cell by cell against hand-computed values, all 63 rows of the
 * form in its order with the half-year targets exactly as on the form, merged groups, frozen
 * header, fills; formula-injection notes and names stay literal string cells and are escaped in
 * the CSV; the CSV starts with its BOM; a period with no data says 无数据, never 0.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Workbook, Worksheet } from "exceljs";
import { describe, expect, it } from "vitest";
import { buildFormExport } from "../../agent/form-export/build.js";
import { EVIDENCE_SHEET, FIRST_ROW, MAIN_SHEET } from "../../agent/form-export/render-xlsx.js";
import { formExportFileName, writeFormExport } from "../../agent/form-export/write.js";
import { formRows, SHARED_FORM_PATH } from "../form/form-file.js";
import { tempDir } from "../helpers/tmp.js";
import { emptyStore, halfYear, HOSTILE_NOTE, HOSTILE_TITLE, HOSTILE_VM, NOW } from "./fixture.js";
import { existsSync } from "node:fs";

const ROWS = 63;

async function readWorkbook(path: string): Promise<Workbook> {
  const ExcelJS = (await import("exceljs")).default;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb;
}

const STRING = 3; // ExcelJS.ValueType.String
const MERGE = 1; // ExcelJS.ValueType.Merge

/** Row of the main sheet for a third-level indicator name. */
function rowOf(ws: Worksheet, name: string): number {
  for (let r = FIRST_ROW; r < FIRST_ROW + ROWS; r++) if (ws.getCell(r, 4).value === name) return r;
  throw new Error(`no row ${name}`);
}

function cells(ws: Worksheet, row: number): unknown[] {
  return Array.from({ length: 9 }, (_, c) => ws.getCell(row, c + 1).value);
}

/** RFC 4180, enough for our own files. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 1;
    } else field += ch;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe("the half-year self-evaluation from generated data", () => {
  it("writes the XLSX like the form: every row in order, values checked by hand", async () => {
    const fx = halfYear(tempDir());
    const out = join(fx.dir, "out");
    const files = await writeFormExport(fx.store, fx.config, fx.indicators, {
      period: "2026-H1",
      formats: ["xlsx", "csv"],
      outDir: out,
      now: NOW,
    });
    expect(files.map((f) => f.path)).toEqual([
      join(out, "2026-H1-绩效自评表.xlsx"),
      join(out, "2026-H1-绩效自评表.csv"),
    ]);
    expect(fx.store.reports.list("form_export").map((r) => [r.period, r.format, r.path])).toEqual([
      ["2026-H1", "csv", join(out, "2026-H1-绩效自评表.csv")],
      ["2026-H1", "xlsx", join(out, "2026-H1-绩效自评表.xlsx")],
    ]);

    const wb = await readWorkbook(join(out, formExportFileName("2026-H1", "xlsx")));
    expect(wb.worksheets.map((w) => w.name)).toEqual([MAIN_SHEET, EVIDENCE_SHEET]);
    const ws = wb.getWorksheet(MAIN_SHEET) as Worksheet;
    expect(ws.getCell("A1").value).toBe("苏州市电化教育馆 2026年上半年绩效自评表");
    expect(cells(ws, 2)).toEqual([
      "一级指标",
      "二级指标",
      "重点工作",
      "三级指标",
      "半年指标值",
      "实际完成值",
      "是否达成",
      "数据来源",
      "偏差原因",
    ]);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 2 });
    expect(ws.getColumn(9).width).toBe(64);

    // Every row of the form, in its order, with the half-year value exactly as written on it.
    const form = formRows();
    expect(form).toHaveLength(ROWS);
    if (existsSync(SHARED_FORM_PATH)) expect(formRows(readFileSync(SHARED_FORM_PATH, "utf8"))).toEqual(form);
    form.forEach((f, i) => {
      expect(ws.getCell(FIRST_ROW + i, 4).value).toBe(f.name);
      expect(ws.getCell(FIRST_ROW + i, 5).value).toBe(f.half);
    });
    expect(ws.getCell(FIRST_ROW + ROWS, 4).value).toBeNull();

    // Groups merged like the form: 决策 rows 3–10, 计划制定 3–4, 过程 11–34, a task over its rows.
    expect(ws.getCell("A3").value).toBe("决策");
    expect(ws.getCell("A10").type).toBe(MERGE);
    expect((ws.getCell("A10").master as { address: string }).address).toBe("A3");
    expect(ws.getCell("A11").value).toBe("过程");
    expect((ws.getCell("A34").master as { address: string }).address).toBe("A11");
    expect((ws.getCell("B4").master as { address: string }).address).toBe("B3");
    expect(ws.getCell("B5").value).toBe("目标设定");
    const overhaul = rowOf(ws, "设备检修");
    expect(ws.getCell(overhaul, 3).value).toBe("承担“苏州教育E卡通”项目的日常工作");
    expect((ws.getCell(overhaul, 3).master as { address: string }).address).toBe(`C${overhaul - 1}`);

    // Availability: portal 5 of 4,344 hourly samples down, ecard 1,416 (Feb 1 – Apr 1):
    // (4339/4344 + 2928/4344) / 2 = 7267/8688 = 83.64% < 90%; the outages cost 1421/8688 = 16.36%.
    const availability = rowOf(ws, "教育应用运行可用率");
    expect(cells(ws, availability).slice(3)).toEqual([
      "教育应用运行可用率",
      "≥90%",
      "83.64%",
      "未达成",
      "自动测量：教育应用HTTP探测（可用率）；数据覆盖率100.0%（计算见“佐证”）",
      "3次中断使可用率降低16.36%：ecard 2026-02-01 00:00 起1416小时（timeout）；" +
        "portal 2026-03-05 10:00 起3小时（status）；portal 2026-05-20 14:00 起2小时（status）",
    ]);
    const fill = ws.getCell(availability, 7).fill as { fgColor?: { argb?: string } };
    expect(fill.fgColor?.argb).toBe("FFFFC7CE");

    // VMs: 255 at the period's end (253 until June 15), two added that day.
    expect(cells(ws, rowOf(ws, "日常维护信息系统所使用的虚拟机数量")).slice(4)).toEqual([
      "=253个",
      "255个",
      "未达成",
      "自动测量：虚拟化平台清单（在管虚拟机数）；数据覆盖率100.0%（计算见“佐证”）",
      `期末在管虚拟机255个（1个清单来源）；期间新增2台：jyj-db-02（2026-06-15）、${HOSTILE_VM}（2026-06-15）`,
    ]);
    // Antivirus: 93% every day; vm-fixed was protected from June on, two never were.
    expect(cells(ws, rowOf(ws, "运行状态虚拟机无代理杀毒覆盖率")).slice(4)).toEqual([
      "≥95%",
      "93%",
      "未达成",
      "自动测量：无代理杀毒覆盖率；数据覆盖率100.0%（计算见“佐证”）",
      "期末未受保护的运行虚拟机2台：@evil-vm（no_agent）、vm-web-07（no_agent）",
    ]);
    // Videoconf faults in H1: 3 within 30 min (10 min, 5 min, resolved in 20 min), 2 late.
    const { v2, v4 } = fx.incidents;
    expect(cells(ws, rowOf(ws, "故障响应及时性")).slice(4)).toEqual([
      "及时",
      "不及时",
      "未达成",
      "自动测量：故障响应时间（视频会议）（计算见“佐证”）",
      "5起已判定的视频会议故障中2起响应超时（及时率60.00%，要求≥95.00%）：" +
        `#${v2} MCU-1 down（2026-02-10 09:00，响应50分钟，时限30分钟）；` +
        `#${v4} ${HOSTILE_TITLE}（2026-04-10 09:00，未响应，时限30分钟）`,
    ]);
    expect(cells(ws, rowOf(ws, "大平台服务响应及时性")).slice(4, 8)).toEqual([
      "及时",
      "及时",
      "达成",
      "自动测量：故障响应时间（教育平台）（计算见“佐证”）",
    ]);
    expect(ws.getCell(rowOf(ws, "大平台服务响应及时性"), 9).value).toBeNull();
    expect(
      (ws.getCell(rowOf(ws, "大平台服务响应及时性"), 7).fill as { fgColor?: { argb?: string } }).fgColor
        ?.argb,
    ).toBe("FFC6EFCE");
    expect(cells(ws, rowOf(ws, "大平台月度运营报告")).slice(4)).toEqual([
      "=6份",
      "5份",
      "未达成",
      "自动记录：本系统生成的月度运营报告（计算见“佐证”）",
      "缺少以下月份的月度运营报告：2026-06",
    ]);

    // Manual rows: the value of the records in force, the note as the reason.
    const { budget, themed1, themed2, overhaul: overhaulId, service, ecard, schoolFix } = fx.records;
    expect(cells(ws, rowOf(ws, "预算执行率")).slice(4)).toEqual([
      "=40%",
      "38%",
      "未达成",
      `人工记录（期间内最新记录）：#${budget} 2026-06-30 38%（王老师）`,
      HOSTILE_NOTE,
    ]);
    expect(cells(ws, rowOf(ws, "专题活动")).slice(4)).toEqual([
      "=4场",
      "4场",
      "达成",
      `人工记录（合计）：#${themed1} 2026-03-01 2（王老师）；#${themed2} 2026-06-01 2（王老师）`,
      `#${themed1} 2026-03-01：上半年第一次；#${themed2} 2026-06-01：+第二次`,
    ]);
    expect(cells(ws, overhaul).slice(5)).toEqual([
      "1次",
      "未达成",
      `人工记录（期间内最新记录）：#${overhaulId} 2026-05-01 1（王老师）`,
      "@SUM(A1:A9)",
    ]);
    expect(cells(ws, rowOf(ws, "视频会议运维服务人员")).slice(5)).toEqual([
      "7人",
      "达成",
      expect.stringContaining("人工记录"),
      "-1 人借调",
    ]);
    expect(cells(ws, rowOf(ws, "客户服务")).slice(5, 7)).toEqual(["完成", "达成"]);
    expect(ws.getCell(rowOf(ws, "客户服务"), 9).value).toBe("\t制表符开头");
    expect(cells(ws, rowOf(ws, "E卡通城区覆盖率")).slice(5)).toEqual([
      "85%",
      "达成",
      `人工记录（期间内最新记录）：#${ecard} 2026-06-20 85%（王老师）`,
      null,
    ]);
    // The corrected record is out; the correction is in.
    expect(cells(ws, rowOf(ws, "大平台覆盖全市中小学")).slice(5)).toEqual([
      "96%",
      "达成",
      `人工记录（期间内最新记录）：#${schoolFix} 2026-04-01 96%（王老师）`,
      "更正：统计口径",
    ]);
    // A record dated July 1 is not in the half-year.
    expect(cells(ws, rowOf(ws, "自制新闻条数")).slice(4)).toEqual([
      "≥150条",
      "无数据",
      "无数据",
      "人工记录：期间内无记录",
      null,
    ]);
    void service;

    // Outside text stays a literal string cell, never a formula.
    for (const [row, column, value] of [
      [rowOf(ws, "预算执行率"), 9, HOSTILE_NOTE],
      [overhaul, 9, "@SUM(A1:A9)"],
      [rowOf(ws, "预算执行率"), 5, "=40%"],
    ] as const) {
      const cell = ws.getCell(row, column);
      expect(cell.type).toBe(STRING);
      expect(cell.formula).toBeUndefined();
      expect(cell.value).toBe(value);
    }

    // Sheet 2: the computation behind the automatic rows, and the period's monthly reports.
    const ev = wb.getWorksheet(EVIDENCE_SHEET) as Worksheet;
    expect(ev.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(cells(ev, 1)).toEqual([
      "三级指标",
      "统计期间",
      "分子",
      "分母",
      "计量单位",
      "实际完成值",
      "数据覆盖率",
      "计算说明",
      "口径",
    ]);
    const evRows = new Map<string, number>();
    for (let r = 2; r <= ev.rowCount; r++) {
      const v = ev.getCell(r, 1).value;
      if (typeof v === "string") evRows.set(v, r);
    }
    const a = evRows.get("教育应用运行可用率") as number;
    expect(ev.getCell(a, 2).value).toBe("2026-01-01 至 2026-06-30");
    expect(ev.getCell(a, 3).value).toBeCloseTo(7267 / 4344, 12);
    expect(ev.getCell(a, 4).value).toBe(2);
    expect(ev.getCell(a, 5).value).toBe("各应用可用率×权重之和 ÷ 权重之和");
    expect(ev.getCell(a, 6).value).toBe("83.64%");
    expect(ev.getCell(a, 7).value).toBe(1);
    expect(String(ev.getCell(a, 9).value)).toMatch(/^availability = up samples/);
    expect(cells(ev, evRows.get("└ portal") as number).slice(2, 6)).toEqual([
      4339,
      4344,
      "正常采样数 ÷ 计入采样数",
      "99.88%",
    ]);
    expect(cells(ev, evRows.get("└ ecard") as number).slice(2, 6)).toEqual([
      2928,
      4344,
      "正常采样数 ÷ 计入采样数",
      "67.40%",
    ]);
    const av = evRows.get("运行状态虚拟机无代理杀毒覆盖率") as number;
    expect(ev.getCell(av, 3).value).toBeCloseTo(181 * 0.93, 9);
    expect(ev.getCell(av, 4).value).toBe(181);
    expect(cells(ev, evRows.get("日常维护信息系统所使用的虚拟机数量") as number).slice(2, 4)).toEqual([
      255,
      null,
    ]);
    expect(cells(ev, evRows.get("故障响应及时性") as number).slice(2, 4)).toEqual([3, 5]);
    expect(cells(ev, evRows.get("大平台服务响应及时性") as number).slice(2, 4)).toEqual([1, 1]);
    expect(cells(ev, evRows.get("大平台月度运营报告") as number).slice(2, 4)).toEqual([5, 6]);
    expect(evRows.has("预算执行率")).toBe(false);
    const reportsTitle = evRows.get("本期月度运营报告（5个月份）") as number;
    expect(cells(ev, reportsTitle + 1).slice(0, 5)).toEqual([
      "月份",
      "格式",
      "文件名",
      "生成时间",
      "SHA-256",
    ]);
    const listed = Array.from({ length: 7 }, (_, i) => cells(ev, reportsTitle + 2 + i).slice(0, 3));
    expect(listed).toEqual([
      ["2026-01", "docx", "2026-01-大平台月度运营报告.docx"],
      ["2026-01", "html", "2026-01-大平台月度运营报告.html"],
      ["2026-02", "html", "2026-02-大平台月度运营报告.html"],
      ["2026-03", "html", "2026-03-大平台月度运营报告.html"],
      ["2026-04", "html", "2026-04-大平台月度运营报告.html"],
      ["2026-05", "html", "2026-05-大平台月度运营报告.html"],
      [null, null, null],
    ]);
    fx.store.close();
  });

  it("writes the CSV with its BOM, the form's columns, and formula starts escaped", async () => {
    const fx = halfYear(tempDir());
    const [file] = await writeFormExport(fx.store, fx.config, fx.indicators, {
      period: "2026-H1",
      formats: ["csv"],
      outDir: fx.dir,
      now: NOW,
    });
    const bytes = readFileSync(file?.path as string);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8").slice(1);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([
      "一级指标",
      "二级指标",
      "重点工作",
      "三级指标",
      "半年指标值",
      "实际完成值",
      "是否达成",
      "数据来源",
      "偏差原因",
    ]);
    expect(rows).toHaveLength(1 + ROWS);
    expect(rows.every((r) => r.length === 9)).toBe(true);
    const form = formRows();
    // Group cells repeated on every line; targets starting with = get the leading quote.
    rows.slice(1).forEach((r, i) => {
      expect(r[3]).toBe(form[i]?.name);
      expect(r[4]).toBe(/^[=+\-@]/.test(form[i]?.half ?? "") ? `'${form[i]?.half}` : form[i]?.half);
    });
    const byName = new Map(rows.slice(1).map((r) => [r[3], r]));
    expect(byName.get("预算执行率")?.slice(0, 2)).toEqual(["过程", "预算执行"]);
    expect(byName.get("预算执行率")?.[8]).toBe(`'${HOSTILE_NOTE}`);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/"",""详情"")"`);
    expect(byName.get("设备检修")?.[8]).toBe("'@SUM(A1:A9)");
    expect(byName.get("视频会议运维服务人员")?.[8]).toBe("'-1 人借调");
    expect(byName.get("客户服务")?.[8]).toBe("'\t制表符开头");
    expect(byName.get("专题活动")?.[8]).toMatch(/：\+第二次$/);
    expect(byName.get("教育应用运行可用率")?.slice(4, 7)).toEqual(["≥90%", "83.64%", "未达成"]);
    expect(byName.get("日常维护信息系统所使用的虚拟机数量")?.slice(4, 7)).toEqual([
      "'=253个",
      "255个",
      "未达成",
    ]);
    // No line starts a field with a bare formula character.
    for (const r of rows.slice(1)) for (const f of r) expect(f).not.toMatch(/^[=+\-@\t\r]/);
    fx.store.close();
  });

  it("judges the running year by its projection (an export before Dec 31)", () => {
    const fx = halfYear(tempDir());
    const exp = buildFormExport(fx.store, fx.config, fx.indicators, { period: "2026", now: NOW });
    expect(exp.title).toBe("苏州市电化教育馆 2026年度绩效自评表（截至2026-07-01）");
    expect(exp.targetHeader).toBe("全年指标值");
    const row = (name: string) => exp.rows.find((r) => r.name === name);
    expect(row("教育应用运行可用率")).toMatchObject({ target: "≥95%", status: "有风险" });
    // 4 themed activities by July 1, 09:00: 4 ÷ (181.375 / 365) = 8.05 → 8 = the year's 8.
    expect(row("专题活动")).toMatchObject({
      target: "=8场",
      value: "4场（年初至今；预计全年8场）",
      status: "预计达成",
    });
    fx.store.close();
  });
});

describe("a period without data", () => {
  it("says 无数据 on every automatic row, never 0", async () => {
    const fx = emptyStore(tempDir());
    const [file] = await writeFormExport(fx.store, fx.config, fx.indicators, {
      period: "2026-H1",
      formats: ["xlsx"],
      outDir: fx.dir,
      now: NOW,
    });
    const wb = await readWorkbook(file?.path as string);
    const ws = wb.getWorksheet(MAIN_SHEET) as Worksheet;
    const automatic = new Set(fx.indicators.filter((i) => i.binding.source !== "manual").map((i) => i.name));
    expect(automatic.size).toBe(6);
    for (let r = FIRST_ROW; r < FIRST_ROW + ROWS; r++) {
      const name = ws.getCell(r, 4).value as string;
      expect(ws.getCell(r, 6).value).toBe("无数据");
      expect(ws.getCell(r, 7).value).toBe("无数据");
      expect((ws.getCell(r, 7).fill as { fgColor?: { argb?: string } }).fgColor?.argb).toBe("FFEDEDED");
      if (automatic.has(name)) {
        expect(ws.getCell(r, 8).value).toMatch(/；期间无测量数据$/);
        expect(ws.getCell(r, 9).value).toBe("期间无测量数据，无法评价");
      }
    }
    const ev = wb.getWorksheet(EVIDENCE_SHEET) as Worksheet;
    for (let r = 2; r < 2 + 6; r++) {
      expect(ev.getCell(r, 3).value).toBeNull();
      expect(ev.getCell(r, 6).value).toBe("无数据");
    }
    expect(ev.getCell(2 + 6 + 1, 1).value).toBe("本期月度运营报告（0个月份）");
    expect(ev.getCell(2 + 6 + 3, 1).value).toBe("期间内无月度运营报告");
    fx.store.close();
  });

  it("counts faults as data even without samples; the rest stays 无数据 (no fault and nothing watched is no evidence)", () => {
    const fx = emptyStore(tempDir());
    const incident = fx.store.incidents.open(
      {
        source: "ticket",
        sourceKey: "T-1",
        subject: "T-1",
        category: "videoconf",
        priority: "P2",
        title: "会议室无声音",
        target: "room-1",
        startedAt: new Date("2026-03-01T09:00:00+08:00"),
      },
      "import",
    );
    fx.store.incidents.acknowledge(incident.id, "李工", new Date("2026-03-01T09:10:00+08:00"));
    const exp = buildFormExport(fx.store, fx.config, fx.indicators, { period: "2026-H1", now: NOW });
    const row = (key: string) => exp.rows.find((r) => r.key === key);
    expect(row("videoconf_fault_response")).toMatchObject({ value: "及时", status: "达成" });
    expect(row("platform_service_response")).toMatchObject({
      value: "无数据",
      status: "无数据",
      source: "自动测量：故障响应时间（教育平台）；期间无测量数据",
    });
    expect(row("availability")).toMatchObject({ value: "无数据", status: "无数据" });
    expect(row("vm_count")).toMatchObject({ value: "无数据", status: "无数据" });
    fx.store.close();
  });

  it("refuses a month, H2 and a period not begun", () => {
    const fx = emptyStore(tempDir());
    for (const period of ["2026-06", "2026-H2", "2027", "26"]) {
      expect(() => buildFormExport(fx.store, fx.config, fx.indicators, { period, now: NOW })).toThrow(
        /2026-H1|not begun|second-half/,
      );
    }
    fx.store.close();
  });
});
