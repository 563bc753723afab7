/** The Markdown table and the files in bench-results/. */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { MIB, fmt } from "./stats.js";
import { met, type BenchResult, type BenchRow } from "./types.js";

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  node: string;
  sqlite?: string;
  platform: string;
  totalMemoryMiB: number;
  loadAverage: number[];
}

export function machineInfo(sqlite?: string): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    node: process.version,
    ...(sqlite === undefined ? {} : { sqlite }),
    platform: `${platform()} ${release()}`,
    totalMemoryMiB: Math.round(totalmem() / MIB),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function value(row: BenchRow): string {
  return `${fmt(row.value)}${row.unit === "" ? "" : ` ${row.unit}`}`;
}

function target(row: BenchRow): string {
  if (!row.target) return "";
  return `${row.target.kind === "max" ? "≤" : "≥"} ${fmt(row.target.value)}${row.unit === "" ? "" : ` ${row.unit}`}`;
}

function metText(row: BenchRow): string {
  const m = met(row);
  return m === undefined ? "" : m ? "met" : "**not met**";
}

export function markdownTable(results: readonly BenchResult[]): string {
  const lines = ["| benchmark | figure | value | target | met? |", "| --- | --- | ---: | --- | --- |"];
  for (const result of results) {
    if (result.skipped !== undefined)
      lines.push(`| ${result.benchmark} | skipped: ${result.skipped} | | | |`);
    for (const row of result.rows) {
      lines.push(`| ${row.benchmark} | ${row.figure} | ${value(row)} | ${target(row)} | ${metText(row)} |`);
    }
    const error = result.details?.error;
    if (typeof error === "string")
      lines.push(`| ${result.benchmark} | error: ${error.replace(/\|/g, "\\|")} | | | |`);
  }
  return lines.join("\n");
}

export function machineLine(machine: MachineInfo): string {
  return (
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryMiB} MiB, ${machine.platform}; ` +
    `Node ${machine.node}${machine.sqlite ? `, SQLite ${machine.sqlite}` : ""}; load average ${machine.loadAverage.join(" ")}`
  );
}

export function writeResults(
  dir: string,
  data: { startedAt: string; args: string[]; machine: MachineInfo; results: readonly BenchResult[] },
): void {
  mkdirSync(dir, { recursive: true });
  const rows = data.results.flatMap((r) => r.rows.map((row) => ({ ...row, met: met(row) })));
  writeFileSync(join(dir, "results.json"), `${JSON.stringify({ ...data, rows }, null, 2)}\n`);
  const md = [
    `# ops-agent benchmarks`,
    "",
    `Run ${data.startedAt} with \`${["bench", ...data.args].join(" ")}\`.`,
    "",
    machineLine(data.machine),
    "",
    markdownTable(data.results),
    "",
    "Targets are printed, never asserted. Ratios compare against a baseline measured in the same run.",
    "",
  ].join("\n");
  writeFileSync(join(dir, "results.md"), md);
}
