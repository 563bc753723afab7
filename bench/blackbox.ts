/**
 * prometheus-blackbox-exporter as a benchmark's baseline (bench/icmp-scale.ts, bench/http-scale.ts):
 * started as a child on a free loopback port with the modules the benchmark gives, waited for until
 * /-/healthy answers, stopped with SIGTERM (SIGKILL after 5 s). Its CPU is read from /proc/<pid>/stat
 * by the benchmark.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { envWithoutProxies, keepTail, stopChild, type Child } from "./loopback-targets.js";
import { freePort } from "./rss.js";

export interface Blackbox extends Child {
  port: number;
  dir: string;
}

/** Starts the exporter at `path` with `modules`: the YAML lines under its config's `modules:` key. */
export async function startBlackbox(path: string, modules: readonly string[]): Promise<Blackbox> {
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-bench-bbe-"));
  const config = join(dir, "blackbox.yml");
  writeFileSync(config, ["modules:", ...modules, ""].join("\n"));
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(path, [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", "pipe"],
    env: envWithoutProxies(),
  });
  child.stdout?.setEncoding("utf8").on("data", keepTail(output));
  child.stderr?.setEncoding("utf8").on("data", keepTail(output));
  const bbe: Blackbox = { child, output, port, dir };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`blackbox exporter exited: ${output.join("").slice(-500)}`);
    }
    if (Date.now() - started > 15_000) {
      await stopBlackbox(bbe);
      throw new Error("blackbox exporter did not answer /-/healthy within 15 s");
    }
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/-/healthy`, { signal: AbortSignal.timeout(1000) });
      await answer.arrayBuffer();
      if (answer.ok) break;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  return bbe;
}

export async function stopBlackbox(bbe: Blackbox): Promise<void> {
  await stopChild(bbe);
  rmSync(bbe.dir, { recursive: true, force: true });
}
