/**
 * What `--help` adds to the commands' own descriptions: examples that run as written (a test,
 * test/cli/examples.test.ts, runs every one against a temporary checkout), and Chinese help where
 * the locale is Chinese (LC_ALL, LC_MESSAGES or LANG starting with zh). Loaded only when help is
 * asked for (agent/main.ts), so the daemon does not carry these strings.
 */
import { Help, type Command } from "commander";

/** Examples per command path, run by the examples test in a checkout on config/default.yaml. */
export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  "": ["ops-agent check-config config/default.yaml", "ops-agent kpi --keys", "ops-agent help record"],
  run: ["ops-agent run -c config/default.yaml"],
  demo: ["ops-agent demo"],
  once: ["ops-agent once --collector host", "ops-agent once --collector host --json"],
  availability: ["ops-agent availability --window month", "ops-agent availability --json"],
  "check-config": ["ops-agent check-config deploy/config.yaml"],
  "maintenance add": [
    'ops-agent maintenance add migration --start "2026-12-05 22:00" --end "2026-12-06 02:00" --application ecard',
    'ops-agent maintenance add patching --cron "0 2 * * 6" --duration 2h --note "monthly patches"',
  ],
  "maintenance list": ["ops-agent maintenance list"],
  "maintenance remove": ["ops-agent maintenance remove patching"],
  "incident list": ["ops-agent incident list --status unresolved", "ops-agent incident list --json"],
  "incident show": ["ops-agent incident show 1"],
  "incident ack": ['ops-agent incident ack 1 --by 张工 --note "已联系厂家"'],
  "incident note": ['ops-agent incident note 1 "备件已到" --by 张工'],
  "incident resolve": ["ops-agent incident resolve 1 --by 张工"],
  "incident timeliness": ["ops-agent incident timeliness --window year_to_date"],
  kpi: ["ops-agent kpi", "ops-agent kpi --period 2026-H1", "ops-agent kpi --keys"],
  record: [
    "ops-agent record ecard_equipment_overhauls 1 --date 2026-11-20",
    'ops-agent record 视频会议运维服务满意度 96.5% --note "问卷 212 份"',
    "ops-agent record --list",
  ],
  report: [
    "ops-agent report --month 2026-10 --format md --out reports",
    "ops-agent report --list --year 2026",
  ],
  "form export": ["ops-agent form export --period 2026-H1 --format csv --out reports"],
  "targets import": [
    "ops-agent targets import docs/form/2026-performance-target-form.txt --out targets-next.yaml",
  ],
  "targets check": ["ops-agent targets check config/targets-2026.yaml"],
};

/** Chinese descriptions of the commands, by command path. */
const ZH_DESCRIPTIONS: Readonly<Record<string, string>> = {
  "": "苏州市电化教育馆机房监控代理：全年测量绩效目标表的运行类指标，保存证据，并提供 Prometheus 指标。",
  run: "运行代理：按计划运行采集器，保存样本，提供 /metrics 与 /healthz",
  demo: "在模拟机房（回环地址上的模拟 vCenter、Deep Security Manager 等）上运行代理",
  once: "立即运行每个已启用的采集器一次并打印结果（不写入数据库）",
  availability: "教育应用运行可用率：按应用和时间窗，附计算口径",
  "check-config": "检查配置文件：逐条列出错误的字段、值和应填内容（无效时退出码 78）",
  maintenance: "维护窗口（命令行添加的与配置文件中的；运行中的代理会自动读取）",
  "maintenance add":
    "添加维护窗口：一次性（--start、--end，不带时区偏移的时间按配置的时区）或周期性（--cron、--duration）",
  "maintenance list": "列出维护窗口及其当前是否生效",
  "maintenance remove": "删除用 maintenance add 添加的维护窗口（记录删除人和时间）",
  incident: "故障事件（来自探测、Alertmanager 和工单）：列表、详情、确认、解决、备注",
  "incident list": "故障列表（最新在前），附响应时间与 SLA 判定",
  "incident show": "一条故障及其事件记录",
  "incident ack": "确认故障：首次确认即响应时间（记录确认人和时间）",
  "incident resolve": "解决故障",
  "incident note": "为故障添加备注",
  "incident timeliness": "各类故障的响应及时性（故障响应及时），附规则",
  tickets: "服务台工单（映射见配置 incidents.tickets）",
  "tickets import": "导入服务台导出的 CSV（UTF-8 或 GBK）；重复导入即更新，错误行逐条列出",
  targets: "绩效目标表的指标文件（配置 targets_file）",
  "targets import": "读取绩效目标表的制表符分隔导出并写出指标文件",
  "targets check": "检查指标文件：逐条列出错误及行号（退出码 78）",
  report: "生成某月的大平台月度运营报告（HTML、Markdown、DOCX）并登记；--list 列出某年的报告数",
  kpi: "某期间（2026、2026-H1、2026-10；默认今年）的各项指标：值、目标、状态、数据覆盖率",
  record: "记录人工指标的值（按指标键或中文名称）；更正是一条新记录（--corrects），从不覆盖",
  form: "由数据库填写的绩效目标表",
  "form export": "导出半年或全年的绩效自评表（XLSX、CSV），并登记",
  user: "Web 控制台的账号（配置 console.users）",
  "user passwd": "从终端或标准输入读取口令，打印带 scrypt 散列的控制台用户条目（粘贴到配置中）",
  help: "显示命令的帮助",
};

/** Chinese descriptions of the options every command shares, by long flag. */
const ZH_OPTIONS: Readonly<Record<string, string>> = {
  "--config": "配置文件（YAML）",
  "--json": "输出 JSON",
  "--help": "显示帮助",
  "--version": "显示版本",
  "--verbose": "出错时同时打印调用栈",
  "--period": "期间：2026（全年）、2026-H1（上半年）或 2026-10（某月）",
  "--keys": "列出每项指标的键（record 所用）及其中文名称",
  "--collector": "只运行并打印这个采集器（可重复）",
  "--list": "列出而不是添加/生成",
  "--note": "说明（与记录一起保存）",
  "--by": "操作人（默认 $USER 或 cli）",
  "--removed": "列出已删除的窗口，附删除人和删除时间",
  "--role": "角色：viewer、recorder、operator 或 admin",
  "--date": "值所属的本地日期（默认今天）",
  "--window": "时间窗",
  "--month": "月份（默认上个月）",
  "--out": "输出目录或文件",
  "--format": "输出格式",
  "--application": "窗口覆盖的目标（可重复；不填 = 所有应用）",
  "--start": "一次性：开始时间",
  "--end": "一次性：结束时间（晚于 --start）",
  "--cron": "周期性：cron 表达式",
  "--duration": "周期性：每次持续多久，如 2h",
  "--status": "状态",
  "--category": "类别",
  "--year": "年份",
};

const ZH_HEADINGS: readonly [RegExp, string][] = [
  [/^Usage:/m, "用法："],
  [/^Options:/m, "选项："],
  [/^Commands:/m, "命令："],
  [/^Arguments:/m, "参数："],
];

/** LC_ALL, then LC_MESSAGES, then LANG, as POSIX orders them. */
export function wantsChinese(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return /^zh/i.test(locale);
}

function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Adds the examples (and, for a Chinese locale, the Chinese texts) to every command's help. */
export function applyHelpText(program: Command, env: NodeJS.ProcessEnv): void {
  const chinese = wantsChinese(env);
  const visit = (command: Command) => {
    const path = pathOf(command);
    if (chinese) {
      const zh = ZH_DESCRIPTIONS[path];
      if (zh !== undefined) command.description(zh);
      for (const option of command.options) {
        const text = option.long === undefined ? undefined : ZH_OPTIONS[option.long];
        if (text !== undefined) option.description = text;
      }
      command.helpOption("-h, --help", ZH_OPTIONS["--help"]);
      command.configureHelp({
        formatHelp: (cmd, helper) =>
          ZH_HEADINGS.reduce(
            (text, [heading, zh]) => text.replace(heading, zh),
            Help.prototype.formatHelp.call(helper, cmd, helper),
          ),
      });
    }
    const examples = EXAMPLES[path];
    if (examples !== undefined && examples.length > 0) {
      command.addHelpText(
        "after",
        `\n${chinese ? "示例：" : "Examples:"}\n${examples.map((e) => `  ${e}`).join("\n")}`,
      );
    }
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
}
