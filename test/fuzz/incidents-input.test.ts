/**
 * Fuzzing the incident inputs from outside: helpdesk CSV exports (agent/tickets/parse-csv.ts
 * parseTicketsCsv, on arbitrary bytes and on mangled exports, in every encoding setting) and
 * Alertmanager webhook payloads (agent/incidents/alertmanager.ts alertmanagerPayload.safeParse, then
 * incidentsFromPayload). Nothing throws or hangs; a bad row or payload is a problem with its line
 * or field; what is accepted is well-formed (times valid, resolution not before the start, text
 * bounded and free of control characters).
 */
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { alertmanagerPayload, incidentsFromPayload } from "../../agent/incidents/alertmanager.js";
import { CATEGORIES, PRIORITIES } from "../../agent/incidents/types.js";
import { parseTicketsCsv } from "../../agent/tickets/parse-csv.js";
import { incidentsSchema } from "../../config/incidents.js";
import { config as ticketsConfig } from "../tickets/helpers.js";
import { anyJson, anyText, fuzzParameters, isClearMessage, withinBudget } from "../helpers/fuzz.js";

const FIXTURES = "test/tickets/fixtures";
const CSV_FILES = ["tickets-utf8.csv", "tickets-gbk.csv", "tickets-utf8-bom.csv", "tickets-bad-rows.csv"].map(
  (f) => readFileSync(`${FIXTURES}/${f}`),
);
const CONFIGS = (["auto", "utf-8", "gbk"] as const).map((encoding) => ticketsConfig({ encoding }));
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkTickets(bytes: Uint8Array, configIndex: number) {
  let result: ReturnType<typeof parseTicketsCsv> | undefined;
  expect(() => (result = parseTicketsCsv(bytes, CONFIGS[configIndex]!, "tickets.csv"))).not.toThrow();
  const r = result!;
  for (const p of r.problems) {
    expect(isClearMessage(p.reason, 5_000), p.reason).toBe(true);
    if (p.line !== undefined) expect(p.line).toBeGreaterThanOrEqual(1);
  }
  const ids = new Set<string>();
  for (const t of r.tickets) {
    expect(t.id.trim()).toBe(t.id);
    expect(t.id).not.toBe("");
    expect(ids.has(t.id), `ticket ${t.id} taken twice`).toBe(false);
    ids.add(t.id);
    expect(CATEGORIES).toContain(t.category);
    expect(PRIORITIES).toContain(t.priority);
    expect(Number.isFinite(t.createdAt.getTime())).toBe(true);
    if (t.firstResponseAt) expect(Number.isFinite(t.firstResponseAt.getTime())).toBe(true);
    if (t.resolvedAt) expect(Number.isFinite(t.resolvedAt.getTime())).toBe(true);
    if (t.title !== undefined) {
      expect(Array.from(t.title).length).toBeLessThanOrEqual(200);
      expect(t.title).not.toMatch(CONTROL);
    }
    expect(t.line).toBeGreaterThanOrEqual(1);
  }
}

/** A fixture export with bytes flipped, inserted, removed, or lines cut and repeated. */
const mangledCsv = fc
  .tuple(
    fc.nat({ max: CSV_FILES.length - 1 }),
    fc.array(
      fc.record({
        at: fc.nat(),
        action: fc.constantFrom("flip", "insert", "delete", "quote", "comma", "newline", "repeat"),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  )
  .map(([file, edits]) => {
    const bytes = [...CSV_FILES[file]!];
    for (const { at, action, byte } of edits) {
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      if (action === "flip") bytes[i] = byte;
      else if (action === "insert") bytes.splice(i, 0, byte);
      else if (action === "delete") bytes.splice(i, 1);
      else if (action === "quote") bytes.splice(i, 0, 0x22);
      else if (action === "comma") bytes.splice(i, 0, 0x2c);
      else if (action === "newline") bytes.splice(i, 0, 0x0a);
      else bytes.push(...bytes.slice(i, i + 200));
    }
    return Uint8Array.from(bytes);
  });

describe("fuzz: helpdesk CSV tickets (parseTicketsCsv)", () => {
  it("arbitrary bytes never throw, in every encoding setting", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2_000 }),
        fc.nat({ max: 2 }),
        withinBudget("parseTicketsCsv", checkTickets),
      ),
      fuzzParameters(301),
    );
  });

  it("arbitrary text as UTF-8 never throws", () => {
    fc.assert(
      fc.property(
        anyText(1_000).map((t) => new TextEncoder().encode(t)),
        fc.nat({ max: 2 }),
        withinBudget("parseTicketsCsv", checkTickets),
      ),
      fuzzParameters(302),
    );
  });

  it("mangled real exports never throw; every ticket taken is well-formed", () => {
    fc.assert(fc.property(mangledCsv, fc.nat({ max: 2 }), withinBudget("parseTicketsCsv", checkTickets)), {
      ...fuzzParameters(303),
    });
  });
});

const AM_CONFIG = incidentsSchema.parse({}).alertmanager;
const HEX = fc.stringMatching(/^[0-9a-f]{1,64}$/);
const time = fc.oneof(
  fc
    .date({
      min: new Date("1970-01-01T00:00:00Z"),
      max: new Date("2100-01-01T00:00:00Z"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    "0001-01-01T00:00:00Z",
    "2026-03-02T09:00:00.123456789+08:00",
    "2026-13-40T99:99:99Z",
    "",
    "now",
    "9999-12-31T23:59:59Z",
  ),
  anyText(30),
);
const labels = fc.dictionary(
  fc.oneof(
    fc.constantFrom("alertname", "instance", "job", "category", "priority", "severity", "__proto__"),
    fc.string(),
  ),
  fc.oneof(anyText(300), fc.constantFrom(...CATEGORIES, ...PRIORITIES, "constructor", "toString")),
  { maxKeys: 6 },
);
const alert = fc.record(
  {
    status: fc.oneof(fc.constantFrom("firing", "resolved"), anyText(10)),
    labels,
    annotations: labels,
    startsAt: time,
    endsAt: time,
    generatorURL: anyText(50),
    fingerprint: fc.oneof(HEX, anyText(20)),
  },
  { requiredKeys: ["status", "labels", "startsAt", "fingerprint"] },
);
const payloadLike = fc.record(
  {
    version: fc.oneof(fc.constant("4"), fc.constantFrom("3", 4, null)),
    status: fc.constantFrom("firing", "resolved", "pending"),
    receiver: anyText(20),
    groupKey: anyText(40),
    alerts: fc.array(fc.oneof({ weight: 5, arbitrary: alert }, { weight: 1, arbitrary: anyJson(2) }), {
      maxLength: 8,
    }),
    extra: anyJson(2),
  },
  { requiredKeys: ["version", "status", "alerts"] },
);

function checkPayload(body: unknown) {
  let result: ReturnType<typeof alertmanagerPayload.safeParse> | undefined;
  expect(() => (result = alertmanagerPayload.safeParse(body))).not.toThrow();
  const parsed = result!;
  if (!parsed.success) {
    expect(parsed.error.issues.length).toBeGreaterThan(0);
    for (const issue of parsed.error.issues) expect(isClearMessage(issue.message), issue.message).toBe(true);
    return;
  }
  const payload = parsed.data;
  let incidents: ReturnType<typeof incidentsFromPayload> | undefined;
  expect(() => (incidents = incidentsFromPayload(payload, AM_CONFIG))).not.toThrow();
  expect(incidents!).toHaveLength(payload.alerts.length);
  for (const incident of incidents!) {
    expect(Number.isFinite(incident.startedAt.getTime()), `startsAt of ${incident.sourceKey}`).toBe(true);
    if (incident.resolvedAt) {
      expect(Number.isFinite(incident.resolvedAt.getTime())).toBe(true);
      expect(incident.resolvedAt.getTime()).toBeGreaterThanOrEqual(incident.startedAt.getTime());
    }
    expect(CATEGORIES).toContain(incident.category);
    expect(PRIORITIES).toContain(incident.priority);
    for (const text of [incident.title, incident.target]) {
      expect(Array.from(text).length).toBeLessThanOrEqual(200);
      expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/); // eslint-disable-line no-control-regex
    }
  }
}

describe("fuzz: Alertmanager payloads (alertmanagerPayload + incidentsFromPayload)", () => {
  it("arbitrary JSON never throws", () => {
    fc.assert(
      fc.property(anyJson(5), withinBudget("alertmanager payload", checkPayload)),
      fuzzParameters(311),
    );
  });

  it("payload-shaped JSON (valid, nearly valid, hostile labels) never throws; accepted alerts make well-formed incidents", () => {
    fc.assert(
      fc.property(
        payloadLike,
        withinBudget("alertmanager payload", (p: unknown) => {
          // Through JSON, as the HTTP route receives it.
          checkPayload(JSON.parse(JSON.stringify(p)) as unknown);
        }),
      ),
      fuzzParameters(312, 500),
    );
  });
});
