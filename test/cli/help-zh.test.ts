/**
 * Help in Chinese where the locale is Chinese (issue 20 point 3): the built CLI (dist/) run with
 * LANG=zh_CN.UTF-8 prints every command's help — the top level, every group and every
 * subcommand — in Chinese: headings, the command's description, its arguments, options and
 * subcommands, commander's own "[options]" and "(default: …)". What stays Latin is what a person
 * types as written (flags, option values, file names, product names). LANG=C keeps English, and
 * LC_ALL outranks LANG as POSIX orders them.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI } from "../helpers/cli-world.js";

function help(path: string, env: NodeJS.ProcessEnv): string {
  const args = path === "" ? ["--help"] : [...path.split(" "), "--help"];
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "", LC_MESSAGES: "", LANG: "", ...env },
  });
  expect(result.status, `${path} --help: ${result.stderr}`).toBe(0);
  return result.stdout;
}

const ZH = { LANG: "zh_CN.UTF-8" };

/** The subcommands a (Chinese) help lists, `help` aside. */
function subcommands(text: string): string[] {
  const section = /\n命令：\n([\s\S]*?)(\n\n|$)/.exec(text)?.[1] ?? "";
  return section
    .split("\n")
    .map((line) => /^ {2}([a-z-]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== "help");
}

/**
 * Latin words a person types or reads as names, kept as written in the Chinese help: products
 * and formats, the option values the commands take, placeholders.
 */
const AS_WRITTEN = new Set(
  (
    "ops-agent SQLite Prometheus vCenter Deep Security Manager Alertmanager JSON YAML CSV XLSX DOCX " +
    "HTML Markdown UTF GBK SLA SHA MB Web scrypt cron ID KEY ROUTE FILE N YYYY MM DD USER cli zh en auto " +
    "open acknowledged resolved unresolved videoconf platform machine_room antivirus " +
    "day month half_year year_to_date viewer recorder operator admin"
  ).split(" "),
);

/**
 * The English words of a Chinese help text outside the terms, flags, placeholders and examples;
 * `commands` are the CLI's command names (a description may name one: 用 maintenance add 添加的).
 */
function englishWords(text: string, commands: ReadonlySet<string> = new Set()): string[] {
  const words: string[] = [];
  const body = text.split("\n示例：")[0] ?? "";
  for (const raw of body.split("\n").slice(1)) {
    // "  term   description": the term is what is typed (command, flags, <placeholders>).
    const line = /^ {2}\S/.test(raw) ? raw.replace(/^ {2}\S(?:.*?\S)?(?: {2,}|$)/, "") : raw;
    const stripped = line
      .replace(/"[^"]*"/g, " ") // a default value or a quoted example
      .replace(/<[^>]*>|\[[^\]]*\]/g, " ") // <file>, [选项]
      .replace(/\S*[-_./:=$@0-9]\S*/g, " "); // --flags, file and option names, versions, $USER
    for (const word of stripped.match(/[A-Za-z]+/g) ?? []) {
      if (!AS_WRITTEN.has(word) && !commands.has(word)) words.push(word);
    }
  }
  return words;
}

let paths: string[];
const zhHelp = new Map<string, string>();
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  const visit = (path: string) => {
    const text = help(path, ZH);
    zhHelp.set(path, text);
    for (const sub of subcommands(text)) visit(path === "" ? sub : `${path} ${sub}`);
  };
  visit("");
  paths = [...zhHelp.keys()];
}, 120_000);

describe("help in Chinese where LANG is zh_CN", () => {
  it("the top level: headings, description, commands and examples in Chinese", () => {
    const top = zhHelp.get("")!;
    expect(top).toMatch(/^用法： ops-agent \[选项\] \[命令\]\n/);
    expect(top).toContain("苏州市电化教育馆机房监控代理");
    expect(top).toMatch(/\n选项：\n/);
    expect(top).toMatch(/\n命令：\n/);
    expect(top).toMatch(/\n {2}backup \[选项\] +在运行中的代理旁安全地复制数据库/);
    expect(top).toMatch(/\n {2}help \[命令\] +显示命令的帮助\n/);
    expect(top).toMatch(/\n示例：\n {2}ops-agent check-config config\/default\.yaml\n/);
    expect(top).not.toMatch(/Usage:|Options:|Commands:|Examples:|display help/);
  });

  it("a subcommand (kpi, notify test): description, options with defaults, arguments in Chinese", () => {
    const kpi = zhHelp.get("kpi")!;
    expect(kpi).toContain(
      "用法： ops-agent kpi [选项]\n\n某期间（2026、2026-H1、2026-10；默认今年）的各项指标",
    );
    expect(kpi).toMatch(/\n {2}--keys +列出每项指标的键（record 所用）及其中文名称\n/);
    expect(kpi).toMatch(/\n {2}-c, --config <file> +配置文件（YAML）（默认："config\/default\.yaml"）\n/);
    const notify = zhHelp.get("notify test")!;
    expect(notify).toMatch(/\n参数：\n {2}route +通道名称（默认：所有通道）\n/);
    expect(notify).toContain("发送一条测试消息并打印机器人的应答");
  });

  it("every command's help has no English a reader must translate", () => {
    expect(paths.length).toBeGreaterThan(30);
    for (const path of ["backup", "restore", "user passwd", "report note", "notify test", "tickets import"])
      expect(paths).toContain(path);
    const commands = new Set(paths.flatMap((path) => path.split(" ")));
    const english = paths
      .map((path) => [path, englishWords(zhHelp.get(path)!, commands)] as const)
      .filter(([, words]) => words.length > 0)
      .map(([path, words]) => `ops-agent ${path} --help: ${words.join(" ")}`);
    expect(english).toEqual([]);
    // The check sees English where there is some.
    expect(
      englishWords('用法： x\n\ncopy the database\n  --out <file>  write the copy (default: "x")'),
    ).toEqual(["copy", "the", "database", "write", "the", "copy"]);
  });

  it("fits an 80-column terminal: Chinese wraps between characters, two columns each, terms aligned", () => {
    const columns = (line: string) =>
      [...line].reduce((n, c) => n + (/[\u2e80-\ua4cf\uff00-\uff60]/u.test(c) ? 2 : 1), 0);
    const tooWide = paths.flatMap((path) =>
      (zhHelp.get(path)!.split("\n示例：")[0] ?? "")
        .split("\n")
        .filter((line) => columns(line) > 80)
        .map((line) => `${path}: ${line}`),
    );
    expect(tooWide).toEqual([]);
    // The descriptions of the top level's commands start in one column, after [选项] (4 columns).
    const starts = zhHelp
      .get("")!
      .split("\n")
      .filter((line) => /^ {2}(run|backup|restore|kpi) /.test(line))
      .map((line) => columns(/^ {2}\S.*? {2,}/.exec(line)![0]));
    expect(new Set(starts).size).toBe(1);
    // No line starts with a closing sign or ends with an opening one.
    for (const text of zhHelp.values()) {
      expect(text).not.toMatch(/\n\s*[，。、；：）]/);
      expect(text).not.toMatch(/[（「]\n/);
    }
  });

  it("LANG=C keeps English; LC_ALL outranks LANG, LC_MESSAGES too", () => {
    const english = help("kpi", { LANG: "C.UTF-8" });
    expect(english).toMatch(/^Usage: ops-agent kpi \[options\]\n/);
    expect(english).toContain("\nExamples:\n  ops-agent kpi\n");
    expect(help("kpi", { LANG: "zh_CN.UTF-8", LC_ALL: "C" })).toMatch(/^Usage:/);
    expect(help("kpi", { LANG: "C", LC_MESSAGES: "zh_CN.UTF-8" })).toMatch(/^用法：/);
  });
});
