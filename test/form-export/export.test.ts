/**
 * The self-evaluation (绩效自评表) of a generated first half of 2026 (fixture.ts), written to XLSX
 * and CSV and read back: the finance bureau's columns, all 63 rows of the form in its order with
 * the half-year targets exactly as on the form, 分值 and 得分 against hand-computed values, a 小计
 * per 一级指标 and the 合计, 偏差原因分析 as sentences only where not met, notes saying where the
 * points come from; record notes are evidence (评分依据); no raw floats, no UTC "…Z" times;
 * formula-injection notes stay literal string cells and start with a full-width sign in the CSV;
 * the CSV starts with its BOM; a period with no data says 无数据, never 0.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Workbook, Worksheet } from "exceljs";
import { describe, expect, it } from "vitest";
import { buildFormExport } from "../../agent/form-export/build.js";
import {
  BASIS_HEADERS,
  BASIS_SHEET,
  EVIDENCE_HEADERS,
  EVIDENCE_SHEET,
  FIRST_ROW,
  HEADER_ROW,
  MAIN_SHEET,
  REPORT_HEADERS,
} from "../../agent/form-export/render-xlsx.js";
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

/** Main-sheet row of a third-level indicator (column 3), scanning past the 小计 lines. */
function rowOf(ws: Worksheet, name: string): number {
  for (let r = FIRST_ROW; r <= ws.rowCount; r++) if (ws.getCell(r, 3).value === name) return r;
  throw new Error(`no row ${name}`);
}

function cells(ws: Worksheet, row: number, count = 9): unknown[] {
  return Array.from({ length: count }, (_, c) => ws.getCell(row, c + 1).value);
}

/** The main sheet's lines from the first data row to 合计: [row, 三级指标 or the 小计 label]. */
function lines(ws: Worksheet): { row: number; name: string; total: boolean }[] {
  const out: { row: number; name: string; total: boolean }[] = [];
  for (let r = FIRST_ROW; r <= ws.rowCount; r++) {
    const label = ws.getCell(r, 1).value;
    if (typeof label === "string" && /小计$|^合计$/.test(label) && ws.getCell(r, 1).type !== MERGE) {
      out.push({ row: r, name: label, total: true });
      if (label === "合计") return out;
    } else out.push({ row: r, name: String(ws.getCell(r, 3).value), total: false });
  }
  return out;
}

/** 100 points over 63 rows to 0.01: 10,000 = 63 × 158 + 46, so the first 46 rows get 1.59. */
const pointsAt = (index: number) => (index < 46 ? 1.59 : 1.58);
const round2 = (n: number) => Math.round(n * 100) / 100;

describe("the half-year self-evaluation from generated data", () => {
  it("writes the XLSX as the finance bureau's sheet: columns, scores, totals, sentences", async () => {
    const fx = halfYear(tempDir());
    const out = join(fx.dir, "out");
    const files = await writeFormExport(fx.store, fx.config, fx.indicators, {
      by: "test",
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
    expect(wb.worksheets.map((w) => w.name)).toEqual([MAIN_SHEET, BASIS_SHEET, EVIDENCE_SHEET]);
    const ws = wb.getWorksheet(MAIN_SHEET) as Worksheet;
    expect(ws.getCell("A1").value).toBe("苏州市电化教育馆 2026年上半年绩效自评表");
    expect(ws.getCell("A2").value).toBe(
      "填报单位：苏州市电化教育馆\u3000\u3000评价期间：2026-01-01 至 2026-06-30\u3000\u3000生成时间：2026-07-01 09:00 +08:00",
    );
    expect(cells(ws, HEADER_ROW)).toEqual([
      "一级指标",
      "二级指标",
      "三级指标",
      "半年指标值",
      "实际完成值",
      "分值",
      "得分",
      "偏差原因分析",
      "改进措施",
    ]);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: HEADER_ROW });
    expect(ws.pageSetup).toMatchObject({ orientation: "landscape", fitToWidth: 1, printTitlesRow: "3:3" });

    // Every row of the form, in its order, with the half-year value exactly as written on it;
    // a 小计 after each 一级指标, then the 合计.
    const form = formRows();
    expect(form).toHaveLength(ROWS);
    if (existsSync(SHARED_FORM_PATH)) expect(formRows(readFileSync(SHARED_FORM_PATH, "utf8"))).toEqual(form);
    const all = lines(ws);
    const data = all.filter((l) => !l.total);
    expect(data.map((l) => l.name)).toEqual(form.map((f) => f.name));
    form.forEach((f, i) => {
      const row = (data[i] as { row: number }).row;
      expect(ws.getCell(row, 4).value).toBe(f.half);
      expect(ws.getCell(row, 6).value).toBe(pointsAt(i));
      expect(ws.getCell(row, 6).numFmt).toBe("0.00");
    });
    expect(all.filter((l) => l.total).map((l) => l.name)).toEqual([
      "决策小计",
      "过程小计",
      "履职小计",
      "效益指标小计",
      "满意度指标小计",
      "合计",
    ]);

    // Groups read as one cell like the form over the form's rows only: 决策 4–11 (named in its first
    // row, the rows below empty with no border between them, never merged: see render-xlsx.ts), its
    // 小计 on row 12.
    expect(ws.getCell("A4").value).toBe("决策");
    expect(ws.getCell("A5").value).toBeNull();
    expect(ws.getCell("A11").value).toBeNull();
    expect(ws.getCell("A4").border.top).toBeDefined();
    expect(ws.getCell("A5").border.top).toBeUndefined();
    expect(ws.getCell("A11").border.bottom).toBeDefined();
    expect(ws.getCell("A11").isMerged).toBe(false);
    expect(ws.getCell("A12").value).toBe("决策小计");
    expect(ws.getCell("A13").value).toBe("过程");
    expect(ws.getCell("B5").value).toBeNull();
    expect(ws.getCell("B6").value).toBe("目标设定");

    // Availability: portal 5 of 4,344 hourly samples down, ecard 1,416 (Feb 1 – Apr 1):
    // (4339/4344 + 2928/4344) / 2 = 7267/8688 = 83.64% < 90%; the outages cost 1421/8688 = 16.36%.
    const availabilityIndex = form.findIndex((f) => f.name === "教育应用运行可用率");
    const availabilityPoints = pointsAt(availabilityIndex);
    expect(cells(ws, rowOf(ws, "教育应用运行可用率")).slice(2)).toEqual([
      "教育应用运行可用率",
      "≥90%",
      "83.64%\n未达成",
      availabilityPoints,
      round2((availabilityPoints * 7267) / 8688 / 0.9),
      "2026年上半年教育应用运行可用率83.64%，低于目标90%。3次中断使可用率降低16.36%：" +
        "ecard 2026-02-01 00:00 +08:00 起1416小时（响应超时）；" +
        "portal 2026-03-05 10:00 +08:00 起3小时（状态码异常）；portal 2026-05-20 14:00 +08:00 起2小时（状态码异常）。",
      "对ecard、portal的中断逐次复盘，查明原因并落实整改，加强监测告警以缩短恢复时间；" +
        "计划内停机提前登记维护窗口（ops-agent maintenance add）。",
    ]);
    const fill = ws.getCell(rowOf(ws, "教育应用运行可用率"), 5).fill as { fgColor?: { argb?: string } };
    expect(fill.fgColor?.argb).toBe("FFFFC7CE");

    // VMs: 255 at the period's end against =253: 253/255 of the points.
    const vmRow = rowOf(ws, "日常维护信息系统所使用的虚拟机数量");
    const vmPoints = ws.getCell(vmRow, 6).value as number;
    expect(cells(ws, vmRow).slice(3)).toEqual([
      "=253个",
      "255个\n未达成",
      vmPoints,
      round2((vmPoints * 253) / 255),
      "2026年上半年日常维护信息系统所使用的虚拟机数量255个，高于目标253个。" +
        `期末在管虚拟机255个（1个清单来源）；期间新增2台：jyj-db-02（2026-06-15）、${HOSTILE_VM}（2026-06-15）。`,
      "核对期间新增的2台虚拟机是否属于日常维护范围；范围确有变化的，按程序申请调整指标值。",
    ]);
    // Antivirus: 93% every day against ≥95%; two VMs never protected.
    const avRow = rowOf(ws, "运行状态虚拟机无代理杀毒覆盖率");
    const avPoints = ws.getCell(avRow, 6).value as number;
    expect(cells(ws, avRow).slice(4)).toEqual([
      "93%\n未达成",
      avPoints,
      round2((avPoints * 0.93) / 0.95),
      "2026年上半年运行状态虚拟机无代理杀毒覆盖率93%，低于目标95%。" +
        "期末未受保护的运行虚拟机2台：@evil-vm（no_agent）、vm-web-07（no_agent）。",
      "为上述2台运行虚拟机启用或恢复无代理杀毒防护，逐台复测确认受保护。",
    ]);
    // Videoconf faults in H1: 3 within 30 min, 2 late: a word target scores 0 when not met.
    const { v2, v4 } = fx.incidents;
    expect(cells(ws, rowOf(ws, "故障响应及时性")).slice(3)).toEqual([
      "及时",
      "不及时\n未达成",
      expect.any(Number),
      0,
      "2026年上半年故障响应及时性评价为不及时（目标：及时）。" +
        "5起已判定的视频会议故障中2起响应超时（及时率60.00%，要求≥95.00%）：" +
        `#${v2} MCU-1 down（2026-02-10 09:00 +08:00，响应50分钟，时限30分钟）；` +
        `#${v4} ${HOSTILE_TITLE}（2026-04-10 09:00 +08:00，未响应，时限30分钟）。`,
      "对上述2起超时故障逐起复盘，检查值班安排与告警通知渠道，确保在时限内响应；1起未记录响应的，补记响应时间或说明原因。",
    ]);
    // Met: full points, no reason, no measure.
    const platform = rowOf(ws, "大平台服务响应及时性");
    expect(cells(ws, platform).slice(4)).toEqual([
      "及时\n达成",
      ws.getCell(platform, 6).value,
      ws.getCell(platform, 6).value,
      null,
      null,
    ]);
    expect((ws.getCell(platform, 5).fill as { fgColor?: { argb?: string } }).fgColor?.argb).toBe("FFC6EFCE");
    const reportsRow = rowOf(ws, "大平台月度运营报告");
    expect(cells(ws, reportsRow).slice(3)).toEqual([
      "=6份",
      "5份\n未达成",
      expect.any(Number),
      round2(((ws.getCell(reportsRow, 6).value as number) * 5) / 6),
      "2026年上半年大平台月度运营报告5份，低于目标6份。缺少以下月份的月度运营报告：2026-06。",
      "补写缺少月份的报告（ops-agent report --month 2026-06），并确认每月1日自动生成已启用（report.enabled）。",
    ]);

    // Manual rows: a note is evidence (评分依据), never the reason; the reason is from the figures.
    const budgetRow = rowOf(ws, "预算执行率");
    expect(cells(ws, budgetRow).slice(3)).toEqual([
      "=40%",
      "38%\n未达成",
      1.59,
      1.51,
      `2026年上半年预算执行率38%，低于目标40%。依据人工记录#${fx.records.budget}。`,
      "由责任科室核实差距原因，制定整改措施，在下一期跟踪落实。",
    ]);
    expect(cells(ws, rowOf(ws, "设备检修")).slice(4, 7)).toEqual([
      "1次\n未达成",
      expect.any(Number),
      expect.any(Number),
    ]);
    expect(ws.getCell(rowOf(ws, "设备检修"), 7).value).toBe(
      round2((ws.getCell(rowOf(ws, "设备检修"), 6).value as number) / 2),
    );
    expect(cells(ws, rowOf(ws, "专题活动")).slice(3, 9)).toEqual([
      "=4场",
      "4场\n达成",
      expect.any(Number),
      ws.getCell(rowOf(ws, "专题活动"), 6).value,
      null,
      null,
    ]);
    // A record dated July 1 is not in the half-year: 无数据, no score, said why.
    expect(cells(ws, rowOf(ws, "自制新闻条数")).slice(3)).toEqual([
      "≥150条",
      "无数据",
      expect.any(Number),
      "无数据",
      "无数据：期间无人工记录，无法评价，不得分。",
      "补录本期人工记录后重新导出。",
    ]);
    expect(
      (ws.getCell(rowOf(ws, "自制新闻条数"), 5).fill as { fgColor?: { argb?: string } }).fgColor?.argb,
    ).toBe("FFEDEDED");

    // Totals: each 小计 adds its group's rows (无数据 as 0); the 合计 is 100 points.
    let groupPoints = 0;
    let groupScore = 0;
    let totalScore = 0;
    for (const line of all) {
      if (!line.total) {
        groupPoints += ws.getCell(line.row, 6).value as number;
        const score = ws.getCell(line.row, 7).value;
        groupScore += typeof score === "number" ? score : 0;
        continue;
      }
      if (line.name === "合计") {
        expect(ws.getCell(line.row, 6).value).toBe(100);
        expect(ws.getCell(line.row, 7).value).toBe(round2(totalScore));
        expect(ws.getCell(line.row, 8).value).toMatch(/^共63项：达成\d+项，未达成\d+项，无数据\d+项$/);
        break;
      }
      expect(ws.getCell(line.row, 6).value).toBe(round2(groupPoints));
      expect(ws.getCell(line.row, 7).value).toBe(round2(groupScore));
      totalScore += groupScore;
      groupPoints = 0;
      groupScore = 0;
    }

    // Notes: where the points come from (not the finance bureau's), the rule, the zone; no UTC …Z.
    const notes: string[] = [];
    for (let r = (all.at(-1) as { row: number }).row + 1; r <= ws.rowCount; r++) {
      const v = ws.getCell(r, 1).value;
      if (typeof v === "string") notes.push(v);
    }
    expect(notes[0]).toBe("说明");
    expect(notes.join("\n")).toContain("本表为半年评价，指标值取绩效目标表的半年指标值");
    expect(notes.join("\n")).toContain(
      "绩效目标表未规定各指标分值。本表按默认规则将100分平均分配至63项三级指标",
    );
    expect(notes.join("\n")).toContain("不是财政部门规定的分值");
    expect(notes.join("\n")).toContain("达成得满分；未达成的数值指标按完成比例得分，定性指标不得分");
    expect(notes.join("\n")).toContain(
      "表中时间均为Asia/Shanghai时区时间（UTC+08:00）。本表由 ops-agent 于 2026-07-01 09:00 +08:00 生成",
    );

    // Outside text stays a literal string cell, never a formula.
    for (const [row, column, value] of [
      [vmRow, 4, "=253个"],
      [budgetRow, 4, "=40%"],
    ] as const) {
      const cell = ws.getCell(row, column);
      expect(cell.type).toBe(STRING);
      expect(cell.formula).toBeUndefined();
      expect(cell.value).toBe(value);
    }

    // Sheet 评分依据: per row, met or not, how it scored, the source, the notes as evidence.
    const basis = wb.getWorksheet(BASIS_SHEET) as Worksheet;
    expect(cells(basis, 1, 10)).toEqual(BASIS_HEADERS);
    const basisRow = (name: string) => {
      for (let r = 2; r <= basis.rowCount; r++) if (basis.getCell(r, 3).value === name) return r;
      throw new Error(name);
    };
    const { budget, themed1, themed2, overhaul, schoolFix } = fx.records;
    expect(cells(basis, basisRow("预算执行率"), 10)).toEqual([
      "过程",
      null,
      "预算执行率",
      "budget_execution_rate",
      "未达成",
      1.59,
      1.51,
      "未达成，按完成比例95.00%得分：1.59 × 95.00% = 1.51",
      `人工记录（期间内最新记录）：#${budget} 2026-06-30 38%（王老师）`,
      HOSTILE_NOTE,
    ]);
    expect(basis.getCell(basisRow("预算执行率"), 10).type).toBe(STRING);
    expect(basis.getCell(basisRow("专题活动"), 10).value).toBe(
      `#${themed1} 2026-03-01：上半年第一次；#${themed2} 2026-06-01：+第二次`,
    );
    expect(basis.getCell(basisRow("设备检修"), 9).value).toBe(
      `人工记录（期间内最新记录）：#${overhaul} 2026-05-01 1（王老师）`,
    );
    expect(basis.getCell(basisRow("设备检修"), 10).value).toBe("@SUM(A1:A9)");
    expect(basis.getCell(basisRow("设备检修"), 2).value).toBe("承担“苏州教育E卡通”项目的日常工作");
    expect(cells(basis, basisRow("大平台覆盖全市中小学"), 10).slice(4)).toEqual([
      "达成",
      expect.any(Number),
      expect.any(Number),
      "达成，得满分",
      `人工记录（期间内最新记录）：#${schoolFix} 2026-04-01 96%（王老师）`,
      "更正：统计口径",
    ]);
    expect(cells(basis, basisRow("自制新闻条数"), 10).slice(4, 8)).toEqual([
      "无数据",
      expect.any(Number),
      "无数据",
      "无数据，不得分（合计按0分计）",
    ]);

    // Sheet 佐证: the computation behind the automatic rows, numbers tidied, and the reports.
    const ev = wb.getWorksheet(EVIDENCE_SHEET) as Worksheet;
    expect(ev.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(cells(ev, 1)).toEqual(EVIDENCE_HEADERS);
    const evRows = new Map<string, number>();
    for (let r = 2; r <= ev.rowCount; r++) {
      const v = ev.getCell(r, 1).value;
      if (typeof v === "string") evRows.set(v, r);
    }
    const a = evRows.get("教育应用运行可用率") as number;
    expect(ev.getCell(a, 2).value).toBe("2026-01-01 至 2026-06-30");
    // 7267/4344 = 1.67288…: four decimals in the cell, not the raw float.
    expect(ev.getCell(a, 3).value).toBe(1.6729);
    expect(ev.getCell(a, 4).value).toBe(2);
    expect(ev.getCell(a, 6).value).toBe("83.64%");
    expect(ev.getCell(a, 7).value).toBe(1);
    expect(cells(ev, evRows.get("└ portal") as number).slice(2, 6)).toEqual([
      4339,
      4344,
      "正常采样数 ÷ 计入采样数",
      "99.88%",
    ]);
    const av = evRows.get("运行状态虚拟机无代理杀毒覆盖率") as number;
    // 181 daily measurements of 0.93: 168.33 (the float sum is 168.32999999999998 or so).
    expect(ev.getCell(av, 3).value).toBe(168.33);
    expect(ev.getCell(av, 4).value).toBe(181);
    expect(cells(ev, evRows.get("故障响应及时性") as number).slice(2, 4)).toEqual([3, 5]);
    expect(cells(ev, evRows.get("大平台月度运营报告") as number).slice(2, 4)).toEqual([5, 6]);
    // No raw float anywhere in the evidence sheet: at most four decimals.
    for (let r = 1; r <= ev.rowCount; r++)
      for (let c = 1; c <= 9; c++) {
        const v = ev.getCell(r, c).value;
        if (typeof v === "number") expect(String(v)).toMatch(/^-?\d+(\.\d{1,4})?$/);
        if (typeof v === "string") expect(v).not.toMatch(/\d\.\d{5,}/);
      }
    const reportsTitle = evRows.get("本期月度运营报告（5个月份）") as number;
    expect([1, 2, 3, 5, 8].map((c) => ev.getCell(reportsTitle + 1, c).value)).toEqual(REPORT_HEADERS);
    const first = reportsTitle + 2;
    expect([1, 2, 3, 5].map((c) => ev.getCell(first, c).value)).toEqual([
      "2026-01",
      "docx",
      "2026-01-大平台月度运营报告.docx",
      "2026-02-01 08:00 +08:00",
    ]);
    // Explanations in Chinese, the read model's own (agent/figures/): no run of English words.
    expect(ev.getCell(a, 8).value).toBe(
      "2 个教育应用可用率的平均值为 83.64%（各应用可用率 = 正常采样数 ÷（全部采样数 − 维护窗口内采样数））；" +
        "正常采样 7267 次、异常 1421 次、维护窗口内 0 次，数据覆盖率 100.00%。",
    );
    expect(ev.getCell(a, 9).value).toContain("各应用可用率 = 正常采样数 ÷（全部采样数 − 维护窗口内采样数）");
    for (let r = 2; r < reportsTitle; r++)
      for (const c of [8, 9]) {
        const v = ev.getCell(r, c).value;
        if (typeof v === "string") expect(v).not.toMatch(/[A-Za-z]+ [A-Za-z]+ [A-Za-z]+/);
      }

    // No time anywhere in the workbook as a bare UTC "…Z" string.
    for (const sheet of wb.worksheets)
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          if (typeof cell.value === "string") expect(cell.value).not.toMatch(/\d{2}(:\d{2})+(\.\d+)?Z\b/);
        }),
      );
    fx.store.close();
  });

  it("writes the CSV with its BOM and formula starts as full-width signs (no visible apostrophe)", async () => {
    const fx = halfYear(tempDir());
    const [file] = await writeFormExport(fx.store, fx.config, fx.indicators, {
      by: "test",
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
      "分值",
      "得分",
      "偏差原因分析",
      "改进措施",
      "计分说明",
      "数据来源",
      "记录说明",
      "指标代码",
    ]);
    // One line per row of the form: the totals are the XLSX's.
    expect(rows).toHaveLength(1 + ROWS);
    expect(rows.every((r) => r.length === 15)).toBe(true);
    const form = formRows();
    rows.slice(1).forEach((r, i) => {
      expect(r[3]).toBe(form[i]?.name);
      // "=253个" is written "＝253个": what a person reads, and NFKC gives the form's text back.
      expect(r[4]?.normalize("NFKC")).toBe(form[i]?.half.normalize("NFKC"));
      expect(r[4]).not.toMatch(/^'/);
      expect(r[7]).toBe(String(pointsAt(i)));
    });
    const byName = new Map(rows.slice(1).map((r) => [r[3], r]));
    expect(byName.get("日常维护信息系统所使用的虚拟机数量")?.slice(4, 9)).toEqual([
      "\uFF1D253个",
      "255个",
      "未达成",
      expect.any(String),
      expect.any(String),
    ]);
    expect(byName.get("预算执行率")?.slice(0, 2)).toEqual(["过程", "预算执行"]);
    expect(byName.get("预算执行率")?.[13]).toBe(`\uFF1D${HOSTILE_NOTE.slice(1)}`);
    expect(text).toContain(`"＝HYPERLINK(""http://evil.example/"",""详情"")"`);
    expect(byName.get("设备检修")?.[13]).toBe("\uFF20SUM(A1:A9)");
    expect(byName.get("视频会议运维服务人员")?.[13]).toBe("\uFF0D1 人借调");
    expect(byName.get("客户服务")?.[13]).toBe("制表符开头");
    expect(byName.get("专题活动")?.[13]).toMatch(/：\+第二次$/);
    expect(byName.get("教育应用运行可用率")?.slice(4, 7)).toEqual(["≥90%", "83.64%", "未达成"]);
    expect(byName.get("自制新闻条数")?.slice(5, 9)).toEqual([
      "无数据",
      "无数据",
      expect.any(String),
      "无数据",
    ]);
    expect(byName.get("教育应用运行可用率")?.[14]).toBe("availability");
    // No field starts with a character a spreadsheet takes for a formula; no UTC "…Z" time.
    for (const r of rows.slice(1))
      for (const f of r) {
        expect(f).not.toMatch(/^[=+\-@\t\r]/);
        expect(f).not.toMatch(/\d{2}:\d{2}(:\d{2})?Z\b/);
      }
    fx.store.close();
  });

  it("judges the running year by its projection (an export before Dec 31)", () => {
    const fx = halfYear(tempDir());
    const exp = buildFormExport(fx.store, fx.config, fx.indicators, { period: "2026", now: NOW });
    expect(exp.title).toBe("苏州市电化教育馆 2026年度绩效自评表（截至2026-07-01）");
    expect(exp.targetHeader).toBe("全年指标值");
    const row = (name: string) => exp.rows.find((r) => r.name === name);
    expect(row("教育应用运行可用率")).toMatchObject({ target: "≥95%", status: "有风险" });
    expect(row("教育应用运行可用率")?.reason).toMatch(
      /^2026年初至07-01教育应用运行可用率\d+\.\d+%，预计全年低于目标95%。/,
    );
    // 4 themed activities by July 1, 09:00: 4 ÷ (181.375 / 365) = 8.05 → 8 = the year's 8.
    expect(row("专题活动")).toMatchObject({
      target: "=8场",
      value: "4场（年初至今；预计全年8场）",
      status: "预计达成",
      reason: "",
      measure: "",
    });
    expect(row("专题活动")?.score).toBe(row("专题活动")?.points);
    fx.store.close();
  });
});

describe("a period without data", () => {
  it("says 无数据 on every automatic row, never 0", async () => {
    const fx = emptyStore(tempDir());
    const [file] = await writeFormExport(fx.store, fx.config, fx.indicators, {
      by: "test",
      period: "2026-H1",
      formats: ["xlsx"],
      outDir: fx.dir,
      now: NOW,
    });
    const wb = await readWorkbook(file?.path as string);
    const ws = wb.getWorksheet(MAIN_SHEET) as Worksheet;
    const automatic = new Set(fx.indicators.filter((i) => i.binding.source !== "manual").map((i) => i.name));
    expect(automatic.size).toBe(6);
    const data = lines(ws).filter((l) => !l.total);
    expect(data).toHaveLength(ROWS);
    for (const { row, name } of data) {
      expect(ws.getCell(row, 5).value).toBe("无数据");
      expect(ws.getCell(row, 7).value).toBe("无数据");
      expect((ws.getCell(row, 5).fill as { fgColor?: { argb?: string } }).fgColor?.argb).toBe("FFEDEDED");
      expect(ws.getCell(row, 8).value).toBe(
        automatic.has(name)
          ? "无数据：期间无测量数据，无法评价，不得分。"
          : "无数据：期间无人工记录，无法评价，不得分。",
      );
    }
    // Nothing scored: every total is 0 of its points, and says how many rows had no data.
    const total = lines(ws).at(-1) as { row: number };
    expect(cells(ws, total.row).slice(5, 8)).toEqual([100, 0, "共63项：达成0项，未达成0项，无数据63项"]);
    const basis = wb.getWorksheet(BASIS_SHEET) as Worksheet;
    for (let r = 2; r < 2 + ROWS; r++) {
      if (automatic.has(basis.getCell(r, 3).value as string))
        expect(basis.getCell(r, 9).value).toMatch(/；期间无测量数据$/);
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
