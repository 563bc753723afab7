import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { targetsCheckCommand, targetsImportCommand } from "../../agent/cli/targets.js";
import { loadTargets } from "../../agent/form/targets-file.js";
import { tempDir } from "../helpers/tmp.js";
import { FORM_PATH, FORM_TEXT, TARGETS_2026_PATH } from "./form-file.js";

let log: MockInstance;
let error: MockInstance;
const printed = (spy: MockInstance) => spy.mock.calls.map((c) => String(c[0])).join("\n");

beforeEach(() => {
  log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  error = vi.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe("targets import", () => {
  it("writes a targets file the loader accepts, the year taken from the form", () => {
    const dir = tempDir();
    const out = join(dir, "targets.yaml");
    expect(targetsImportCommand(FORM_PATH, { out })).toBe(0);
    expect(printed(log)).toContain(
      `wrote ${out}: 63 rows (8 decision, 24 process, 24 output, 5 outcome, 2 satisfaction)`,
    );
    const loaded = loadTargets(out);
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    expect(loaded.year).toBe(2026);
    expect(loaded.indicators).toHaveLength(63);
    expect(readdirSync(dir)).toEqual(["targets.yaml"]);
  });

  it("refuses to overwrite without --force, overwrites with it", () => {
    const dir = tempDir();
    const out = join(dir, "targets.yaml");
    writeFileSync(out, "keep me\n");
    expect(targetsImportCommand(FORM_PATH, { out })).toBe(1);
    expect(printed(error)).toContain("already exists; pass --force");
    expect(readFileSync(out, "utf8")).toBe("keep me\n");
    expect(targetsImportCommand(FORM_PATH, { out, force: true, year: 2027 })).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("year: 2027");
    expect(readdirSync(dir)).toEqual(["targets.yaml"]);
  });

  it("rejects a malformed export with line numbers (exit 78) and writes nothing", () => {
    const dir = tempDir();
    const form = join(dir, "form.txt");
    writeFileSync(form, FORM_TEXT.replace("设备检修\t=2次\t=4次", "设备检修\t=2次"));
    const out = join(dir, "targets.yaml");
    writeFileSync(out, "keep me\n");
    expect(targetsImportCommand(form, { out, force: true })).toBe(78);
    expect(printed(error)).toContain(`${form}:107: expected 3 tab-separated cells`);
    expect(printed(error)).toContain("nothing written");
    expect(readFileSync(out, "utf8")).toBe("keep me\n");
    expect(targetsImportCommand(form, { out: join(dir, "new.yaml") })).toBe(78);
    expect(existsSync(join(dir, "new.yaml"))).toBe(false);
  });

  it("rejects a bad --year and an unreadable file", () => {
    expect(targetsImportCommand(FORM_PATH, { out: join(tempDir(), "t.yaml"), year: 26 })).toBe(78);
    expect(targetsImportCommand(join(tempDir(), "missing.txt"), {})).toBe(66);
  });
});

describe("targets check", () => {
  it("accepts config/targets-2026.yaml", () => {
    expect(targetsCheckCommand(TARGETS_2026_PATH)).toBe(0);
    expect(printed(log)).toContain(
      "63 indicators (8 decision, 24 process, 24 output, 5 outcome, 2 satisfaction); 6 measured",
    );
  });

  it("prints every error with its line and exits 78", () => {
    const path = join(tempDir(), "t.yaml");
    writeFileSync(path, readFileSync(TARGETS_2026_PATH, "utf8").replace('half: "=253个"', 'half: "=253台"'));
    expect(targetsCheckCommand(path)).toBe(78);
    expect(printed(error)).toMatch(
      /^.*t\.yaml: 1 error\n {2}line \d+: indicators\[42\] \(vm_count\) half: unknown unit "台"/,
    );
  });
});
