/**
 * Files the agent and people share (the built CLI, as root and as another user):
 *
 * - with a shell umask of 000, the database (and its WAL), the data and reports folders, a report
 *   and a form export are still created 0640 / 0750: the group reads them, other users do not;
 * - `report` and `form export` into a folder this user cannot write print one line naming the
 *   folder, the error code and the fix, exit 1, and no stack trace. "Another user" is uid/gid
 *   65534 (nobody) through setpriv(1) — as root every permission check would pass.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, writeConfig } from "../helpers/agent-process.js";
import { findPeer } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";

const NOBODY = 65534;
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(4, "0");

function cli(args: string[], options: { umask?: string; asNobody?: boolean } = {}) {
  const node = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(" ");
  const command = options.umask === undefined ? `exec ${node}` : `umask ${options.umask} && exec ${node}`;
  const argv = options.asNobody
    ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "sh", "-c", command]
    : ["sh", "-c", command];
  return spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8" });
}

describe("files people and the agent share", () => {
  it("are created 0640 and folders 0750 whatever the umask", () => {
    const dir = tempDir();
    const config = writeConfig(dir, 1, "  []\n");
    const report = cli(["report", "--month", "2025-10", "--format", "md,html", "--config", config], {
      umask: "000",
    });
    expect(report.status, report.stderr).toBe(0);
    const exp = cli(["form", "export", "--period", "2025", "--format", "csv", "--config", config], {
      umask: "000",
    });
    expect(exp.status, exp.stderr).toBe(0);
    const data = join(dir, "data");
    expect(mode(data)).toBe("0750");
    expect(mode(join(data, "reports"))).toBe("0750");
    const files = readdirSync(data).filter((f) => f.startsWith("ops-agent.db"));
    expect(files).toContain("ops-agent.db");
    for (const f of files) expect([f, mode(join(data, f))]).toEqual([f, "0640"]);
    const documents = readdirSync(join(data, "reports"));
    expect(documents).toHaveLength(3);
    for (const f of documents) expect([f, mode(join(data, "reports", f))]).toEqual([f, "0640"]);
  });

  it("report and form export into a folder this user cannot write: one line with the folder and the fix", (ctx) => {
    if (findPeer("setpriv", "util-linux") === undefined || process.getuid?.() !== 0) return ctx.skip();
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const config = writeConfig(dir, 1, "  []\n");
    const data = join(dir, "data");
    mkdirSync(data);
    chownSync(data, NOBODY, NOBODY);
    const locked = join(dir, "locked");
    mkdirSync(locked, { mode: 0o755 });
    for (const [args, what] of [
      [["report", "--month", "2025-10", "--format", "md", "--out", join(locked, "reports")], "report"],
      [["form", "export", "--period", "2025", "--format", "csv", "--out", locked], "form export"],
    ] as const) {
      const run = cli([...args, "--config", config], { asNobody: true });
      expect(run.status, run.stderr).toBe(1);
      const lines = run.stderr.trim().split("\n");
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^${what}: cannot write in ${locked}.* \\(EACCES\\): permission denied: `),
      );
      expect(lines[0]).toMatch(/--out/);
    }
    expect(readdirSync(locked)).toEqual([]);
  });
});
