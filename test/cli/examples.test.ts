/**
 * Every CLI example runs as written (issue 20 point 3): the `Examples:` of every command's
 * `--help` (the built bundle's) and every ops-agent invocation in the README's ```sh blocks, run in
 * order in a temporary checkout (test/helpers/cli-world.ts) on config/default.yaml with a seeded
 * store; each must exit 0. The README's Commands table is a synopsis, not an example: each row's
 * command must exist and every option it names must be in that command's help.
 *
 * What an operator's machine has and a checkout does not is provided, as the examples name it: the
 * config at /etc/ops-agent/config.yaml (config/default.yaml with a helpdesk mapping and a WeCom
 * robot route, the robot a loopback emulator that checks the documented request), the backup disk
 * at /mnt/backup (with the README's earlier copy on it), the helpdesk's export helpdesk-2026-11.csv,
 * and a password on stdin for `user passwd` (the terminal's prompt, read from a pipe).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCliWorld, REPO, type CliWorld } from "../helpers/cli-world.js";
import { wecomRobot, type Emulator } from "../notify/robot-emulators.js";

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
/** The README's restore runs as the service's user: the same command here. */
const AS_SERVICE_USER = /^sudo -u ops-agent (?=ops-agent )/;
/** Besides the CLI, the README's blocks copy files within the checkout (my-room.yaml): run those too. */
const RUNS_TOO = /^cp [\w./-]+ [\w./-]+$/;

/** The ops-agent invocations of a shell line: split at && and ;, without a trailing # comment. */
function invocations(line: string): string[] {
  const code = line.replace(/\s+#\s.*$/, "");
  return code
    .split(/&&|;/)
    .map((part) => part.trim().replace(AS_SERVICE_USER, ""))
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
let robot: Emulator;
const ROBOT_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

/** The operator's config: the demo's, with the helpdesk's mapping and the on-duty robot. */
const OPERATOR_SECTIONS = `
incidents:
  tickets:
    timezone: Asia/Shanghai
    mapping: { id: 工单号, category: 分类, priority: 优先级, created: 创建时间, first_response: 首次响应时间, resolved: 解决时间, title: 标题 }
    category_map: { 视频会议: videoconf, 大平台: platform, 机房: machine_room, 杀毒: antivirus }
    priority_map: { 紧急: P1, 高: P2, 中: P3, 低: P4 }
  notifications:
    channels:
      - { name: vc-duty, type: wecom, url: "\${VC_DUTY_ROBOT}", mentions: { mobiles: ["13800001111"] } }
`;

/** The helpdesk's November export (UTF-8), in the mapping's columns. */
const HELPDESK_EXPORT =
  "工单号,标题,分类,优先级,创建时间,首次响应时间,解决时间\n" +
  "T-3101,3 号会议室终端无法入会,视频会议,高,2026-11-20 09:00,2026-11-20 09:12,2026-11-20 10:30\n" +
  "T-3102,一卡通平台登录缓慢,大平台,中,2026-11-21 14:00,2026-11-21 14:40,\n";

/** The operator's paths in the examples → where the world has them. */
function inWorld(example: string): string {
  return example
    .replace(/^npx ops-agent/, "ops-agent")
    .replaceAll("/etc/ops-agent/config.yaml", "config/operator.yaml")
    .replaceAll("/mnt/backup", join(world.dir, "backup-disk"));
}
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

beforeAll(async () => {
  world = makeCliWorld();
  helps = allHelp();
  robot = await wecomRobot({ key: ROBOT_KEY });
  const config = readFileSync(join(world.dir, "config/default.yaml"), "utf8");
  writeFileSync(join(world.dir, "config/operator.yaml"), config + OPERATOR_SECTIONS);
  writeFileSync(join(world.dir, "helpdesk-2026-11.csv"), HELPDESK_EXPORT);
  mkdirSync(join(world.dir, "backup-disk", "ops-agent"), { recursive: true });
  // The copy the README's restore names, taken earlier on the operator's machine.
  const earlier = world.run(
    `ops-agent backup --out ${join(world.dir, "backup-disk/ops-agent/ops-agent-2026-12-04T0300+0800.db")}`,
  );
  expect(earlier.status, earlier.stderr).toBe(0);
}, GUARD_MS);
afterAll(async () => {
  await robot?.close();
  world?.remove();
});

describe("the CLI's examples", () => {
  it(
    "every --help example and every README example runs as written (exit 0)",
    { timeout: GUARD_MS },
    async () => {
      // Commands an operator needs an example for: all of them but the groups (maintenance, …).
      const examples = [...helps.values()].flatMap(helpExamples);
      expect(examples.length).toBeGreaterThan(20);
      examples.push(...readmeExamples(readFileSync(join(REPO, "README.md"), "utf8")));
      // The commands of issue 20 have examples that run, not only a synopsis.
      for (const command of [
        "ops-agent backup ",
        "ops-agent restore ",
        "ops-agent notify test",
        "ops-agent user passwd ",
        "ops-agent tickets import ",
        "ops-agent report note ",
        "ops-agent kpi --keys",
        "ops-agent once --collector ",
      ])
        expect(examples.some((e) => e.startsWith(command))).toBe(true);
      const failures: string[] = [];
      const outputs = new Map<string, string>();
      for (const example of examples) {
        if (SKIPPED[example] !== undefined) continue;
        // `npx ops-agent` is the same bundle; one real npx run is checked below.
        const result = await world.runAsync(inWorld(example), {
          env: { VC_DUTY_ROBOT: robot.url },
          input: "correct-horse-battery-staple\n",
        });
        outputs.set(example, result.stdout);
        if (result.status !== 0)
          failures.push(`${example}\n  exit ${result.status}: ${(result.stderr || result.stdout).trim()}`);
      }
      expect(failures.join("\n")).toBe("");
      // What they did: the robot answered the test message (printed), the tickets were imported,
      // the password became a scrypt line, the note is listed.
      expect(outputs.get("ops-agent notify test vc-duty -c /etc/ops-agent/config.yaml")).toBe(
        'vc-duty (wecom · markdown): 已送达 (accepted) — HTTP 200 {"errcode":0,"errmsg":"ok"}\n',
      );
      expect(robot.accepted()).toHaveLength(2);
      expect(outputs.get("ops-agent user passwd zhanggong --role recorder")).toMatch(
        /^ {2}- name: zhanggong\n {4}role: recorder\n {4}password_hash: "scrypt\$/,
      );
      expect(outputs.get("ops-agent report note --month 2026-11 --list")).toContain("已更换压缩机");
      expect(outputs.get("ops-agent tickets import helpdesk-2026-11.csv -c /etc/ops-agent/config.yaml")).toBe(
        "helpdesk-2026-11.csv (utf-8): 2 new, 0 updated, 0 unchanged, 0 rejected\n",
      );
    },
  );

  it("npx ops-agent runs the built CLI from a checkout", { timeout: GUARD_MS }, () => {
    const result = world.run("npx --offline ops-agent --version");
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(result.status).toBe(0);
  });

  it("the README's Commands table names real commands and options", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const table = /## Commands\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
    // It says how to run the CLI from a checkout (the npx test above runs it so).
    expect(table).toMatch(/From a checkout, after `npm ci && npm run build`, the CLI is `npx ops-agent …`/);
    for (const command of [
      "backup",
      "restore",
      "notify test",
      "report note",
      "user passwd",
      "tickets import",
    ])
      expect(table).toContain(`\`ops-agent ${command} `);
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
