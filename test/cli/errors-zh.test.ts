/**
 * commander's own errors in Chinese where the locale is Chinese (agent/cli/commander-errors-zh.ts):
 * the built CLI (dist/) run with LANG=zh_CN.UTF-8 says 错误：未知选项“--foo”, with commander's
 * exit code, on every command of the tree (they inherit the root's output configuration); LANG=C
 * and LC_ALL=C keep commander's English exactly. The errors the CLI cannot be made to raise
 * (required options, choices, conflicts) are checked on commander's real messages in-process, so a
 * commander whose wording changed fails here rather than falling back to English unnoticed.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { chineseCommanderError } from "../../agent/cli/commander-errors-zh.js";
import { CLI } from "../helpers/cli-world.js";

function cli(args: string, env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [CLI, ...args.split(" ").filter((a) => a !== "")], {
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "", LC_MESSAGES: "", LANG: "", ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ZH = { LANG: "zh_CN.UTF-8" };
const C = { LANG: "C" };

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
});

/** Bad invocations: commander's English (as before this change) and the Chinese, both exit 1. */
const CASES: readonly { args: string; en: string; zh: string }[] = [
  { args: "kpi --foo", en: "error: unknown option '--foo'", zh: "错误：未知选项“--foo”" },
  {
    args: "report --formt md",
    en: "error: unknown option '--formt'\n(Did you mean --format?)",
    zh: "错误：未知选项“--formt”（是否想输入 --format？）",
  },
  { args: "bogus", en: "error: unknown command 'bogus'", zh: "错误：未知命令“bogus”" },
  {
    args: "kpii",
    en: "error: unknown command 'kpii'\n(Did you mean kpi?)",
    zh: "错误：未知命令“kpii”（是否想输入 kpi？）",
  },
  { args: "maintenance bogus", en: "error: unknown command 'bogus'", zh: "错误：未知命令“bogus”" },
  { args: "restore", en: "error: missing required argument 'file'", zh: "错误：缺少必需的参数“file”" },
  {
    args: "maintenance add",
    en: "error: missing required argument 'name'",
    zh: "错误：缺少必需的参数“name”",
  },
  {
    args: "kpi --period",
    en: "error: option '--period <period>' argument missing",
    zh: "错误：选项“--period <period>”缺少取值",
  },
  {
    args: "kpi 2026",
    en: "error: too many arguments for 'kpi'. Expected 0 arguments but got 1.",
    zh: "错误：命令“kpi”的参数过多：应为 0 个，收到 1 个",
  },
  {
    args: "notify test a b",
    en: "error: too many arguments for 'test'. Expected 1 argument but got 2.",
    zh: "错误：命令“test”的参数过多：应为 1 个，收到 2 个",
  },
  {
    args: "run --lang fr",
    en:
      "error: option '--lang <language>' argument 'fr' is invalid. " +
      `"fr" is not a console language: expected zh, en or auto (the browser's preference)`,
    zh: "错误：选项“--lang <language>”的值“fr”无效。“fr”不是控制台语言：应为 zh、en 或 auto（跟随浏览器）。",
  },
];

describe("commander's errors from the built CLI", () => {
  it.each(CASES)("ops-agent $args: Chinese under LANG=zh_CN, exit 1", ({ args, zh }) => {
    const result = cli(args, ZH);
    expect(result.stderr).toBe(`${zh}\n`);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(1);
  });

  it.each(CASES)("ops-agent $args: commander's English under LANG=C, exit 1", ({ args, en }) => {
    const result = cli(args, C);
    expect(result.stderr).toBe(`${en}\n`);
    expect(result.status).toBe(1);
  });

  it("LC_ALL outranks LANG, LC_MESSAGES too", () => {
    expect(cli("kpii", { LANG: "zh_CN.UTF-8", LC_ALL: "C" }).stderr).toMatch(
      /^error: unknown command 'kpii'/,
    );
    expect(cli("kpii", { LANG: "C", LC_MESSAGES: "zh_CN.UTF-8" }).stderr).toMatch(/^错误：未知命令“kpii”/);
  });

  it("help and version still exit 0 under LANG=zh_CN", () => {
    expect(cli("kpi --help", ZH)).toMatchObject({ status: 0, stderr: "" });
    expect(cli("--version", ZH)).toMatchObject({ status: 0, stderr: "" });
  });

  it("every command of the tree says it in Chinese (the root's configuration is inherited)", () => {
    const paths: string[] = [];
    const visit = (path: string) => {
      paths.push(path);
      const help = cli(`${path} --help`, C).stdout;
      const section = /\nCommands:\n([\s\S]*?)(\n\n|$)/.exec(help)?.[1] ?? "";
      for (const line of section.split("\n")) {
        const name = /^ {2}([a-z-]+)/.exec(line)?.[1];
        if (name !== undefined && name !== "help") visit(path === "" ? name : `${path} ${name}`);
      }
    };
    visit("");
    expect(paths.length).toBeGreaterThan(30);
    for (const path of ["maintenance add", "user passwd", "notify test", "tickets import", "form export"])
      expect(paths).toContain(path);
    const wrong = paths
      .map((path) => [path, cli(`${path} --qqqqqq`, ZH)] as const)
      .filter(([, r]) => r.stderr !== "错误：未知选项“--qqqqqq”\n" || r.status !== 1)
      .map(([path, r]) => `${path}: ${r.status} ${r.stderr}`);
    expect(wrong).toEqual([]);
  }, 120_000);
});

/** The CommanderError commander raises for `args` on the program `build` makes. */
function commanderError(build: (program: Command) => void, args: string[]): CommanderError {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, outputError: () => {} });
  build(program);
  try {
    program.parse(args, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error;
    throw error;
  }
  throw new Error(`no error for ${args.join(" ")}`);
}

const zhOf = (error: CommanderError) => chineseCommanderError(error.code, error.message);

describe("commander's real messages the CLI cannot raise", () => {
  it("a required option, choices, a conflict, two suggestions", () => {
    const required = commanderError((p) => p.requiredOption("--by <who>"), []);
    expect(required.code).toBe("commander.missingMandatoryOptionValue");
    expect(zhOf(required)).toBe("错误：未指定必需的选项“--by <who>”");

    const choice = commanderError(
      (p) => p.addOption(new Option("--format <format>").choices(["md", "docx"])),
      ["--format", "pdf"],
    );
    expect(zhOf(choice)).toBe("错误：选项“--format <format>”的值“pdf”无效。可选值：md、docx。");

    const argument = commanderError(
      (p) => p.addArgument(new Argument("<kind>").choices(["ack", "resolve"])),
      ["close"],
    );
    expect(zhOf(argument)).toBe("错误：参数“kind”的值“close”无效。可选值：ack、resolve。");

    const conflict = commanderError(
      (p) => p.option("--csv").addOption(new Option("--json").conflicts("csv")),
      ["--json", "--csv"],
    );
    expect(conflict.code).toBe("commander.conflictingOption");
    expect(zhOf(conflict)).toBe("错误：选项“--json”不能与选项“--csv”同时使用");

    const two = commanderError((p) => p.option("--aab").option("--aac"), ["--aaa"]);
    expect(zhOf(two)).toBe("错误：未知选项“--aaa”（是否想输入 --aab、--aac？）");

    const root = commanderError((p) => p.argument("[file]"), ["a", "b"]);
    expect(zhOf(root)).toBe("错误：参数过多：应为 1 个，收到 2 个");
  });

  it("an unknown wording, code or reason keeps the English (undefined)", () => {
    expect(chineseCommanderError("commander.unknownOption", "error: something new '--x'")).toBeUndefined();
    expect(chineseCommanderError("commander.somethingNew", "error: unknown option '--x'")).toBeUndefined();
    const reason = commanderError(
      (p) =>
        p.option("--keep <n>", "", (value: string) => {
          throw new InvalidArgumentError(`not a number: ${value}`);
        }),
      ["--keep", "x"],
    );
    expect(reason.code).toBe("commander.invalidArgument");
    expect(zhOf(reason)).toBeUndefined();
  });
});
