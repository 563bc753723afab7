/**
 * `ops-agent demo` (what `npm start` runs; the built bundle): it prints the console's address and
 * a one-time login, the address answers, and the printed password logs in — the first thing a
 * person who never used a terminal needs. The default config as shipped, on its own port and data
 * directory.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, freePort, waitFor } from "../helpers/agent-process.js";
import { tempDir } from "../helpers/tmp.js";
import { ConsoleClient } from "./console-agent.js";

const LINE = /控制台 console: (http:\/\/[^\s]+\/)\s+登录 login: (\S+)\s+一次性密码 one-time password: (\S+)/;

describe("ops-agent demo prints the console and a login that works", () => {
  it("prints the URL and a one-time password; the password logs in as the demo admin", async () => {
    const dir = tempDir();
    const port = await freePort();
    const config = join(dir, "default.yaml");
    writeFileSync(
      config,
      readFileSync("config/default.yaml", "utf8")
        .replaceAll("127.0.0.1:9464", `127.0.0.1:${port}`)
        .replace("data_dir: ./data", `data_dir: ${join(dir, "data")}`),
    );
    const child = spawn(process.execPath, [CLI, "demo", "--config", config], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const [, url, user, password] = await waitFor(
        async () => LINE.exec(output) ?? undefined,
        40_000,
        "the demo's console line",
      );
      expect(url).toBe(`http://127.0.0.1:${port}/`);
      expect(user).toBe("demo");
      const base = (url as string).replace(/\/$/, "");
      const stranger = new ConsoleClient(base);
      expect((await stranger.get("/")).status).toBe(303);
      expect((await stranger.login("demo", "not the printed one")).status).toBe(401);
      const client = new ConsoleClient(base);
      const login = await client.login(user as string, password as string);
      expect(login.status).toBe(303);
      const home = await client.get("/");
      expect(home.status).toBe(200);
      expect(home.body).toContain("总览");
      expect(home.body).toContain("演示管理员");
    } finally {
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  }, 90_000);
});
