/** The `backup:` section: its defaults, and every bad value named with its field, value and fix. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfigFile } from "../../config/load.js";
import { backupDirectory } from "../../agent/backup/paths.js";
import { tempDir } from "../helpers/tmp.js";

function load(yaml: string) {
  const path = join(tempDir(), "config.yaml");
  writeFileSync(path, yaml);
  return loadConfigFile(path, { secrets: "defer" });
}

describe("config backup:", () => {
  it("is off by default: 03:00 daily, 14 copies, in <data_dir>/backups", () => {
    const result = load("data_dir: /var/lib/ops-agent\n");
    if (!result.ok) throw new Error(result.errors.join("\n"));
    expect(result.config.backup).toEqual({ enabled: false, schedule: "0 3 * * *", keep: 14 });
    expect(backupDirectory(result.config)).toBe("/var/lib/ops-agent/backups");
  });

  it("names each bad field, its value and what is expected", () => {
    const result = load(
      'backup:\n  enabled: yes please\n  keep: 0\n  schedule: daily\n  dir: ""\n  every: 1d\n',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      'backup.enabled: expected true or false, got "yes please"',
      'backup.schedule: expected a cron expression like "0 3 * * *" (03:00 every day), got "daily"',
      'backup.dir: expected at least 1, got ""',
      "backup.keep: expected at least 1, got 0",
      "backup.every: unknown option; remove it or correct its spelling (config/example.yaml lists every option)",
    ]);
    const fractional = load("backup:\n  keep: 2.5\n");
    expect(fractional.ok ? [] : fractional.errors).toEqual([
      "backup.keep: expected a whole number of copies to keep, e.g. 14, got 2.5",
    ]);
  });
});
