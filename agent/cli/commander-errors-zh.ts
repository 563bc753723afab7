/**
 * commander's own parse errors (unknown option or command, missing argument, too many arguments…)
 * in Chinese where the locale is Chinese, as the help is (agent/cli/help-text.ts). Installed on the
 * root program before its subcommands are created (agent/main.ts): commander copies the output
 * configuration and the exit callback to every command `.command()` creates, so the whole tree
 * shares them. Exit codes stay commander's.
 *
 * Each message is translated by its CommanderError code and the names its English text quotes
 * (commander 14's wording, lib/command.js). A message whose wording is not the expected one — a
 * newer commander, a parser's explanation not listed here — is printed in English unchanged:
 * better English than a wrong Chinese.
 */
import type { Command } from "commander";

/** `zh(match)` when `pattern` matches `text`, else undefined (the caller keeps the English). */
function on(pattern: RegExp, text: string, zh: (m: string[]) => string | undefined): string | undefined {
  const m = pattern.exec(text);
  return m === null ? undefined : zh(m.map((piece) => piece ?? ""));
}

/** "a, b" (commander's lists of names) as a Chinese list. */
const list = (names: string): string => names.split(", ").join("、");

/** `\n(Did you mean --format?)` or `\n(Did you mean one of a, b?)`, which commander appends. */
const SUGGESTION = /\n\(Did you mean (?:one of )?(.+)\?\)$/s;

function withSuggestion(message: string, zh: (rest: string) => string | undefined): string | undefined {
  const suggestion = SUGGESTION.exec(message);
  const text = zh(suggestion === null ? message : message.slice(0, suggestion.index));
  if (text === undefined || suggestion === null) return text;
  return `${text}（是否想输入 ${list(suggestion[1] ?? "")}？）`;
}

/** The explanation after an invalid value's "is invalid.": commander's choices, our parsers'. */
function explanation(text: string): string | undefined {
  return (
    on(/^Allowed choices are (.+)\.$/s, text, ([, choices]) => `可选值：${list(choices!)}。`) ??
    // agent/cli/console-language-option.ts
    on(
      /^"(.*)" is not a console language: expected zh, en or auto \(the browser's preference\)$/s,
      text,
      ([, value]) => `“${value}”不是控制台语言：应为 zh、en 或 auto（跟随浏览器）。`,
    )
  );
}

/** "option '--x <v>'" or "environment variable 'X'", as the conflicting-option message names them. */
const optionOrEnv = (text: string): string =>
  on(/^environment variable '(.*)'$/s, text, ([, name]) => `环境变量“${name}”`) ??
  `选项“${text.replace(/^option '(.*)'$/s, "$1")}”`;

/** Per CommanderError code: the Chinese for its English message, or undefined if the wording differs. */
const BY_CODE: Readonly<Record<string, (message: string) => string | undefined>> = {
  "commander.unknownOption": (message) =>
    withSuggestion(message, (rest) =>
      on(/^error: unknown option '(.*)'$/s, rest, ([, flag]) => `错误：未知选项“${flag}”`),
    ),
  "commander.unknownCommand": (message) =>
    withSuggestion(message, (rest) =>
      on(/^error: unknown command '(.*)'$/s, rest, ([, name]) => `错误：未知命令“${name}”`),
    ),
  "commander.missingArgument": (message) =>
    on(/^error: missing required argument '(.*)'$/s, message, ([, name]) => `错误：缺少必需的参数“${name}”`),
  "commander.optionMissingArgument": (message) =>
    on(/^error: option '(.*)' argument missing$/s, message, ([, flags]) => `错误：选项“${flags}”缺少取值`),
  "commander.missingMandatoryOptionValue": (message) =>
    on(
      /^error: required option '(.*)' not specified$/s,
      message,
      ([, flags]) => `错误：未指定必需的选项“${flags}”`,
    ),
  "commander.excessArguments": (message) =>
    on(
      /^error: too many arguments(?: for '(.*)')?\. Expected (\d+) arguments? but got (\d+)\.$/s,
      message,
      // The root program's message names no command.
      ([, command, expected, got]) =>
        `错误：${command ? `命令“${command}”的` : ""}参数过多：应为 ${expected} 个，收到 ${got} 个`,
    ),
  // The three ways commander names the refused value (lib/command.js), then the parser's reason.
  "commander.invalidArgument": (message) =>
    on(/^error: option '([^']*)' argument '(.*)' is invalid\. (.*)$/s, message, ([, flags, value, why]) =>
      withReason(`错误：选项“${flags}”的值“${value}”无效。`, why!),
    ) ??
    on(
      /^error: option '([^']*)' value '(.*)' from env '([^']*)' is invalid\. (.*)$/s,
      message,
      ([, flags, value, env, why]) =>
        withReason(`错误：环境变量“${env}”给选项“${flags}”的值“${value}”无效。`, why!),
    ) ??
    on(
      /^error: command-argument value '(.*)' is invalid for argument '([^']*)'\. (.*)$/s,
      message,
      ([, value, name, why]) => withReason(`错误：参数“${name}”的值“${value}”无效。`, why!),
    ),
  "commander.conflictingOption": (message) =>
    on(
      /^error: ((?:option|environment variable) '[^']*') cannot be used with ((?:option|environment variable) '[^']*')$/s,
      message,
      ([, one, other]) => `错误：${optionOrEnv(one!)}不能与${optionOrEnv(other!)}同时使用`,
    ),
};

/** A Chinese frame only with a Chinese reason: half a translation would hide an unknown one. */
function withReason(frame: string, why: string): string | undefined {
  const zh = explanation(why);
  return zh === undefined ? undefined : `${frame}${zh}`;
}

/** The Chinese for commander's error `message` with `code`, or undefined (print the English then). */
export function chineseCommanderError(code: string, message: string): string | undefined {
  return BY_CODE[code]?.(message);
}

/**
 * Install the translation on `program`, before its subcommands are created (they inherit it).
 * commander prints an error (outputError), then leaves through the exit callback, which is what
 * is told the error's code: the message waits for it. (With showHelpAfterError the help would
 * come before the message; the CLI does not use it.)
 */
export function chineseCommanderErrors(program: Command): Command {
  let pending: { text: string; write: (str: string) => void } | undefined;
  return program
    .configureOutput({
      outputError: (text, write) => {
        pending = { text, write };
      },
    })
    .exitOverride((error) => {
      if (pending !== undefined) {
        const zh = chineseCommanderError(error.code, error.message);
        pending.write(zh === undefined ? pending.text : `${zh}\n`);
        pending = undefined;
      }
      // What commander does without an exit callback, for every code (errors, help, version).
      process.exit(error.exitCode);
    });
}
