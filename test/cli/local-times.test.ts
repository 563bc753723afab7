/**
 * Issue 18 point 10: every time a person reads in the CLI's human output is in the configured
 * zone with its offset, never a UTC "…Z" string; --json prints ISO 8601 with the offset too.
 * The commands run as built (dist/) on a seeded store with a record, a maintenance window, a
 * report and an acknowledged incident.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isoWithOffset, localDateTimeWithOffset, parseLocalDateTime } from "../../agent/local-time.js";
import { makeCliWorld, type CliWorld } from "../helpers/cli-world.js";

const UTC_TIME = /\d{2}:\d{2}(:\d{2})?(\.\d+)?Z/;
const GUARD_MS = 10 * 60_000; // a guard against a hung command, not a performance bound

describe("local-time formatters", () => {
  it("print the zone's local time with its offset", () => {
    const at = new Date("2026-11-30T06:05:07Z");
    expect(localDateTimeWithOffset(at, "Asia/Shanghai")).toBe("2026-11-30 14:05 +08:00");
    expect(isoWithOffset(at, "Asia/Shanghai")).toBe("2026-11-30T14:05:07+08:00");
    expect(localDateTimeWithOffset(at, "UTC")).toBe("2026-11-30 06:05 +00:00");
    expect(isoWithOffset(at, "America/New_York")).toBe("2026-11-30T01:05:07-05:00");
    expect(localDateTimeWithOffset(at, "Asia/Kolkata")).toBe("2026-11-30 11:35 +05:30");
    // The HTTP API, the webhook and /healthz keep the milliseconds: exactly toISOString()'s instant.
    const precise = new Date("2026-11-30T06:05:07.045Z");
    expect(isoWithOffset(precise, "Asia/Shanghai", "milliseconds")).toBe("2026-11-30T14:05:07.045+08:00");
    expect(isoWithOffset(at, "UTC", "milliseconds")).toBe("2026-11-30T06:05:07.000+00:00");
    expect(Date.parse(isoWithOffset(precise, "America/New_York", "milliseconds"))).toBe(precise.getTime());
  });

  it("read a typed local time in the zone, and a time with an offset as written", () => {
    expect(parseLocalDateTime("2026-12-05 22:00", "Asia/Shanghai")).toEqual(
      new Date("2026-12-05T22:00:00+08:00"),
    );
    expect(parseLocalDateTime("2026-12-05T22:00:30", "Asia/Shanghai")).toEqual(
      new Date("2026-12-05T22:00:30+08:00"),
    );
    expect(parseLocalDateTime("2026-12-05T22:00:00Z", "Asia/Shanghai")).toEqual(
      new Date("2026-12-05T22:00:00Z"),
    );
    expect(parseLocalDateTime("2026-07-01 12:00", "Europe/Berlin")).toEqual(
      new Date("2026-07-01T12:00:00+02:00"),
    );
    expect(parseLocalDateTime("2026-02-30 22:00", "Asia/Shanghai")).toBeUndefined();
    expect(parseLocalDateTime("tomorrow", "Asia/Shanghai")).toBeUndefined();
  });
});

describe("the CLI's times", () => {
  let world: CliWorld;
  beforeAll(() => {
    world = makeCliWorld();
    for (const setup of [
      "ops-agent record ecard_equipment_overhauls 1",
      'ops-agent maintenance add upgrade --start "2026-12-12 22:00" --end "2026-12-13 01:00"',
      "ops-agent incident ack 1 --by 张工",
      "ops-agent report --format md --out reports",
    ]) {
      const result = world.run(setup);
      expect(result.status, `${setup}: ${result.stderr}`).toBe(0);
    }
  }, GUARD_MS);
  afterAll(() => world?.remove());

  it("human output shows local times with their offset and no UTC …Z", { timeout: GUARD_MS }, () => {
    const outputs = new Map<string, string>();
    for (const command of [
      "ops-agent kpi",
      "ops-agent record --list",
      "ops-agent maintenance list",
      "ops-agent incident list",
      "ops-agent incident show 1",
      "ops-agent incident timeliness",
      "ops-agent report --list",
      "ops-agent availability",
    ]) {
      const result = world.run(command);
      expect(result.status, `${command}: ${result.stderr}`).toBe(0);
      expect(`${command}\n${result.stdout}${result.stderr}`).not.toMatch(UTC_TIME);
      outputs.set(command, result.stdout);
    }
    const withOffset = /\d{4}-\d{2}-\d{2} \d{2}:\d{2} \+08:00/;
    for (const command of [
      "ops-agent maintenance list",
      "ops-agent incident list",
      "ops-agent incident show 1",
      "ops-agent report --list",
    ])
      expect(outputs.get(command), command).toMatch(withOffset);
    expect(outputs.get("ops-agent maintenance list")).toContain(
      "2026-12-12 22:00 +08:00 – 2026-12-13 01:00 +08:00",
    );
  });

  it("--json prints ISO 8601 with the offset, never …Z", { timeout: GUARD_MS }, () => {
    for (const command of [
      "ops-agent kpi --json",
      "ops-agent record --list --json",
      "ops-agent maintenance list --json",
      "ops-agent incident list --json",
      "ops-agent incident show 1 --json",
      "ops-agent incident timeliness --json",
      "ops-agent report --list --json",
      "ops-agent availability --json",
    ]) {
      const result = world.run(command);
      expect(result.status, `${command}: ${result.stderr}`).toBe(0);
      expect(result.stdout, command).not.toMatch(UTC_TIME);
    }
  });
});
