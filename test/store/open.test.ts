import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { openSync, readFileSync, writeFileSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { ManualClock } from "../../agent/clock.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { tempDir } from "../helpers/tmp.js";
import { probeBatch, prng, target } from "../helpers/samples.js";

const START = new Date("2026-03-01T00:00:00+08:00");
const open = (path: string, role: "agent" | "reader" = "agent") =>
  SqliteStore.open({ path, clock: new ManualClock(START), timeZone: "Asia/Shanghai", role });
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("opening the store", () => {
  it("lets one agent hold a database; a second agent is told who holds it; readers still open it", () => {
    const path = join(tempDir(), "agent.db");
    const first = open(path);
    expect(() => open(path)).toThrow(
      new RegExp(
        `^database ${path} is in use by another ops-agent \\(pid ${process.pid} on .* since 2026-03-01 00:00 \\+08:00\\)\\. Stop that agent first`,
      ),
    );
    const reader = open(path, "reader");
    expect(reader.listTargets()).toEqual([]);
    reader.close();
    first.close();
    open(path).close(); // released on close
  });

  it("names the directory and the fix when the data directory cannot be used", () => {
    const dir = tempDir();
    const file = join(dir, "not-a-dir");
    writeFileSync(file, "x");
    expect(() => open(join(file, "agent.db"))).toThrow(
      `data directory ${file} is not usable: EEXIST: file already exists, mkdir '${file}'. Create it and make it writable by the agent's user, or set data_dir (or store.path) to a writable place.`,
    );
  });

  it("refuses a file that is not a database and leaves it unchanged", () => {
    const path = join(tempDir(), "agent.db");
    writeFileSync(path, "this is a text file, not a database\n".repeat(200));
    const before = sha(path);
    expect(() => open(path)).toThrow(`${path} is not an SQLite database (SQLITE_NOTADB).`);
    expect(sha(path)).toBe(before);
  });

  it("reports a failed integrity check clearly and leaves the file unchanged", () => {
    const path = join(tempDir(), "agent.db");
    const store = open(path);
    const random = prng(5);
    for (let i = 0; i < 200; i++)
      store.writeSamples("http", probeBatch(20, new Date(START.getTime() + i * 60_000), random), START);
    store.close();
    // Checkpointed and closed: the data is in the main file. Scribble over the headers of pages 4–12.
    const fd = openSync(path, "r+");
    for (let page = 3; page < 12; page++) writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, page * 4096);
    closeSync(fd);
    const before = sha(path);
    expect(() => open(path)).toThrow(/^database .*agent\.db (failed PRAGMA integrity_check|is corrupt)/);
    expect(sha(path)).toBe(before);
  });

  it("after a crash (kill -9) the lock is free and the rollups are rebuilt: every committed sample counted once", () => {
    const path = join(tempDir(), "agent.db");
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "test/fixtures/crash-writer.ts", path, "150"],
      {
        encoding: "utf8",
      },
    );
    expect(result.signal).toBe("SIGKILL");
    expect(result.stdout).toBe("written\n");
    const store = open(path);
    const hours = store.queryRollups({ resolution: "hour", from: 0, to: 2e9, metric: "http_probe_up" });
    const days = store.queryRollups({ resolution: "day", from: 0, to: 2e9, metric: "http_probe_up" });
    expect(hours.reduce((a, r) => a + r.n, 0)).toBe(150 * 20);
    expect(days.reduce((a, r) => a + r.n, 0)).toBe(150 * 20);
    const [s] = store.listSeries("http_probe_up");
    expect(store.querySamples(s!.seriesId, 0, 2e9)).toHaveLength(150);
    store.writeSamples(
      "http",
      [{ target: target(0), metric: "http_probe_up", value: 1, up: true }],
      new Date(START.getTime() + 151 * 60_000),
    );
    store.close();
    const again = open(path);
    expect(
      again
        .queryRollups({ resolution: "day", from: 0, to: 2e9, metric: "http_probe_up" })
        .reduce((a, r) => a + r.n, 0),
    ).toBe(150 * 20 + 1);
    again.close();
  }, 30_000);
});
