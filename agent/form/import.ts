/**
 * Importing the performance-target form from its spreadsheet export (tab-separated text, the shape
 * of docs/form/2026-performance-target-form.txt) and writing it as a targets file.
 *
 * The export is read as three tables of third-level rows, each after a header line
 * `三级指标 \t 半年指标值 \t 全年指标值`: (1) 决策 then 过程, (2) 履职, (3) 效益指标 then 满意度指标.
 * Every row is `name \t half \t full`; its values are kept exactly as written. Everything before the
 * first header (the form's other cells, often cut off in the export) is only used for the
 * 一级指标/二级指标 tables, which tell the 二级指标 of the rows of tables 1 and 3.
 *
 * Strict: a malformed row, an unreadable value or a missing header is a problem with its line, and
 * any problem rejects the whole export (no half-imported form).
 */
import { parseTargetValue, unitOf } from "./value.js";
import type { Group, Indicator, TargetValue } from "./types.js";

export interface ImportProblem {
  /** 1-based line of the export; undefined for the file as a whole. */
  line: number | undefined;
  reason: string;
}

export interface ImportResult {
  /** Every third-level row in the form's order; bindings are manual. Empty when there are problems. */
  indicators: Indicator[];
  /** The export line of each indicator (same order). */
  lines: number[];
  problems: ImportProblem[];
}

/** Keys of the rows of the 2026 form (config/targets-2026.yaml), reused when a later form has the same row. */
export const KNOWN_KEYS: Readonly<Record<string, string>> = {
  中长期规划制定健全性: "long_term_plan_soundness",
  工作计划制定健全性: "work_plan_soundness",
  绩效目标合理性: "performance_target_reasonableness",
  绩效指标明确性: "performance_indicator_clarity",
  预算编制科学性: "budget_preparation_scientific",
  预算编制规范性: "budget_preparation_compliance",
  预算调整率: "budget_adjustment_rate",
  支付进度符合率: "payment_schedule_conformity",
  预算执行率: "budget_execution_rate",
  预算偏差率: "budget_deviation_rate",
  结转结余率: "carryover_balance_rate",
  公用经费控制率: "public_expense_control_rate",
  "“三公经费”变动率": "three_public_expenses_change_rate",
  政府采购执行率: "government_procurement_execution_rate",
  非税收入预算完成率: "non_tax_revenue_budget_completion",
  预算管理制度健全性: "budget_management_rules_soundness",
  资金使用合规性: "fund_use_compliance",
  绩效管理覆盖率: "performance_management_coverage",
  基础信息完善性: "basic_information_completeness",
  预决算信息公开度: "budget_disclosure",
  非税收入管理合规性: "non_tax_revenue_compliance",
  资产管理制度健全性: "asset_management_rules_soundness",
  资产管理规范性: "asset_management_compliance",
  固定资产利用率: "fixed_asset_utilisation",
  项目管理制度健全性: "project_management_rules_soundness",
  项目管理制度执行规范性: "project_management_rules_execution",
  人员管理制度健全性: "staff_management_rules_soundness",
  人员管理制度执行有效性: "staff_management_rules_effectiveness",
  在职人员控制率: "staff_headcount_control_rate",
  组织建设工作及时完成率: "organisation_building_completion",
  业务学习与培训及时完成率: "training_completion",
  纪检监察工作有效性: "discipline_inspection_effectiveness",
  专题活动: "online_themed_activities",
  提供试题资源: "online_question_resources",
  客户服务: "online_customer_service",
  数据处理与分析服务: "online_data_analysis_service",
  市级课程下发及时性: "city_course_distribution_timeliness",
  视频会议运维服务人员: "videoconf_staff",
  视频会议续保完成率: "videoconf_warranty_renewal",
  故障响应及时性: "videoconf_fault_response",
  运营考核服务: "ecard_operations_assessments",
  设备检修: "ecard_equipment_overhauls",
  日常维护信息系统所使用的虚拟机数量: "vm_count",
  运行状态虚拟机无代理杀毒覆盖率: "antivirus_coverage",
  防护拦截及时: "antivirus_interception_timeliness",
  自制新闻条数: "news_posts",
  苏州教育视频号: "video_channel_posts",
  宣传活动及时性: "publicity_timeliness",
  江苏省系列师生信息化举办场次: "jiangsu_ict_competition_events",
  比赛开展及时性: "competition_timeliness",
  活动参与率: "security_contest_participation",
  大平台月度运营报告: "monthly_reports",
  大平台服务响应及时性: "platform_service_response",
  AI赋能应用试点数量: "ai_pilots",
  教育应用运行可用率: "availability",
  教师AI赋能培训与指导: "ai_teacher_training",
  线上教育全年大市活动参与人次: "online_activity_participation",
  大平台覆盖全市中小学: "platform_school_coverage",
  E卡通城区覆盖率: "ecard_urban_coverage",
  为直属学校提供防护比列: "affiliated_school_protection",
  线上教育长效管理机制: "online_long_term_mechanism",
  线上教育直属学校学生满意度: "online_student_satisfaction",
  视频会议运维服务满意度: "videoconf_satisfaction",
};

/** The key a row gets when its name is not in KNOWN_KEYS; renderTargetsYaml marks it TODO. */
export const PLACEHOLDER_KEY = /^indicator_\d+$/;

const HEADER = ["三级指标", "半年指标值", "全年指标值"] as const;

interface Level1 {
  level1: string;
  group: Group;
  level2: string[];
}

/** One table's 一级指标 in order, with their 二级指标. */
type Structure = Level1[];

/** The 2026 form's structure: used for a table the export does not show. */
export const DEFAULT_STRUCTURE: readonly Structure[] = [
  [
    { level1: "决策", group: "decision", level2: ["计划制定", "目标设定", "预算编制"] },
    {
      level1: "过程",
      group: "process",
      level2: ["预算执行", "预算管理", "资产管理", "项目管理", "人员管理", "机构建设"],
    },
  ],
  [{ level1: "履职", group: "output", level2: [] }],
  [
    { level1: "效益指标", group: "outcome", level2: ["经济效益", "社会效益", "生态效益", "可持续影响"] },
    { level1: "满意度指标", group: "satisfaction", level2: ["服务对象满意度"] },
  ],
];

function groupOf(level1: string): Group | undefined {
  if (level1.startsWith("决策")) return "decision";
  if (level1.startsWith("过程")) return "process";
  if (level1.startsWith("履职") || level1.startsWith("产出")) return "output";
  if (level1.startsWith("效益")) return "outcome";
  if (level1.startsWith("满意度")) return "satisfaction";
  return undefined;
}

function cellsOf(line: string): string[] {
  const cells = line.split("\t").map((c) => c.trim());
  while (cells.length > 3 && cells[cells.length - 1] === "") cells.pop();
  return cells;
}

const isHeader = (cells: string[]) => cells.length === 3 && HEADER.every((h, i) => cells[i] === h);

/**
 * The 一级指标/二级指标 tables above the rows. The export prints a merged 一级指标 cell on one of its
 * rows (not always the first), so 二级指标 before it belong to it too.
 */
function readStructures(lines: string[]): Structure[] {
  const tables: Structure[] = [];
  let current: Structure | undefined;
  let pending: string[] = [];
  const close = () => {
    if (current !== undefined) {
      const last = current[current.length - 1];
      if (last) last.level2.push(...pending);
      if (current.length > 0) tables.push(current);
    }
    current = undefined;
    pending = [];
  };
  for (const line of lines) {
    const cells = cellsOf(line);
    if (cells[0] === "一级指标" && cells[1] === "二级指标") {
      close();
      current = [];
      continue;
    }
    if (current === undefined) continue;
    if (cells.length === 1 && cells[0] === "") continue;
    if (isHeader(cells) || cells.length < 2) {
      close();
      continue;
    }
    const [level1 = "", level2 = ""] = cells;
    const group = level1 === "" ? undefined : groupOf(level1);
    if (group !== undefined) {
      current.push({ level1, group, level2: [...pending] });
      pending = [];
    }
    if (level2 !== "") {
      const last = current[current.length - 1];
      if (last) last.level2.push(level2);
      else pending.push(level2);
    }
  }
  close();
  return tables;
}

function bigrams(text: string): string[] {
  const chars = Array.from(text);
  return chars.slice(0, -1).map((c, i) => c + (chars[i + 1] ?? ""));
}

/**
 * The 二级指标 of each row of one table, best effort: rows come in the form's order, and a row
 * starts a later 二级指标 when its name contains that 二级指标's name, or a two-character part of it
 * that the current 二级指标 does not share (预算执行率 → 预算执行, 组织建设… → 机构建设).
 */
function assignLevels(
  names: string[],
  structure: Structure,
): { group: Group; level1: string; level2: string }[] {
  const flat = structure.flatMap((l1) => l1.level2.map((level2) => ({ l1, level2 })));
  let index = -1;
  let level1 = structure[0] as Level1;
  return names.map((name) => {
    const own = index >= 0 ? new Set(bigrams(flat[index]?.level2 ?? "")) : new Set<string>();
    for (let next = index + 1; next < flat.length; next++) {
      const candidate = flat[next];
      if (candidate === undefined) break;
      const parts = bigrams(candidate.level2).filter((b) => !own.has(b));
      if (name.includes(candidate.level2) || parts.some((b) => name.includes(b))) {
        index = next;
        level1 = candidate.l1;
        break;
      }
    }
    return {
      group: level1.group,
      level1: level1.level1,
      level2: index >= 0 ? (flat[index]?.level2 ?? "") : "",
    };
  });
}

interface RawRow {
  line: number;
  name: string;
  half: TargetValue;
  full: TargetValue;
}

/** Reads a form export. `source` names the file in problems. */
export function importForm(text: string, source: string): ImportResult {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const problems: ImportProblem[] = [];
  const headers: number[] = [];
  lines.forEach((line, i) => {
    const cells = cellsOf(line);
    if (isHeader(cells)) headers.push(i);
    else if (cells[0] === HEADER[0])
      problems.push({
        line: i + 1,
        reason: `header line ${JSON.stringify(line)}: expected "${HEADER.join("\\t")}"`,
      });
  });
  if (headers.length !== 3) {
    const found = headers.map((h) => h + 1).join(", ");
    problems.push({
      line: undefined,
      reason:
        `${source}: expected 3 tables of third-level rows (each after a line "${HEADER.join("\\t")}": ` +
        `决策/过程, 履职, 效益/满意度), found ${headers.length}${headers.length > 0 ? ` (header lines ${found})` : ""}`,
    });
  }
  const blocks: RawRow[][] = [];
  const seen = new Map<string, number>();
  headers.forEach((header, b) => {
    const end = headers[b + 1] ?? lines.length;
    const rows: RawRow[] = [];
    for (let i = header + 1; i < end; i++) {
      const raw = lines[i] ?? "";
      if (raw.trim() === "") continue;
      const line = i + 1;
      const cells = cellsOf(raw);
      if (cells[0] === HEADER[0]) continue; // a damaged header: reported above
      if (cells.length !== 3) {
        problems.push({
          line,
          reason: `expected 3 tab-separated cells (三级指标, 半年指标值, 全年指标值), found ${cells.length}: ${JSON.stringify(raw)}`,
        });
        continue;
      }
      const [name = "", halfText = "", fullText = ""] = cells;
      if (name === "") {
        problems.push({ line, reason: `row without a name (三级指标): ${JSON.stringify(raw)}` });
        continue;
      }
      const reasons: string[] = [];
      const half = parseTargetValue(halfText);
      const full = parseTargetValue(fullText);
      if ("error" in half) reasons.push(`半年指标值: ${half.error}`);
      if ("error" in full) reasons.push(`全年指标值: ${full.error}`);
      if (!("error" in half) && !("error" in full) && unitOf(half) !== unitOf(full))
        reasons.push(
          `half ${JSON.stringify(halfText)} and full ${JSON.stringify(fullText)} use different units`,
        );
      const first = seen.get(name);
      if (first !== undefined) reasons.push(`duplicate row (already on line ${first})`);
      else seen.set(name, line);
      if (reasons.length > 0 || "error" in half || "error" in full) {
        problems.push({ line, reason: `${name}: ${reasons.join("; ")}` });
        continue;
      }
      rows.push({ line, name, half, full });
    }
    if (rows.length === 0 && !problems.some((p) => p.line !== undefined && p.line > header && p.line <= end))
      problems.push({ line: header + 1, reason: "table header with no rows after it" });
    blocks.push(rows);
  });
  if (problems.length > 0) {
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return { indicators: [], lines: [], problems };
  }

  const exported = readStructures(lines.slice(0, headers[0]));
  const indicators: Indicator[] = [];
  const rowLines: number[] = [];
  blocks.forEach((rows, b) => {
    const structure = exported[b] ?? (DEFAULT_STRUCTURE[b] as Structure);
    // The 履职 table's 二级指标 are duties whose rows cannot be told from their names: left "" (TODO).
    const levels = structure.every((l1) => l1.group === "output")
      ? rows.map(() => ({ group: "output" as const, level1: structure[0]?.level1 ?? "履职", level2: "" }))
      : assignLevels(
          rows.map((r) => r.name),
          structure,
        );
    rows.forEach((row, i) => {
      const level = levels[i] ?? { group: structure[0]?.group ?? "output", level1: "", level2: "" };
      indicators.push({
        key: KNOWN_KEYS[row.name] ?? `indicator_${String(indicators.length + 1).padStart(2, "0")}`,
        name: row.name,
        group: level.group,
        level1: level.level1,
        level2: level.level2,
        half: row.half,
        full: row.full,
        binding: { source: "manual" },
      });
      rowLines.push(row.line);
    });
  });
  return { indicators, lines: rowLines, problems: [] };
}

/** Problems as `source:line: reason` lines, for the command line. */
export function describeImportProblems(source: string, problems: readonly ImportProblem[]): string[] {
  return problems.map((p) => (p.line === undefined ? p.reason : `${source}:${p.line}: ${p.reason}`));
}

/** A YAML double-quoted scalar (JSON's escaping is valid YAML). */
const q = (text: string) => JSON.stringify(text);

function renderBinding(indicator: Indicator): string {
  const b = indicator.binding;
  return b.source === "fault_timeliness" ? `{ source: fault_timeliness, category: ${b.category} }` : b.source;
}

/**
 * A targets file loadTargets accepts: the rows in order, a comment line per 一级/二级指标 (and task),
 * `# TODO` where the export did not say (a 二级指标, a task line, an English key).
 */
export function renderTargetsYaml(indicators: readonly Indicator[], year: number, source?: string): string {
  const out: string[] = [
    `# Performance targets ${year} (绩效目标表): every third-level row of the form, values exactly as written.`,
    ...(source === undefined ? [] : [`# Imported from ${source}.`]),
    "# binding: where the agent measures the value (vm_count, antivirus_coverage, availability,",
    "# monthly_reports, { source: fault_timeliness, category: videoconf | platform | … }) or manual.",
    "# Check with: ops-agent targets check FILE",
    `year: ${year}`,
    "indicators:",
  ];
  let heading = "";
  for (const ind of indicators) {
    const title = [ind.level1, ind.level2 || "?", ...(ind.task ? [ind.task] : [])].join(" · ");
    if (title !== heading) {
      out.push(`  # ${title}`);
      heading = title;
    }
    out.push(
      `  - key: ${ind.key}${PLACEHOLDER_KEY.test(ind.key) ? " # TODO: a readable English key" : ""}`,
      `    name: ${q(ind.name)}`,
      `    group: ${ind.group}`,
      `    level1: ${q(ind.level1)}`,
      `    level2: ${q(ind.level2)}${ind.level2 === "" ? " # TODO: 二级指标 (the export does not give it)" : ""}`,
    );
    if (ind.task !== undefined) out.push(`    task: ${q(ind.task)}`);
    else if (ind.group === "output") out.push(`    # TODO: task: 重点工作 (the export does not give it)`);
    out.push(
      `    half: ${q(ind.half.text)}`,
      `    full: ${q(ind.full.text)}`,
      `    binding: ${renderBinding(ind)}`,
    );
  }
  return `${out.join("\n")}\n`;
}
