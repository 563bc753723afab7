import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { incidentTimeliness } from "../../agent/incidents/timeliness-report.js";
import { timelinessRule } from "../../agent/incidents/sla.js";
import type { Category, Priority } from "../../agent/incidents/types.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { incidentsSchema } from "../../config/incidents.js";
import { tempDir } from "../helpers/tmp.js";

const TZ = "Asia/Shanghai";
const NOW = new Date("2026-03-15T12:00:00+08:00");
const SLA = incidentsSchema.parse({}).sla;

function seeded() {
  const store = SqliteStore.open({
    path: join(tempDir(), "agent.db"),
    clock: new ManualClock(NOW),
    timeZone: TZ,
    role: "agent",
  });
  onTestFinished(() => store.close());
  const incidents = store.incidents;
  let n = 0;
  const add = (category: Category, priority: Priority, start: string, ackAfterMin?: number) => {
    const startedAt = new Date(start);
    const { id } = incidents.open(
      {
        source: "ticket",
        sourceKey: `T-${++n}`,
        subject: `T-${n}`,
        category,
        priority,
        title: "t",
        target: "x",
        startedAt,
      },
      "ticket import",
    );
    if (ackAfterMin !== undefined)
      incidents.acknowledge(id, "op", new Date(startedAt.getTime() + ackAfterMin * 60_000));
  };
  add("platform", "P1", "2026-02-28T23:59:59+08:00", 60); // February (local): outside the month, late
  add("platform", "P1", "2026-03-01T00:00:00+08:00", 5); // first instant of March: within
  add("videoconf", "P1", "2026-03-10T10:00:00+08:00", 20); // late
  add("machine_room", "P2", "2026-03-15T11:55:00+08:00"); // unanswered 5 min: pending
  add("antivirus", "P1", "2026-03-15T12:30:00+08:00"); // after now: outside
  return incidents;
}

describe("incidentTimeliness", () => {
  it("the month window runs from the local first of the month to now", () => {
    const report = incidentTimeliness(seeded(), SLA, NOW, TZ, "month");
    expect(report).toMatchObject({
      window: "month",
      from: "2026-03-01T00:00:00+08:00",
      to: "2026-03-15T12:00:00+08:00",
      rule: timelinessRule(SLA),
    });
    const byCategory = Object.fromEntries(report.categories.map((r) => [r.category, r]));
    expect(byCategory.platform).toMatchObject({ incidents: 1, within: 1, late: 0, share: 1, timely: true });
    expect(byCategory.videoconf).toMatchObject({ incidents: 1, within: 0, late: 1, share: 0, timely: false });
    expect(byCategory.machine_room).toMatchObject({ incidents: 1, pending: 1, share: null, noData: true });
    expect(byCategory.antivirus).toMatchObject({ incidents: 0, noData: true, timely: true });
    expect(byCategory.all).toMatchObject({
      incidents: 3,
      within: 1,
      late: 1,
      pending: 1,
      share: 0.5,
      timely: false,
    });
  });

  it("the year-to-date window takes February in as well", () => {
    const report = incidentTimeliness(seeded(), SLA, NOW, TZ, "year_to_date");
    expect(report.from).toBe("2026-01-01T00:00:00+08:00");
    const all = report.categories.find((r) => r.category === "all");
    expect(all).toMatchObject({ incidents: 4, within: 1, late: 2, pending: 1 });
  });
});
