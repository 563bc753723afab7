import { afterEach, describe, expect, it, vi } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock } from "../../agent/clock.js";
import {
  maintenanceAddCommand,
  maintenanceListCommand,
  maintenanceRemoveCommand,
  parseWindowArgs,
  type ListedWindow,
} from "../../agent/cli/maintenance.js";
import { DuplicateWindowError, SqliteStore } from "../../agent/store/sqlite.js";
import { tempDir } from "../helpers/tmp.js";

const START = new Date("2026-11-28T00:00:00+08:00");

function openStore(dir: string) {
  return SqliteStore.open({
    path: join(dir, "agent.db"),
    clock: new ManualClock(START),
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
}

describe("maintenance windows in the store", () => {
  it("adds, lists and removes windows; a name already taken is refused", () => {
    const store = openStore(tempDir());
    try {
      store.addMaintenanceWindow({
        name: "patching",
        applications: ["bigplatform", "ecard"],
        cron: "0 2 * * 6",
        durationMs: 7_200_000,
        note: "monthly patches",
        createdBy: "alice",
        createdAt: START,
      });
      store.addMaintenanceWindow({
        name: "migration",
        start: new Date("2026-12-05T22:00:00+08:00"),
        end: new Date("2026-12-06T02:00:00+08:00"),
        createdBy: "bob",
        createdAt: START,
      });
      expect(store.listMaintenanceWindows()).toEqual([
        {
          name: "migration",
          start: new Date("2026-12-05T22:00:00+08:00"),
          end: new Date("2026-12-06T02:00:00+08:00"),
          createdBy: "bob",
          createdAt: START,
        },
        {
          name: "patching",
          applications: ["bigplatform", "ecard"],
          cron: "0 2 * * 6",
          durationMs: 7_200_000,
          note: "monthly patches",
          createdBy: "alice",
          createdAt: START,
        },
      ]);
      expect(() =>
        store.addMaintenanceWindow({
          name: "patching",
          cron: "0 3 * * *",
          durationMs: 60_000,
          createdBy: "x",
          createdAt: START,
        }),
      ).toThrow(DuplicateWindowError);
      const removedAt = new Date("2026-11-29T10:00:00+08:00");
      expect(store.removeMaintenanceWindow("patching", "dave", removedAt)).toBe(true);
      expect(store.removeMaintenanceWindow("patching", "dave", removedAt)).toBe(false);
      expect(store.listMaintenanceWindows().map((w) => w.name)).toEqual(["migration"]);
      // Removal is recorded, not deleted: what, added by whom, removed by whom and when.
      expect(store.listRemovedMaintenanceWindows()).toEqual([
        expect.objectContaining({
          name: "patching",
          cron: "0 2 * * 6",
          createdBy: "alice",
          createdAt: START,
          removedBy: "dave",
          removedAt,
        }),
      ]);
      // The name is free again for a new window; both removals stay in the record.
      store.addMaintenanceWindow({
        name: "patching",
        cron: "0 3 * * 6",
        durationMs: 60_000,
        createdBy: "erin",
        createdAt: removedAt,
      });
      expect(store.listMaintenanceWindows().map((w) => [w.name, w.createdBy])).toEqual([
        ["migration", "bob"],
        ["patching", "erin"],
      ]);
      expect(store.removeMaintenanceWindow("patching", "frank", removedAt)).toBe(true);
      expect(store.listRemovedMaintenanceWindows().map((w) => [w.createdBy, w.removedBy])).toEqual([
        ["alice", "dave"],
        ["erin", "frank"],
      ]);
    } finally {
      store.close();
    }
  });
});

describe("ops-agent maintenance", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function captureOutput() {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void out.push(args.join(" ")));
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void err.push(args.join(" ")));
    return { out, err };
  }

  function writeTestConfig(dir: string): string {
    const path = join(dir, "config.yaml");
    writeFileSync(
      path,
      `site: t\ndata_dir: ${join(dir, "data")}\ncollectors:\n  - type: host\n  - type: http\n    name: web\n    targets:\n      - { name: ecard, url: "http://127.0.0.1:9/" }\nmaintenance:\n  - name: weekly\n    cron: "0 2 * * 6"\n    duration: 2h\n`,
    );
    return path;
  }

  it("validates like the config, naming each option, its value and what is expected", () => {
    expect(parseWindowArgs("w", { cron: "bad", duration: "2x" })).toEqual({
      ok: false,
      errors: [
        '--cron: expected a cron expression like "0 2 * * 6", got "bad"',
        '--duration: expected a duration like "10s", "5m" or "35d", got "2x"',
      ],
    });
    expect(parseWindowArgs("w", {})).toEqual({
      ok: false,
      errors: ["options: give either --cron and --duration (recurring) or --start and --end (one-off)"],
    });
    expect(parseWindowArgs("w", { cron: "0 2 * * 6" })).toEqual({
      ok: false,
      errors: ["options: a recurring window needs both --cron and --duration"],
    });
    const backwards = parseWindowArgs("w", {
      start: "2026-12-06T00:00:00+08:00",
      end: "2026-12-05T00:00:00+08:00",
    });
    expect(backwards.ok).toBe(false);
    expect(!backwards.ok && backwards.errors[0]).toMatch(
      /^--end: a one-off window needs --start and an --end after it/,
    );
    const noOffset = parseWindowArgs("w", { start: "2026-12-05 22:00", end: "2026-12-06T00:00:00+08:00" });
    expect(!noOffset.ok && noOffset.errors).toEqual([
      '--start: expected a time with its offset like "2026-12-05T22:00:00+08:00", got "2026-12-05 22:00"',
    ]);
    // With the config's zone, a local time without an offset is taken in that zone.
    expect(
      parseWindowArgs("w", { start: "2026-12-05 22:00", end: "2026-12-06T00:00" }, "Asia/Shanghai"),
    ).toEqual({
      ok: true,
      window: {
        name: "w",
        start: new Date("2026-12-05T22:00:00+08:00"),
        end: new Date("2026-12-06T00:00:00+08:00"),
      },
    });
    expect(parseWindowArgs("w", { cron: "0 2 * * 6", duration: "2h", application: ["ecard"] })).toEqual({
      ok: true,
      window: { name: "w", applications: ["ecard"], cron: "0 2 * * 6", durationMs: 7_200_000 },
    });
  });

  it("exits 78 on bad input, 1 on a duplicate name, and lists and removes windows", () => {
    const dir = tempDir();
    const config = writeTestConfig(dir);
    const io = captureOutput();
    expect(maintenanceAddCommand("w", { config, cron: "0 2 * * 6", duration: "10s" })).toBe(78);
    expect(io.err.join("\n")).toBe('maintenance add: 1 error\n  --duration: expected at least 1m, got "10s"');
    expect(
      maintenanceAddCommand("night", {
        config,
        cron: "0 1 * * *",
        duration: "1h",
        note: "backup",
        by: "carol",
      }),
    ).toBe(0);
    expect(
      maintenanceAddCommand("now", {
        config,
        start: new Date(Date.now() - 60_000).toISOString(),
        end: new Date(Date.now() + 3_600_000).toISOString(),
        application: ["ecard"],
      }),
    ).toBe(0);
    io.err.length = 0;
    // An application no collector probes covers nothing: refused with the nearest target's name.
    expect(
      maintenanceAddCommand("typo", { config, cron: "0 1 * * *", duration: "1h", application: ["ecrad"] }),
    ).toBe(78);
    expect(io.err.join("\n")).toBe(
      'maintenance add: 1 error\n  --application: no target named "ecrad" in the config; did you mean "ecard"? (targets: ecard)',
    );
    io.err.length = 0;
    expect(maintenanceAddCommand("night", { config, cron: "0 1 * * *", duration: "1h" })).toBe(1);
    expect(io.err[0]).toContain('a maintenance window named "night" already exists');
    expect(maintenanceAddCommand("weekly", { config, cron: "0 1 * * *", duration: "1h" })).toBe(1);
    expect(io.err[1]).toContain("already in the config file");

    io.out.length = 0;
    expect(maintenanceListCommand({ config, json: true })).toBe(0);
    const listed = JSON.parse(io.out.join("\n")) as ListedWindow[];
    expect(listed.map((w) => [w.name, w.source, w.applications, w.created_by, w.open_now])).toEqual([
      ["weekly", "config", null, null, expect.any(Boolean)],
      ["night", "cli", null, "carol", expect.any(Boolean)],
      ["now", "cli", ["ecard"], expect.any(String), true],
    ]);

    io.err.length = 0;
    expect(maintenanceRemoveCommand("weekly", { config })).toBe(1);
    expect(io.err[0]).toContain('"weekly" is defined in the config file');
    expect(maintenanceRemoveCommand("nothing", { config })).toBe(1);
    expect(io.err[1]).toContain('no maintenance window named "nothing"');
    expect(maintenanceRemoveCommand("night", { config, by: "dave" })).toBe(0);
    io.out.length = 0;
    expect(maintenanceListCommand({ config, json: true })).toBe(0);
    expect((JSON.parse(io.out.join("\n")) as ListedWindow[]).map((w) => w.name)).toEqual(["weekly", "now"]);
    // The removal is recorded with the same audit fields as the addition (who, when with offset).
    io.out.length = 0;
    expect(maintenanceListCommand({ config, json: true, removed: true })).toBe(0);
    expect(JSON.parse(io.out.join("\n"))).toEqual([
      {
        name: "night",
        created_by: "carol",
        created_at: expect.stringMatching(/\+08:00$/),
        removed_by: "dave",
        removed_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$/),
      },
    ]);
    io.out.length = 0;
    expect(maintenanceListCommand({ config, removed: true })).toBe(0);
    expect(io.out.join("\n")).toMatch(/night .*carol .*\+08:00 .*dave .*\+08:00/);
    // Times as people read them: the config's zone (default Asia/Shanghai) with the offset.
    io.out.length = 0;
    expect(maintenanceListCommand({ config })).toBe(0);
    expect(io.out.join("\n")).toMatch(
      /\d{4}-\d{2}-\d{2} \d{2}:\d{2} \+08:00 – \d{4}-\d{2}-\d{2} \d{2}:\d{2} \+08:00/,
    );
    expect(io.out.join("\n")).not.toMatch(/\d{2}:\d{2}(:\d{2})?(\.\d+)?Z/);
  });
});
