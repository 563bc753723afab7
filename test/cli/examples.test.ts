/**
 * Every CLI example runs as written (issue 20 point 3): the `Examples:` of every command's
 * `--help` (the built bundle's) and every ops-agent invocation in the README's ```sh blocks, run in
 * order in a temporary checkout (test/helpers/cli-world.ts) on config/default.yaml with a seeded
 * store; each must exit 0. The README's Commands table is a synopsis, not an example: each row's
 * command must exist and every option it names must be in that command's help.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCliWorld, REPO, type CliWorld } from "../helpers/cli-world.js";

/**
 * Examples not run here, each with the reason: daemons run until stopped (test/e2e/agent.test.ts
 * and test/e2e/demo.test.ts start and stop them).
 */
const SKIPPED: Readonly<Record<string, string>> = {
  "ops-agent run -c config/default.yaml": "a daemon: runs until stopped (test/e2e/agent.test.ts)",
  "ops-agent demo": "a daemon on fixed ports: runs until stopped (test/e2e/demo.test.ts)",
  "npx ops-agent run -c my-room.yaml": "a daemon: runs until stopped (test/e2e/agent.test.ts)",
};

const CLI_START = /^(npx ops-agent|ops-agent|node dist\/agent\/main\.js)(\s|$)/;
/** Besides the CLI, the README's blocks copy files within the checkout (my-room.yaml): run those too. */
const RUNS_TOO = /^cp [\w./-]+ [\w./-]+$/;

/** The ops-agent invocations of a shell line: split at && and ;, without a trailing # comment. */
function invocations(line: string): string[] {
  const code = line.replace(/\s+#\s.*$/, "");
  return code
    .split(/&&|;/)
    .map((part) => part.trim())
    .filter((part) => CLI_START.test(part) || RUNS_TOO.test(part));
}

function readmeExamples(readme: string): string[] {
  const out: string[] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of (block[1] ?? "").split("\n")) out.push(...invocations(line));
  }
  return out;
}

function commandsOf(help: string): string[] {
  const section = /\nCommands:\n([\s\S]*?)(\n\n|$)/.exec(help)?.[1] ?? "";
  return section
    .split("\n")
    .map((line) => /^\s{2}(\S+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== "help");
}

let world: CliWorld;
let helps: Map<string, string>;
/** A guard against a hung command, not a performance bound: ~50 processes on a shared machine. */
const GUARD_MS = 15 * 60_000;
const helpOf = (path: string) => {
  const result = world.run(`ops-agent ${path} --help`);
  expect(result.status, `${path} --help: ${result.stderr}`).toBe(0);
  return result.stdout;
};

/** Every command path, depth first in registration order, with its help text. */
function allHelp(): Map<string, string> {
  const helps = new Map<string, string>();
  const visit = (path: string) => {
    const help = helpOf(path);
    helps.set(path, help);
    for (const sub of commandsOf(help)) visit(path === "" ? sub : `${path} ${sub}`);
  };
  visit("");
  return helps;
}

function helpExamples(help: string): string[] {
  const section = /\nExamples:\n([\s\S]*)$/.exec(help)?.[1] ?? "";
  return section
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => CLI_START.test(line));
}

beforeAll(() => {
  world = makeCliWorld();
  helps = allHelp();
}, GUARD_MS);
afterAll(() => world?.remove());

describe("the CLI's examples", () => {
  it("every --help example and every README example runs as written (exit 0)", { timeout: GUARD_MS }, () => {
    // Commands an operator needs an example for: all of them but the groups (maintenance, …).
    const examples = [...helps.values()].flatMap(helpExamples);
    expect(examples.length).toBeGreaterThan(20);
    examples.push(...readmeExamples(readFileSync(join(REPO, "README.md"), "utf8")));
    const failures: string[] = [];
    // The README's backup disk, mounted on the installed system.
    mkdirSync(join(world.dir, "backup-disk"), { recursive: true });
    for (const example of examples) {
      if (SKIPPED[example] !== undefined) continue;
      // `npx ops-agent` is the same bundle; one real npx run is checked below. The README's
      // installed paths (the systemd section's config, a backup disk) are mapped into the world.
      const result = world.run(
        example
          .replace(/^npx ops-agent/, "ops-agent")
          .replaceAll("/etc/ops-agent/config.yaml", "config/default.yaml")
          .replaceAll("/mnt/backup", join(world.dir, "backup-disk")),
      );
      if (result.status !== 0)
        failures.push(`${example}\n  exit ${result.status}: ${(result.stderr || result.stdout).trim()}`);
    }
    expect(failures.join("\n")).toBe("");
  });

  it("npx ops-agent runs the built CLI from a checkout", { timeout: GUARD_MS }, () => {
    const result = world.run("npx --offline ops-agent --version");
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(result.status).toBe(0);
  });

  it("the README's Commands table names real commands and options", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const table = /## Commands\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
    const synopses = [...table.matchAll(/`((?:npx )?ops-agent [^`]+)`/g)].map((m) => m[1] ?? "");
    expect(synopses.length).toBeGreaterThan(15);
    const problems: string[] = [];
    for (const synopsis of synopses) {
      const words = synopsis.replace(/^npx /, "").split(/\s+/).slice(1);
      const path: string[] = [];
      for (const word of words) {
        const candidate = [...path, word].join(" ");
        if (!helps.has(candidate)) break;
        path.push(word);
      }
      const help = helps.get(path.join(" ")) ?? "";
      for (const option of synopsis.match(/--[a-z][a-z-]*/g) ?? []) {
        if (!new RegExp(`(^|[\\s,])${option}\\b`, "m").test(help))
          problems.push(`${synopsis}: ${option} is not an option of "ops-agent ${path.join(" ")}"`);
      }
    }
    expect(problems.join("\n")).toBe("");
  });
});
