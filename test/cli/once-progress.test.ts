/**
 * `ops-agent once --collector NAME`: only that collector, a progress line per collector (in Chinese
 * where the locale is Chinese; on a real terminal, and none when stderr is not one), unknown names
 * refused.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { onceCommand } from "../../agent/cli/once.js";
import { tempDir } from "../helpers/tmp.js";
import { CLI } from "../helpers/cli-world.js";

afterEach(() => vi.restoreAllMocks());

function config(dir: string): string {
  const path = join(dir, "config.yaml");
  writeFileSync(
    path,
    `site: t\ndata_dir: ${join(dir, "data")}\ncollectors:\n  - type: host\n  - type: http\n    name: web\n` +
      `    targets:\n      - { name: closed-port, url: "http://127.0.0.1:9/" }\n`,
  );
  return path;
}

describe("once", () => {
  it("runs only the named collector and writes a progress line per collector", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const progress = new PassThrough();
    let written = "";
    progress.on("data", (d: Buffer) => (written += d.toString()));
    expect(await onceCommand(config(tempDir()), { collector: ["host"], progress, chinese: false })).toBe(0);
    expect(written).toMatch(/^running 1 collector\(s\): host\n\[1\/1\] host: ok, \d+ samples in \d+ ms\n$/);
    const printed = log.mock.calls.map((c) => String(c[0])).join("\n");
    expect(printed).toContain("host_uptime_seconds");
    expect(printed).not.toContain("closed-port");
  });

  it("writes the progress lines in Chinese for a Chinese reader", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const progress = new PassThrough();
    let written = "";
    progress.on("data", (d: Buffer) => (written += d.toString()));
    expect(await onceCommand(config(tempDir()), { progress, chinese: true })).toBe(0);
    const lines = written.split("\n");
    expect(lines[0]).toBe("运行 2 个采集器：host、web");
    const byName = (line: string) => line.replace(/^\[\d\/2\] /, "");
    expect(lines.slice(1, 3).sort((a, b) => byName(a).localeCompare(byName(b)))).toEqual([
      expect.stringMatching(/^\[\d\/2\] host：正常，\d+ 个样本，用时 \d+ 毫秒$/),
      expect.stringMatching(/^\[\d\/2\] web：正常，\d+ 个样本，用时 \d+ 毫秒$/),
    ]);
  });

  it("the built CLI on a terminal (script's pty) under LANG=zh_CN.UTF-8: Chinese progress; piped: none", (ctx) => {
    if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
    if (spawnSync("script", ["--version"]).status !== 0) return ctx.skip("script (util-linux) not installed");
    const path = config(tempDir());
    const env = { ...process.env, LANG: "zh_CN.UTF-8", LC_ALL: "", LC_MESSAGES: "" };
    const command = `${process.execPath} ${CLI} once --collector host -c ${path}`;
    const tty = spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", env });
    expect(tty.status, tty.stdout).toBe(0);
    const screen = tty.stdout.replaceAll("\r", "");
    expect(screen).toContain("运行 1 个采集器：host\n");
    expect(screen).toMatch(/\n\[1\/1\] host：正常，\d+ 个样本，用时 \d+ 毫秒\n/);
    expect(screen).toContain("host_uptime_seconds");
    const piped = spawnSync(process.execPath, [CLI, "once", "--collector", "host", "-c", path], {
      encoding: "utf8",
      env,
    });
    expect(piped.status).toBe(0);
    expect(piped.stderr).not.toContain("采集器");
    expect(piped.stdout).toContain("host_uptime_seconds");
  });

  it("refuses an unknown collector with the nearest name (exit 78)", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await onceCommand(config(tempDir()), { collector: ["hots"] })).toBe(78);
    expect(error.mock.calls.map((c) => String(c[0])).join("\n")).toBe(
      'once: --collector: no enabled collector named "hots"; did you mean "host"? (collectors: host, web)',
    );
  });
});
