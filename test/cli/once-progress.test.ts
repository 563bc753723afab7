/** `ops-agent once --collector NAME`: only that collector, a progress line per collector, unknown names refused. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { onceCommand } from "../../agent/cli/once.js";
import { tempDir } from "../helpers/tmp.js";

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
    expect(await onceCommand(config(tempDir()), { collector: ["host"], progress })).toBe(0);
    expect(written).toMatch(/^running 1 collector\(s\): host\n\[1\/1\] host: ok, \d+ samples in \d+ ms\n$/);
    const printed = log.mock.calls.map((c) => String(c[0])).join("\n");
    expect(printed).toContain("host_uptime_seconds");
    expect(printed).not.toContain("closed-port");
  });

  it("refuses an unknown collector with the nearest name (exit 78)", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await onceCommand(config(tempDir()), { collector: ["hots"] })).toBe(78);
    expect(error.mock.calls.map((c) => String(c[0])).join("\n")).toBe(
      'once: --collector: no enabled collector named "hots"; did you mean "host"? (collectors: host, web)',
    );
  });
});
