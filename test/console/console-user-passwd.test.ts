/**
 * `ops-agent user passwd NAME --role ROLE` (the built CLI, password on stdin as a script gives it):
 * the entry it prints, pasted into the config's console.users, logs that person in through the
 * console of a real agent with that role; the password itself is printed nowhere.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../agent/console/password.js";
import { CLI } from "../helpers/agent-process.js";
import { ConsoleClient, startConsoleAgent, type ConsoleAgent } from "./console-agent.js";

const SECRET = "财务处 budget 2026 口令";

function passwd(args: string[], input: string) {
  return spawnSync(process.execPath, [CLI, "user", "passwd", ...args], { input, encoding: "utf8" });
}

describe("ops-agent user passwd", () => {
  let entry = "";
  let running: ConsoleAgent;
  beforeAll(async () => {
    const run = passwd(["zhang.san", "--role", "recorder"], `${SECRET}\n`);
    expect(run.status, run.stderr).toBe(0);
    entry = run.stdout;
    // The entry as printed, pasted under the config's users list (whose items this test config
    // indents by four spaces, two more than the printed entry's `users:` at two).
    running = await startConsoleAgent(
      "ops-agent-console-passwd-",
      "  []\n",
      "",
      `${entry.trimEnd().replace(/^/gm, "  ")}\n`,
    );
  }, 60_000);
  afterAll(async () => running?.stop());

  it("prints a user entry with a scrypt hash line, never the password", async () => {
    const lines = entry.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe("  - name: zhang.san");
    expect(lines[1]).toBe("    role: recorder");
    const hash = /^ {4}password_hash: "(scrypt\$8192\$8\$10\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43})"$/.exec(
      lines[2] ?? "",
    )?.[1];
    expect(hash).toBeDefined();
    expect(await verifyPassword(SECRET, hash ?? "")).toBe(true);
    expect(await verifyPassword(`${SECRET}x`, hash ?? "")).toBe(false);
    expect(entry).not.toContain(SECRET);
    // A fresh salt each time: the same password never gives the same line.
    expect(passwd(["zhang.san", "--role", "recorder"], `${SECRET}\n`).stdout).not.toBe(entry);
  });

  it("the printed entry logs in through the console with its role; a wrong password does not", async () => {
    const client = new ConsoleClient(running.base);
    const ok = await client.login("zhang.san", SECRET);
    expect(ok.status).toBe(303);
    expect((await client.get("/records")).status).toBe(200);
    // A recorder records, and may not add a maintenance window.
    const csrf = await client.csrf("/records/news_posts");
    expect((await client.post("/records/news_posts", { csrf, value: "12条" })).status).toBe(303);
    expect(
      (
        await client.post("/platform/maintenance", {
          csrf,
          name: "x",
          start: "2030-01-01T00:00",
          end: "2030-01-01T01:00",
        })
      ).status,
    ).toBe(403);
    expect((await new ConsoleClient(running.base).login("zhang.san", "not the password")).status).toBe(401);
    expect(running.agent.output()).not.toContain(SECRET);
  });

  it("refuses a short password, an unknown role and a bad name (exit 78), printing no entry", () => {
    const cases: { args: string[]; input: string; error: string }[] = [
      { args: ["li", "--role", "viewer"], input: "short\n", error: "use at least 10" },
      { args: ["li", "--role", "root"], input: `${SECRET}\n`, error: "--role: expected one of viewer" },
      { args: ["li si", "--role", "viewer"], input: `${SECRET}\n`, error: "NAME: expected a login name" },
    ];
    for (const c of cases) {
      const run = passwd(c.args, c.input);
      expect(run.status, c.args.join(" ")).toBe(78);
      expect(run.stderr).toContain(c.error);
      expect(run.stdout).toBe("");
    }
  });
});
