/**
 * `ops-agent kpi` as an operator types it (the built CLI in a temporary checkout, issue 20 point
 * 3): without --period it is this year so far, in the centre's calendar (Asia/Shanghai), the same
 * period as `--period <this year>`; `kpi --keys` lists every row's key (what `record` takes) beside
 * its Chinese name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCliWorld, type CliWorld } from "../helpers/cli-world.js";

let world: CliWorld;
beforeAll(() => {
  world = makeCliWorld();
}, 60_000);
afterAll(() => world?.remove());

/** This year in the config's zone (config/default.yaml: Asia/Shanghai), as the test sees the clock. */
const thisYear = () =>
  Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));

interface Period {
  label: string;
  kind: string;
  year: number;
  from: number;
  running: boolean;
  to: number;
  from_time: string;
  to_time: string;
}

describe("ops-agent kpi", { timeout: 60_000 }, () => {
  it("without --period: this year so far, the same period as --period <this year>", () => {
    const year = thisYear();
    const human = world.run("ops-agent kpi");
    // Exit 1 only when an automatic indicator is not met; the output is what is checked here.
    expect([0, 1], human.stderr).toContain(human.status);
    expect(human.stdout.split("\n")[0]).toBe(`${year} (so far)`);
    expect(human.stdout).toContain("指标 INDICATOR");

    const json = world.run("ops-agent kpi --json");
    const period = (JSON.parse(json.stdout) as { period: Period }).period;
    expect(period).toMatchObject({ label: String(year), kind: "year", year, running: true });
    // 1 January, 00:00 in Asia/Shanghai (+08:00).
    expect(period.from).toBe(Date.UTC(year, 0, 1, -8) / 1000);
    const explicit = world.run(`ops-agent kpi --json --period ${year}`);
    const named = (JSON.parse(explicit.stdout) as { period: Period }).period;
    // `to` (and to_time) is the moment each command ran: the two runs may be a second apart.
    expect({ ...named, to: undefined, to_time: undefined }).toEqual({
      ...period,
      to: undefined,
      to_time: undefined,
    });
    expect(period.from_time).toBe(`${year}-01-01T00:00:00+08:00`);
    expect(new Date(period.to_time).getTime()).toBe(period.to * 1000);
  });

  it("--keys: every row's key beside its Chinese name (record takes either)", () => {
    const table = world.run("ops-agent kpi --keys");
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^KEY +指标 INDICATOR +SOURCE +TARGET$/);
    expect(table.stdout).toMatch(/\necard_equipment_overhauls +设备检修 +manual +=4次\n/);
    const json = world.run("ops-agent kpi --keys --json");
    const rows = JSON.parse(json.stdout) as { key: string; name: string; source: string }[];
    expect(rows).toHaveLength(63);
    expect(new Set(rows.map((r) => r.key)).size).toBe(63);
    for (const row of rows) {
      expect(row.key).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(row.name).toMatch(/[\u4e00-\u9fff]/);
      expect(table.stdout).toContain(row.key);
    }
  });
});
