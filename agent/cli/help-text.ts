/**
 * What `--help` adds to the commands' own descriptions: examples that run as written (a test,
 * test/cli/examples.test.ts, runs every one against a temporary checkout), and Chinese help where
 * the locale is Chinese (LC_ALL, LC_MESSAGES or LANG starting with zh). Loaded only when help is
 * asked for (agent/main.ts), so the daemon does not carry these strings.
 */
import { Help, type Command } from "commander";
import { wantsChinese } from "./locale.js";

/**
 * Examples per command path, run by the examples test in a checkout on config/default.yaml; the
 * operator's own paths (/etc/ops-agent/config.yaml with a tickets mapping and a robot route, the
 * backup disk /mnt/backup, the helpdesk's export) are provided there.
 */
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
  backup: [
    "ops-agent backup --out /mnt/backup/ops-agent-2026-11-30.db",
    "ops-agent backup --dir /mnt/backup/ops-agent --keep 14",
  ],
  restore: ["ops-agent restore /mnt/backup/ops-agent-2026-11-30.db"],
  "user passwd": ["ops-agent user passwd zhanggong --role recorder"],
  "tickets import": ["ops-agent tickets import helpdesk-2026-11.csv -c /etc/ops-agent/config.yaml"],
  "report note": [
    'ops-agent report note --month 2026-11 --section 问题 "11 月 20 日机房空调停机 40 分钟，已更换压缩机"',
    "ops-agent report note --month 2026-11 --list",
  ],
  "notify test": [
    "ops-agent notify test -c /etc/ops-agent/config.yaml",
    "ops-agent notify test vc-duty -c /etc/ops-agent/config.yaml",
  ],
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
  "report note":
    "为某月报告的某一节写入文字（问题 = 七、存在问题与整改措施，计划 = 八、下月工作计划，…），追加在草拟文字之后或（--replace）替换它；重新生成报告时保留",
  backup:
    "在运行中的代理旁安全地复制数据库（SQLite 在线备份），经完整性检查（integrity_check）和结构版本检查后以原子方式写入，权限 0640；默认在 backup.dir 中生成以时间命名的副本",
  restore:
    "用备份替换数据库：代理正在使用该数据库时拒绝（退出码 75），结构版本更新的备份也拒绝（不降级）；当前数据库改名保留",
  user: "Web 控制台账户（配置 console.users）",
  "user passwd": "从终端或标准输入读取密码，打印带 scrypt 哈希的控制台用户条目（不写入任何文件）",
  notify: "通知通道（配置 incidents.notifications.channels）",
  "notify test": "在每个通道（或指定的 ROUTE）发送一条测试消息并打印机器人的应答；有失败时退出码 1",
};

/** What `help [command]` says, in Chinese. */
const ZH_HELP_COMMAND = "显示命令的帮助";

/** Chinese descriptions of the commands' arguments, by command path and argument name. */
const ZH_ARGUMENTS: Readonly<Record<string, string>> = {
  "check-config file": "配置文件（YAML）",
  "maintenance add name": "窗口名称（唯一）",
  "maintenance remove name": "窗口名称",
  "restore file": "由 ops-agent backup 生成的备份文件",
  "user passwd name": "登录名",
  "targets import form": "以制表符分隔导出的绩效目标表",
  "report note text": "文字（或用 --file FILE）",
  "record key": "指标键或其中文名称（ops-agent kpi --keys 列出两者）",
  "record value": "按指标单位填写的值：7、96.5%、1.2万人次、及时 / 不及时",
  "notify test route": "通道名称（默认：所有通道）",
};

/** Chinese descriptions of an option where one command means more than the shared text says. */
const ZH_COMMAND_OPTIONS: Readonly<Record<string, string>> = {
  "run --lang":
    "Web 控制台的语言，不论浏览器偏好：zh、en 或 auto（默认：配置中的 console.language，即 auto）",
  "demo --lang":
    "Web 控制台的语言，不论浏览器偏好：zh、en 或 auto（默认：配置中的 console.language，即 auto）",
  "backup --out": "把副本写入此文件（从不覆盖已有文件）",
  "targets import --out": "写到哪里（默认：config/targets-<年份>.yaml）",
  "targets import --year": "绩效目标表的年份（默认：从表中读取）",
  "incident list --status": "状态：open、acknowledged、resolved 或 unresolved",
  "incident list --category": "类别：videoconf、platform、machine_room 或 antivirus",
  "incident timeliness --window": "时间窗：month、half_year 或 year_to_date",
  "availability --window": "时间窗：day、month、half_year 或 year_to_date（默认：全部）",
  "report --list": "列出 --year（默认今年）生成的报告，而不是生成",
  "record --list": "列出（KEY 的或全部）记录，而不是添加",
};

/** Text after the options that is not an example, in both languages. */
const ALSO: Readonly<Record<string, { en: string; zh: string }>> = {
  "report note": {
    en: "Also: --month YYYY-MM (required to add or --list), --list [--json], -c FILE.",
    zh: "另可用：--month YYYY-MM（添加或 --list 时必填）、--list [--json]、-c FILE。",
  },
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
  "--history-from": "数据库为空时，先写入从该日期起的模拟机房历史（模拟数据）（默认：今年 1 月 1 日）",
  "--no-history": "不写入模拟历史",
  "--history-only": "只写入模拟历史，然后退出（不运行代理）",
  "--dir": "把 ops-agent-<本地时间><偏移>.db 写入此目录",
  "--keep": "与 --dir 一起：只保留本工具在该目录中最新的 N 份副本，删除更早的",
  "--limit": "最多显示多少条",
  "--force": "覆盖已存在的 --out 文件",
  "--lang": "语言：zh（默认）或 en",
  "--file": "从 UTF-8 文件读取文字",
  "--replace": "替换该节的草拟文字，而不是追加",
  "--remove": "删除一条备注（编号见 --list）",
  "--corrects": "本记录更正编号为 ID 的记录",
  "--evidence": "随记录保存的佐证文件（按 SHA-256 保存，最大 10 MB）",
  "--section": "章节：总体 平台 机房 安全 视频会议 故障 问题 计划（或其编号）",
};

const ZH_HEADINGS: readonly [RegExp, string][] = [
  [/^Usage:/m, "用法："],
  [/^Options:/m, "选项："],
  [/^Commands:/m, "命令："],
  [/^Arguments:/m, "参数："],
];

/** commander's own words in the synopses ("[options]") and after a default value, in Chinese. */
const zhTerm = (text: string) => text.replaceAll("[options]", "[选项]").replaceAll("[command]", "[命令]");
const zhDefault = (text: string) => text.replace(/ \(default: ([^)\n]*)\)$/, "（默认：$1）");

/** Characters a terminal shows two columns wide (CJK, Hangul, full-width forms). */
const WIDE =
  "\\u1100-\\u115f\\u2e80-\\ua4cf\\uac00-\\ud7a3\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uff60\\uffe0-\\uffe6";
/**
 * The pieces a line may break between: a word of Latin text, or one Chinese character (Chinese
 * has no spaces, and commander breaks only at spaces), never before a closing sign (，。）…) nor
 * after an opening one (（「…).
 */
const WIDE_CHAR = new RegExp(`[${WIDE}]`, "u");
const PIECES = new RegExp(`\\s*[（「『《〈“]*(?:[${WIDE}]|[^\\s${WIDE}]+)[，。、；：！？）」』》〉”]*`, "gu");

/** commander's boxWrap, breaking Chinese between characters as well as at spaces. */
function boxWrap(text: string, width: number): string {
  return text
    .split(/\r?\n/)
    .map((line) => {
      const lines: string[] = [];
      let current = "";
      for (const piece of line.match(PIECES) ?? []) {
        if (current !== "" && displayWidth(current + piece) > width) {
          lines.push(current);
          current = piece.trimStart();
        } else current += piece;
      }
      lines.push(current);
      return lines.join("\n");
    })
    .join("\n");
}

/** Columns a string takes on a terminal: a Chinese character or full-width sign takes two. */
function displayWidth(text: string): number {
  let width = 0;
  // eslint-disable-next-line no-control-regex -- ANSI colour codes take no columns
  for (const char of text.replace(/\x1b\[[0-9;]*m/g, "")) width += WIDE_CHAR.test(char) ? 2 : 1;
  return width;
}

export { wantsChinese };

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
        const text =
          option.long === undefined
            ? undefined
            : (ZH_COMMAND_OPTIONS[`${path} ${option.long}`] ?? ZH_OPTIONS[option.long]);
        if (text !== undefined) option.description = text;
      }
      for (const argument of command.registeredArguments) {
        const text = ZH_ARGUMENTS[`${path} ${argument.name()}`];
        if (text !== undefined) argument.description = text;
      }
      command.helpOption("-h, --help", ZH_OPTIONS["--help"]);
      // Only a command with subcommands has `help [command]` (commander adds it then).
      if (command.commands.length > 0) command.helpCommand("help [command]", ZH_HELP_COMMAND);
      // The terms are changed before commander lays out its columns, so they stay aligned.
      command.configureHelp({
        displayWidth,
        boxWrap,
        subcommandTerm: (cmd) => zhTerm(Help.prototype.subcommandTerm.call(new Help(), cmd)),
        commandUsage: (cmd) => zhTerm(Help.prototype.commandUsage.call(new Help(), cmd)),
        optionDescription: (option) => zhDefault(Help.prototype.optionDescription.call(new Help(), option)),
        argumentDescription: (argument) =>
          zhDefault(Help.prototype.argumentDescription.call(new Help(), argument)),
        formatHelp: (cmd, helper) =>
          ZH_HEADINGS.reduce(
            (text, [heading, zh]) => text.replace(heading, zh),
            Help.prototype.formatHelp.call(helper, cmd, helper),
          ),
      });
    }
    const also = ALSO[path];
    if (also !== undefined) command.addHelpText("after", `\n${chinese ? also.zh : also.en}`);
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
