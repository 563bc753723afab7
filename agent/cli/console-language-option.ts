/**
 * `--lang` of `run` and `demo`: the console's language for every browser (the config's
 * `console.language`, set from the command line). Kept apart from main.ts so its check is tested.
 */
import { InvalidArgumentError, Option } from "commander";

export type ConsoleLanguage = "auto" | "zh" | "en";

export function parseConsoleLanguage(value: string): ConsoleLanguage {
  if (value === "auto" || value === "zh" || value === "en") return value;
  throw new InvalidArgumentError(
    `"${value}" is not a console language: expected zh, en or auto (the browser's preference)`,
  );
}

export function consoleLanguageOption(): Option {
  return new Option(
    "--lang <language>",
    "the web console's language whatever the browser prefers: zh, en or auto (default: console.language in the config, auto)",
  ).argParser(parseConsoleLanguage);
}
