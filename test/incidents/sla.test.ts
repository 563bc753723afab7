import { describe, expect, it } from "vitest";
import { incidentsSchema } from "../../config/incidents.js";
import {
  judgeResponse,
  responseBoundMs,
  timeliness,
  timelinessRule,
  type SlaPolicy,
  type Timeliness,
  type Verdict,
} from "../../agent/incidents/sla.js";
import type { Category, Incident, Priority } from "../../agent/incidents/types.js";

const MIN = 60_000;
const T0 = new Date("2026-03-02T09:00:00+08:00").getTime();
const at = (minutes: number): Date => new Date(T0 + minutes * MIN);

/** The defaults: P1 15 min, P2 30 min, P3 2 h, P4 8 h, timely at 95 %. */
const DEFAULTS: SlaPolicy = incidentsSchema.parse({}).sla;
/** The same with the video conference's tighter P1 bound. */
const VC10: SlaPolicy = incidentsSchema.parse({ sla: { categories: { videoconf: { P1: "10m" } } } }).sla;

let nextId = 1;
interface Times {
  /** Minutes after T0. */
  start?: number;
  ack?: number;
  resolve?: number;
}
function incident(category: Category, priority: Priority, t: Times = {}): Incident {
  const start = t.start ?? 0;
  return {
    id: nextId++,
    source: "probe",
    sourceKey: `k${nextId}`,
    category,
    priority,
    title: "t",
    target: "x",
    startedAt: at(start),
    ...(t.ack === undefined ? {} : { acknowledgedAt: at(t.ack), acknowledgedBy: "op" }),
    ...(t.resolve === undefined ? {} : { resolvedAt: at(t.resolve), resolvedBy: "op" }),
    status: t.resolve !== undefined ? "resolved" : t.ack !== undefined ? "acknowledged" : "open",
  };
}

describe("the policy defaults", () => {
  it("are P1 15 min, P2 30 min, P3 2 h, P4 8 h, no category overrides, timely at 0.95", () => {
    expect(DEFAULTS).toEqual({
      response: { P1: 15 * MIN, P2: 30 * MIN, P3: 120 * MIN, P4: 480 * MIN },
      categories: {},
      timely_share: 0.95,
    });
  });

  it.each<[string, SlaPolicy, Category, Priority, number]>([
    ["default P1", DEFAULTS, "platform", "P1", 15 * MIN],
    ["default P2", DEFAULTS, "videoconf", "P2", 30 * MIN],
    ["default P3", DEFAULTS, "machine_room", "P3", 120 * MIN],
    ["default P4", DEFAULTS, "antivirus", "P4", 480 * MIN],
    ["videoconf P1 override", VC10, "videoconf", "P1", 10 * MIN],
    ["override only for its priority", VC10, "videoconf", "P2", 30 * MIN],
    ["override only for its category", VC10, "platform", "P1", 15 * MIN],
  ])("responseBoundMs: %s", (_name, policy, category, priority, expected) => {
    expect(responseBoundMs(policy, category, priority)).toBe(expected);
  });
});

describe("judgeResponse", () => {
  interface Case {
    name: string;
    policy: SlaPolicy;
    category: Category;
    priority: Priority;
    times: Times;
    /** Minutes after T0; the evaluation time. */
    asOf: number;
    verdict: Verdict;
    responseMs: number | undefined;
    resolutionMs: number | undefined;
    boundMs: number;
  }
  const cases: Case[] = [
    // P1, 15 min default bound
    {
      name: "P1 acknowledged well within (5 min)",
      policy: DEFAULTS,
      category: "platform",
      priority: "P1",
      times: { ack: 5 },
      asOf: 600,
      verdict: "within",
      responseMs: 5 * MIN,
      resolutionMs: undefined,
      boundMs: 15 * MIN,
    },
    {
      name: "P1 acknowledged exactly at the bound (15 min)",
      policy: DEFAULTS,
      category: "platform",
      priority: "P1",
      times: { ack: 15 },
      asOf: 600,
      verdict: "within",
      responseMs: 15 * MIN,
      resolutionMs: undefined,
      boundMs: 15 * MIN,
    },
    {
      name: "P1 acknowledged 1 ms over the bound",
      policy: DEFAULTS,
      category: "platform",
      priority: "P1",
      times: { ack: 15 + 1 / MIN },
      asOf: 600,
      verdict: "late",
      responseMs: 15 * MIN + 1,
      resolutionMs: undefined,
      boundMs: 15 * MIN,
    },
    {
      name: "P1 acknowledged 1 s over the bound",
      policy: DEFAULTS,
      category: "platform",
      priority: "P1",
      times: { ack: 15 + 1 / 60 },
      asOf: 600,
      verdict: "late",
      responseMs: 15 * MIN + 1000,
      resolutionMs: undefined,
      boundMs: 15 * MIN,
    },
    // category override: videoconf P1 10 min
    {
      name: "videoconf P1 acknowledged at its 10 min bound",
      policy: VC10,
      category: "videoconf",
      priority: "P1",
      times: { ack: 10 },
      asOf: 600,
      verdict: "within",
      responseMs: 10 * MIN,
      resolutionMs: undefined,
      boundMs: 10 * MIN,
    },
    {
      name: "videoconf P1 acknowledged at 12 min: late under the override",
      policy: VC10,
      category: "videoconf",
      priority: "P1",
      times: { ack: 12 },
      asOf: 600,
      verdict: "late",
      responseMs: 12 * MIN,
      resolutionMs: undefined,
      boundMs: 10 * MIN,
    },
    {
      name: "platform P1 acknowledged at 12 min: the override is not its category",
      policy: VC10,
      category: "platform",
      priority: "P1",
      times: { ack: 12 },
      asOf: 600,
      verdict: "within",
      responseMs: 12 * MIN,
      resolutionMs: undefined,
      boundMs: 15 * MIN,
    },
    {
      name: "videoconf P1 acknowledged at 12 min without the override",
      policy: DEFAULTS,
      category: "videoconf",
      priority: "P1",
      times: { ack: 12 },
      asOf: 600,
      verdict: "within",
      responseMs: 12 * MIN,
      resolutionMs: undefined,
      boundMs: 15 * MIN,
    },
    // other priorities
    {
      name: "P2 acknowledged at 29 min",
      policy: DEFAULTS,
      category: "machine_room",
      priority: "P2",
      times: { ack: 29 },
      asOf: 600,
      verdict: "within",
      responseMs: 29 * MIN,
      resolutionMs: undefined,
      boundMs: 30 * MIN,
    },
    {
      name: "P3 acknowledged at 121 min",
      policy: DEFAULTS,
      category: "antivirus",
      priority: "P3",
      times: { ack: 121 },
      asOf: 600,
      verdict: "late",
      responseMs: 121 * MIN,
      resolutionMs: undefined,
      boundMs: 120 * MIN,
    },
    // resolved before any acknowledgement: the resolution is the response
    {
      name: "resolved at 5 min, never acknowledged",
      policy: DEFAULTS,
      category: "platform",
      priority: "P1",
      times: { resolve: 5 },
      asOf: 600,
      verdict: "within",
      responseMs: 5 * MIN,
      resolutionMs: 5 * MIN,
      boundMs: 15 * MIN,
    },
    {
      name: "resolved at 20 min, never acknowledged",
      policy: DEFAULTS,
      category: "platform",
      priority: "P1",
      times: { resolve: 20 },
      asOf: 600,
      verdict: "late",
      responseMs: 20 * MIN,
      resolutionMs: 20 * MIN,
      boundMs: 15 * MIN,
    },
    {
      name: "acknowledged at 5 min, resolved at 60 min: the acknowledgement is the response",
      policy: DEFAULTS,
      category: "platform",
      priority: "P1",
      times: { ack: 5, resolve: 60 },
      asOf: 600,
      verdict: "within",
      responseMs: 5 * MIN,
      resolutionMs: 60 * MIN,
      boundMs: 15 * MIN,
    },
    // unanswered
    {
      name: "unanswered, 16 min old at asOf: late",
      policy: DEFAULTS,
      category: "platform",
      priority: "P1",
      times: {},
      asOf: 16,
      verdict: "late",
      responseMs: undefined,
      resolutionMs: undefined,
      boundMs: 15 * MIN,
    },
    {
      name: "unanswered, exactly 15 min old at asOf: still pending",
      policy: DEFAULTS,
      category: "platform",
      priority: "P1",
      times: {},
      asOf: 15,
      verdict: "pending",
      responseMs: undefined,
      resolutionMs: undefined,
      boundMs: 15 * MIN,
    },
    {
      name: "unanswered, 10 min old at asOf: pending",
      policy: DEFAULTS,
      category: "platform",
      priority: "P1",
      times: {},
      asOf: 10,
      verdict: "pending",
      responseMs: undefined,
      resolutionMs: undefined,
      boundMs: 15 * MIN,
    },
    {
      name: "unanswered videoconf P1, 11 min old under the override: late",
      policy: VC10,
      category: "videoconf",
      priority: "P1",
      times: {},
      asOf: 11,
      verdict: "late",
      responseMs: undefined,
      resolutionMs: undefined,
      boundMs: 10 * MIN,
    },
    {
      name: "acknowledged before the recorded start (clock skew): response 0",
      policy: DEFAULTS,
      category: "platform",
      priority: "P1",
      times: { start: 2, ack: 1 },
      asOf: 600,
      verdict: "within",
      responseMs: 0,
      resolutionMs: undefined,
      boundMs: 15 * MIN,
    },
  ];
  it.each(cases)("$name", (c) => {
    const judged = judgeResponse(incident(c.category, c.priority, c.times), c.policy, at(c.asOf));
    expect(judged.verdict).toBe(c.verdict);
    expect(judged.boundMs).toBe(c.boundMs);
    expect(judged.responseMs).toBe(c.responseMs);
    expect(judged.resolutionMs).toBe(c.resolutionMs);
  });

  // The response is the first of acknowledgement and resolution: a late acknowledgement does not move it.
  it("an acknowledgement after the resolution does not replace it as the response", () => {
    const judged = judgeResponse(incident("platform", "P1", { resolve: 5, ack: 20 }), DEFAULTS, at(600));
    expect(judged.responseMs).toBe(5 * MIN); // got 20 min
    expect(judged.verdict).toBe("within"); // got "late"
  });
});

describe("timeliness", () => {
  const FROM = at(0);
  const TO = at(24 * 60);
  const ASOF = at(48 * 60);
  const row = (rows: Timeliness[], category: Category | "all"): Timeliness => {
    const found = rows.find((r) => r.category === category);
    if (found === undefined) throw new Error(`no row ${category}`);
    return found;
  };

  it("has one row per category then the overall row", () => {
    const rows = timeliness([], DEFAULTS, FROM, TO, ASOF);
    expect(rows.map((r) => r.category)).toEqual([
      "videoconf",
      "platform",
      "machine_room",
      "antivirus",
      "all",
    ]);
  });

  it("a period without incidents is timely with no data behind it", () => {
    for (const r of timeliness([], DEFAULTS, FROM, TO, ASOF)) {
      expect(r).toEqual({
        category: r.category,
        incidents: 0,
        within: 0,
        late: 0,
        pending: 0,
        share: null,
        timely: true,
        noData: true,
        responseTimesMs: [],
      });
    }
  });

  /** n incidents of a category, acknowledged at `ack` minutes after their start. */
  const many = (n: number, category: Category, priority: Priority, ack: number | undefined, start = 60) =>
    Array.from({ length: n }, (_, i) =>
      incident(category, priority, {
        start: start + i,
        ...(ack === undefined ? {} : { ack: start + i + ack }),
      }),
    );

  interface Case {
    name: string;
    incidents: () => Incident[];
    policy: SlaPolicy;
    asOf?: Date;
    category: Category | "all";
    expected: {
      incidents: number;
      within: number;
      late: number;
      pending: number;
      share: number | null;
      timely: boolean;
      noData: boolean;
    };
  }
  const cases: Case[] = [
    {
      name: "19 within, 1 late: share exactly 0.95 → timely",
      incidents: () => [...many(19, "platform", "P1", 10), ...many(1, "platform", "P1", 20)],
      policy: DEFAULTS,
      category: "platform",
      expected: { incidents: 20, within: 19, late: 1, pending: 0, share: 0.95, timely: true, noData: false },
    },
    {
      name: "18 within, 1 late: share 18/19 ≈ 0.947 → not timely",
      incidents: () => [...many(18, "platform", "P1", 10), ...many(1, "platform", "P1", 20)],
      policy: DEFAULTS,
      category: "platform",
      expected: {
        incidents: 19,
        within: 18,
        late: 1,
        pending: 0,
        share: 18 / 19,
        timely: false,
        noData: false,
      },
    },
    {
      name: "all late: share 0",
      incidents: () => many(3, "machine_room", "P2", 31),
      policy: DEFAULTS,
      category: "machine_room",
      expected: { incidents: 3, within: 0, late: 3, pending: 0, share: 0, timely: false, noData: false },
    },
    {
      name: "pending incidents stay out of the share",
      // 2 within, 1 unanswered started 10 min before asOf (pending)
      incidents: () => [...many(2, "platform", "P1", 1), incident("platform", "P1", { start: 23 * 60 + 50 })],
      policy: DEFAULTS,
      asOf: at(24 * 60),
      category: "platform",
      expected: { incidents: 3, within: 2, late: 0, pending: 1, share: 1, timely: true, noData: false },
    },
    {
      name: "only pending incidents: timely with no decided data",
      incidents: () => [incident("videoconf", "P1", { start: 23 * 60 + 55 })],
      policy: DEFAULTS,
      asOf: at(24 * 60),
      category: "videoconf",
      expected: { incidents: 1, within: 0, late: 0, pending: 1, share: null, timely: true, noData: true },
    },
    {
      name: "unanswered past its bound at asOf counts late",
      incidents: () => [...many(1, "platform", "P1", 1), incident("platform", "P1", { start: 100 })],
      policy: DEFAULTS,
      category: "platform",
      expected: { incidents: 2, within: 1, late: 1, pending: 0, share: 0.5, timely: false, noData: false },
    },
    {
      name: "the videoconf override judges 12 min late, the same on the platform within",
      incidents: () => [...many(2, "videoconf", "P1", 12), ...many(2, "platform", "P1", 12)],
      policy: VC10,
      category: "videoconf",
      expected: { incidents: 2, within: 0, late: 2, pending: 0, share: 0, timely: false, noData: false },
    },
    {
      name: "… and the platform row of the same set",
      incidents: () => [...many(2, "videoconf", "P1", 12), ...many(2, "platform", "P1", 12)],
      policy: VC10,
      category: "platform",
      expected: { incidents: 2, within: 2, late: 0, pending: 0, share: 1, timely: true, noData: false },
    },
    {
      name: "… and the overall row of the same set",
      incidents: () => [...many(2, "videoconf", "P1", 12), ...many(2, "platform", "P1", 12)],
      policy: VC10,
      category: "all",
      expected: { incidents: 4, within: 2, late: 2, pending: 0, share: 0.5, timely: false, noData: false },
    },
    {
      name: "a category without incidents in a busy period: its own row has no data",
      incidents: () => [...many(2, "videoconf", "P1", 12), ...many(2, "platform", "P1", 12)],
      policy: VC10,
      category: "antivirus",
      expected: { incidents: 0, within: 0, late: 0, pending: 0, share: null, timely: true, noData: true },
    },
    {
      name: "incidents outside [from, to) are ignored (one at from counts, one at to does not)",
      incidents: () => [
        incident("platform", "P1", { start: -1, ack: 100 }), // before from, late
        incident("platform", "P1", { start: 0, ack: 1 }), // exactly at from: in, within
        incident("platform", "P1", { start: 24 * 60 - 1, ack: 24 * 60 + 30 }), // last minute: in, late
        incident("platform", "P1", { start: 24 * 60, ack: 24 * 60 + 100 }), // exactly at to: out
        incident("platform", "P1", { start: 30 * 60 }), // after to, unanswered: out
      ],
      policy: DEFAULTS,
      category: "platform",
      expected: { incidents: 2, within: 1, late: 1, pending: 0, share: 0.5, timely: false, noData: false },
    },
    {
      name: "overall 95 of 100 across categories: timely",
      incidents: () => [
        ...many(50, "platform", "P2", 30),
        ...many(45, "videoconf", "P2", 1),
        ...many(5, "machine_room", "P2", 31),
      ],
      policy: DEFAULTS,
      category: "all",
      expected: { incidents: 100, within: 95, late: 5, pending: 0, share: 0.95, timely: true, noData: false },
    },
    {
      name: "machine room row of that set: all 5 late",
      incidents: () => [
        ...many(50, "platform", "P2", 30),
        ...many(45, "videoconf", "P2", 1),
        ...many(5, "machine_room", "P2", 31),
      ],
      policy: DEFAULTS,
      category: "machine_room",
      expected: { incidents: 5, within: 0, late: 5, pending: 0, share: 0, timely: false, noData: false },
    },
    {
      name: "overall 94 of 99 … just under 0.95: not timely",
      incidents: () => [...many(94, "platform", "P2", 30), ...many(5, "videoconf", "P2", 31)],
      policy: DEFAULTS,
      category: "all",
      expected: {
        incidents: 99,
        within: 94,
        late: 5,
        pending: 0,
        share: 94 / 99,
        timely: false,
        noData: false,
      },
    },
  ];
  it.each(cases)("$name", (c) => {
    const rows = timeliness(c.incidents(), c.policy, FROM, TO, c.asOf ?? ASOF);
    const { responseTimesMs: _times, category: _category, ...got } = row(rows, c.category);
    expect(got).toEqual(c.expected);
  });

  it("lists the answered incidents' response times ascending, pending ones left out", () => {
    const rows = timeliness(
      [
        incident("platform", "P1", { start: 0, ack: 20 }),
        incident("platform", "P1", { start: 10, resolve: 13 }),
        incident("platform", "P1", { start: 20, ack: 27 }),
        incident("platform", "P1", { start: 40 }), // unanswered, pending at asOf
      ],
      DEFAULTS,
      FROM,
      TO,
      at(50),
    );
    expect(row(rows, "platform").responseTimesMs).toEqual([3 * MIN, 7 * MIN, 20 * MIN]);
    expect(row(rows, "all").responseTimesMs).toEqual([3 * MIN, 7 * MIN, 20 * MIN]);
    expect(row(rows, "videoconf").responseTimesMs).toEqual([]);
  });

  it("honours a configured timely_share", () => {
    const policy = incidentsSchema.parse({ sla: { timely_share: 0.5 } }).sla;
    const rows = timeliness(
      [...many(1, "platform", "P1", 1), ...many(1, "platform", "P1", 16)],
      policy,
      FROM,
      TO,
      ASOF,
    );
    expect(row(rows, "platform")).toMatchObject({ share: 0.5, timely: true });
  });
});

describe("timelinessRule", () => {
  it("states every priority's bound and the timely share", () => {
    const text = timelinessRule(DEFAULTS);
    expect(text).toContain("P1 ≤ 15 min");
    expect(text).toContain("P2 ≤ 30 min");
    expect(text).toContain("P3 ≤ 120 min");
    expect(text).toContain("P4 ≤ 480 min");
    expect(text).toContain("≥ 95%");
    expect(text).toContain("first acknowledgement");
  });

  it("follows configured bounds", () => {
    const policy = incidentsSchema.parse({
      sla: { response: { P1: "5m", P4: "1d" }, timely_share: 0.9 },
    }).sla;
    const text = timelinessRule(policy);
    expect(text).toContain("P1 ≤ 5 min");
    expect(text).toContain("P2 ≤ 30 min");
    expect(text).toContain("P4 ≤ 1440 min");
    expect(text).toContain("≥ 90%");
  });

  // The printed rule names the per-category overrides as well as the general bounds.
  it("mentions a per-category override", () => {
    const text = timelinessRule(VC10);
    expect(text).toMatch(/10 min/);
  });
});
