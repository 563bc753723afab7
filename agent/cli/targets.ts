/**
 * `ops-agent targets import FORM.txt` and `ops-agent targets check FILE`: the performance-target
 * form (绩效目标表) as a targets file. Import reads the spreadsheet's tab-separated export and writes
 * config/targets-<year>.yaml with every binding manual; check validates a targets file.
 *
 * Bad input (a malformed export or targets file) is printed line by line and exits 78 (EX_CONFIG);
 * nothing is written. An existing file is never overwritten without --force.
 */
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { EXIT_CONFIG } from "../../config/load.js";
import { describeImportProblems, importForm, PLACEHOLDER_KEY, renderTargetsYaml } from "../form/import.js";
import { loadTargets, parseTargets } from "../form/targets-file.js";
import { GROUPS, type Indicator } from "../form/types.js";

export interface TargetsImportOptions {
  /** Where to write; default config/targets-<year>.yaml. */
  out?: string;
  /** The form's year; default the year the export names (…2026年度…), else this year. */
  year?: number;
  /** Overwrite an existing file. */
  force?: boolean;
}

function printErrors(path: string, errors: readonly string[]): void {
  console.error(`${path}: ${errors.length} error${errors.length === 1 ? "" : "s"}`);
  for (const line of errors) console.error(`  ${line}`);
}

/** "8 decision, 24 process, 24 output, 5 outcome, 2 satisfaction". */
export function describeGroups(indicators: readonly Indicator[]): string {
  return GROUPS.map((g) => `${indicators.filter((i) => i.group === g).length} ${g}`).join(", ");
}

/** The year the export names in its title (2026年度), if any. */
function yearOf(text: string): number | undefined {
  const match = /(20\d\d)\s*年度/.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function targetsImportCommand(file: string, options: TargetsImportOptions = {}): number {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    console.error(`targets import: cannot read ${file}: ${(error as Error).message}`);
    return 66; // EX_NOINPUT
  }
  if (
    options.year !== undefined &&
    (!Number.isInteger(options.year) || options.year < 2000 || options.year > 2100)
  ) {
    console.error(`targets import: --year: expected a year such as 2026, got ${String(options.year)}`);
    return EXIT_CONFIG;
  }
  const imported = importForm(text, file);
  if (imported.problems.length > 0) {
    printErrors(file, describeImportProblems(file, imported.problems));
    console.error("targets import: nothing written");
    return EXIT_CONFIG;
  }
  const year = options.year ?? yearOf(text) ?? new Date().getFullYear();
  const out = options.out ?? `config/targets-${year}.yaml`;
  if (!options.force && existsSync(out)) {
    console.error(
      `targets import: ${out} already exists; pass --force to overwrite it, or --out another path`,
    );
    return 1;
  }
  const yaml = renderTargetsYaml(imported.indicators, year, file);
  const check = parseTargets(yaml);
  if (!check.ok) {
    // The importer and the loader disagree: a bug, not bad input. Write nothing.
    printErrors(`${out} (as generated)`, check.errors);
    return 70; // EX_SOFTWARE
  }
  try {
    if (options.force) {
      // Written beside the target and moved into place: a failure never leaves half a file.
      const temporary = `${out}.${process.pid}.tmp`;
      try {
        writeFileSync(temporary, yaml, { flag: "wx" });
        renameSync(temporary, out);
      } finally {
        if (existsSync(temporary)) unlinkSync(temporary);
      }
    } else {
      writeFileSync(out, yaml, { flag: "wx" }); // "wx": fails if the file appeared meanwhile
    }
  } catch (error) {
    console.error(`targets import: cannot write ${out}: ${(error as Error).message}`);
    return 73; // EX_CANTCREAT
  }
  const todo = imported.indicators.filter(
    (i) => i.level2 === "" || PLACEHOLDER_KEY.test(i.key) || (i.group === "output" && i.task === undefined),
  ).length;
  console.log(`wrote ${out}: ${imported.indicators.length} rows (${describeGroups(imported.indicators)})`);
  console.log(
    `  every binding is manual: set binding: for the rows the agent measures (vm_count, availability, …)` +
      (todo > 0 ? `; ${todo} row${todo === 1 ? "" : "s"} marked # TODO` : ""),
  );
  console.log(`  then: ops-agent targets check ${out}`);
  return 0;
}

export function targetsCheckCommand(file: string): number {
  const result = loadTargets(file);
  if (!result.ok) {
    printErrors(file, result.errors);
    return EXIT_CONFIG;
  }
  const bound = result.indicators.filter((i) => i.binding.source !== "manual");
  console.log(
    `${file}: ${result.year}, ${result.indicators.length} indicators (${describeGroups(result.indicators)}); ` +
      `${bound.length} measured by the agent${bound.length > 0 ? ` (${bound.map((i) => i.key).join(", ")})` : ""}, ` +
      `${result.indicators.length - bound.length} manual`,
  );
  return 0;
}
