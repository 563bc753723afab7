/**
 * A temporary checkout for running the CLI as an operator does: the repository's config/ copied
 * (examples may write beside it), docs/, simroom/, dist/ and node_modules linked, package.json
 * copied (so `npx ops-agent` resolves the built bin), and a store under ./data (config/default.yaml's
 * data_dir) seeded with generated data: three hours of probes of the default config's platforms,
 * one incident, nothing else. The built bundle must exist (npm run build).
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../agent/clock.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { probeBatch, prng } from "../../bench/generate.js";

export const REPO = process.cwd();
export const CLI = join(REPO, "dist/agent/main.js");
/** The default config's http targets (collector "platforms"). */
const PLATFORMS = ["bigplatform", "online-education", "ecard", "videoconf-web", "resources", "ai-platform"];

export interface CliWorld {
  dir: string;
  run(command: string, env?: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string };
  /**
   * The same, without blocking this process (a loopback server of the test can answer the
   * command), with `input` on the command's stdin.
   */
  runAsync(
    command: string,
    options?: { env?: NodeJS.ProcessEnv; input?: string },
  ): Promise<{ status: number | null; stdout: string; stderr: string }>;
  remove(): void;
}

export function makeCliWorld(): CliWorld {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-cli-"));
  cpSync(join(REPO, "config"), join(dir, "config"), { recursive: true });
  cpSync(join(REPO, "package.json"), join(dir, "package.json"));
  for (const linked of ["docs", "simroom", "deploy", "dist", "node_modules"]) {
    symlinkSync(join(REPO, linked), join(dir, linked));
  }
  seedStore(join(dir, "data", "ops-agent.db"));
  // `ops-agent …` as installed (npm install -g .): a bash function that runs the built bundle.
  const script = (command: string) => ["-c", `ops-agent() { node "${CLI}" "$@"; }\n${command}`];
  const environment = (env: NodeJS.ProcessEnv) => ({
    ...process.env,
    LANG: "C.UTF-8",
    LC_ALL: "",
    LC_MESSAGES: "",
    OPS_AGENT_CONFIG: "",
    ...env,
  });
  return {
    dir,
    run(command, env = {}) {
      const result = spawnSync("bash", script(command), {
        cwd: dir,
        encoding: "utf8",
        env: environment(env),
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    runAsync(command, { env = {}, input = "" } = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn("bash", script(command), { cwd: dir, env: environment(env) });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
        child.stdin.end(input);
      });
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function seedStore(path: string): void {
  const clock = systemClock;
  const store = SqliteStore.open({ path, clock, timeZone: "Asia/Shanghai", role: "agent" });
  try {
    const random = prng(20);
    const targets = PLATFORMS.map((name) => ({ key: `http:${name}`, kind: "endpoint" as const, name }));
    const now = clock.now().getTime();
    for (let minute = 180; minute > 0; minute--) {
      const time = new Date(now - minute * 60_000);
      store.writeSamples("platforms", probeBatch(targets, time, random), time);
    }
    store.flushRollups();
    store.incidents.open(
      {
        source: "probe",
        sourceKey: "platforms/http:ecard",
        subject: "ecard",
        category: "platform",
        priority: "P2",
        title: "ecard: HTTP 502",
        target: "ecard",
        startedAt: new Date(now - 90 * 60_000),
      },
      "agent",
    );
  } finally {
    store.close();
  }
}
