import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backupFileName, backupInstant, listBackups } from "../../agent/backup/names.js";
import { localDateTimeWithOffset, utcOffset as zoneOffset } from "../../agent/local-time.js";
import { tempDir } from "../helpers/tmp.js";

const AT = new Date("2026-12-04T00:00:00Z");

describe("backup file names", () => {
  it("name a copy by its local time in the configured zone, with the offset", () => {
    expect(backupFileName(AT, "Asia/Shanghai")).toBe("ops-agent-2026-12-04T0800+0800.db");
    expect(backupFileName(AT, "UTC")).toBe("ops-agent-2026-12-04T0000+0000.db");
    expect(backupFileName(AT, "America/St_Johns")).toBe("ops-agent-2026-12-03T2030-0330.db");
    expect(zoneOffset(AT, "Asia/Kolkata")).toBe("+05:30");
    expect(localDateTimeWithOffset(AT, "Asia/Shanghai")).toBe("2026-12-04 08:00 +08:00");
  });

  it("read the instant back from the tool's names only", () => {
    for (const zone of ["Asia/Shanghai", "UTC", "America/St_Johns"])
      expect(backupInstant(backupFileName(AT, zone))?.toISOString()).toBe(AT.toISOString());
    for (const other of [
      "ops-agent.db",
      "ops-agent-2026-12-04.db",
      "ops-agent-2026-12-04T0800+0800.db.bak",
      ".ops-agent-2026-12-04T0800+0800.db.tmp-12",
      "my-ops-agent-2026-12-04T0800+0800.db",
    ])
      expect(backupInstant(other), other).toBeUndefined();
  });

  it("list a directory's copies newest first, by instant rather than by name", () => {
    const dir = tempDir();
    // 08:00 +08:00 is 00:00 UTC; 01:00 +00:00 is later although its name sorts first.
    for (const name of [
      "ops-agent-2026-12-04T0800+0800.db",
      "ops-agent-2026-12-04T0100+0000.db",
      "ops-agent-2026-12-03T0800+0800.db",
      "notes.txt",
    ])
      writeFileSync(join(dir, name), "");
    expect(listBackups(dir).map((c) => c.name)).toEqual([
      "ops-agent-2026-12-04T0100+0000.db",
      "ops-agent-2026-12-04T0800+0800.db",
      "ops-agent-2026-12-03T0800+0800.db",
    ]);
    expect(listBackups(join(dir, "missing"))).toEqual([]);
  });
});
