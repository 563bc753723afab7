/**
 * Series identity in a Prometheus text exposition (format 0.0.4). `promtool check metrics` does
 * not catch two samples with the same name and label set, and Prometheus keeps one of them
 * without a word (`count(opsagent_vm_power_state)` read 252 of 253 VMs): every test that scrapes
 * /metrics checks it with expectNoDuplicateSeries.
 *
 * The grammar is the text format's, as Prometheus documents it
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): a sample line
 * is `name{label="value",…} value [timestamp]`; label values escape `\`, `"` and newline as
 * `\\`, `\"` and `\n`; lines starting with `#` are comments (HELP, TYPE).
 */
import { spawnSync } from "node:child_process";
import { expect } from "vitest";
import { findPeer } from "./peers.js";

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: string;
  /** 1-based line number in the text. */
  line: number;
}

/** Every sample line of the text; throws on a line it cannot read (naming the line). */
export function parseExposition(text: string): ParsedSample[] {
  const samples: ParsedSample[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    samples.push(parseLine(line, i + 1));
  });
  return samples;
}

function parseLine(line: string, lineNo: number): ParsedSample {
  const fail = (why: string): never => {
    throw new Error(`exposition line ${lineNo}: ${why}: ${line}`);
  };
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) return fail("no metric name");
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === "{") {
    i++;
    while (line[i] !== "}") {
      const labelMatch = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(line.slice(i));
      if (!labelMatch) return fail("bad label");
      const labelName = labelMatch[1] as string;
      i += labelMatch[0].length;
      let value = "";
      for (;;) {
        const c = line[i];
        if (c === undefined) return fail("unterminated label value");
        i++;
        if (c === '"') break;
        if (c === "\\") {
          const next = line[i++];
          value += next === "n" ? "\n" : (next ?? "");
        } else value += c;
      }
      if (Object.hasOwn(labels, labelName)) fail(`label ${labelName} twice`);
      labels[labelName] = value;
      while (line[i] === " ") i++;
      if (line[i] === ",") i++;
      else if (line[i] !== "}") return fail("expected , or }");
    }
    i++;
  }
  const rest = line.slice(i).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2 || rest[0] === "") return fail("expected a value");
  return { name, labels, value: rest[0] as string, line: lineNo };
}

/** The series identity: the name and the labels sorted by name. */
export function seriesKey(sample: Pick<ParsedSample, "name" | "labels">): string {
  const pairs = Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${sample.name}{${pairs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}}`;
}

/** Series written more than once, each with the lines it is on. */
export function duplicateSeries(text: string): { series: string; lines: number[] }[] {
  const lines = new Map<string, number[]>();
  for (const s of parseExposition(text)) {
    const key = seriesKey(s);
    const seen = lines.get(key);
    if (seen) seen.push(s.line);
    else lines.set(key, [s.line]);
  }
  return [...lines].filter(([, at]) => at.length > 1).map(([series, at]) => ({ series, lines: at }));
}

/** Fails the test when two samples of the exposition share a name and label set. */
export function expectNoDuplicateSeries(text: string): void {
  expect(duplicateSeries(text), "series exported more than once (Prometheus keeps only one)").toEqual([]);
}

/**
 * promtool check metrics on the text: undefined when promtool is absent (skipped outside CI), else
 * its output and exit status. Duplicate series, which promtool lets through, fail the test first.
 */
export function promtoolCheck(text: string): { output: string; status: number | null } | undefined {
  expectNoDuplicateSeries(text);
  const promtool = findPeer("promtool", "prometheus");
  if (!promtool) return undefined;
  const check = spawnSync(promtool, ["check", "metrics"], { input: text, encoding: "utf8" });
  return { output: check.stdout + check.stderr, status: check.status };
}
