import { describe, expect, it } from "vitest";
import { alertmanagerPayload, incidentsFromPayload } from "../../agent/incidents/alertmanager.js";
import { incidentsSchema, type IncidentsConfig } from "../../config/incidents.js";

type AmConfig = IncidentsConfig["alertmanager"];
const DEFAULTS: AmConfig = incidentsSchema.parse({}).alertmanager;
const amConfig = (over: Record<string, unknown>): AmConfig =>
  incidentsSchema.parse({ alertmanager: over }).alertmanager;

const FIRING_STARTS = "2026-03-02T09:00:00.123456789+08:00";
const FIRING_STARTS_MS = Date.parse("2026-03-02T01:00:00.123Z");

/**
 * The webhook payload as the Alertmanager docs give it (webhook_config, version "4"), with the
 * values a real Alertmanager sends: RFC 3339 times with nanoseconds, endsAt the zero time while
 * firing, 16-hex-digit fingerprints.
 */
function payload(): Record<string, unknown> {
  return {
    version: "4",
    groupKey: '{}/{severity=~"critical|warning"}:{alertname="BigPlatformDown"}',
    truncatedAlerts: 0,
    status: "firing",
    receiver: "ops-agent",
    groupLabels: { alertname: "BigPlatformDown" },
    commonLabels: { alertname: "BigPlatformDown", job: "blackbox" },
    commonAnnotations: {},
    externalURL: "http://alertmanager.example:9093",
    alerts: [
      {
        status: "firing",
        labels: {
          alertname: "BigPlatformDown",
          instance: "https://big.example.edu.cn/",
          job: "blackbox",
          severity: "critical",
          category: "platform",
        },
        annotations: { summary: "Big platform is down", description: "probe_success == 0 for 5m" },
        startsAt: FIRING_STARTS,
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://prometheus.example:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1",
        fingerprint: "5f6a2b6a3ff6e2c1",
      },
      {
        status: "resolved",
        labels: { alertname: "MCUHighLoad", instance: "mcu-1:9100", job: "node", severity: "warning" },
        annotations: { summary: "MCU load above 90%" },
        startsAt: "2026-03-02T08:00:00Z",
        endsAt: "2026-03-02T08:25:30.5Z",
        generatorURL: "http://prometheus.example:9090/graph?g0.expr=load",
        fingerprint: "a0b1c2d3e4f50617",
      },
    ],
  };
}

type Alert = Record<string, unknown>;
function withAlert(over: Alert, replace: string[] = []): Record<string, unknown> {
  const p = payload();
  const first = { ...(p.alerts as Alert[])[0], ...over };
  for (const key of replace) delete first[key];
  return { ...p, alerts: [first] };
}

function parse(p: unknown) {
  const parsed = alertmanagerPayload.safeParse(p);
  if (!parsed.success) throw new Error(parsed.error.message);
  return parsed.data;
}
const one = (alert: Alert, config: AmConfig = DEFAULTS, drop: string[] = []) => {
  const incidents = incidentsFromPayload(parse(withAlert(alert, drop)), config);
  expect(incidents).toHaveLength(1);
  return incidents[0]!;
};

describe("alertmanagerPayload", () => {
  it("accepts the documented payload shape", () => {
    const parsed = alertmanagerPayload.safeParse(payload());
    expect(parsed.success).toBe(true);
    expect(parsed.data?.alerts).toHaveLength(2);
    expect(parsed.data?.alerts[0]?.fingerprint).toBe("5f6a2b6a3ff6e2c1");
  });

  it("accepts an alert without annotations, endsAt or generatorURL", () => {
    const parsed = parse(withAlert({}, ["annotations", "endsAt", "generatorURL"]));
    expect(parsed.alerts[0]?.annotations).toEqual({});
  });

  it("accepts an empty alert list", () => {
    expect(alertmanagerPayload.safeParse({ ...payload(), alerts: [] }).success).toBe(true);
  });

  it.each<[string, unknown]>([
    ["version 3", { ...payload(), version: "3" }],
    ["version as a number", { ...payload(), version: 4 }],
    ["no version", (({ version: _v, ...rest }) => rest)(payload())],
    ["alerts missing", (({ alerts: _a, ...rest }) => rest)(payload())],
    ["alerts not an array", { ...payload(), alerts: {} }],
    ["an unknown group status", { ...payload(), status: "pending" }],
    ["an unknown alert status", withAlert({ status: "silenced" })],
    ["a fingerprint that is not hexadecimal", withAlert({ fingerprint: "not-a-fingerprint" })],
    ["an upper-case fingerprint", withAlert({ fingerprint: "5F6A2B6A3FF6E2C1" })],
    ["an empty fingerprint", withAlert({ fingerprint: "" })],
    ["a fingerprint of 65 digits", withAlert({ fingerprint: "a".repeat(65) })],
    ["no fingerprint", withAlert({}, ["fingerprint"])],
    ["startsAt not a time", withAlert({ startsAt: "yesterday" })],
    ["startsAt a bare date", withAlert({ startsAt: "2026-03-02" })],
    ["startsAt a number", withAlert({ startsAt: 1_772_413_200_000 })],
    ["no startsAt", withAlert({}, ["startsAt"])],
    ["labels missing", withAlert({}, ["labels"])],
    ["a label value not a string", withAlert({ labels: { alertname: "X", count: 3 } })],
    ["not an object at all", "version=4"],
    ["null", null],
  ])("rejects %s", (_name, p) => {
    expect(alertmanagerPayload.safeParse(p).success).toBe(false);
  });

  it("rejects more than 10,000 alerts", () => {
    const alert = (payload().alerts as Alert[])[0];
    expect(alertmanagerPayload.safeParse({ ...payload(), alerts: Array(10_001).fill(alert) }).success).toBe(
      false,
    );
  });
});

describe("incidentsFromPayload", () => {
  it("maps the documented payload", () => {
    const incidents = incidentsFromPayload(parse(payload()), DEFAULTS);
    expect(incidents).toEqual([
      {
        source: "alertmanager",
        sourceKey: `5f6a2b6a3ff6e2c1|${FIRING_STARTS_MS}`,
        subject: "5f6a2b6a3ff6e2c1",
        category: "platform",
        priority: "P1",
        title: "Big platform is down",
        target: "https://big.example.edu.cn/",
        startedAt: new Date(FIRING_STARTS_MS),
      },
      {
        source: "alertmanager",
        sourceKey: `a0b1c2d3e4f50617|${Date.parse("2026-03-02T08:00:00Z")}`,
        subject: "a0b1c2d3e4f50617",
        category: "machine_room",
        priority: "P3",
        title: "MCU load above 90%",
        target: "mcu-1:9100",
        startedAt: new Date("2026-03-02T08:00:00Z"),
        resolvedAt: new Date("2026-03-02T08:25:30.500Z"),
        resolvedBy: "alertmanager",
      },
    ]);
  });

  it("a firing alert has no resolution, whatever endsAt says", () => {
    const incident = one({ endsAt: "2026-03-02T10:00:00Z" });
    expect(incident.resolvedAt).toBeUndefined();
    expect(incident.resolvedBy).toBeUndefined();
  });

  it.each<[string, Alert, number]>([
    ["endsAt after startsAt", { endsAt: "2026-03-02T01:30:00Z" }, Date.parse("2026-03-02T01:30:00Z")],
    ["endsAt equal to startsAt", { endsAt: "2026-03-02T01:00:00.123Z" }, FIRING_STARTS_MS],
    ["endsAt before startsAt: clamped to startsAt", { endsAt: "2026-03-02T00:00:00Z" }, FIRING_STARTS_MS],
    ["endsAt the zero time: clamped to startsAt", { endsAt: "0001-01-01T00:00:00Z" }, FIRING_STARTS_MS],
    ["endsAt unparseable: startsAt", { endsAt: "soon" }, FIRING_STARTS_MS],
    ["endsAt with an offset", { endsAt: "2026-03-02T09:10:00+08:00" }, Date.parse("2026-03-02T01:10:00Z")],
  ])("resolved, %s", (_name, over, expected) => {
    const incident = one({ status: "resolved", ...over });
    expect(incident.resolvedAt?.getTime()).toBe(expected);
    expect(incident.resolvedBy).toBe("alertmanager");
  });

  it("resolved without endsAt resolves at startsAt", () => {
    expect(one({ status: "resolved" }, DEFAULTS, ["endsAt"]).resolvedAt?.getTime()).toBe(FIRING_STARTS_MS);
  });

  it("the source key is fingerprint|startsAt in ms, the same for the same instant in another offset", () => {
    const a = one({ startsAt: "2026-03-02T09:00:00+08:00" });
    const b = one({ startsAt: "2026-03-02T01:00:00Z" });
    expect(a.sourceKey).toBe(`5f6a2b6a3ff6e2c1|${Date.parse("2026-03-02T01:00:00Z")}`);
    expect(b.sourceKey).toBe(a.sourceKey);
    expect(one({ startsAt: "2026-03-02T01:00:01Z" }).sourceKey).not.toBe(a.sourceKey);
  });

  describe("category", () => {
    const mapped = amConfig({ category_map: { web: "platform", mcu: "videoconf" } });
    it.each<[string, Record<string, string>, AmConfig, string]>([
      [
        "a category label naming a category",
        { alertname: "X", category: "videoconf" },
        DEFAULTS,
        "videoconf",
      ],
      ["a category label through category_map", { alertname: "X", category: "mcu" }, mapped, "videoconf"],
      [
        "category_map wins over a literal category",
        { alertname: "X", category: "platform" },
        amConfig({ category_map: { platform: "antivirus" } }),
        "antivirus",
      ],
      ["an unknown value: the default", { alertname: "X", category: "web" }, DEFAULTS, "machine_room"],
      ["no label: the default", { alertname: "X" }, DEFAULTS, "machine_room"],
      [
        "no label: a configured default",
        { alertname: "X" },
        amConfig({ default_category: "antivirus" }),
        "antivirus",
      ],
      [
        "another category_label",
        { alertname: "X", system: "web", category: "videoconf" },
        amConfig({ category_label: "system", category_map: { web: "platform" } }),
        "platform",
      ],
      [
        "a case mismatch is not a category",
        { alertname: "X", category: "Platform" },
        DEFAULTS,
        "machine_room",
      ],
    ])("%s", (_name, labels, config, expected) => {
      expect(one({ labels }, config).category).toBe(expected);
    });
  });

  describe("priority", () => {
    it.each<[string, Record<string, string>, AmConfig, string]>([
      ["critical → P1", { alertname: "X", severity: "critical" }, DEFAULTS, "P1"],
      ["page → P1", { alertname: "X", severity: "page" }, DEFAULTS, "P1"],
      ["error → P2", { alertname: "X", severity: "error" }, DEFAULTS, "P2"],
      ["major → P2", { alertname: "X", severity: "major" }, DEFAULTS, "P2"],
      ["warning → P3", { alertname: "X", severity: "warning" }, DEFAULTS, "P3"],
      ["minor → P3", { alertname: "X", severity: "minor" }, DEFAULTS, "P3"],
      ["info → P4", { alertname: "X", severity: "info" }, DEFAULTS, "P4"],
      ["a literal P2", { alertname: "X", severity: "P2" }, DEFAULTS, "P2"],
      ["a literal P4", { alertname: "X", severity: "P4" }, DEFAULTS, "P4"],
      ["P5 is not a priority: the default", { alertname: "X", severity: "P5" }, DEFAULTS, "P3"],
      ["lower-case p1 is not a priority", { alertname: "X", severity: "p1" }, DEFAULTS, "P3"],
      ["an unknown severity: the default", { alertname: "X", severity: "disaster" }, DEFAULTS, "P3"],
      ["no label: the default", { alertname: "X" }, DEFAULTS, "P3"],
      ["no label: a configured default", { alertname: "X" }, amConfig({ default_priority: "P2" }), "P2"],
      [
        "a configured map replaces the default map",
        { alertname: "X", severity: "critical" },
        amConfig({ priority_map: { sev1: "P1" } }),
        "P3",
      ],
      [
        "… and maps its own values",
        { alertname: "X", severity: "sev1" },
        amConfig({ priority_map: { sev1: "P1" } }),
        "P1",
      ],
      [
        "another priority_label",
        { alertname: "X", urgency: "P1", severity: "info" },
        amConfig({ priority_label: "urgency" }),
        "P1",
      ],
    ])("%s", (_name, labels, config, expected) => {
      expect(one({ labels }, config).priority).toBe(expected);
    });
  });

  // Label values come from outside: a value naming an Object.prototype member (constructor, __proto__) must not be found in the maps.
  it.each<[string, Record<string, string>]>([
    ["severity constructor", { alertname: "X", severity: "constructor" }],
    ["severity toString", { alertname: "X", severity: "toString" }],
    ["category __proto__", { alertname: "X", category: "__proto__" }],
    ["category hasOwnProperty", { alertname: "X", category: "hasOwnProperty" }],
  ])("a label value naming an Object.prototype member falls back to the default (%s)", (_name, labels) => {
    const incident = one({ labels });
    expect(incident.priority).toBe("P3");
    expect(incident.category).toBe("machine_room");
  });

  describe("title and target", () => {
    it.each<[string, Alert, string, string]>([
      [
        "summary first",
        { annotations: { summary: "S", description: "D" } },
        "S",
        "https://big.example.edu.cn/",
      ],
      ["then description", { annotations: { description: "D" } }, "D", "https://big.example.edu.cn/"],
      ["then the alert name", { annotations: {} }, "BigPlatformDown", "https://big.example.edu.cn/"],
      ["no alertname: 'alert'", { annotations: {}, labels: {} }, "alert", "alert"],
      [
        "target: instance, then target label",
        { labels: { alertname: "A", target: "T", job: "J" } },
        "Big platform is down",
        "T",
      ],
      ["target: then job", { labels: { alertname: "A", job: "J" } }, "Big platform is down", "J"],
      ["target: then the alert name", { labels: { alertname: "A" } }, "Big platform is down", "A"],
    ])("%s", (_name, over, title, target) => {
      const incident = one(over);
      expect(incident.title).toBe(title);
      expect(incident.target).toBe(target);
    });

    it("a long title is bounded to 200 characters ending in …", () => {
      const incident = one({ annotations: { summary: "s".repeat(10_000) } });
      expect(incident.title).toBe(`${"s".repeat(199)}…`);
      expect(Array.from(incident.title)).toHaveLength(200);
    });

    it("exactly 200 characters are kept as they are", () => {
      expect(one({ annotations: { summary: "s".repeat(200) } }).title).toBe("s".repeat(200));
    });

    it("the bound counts characters, not UTF-16 units (no split surrogate pair)", () => {
      const incident = one({ annotations: { summary: "告警😀".repeat(200) } });
      const chars = Array.from(incident.title);
      expect(chars).toHaveLength(200);
      expect(incident.title.endsWith("…")).toBe(true);
      expect(incident.title).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    });

    it("control characters are blanked out of title and target", () => {
      const incident = one({
        annotations: { summary: "line1\nline2\r\u0000\u001b[31mred\u007f\u0085end" },
        labels: { alertname: "A", instance: "host\u0007:9100\t" },
      });
      // eslint-disable-next-line no-control-regex
      const control = /[\u0000-\u001f\u007f-\u009f]/;
      expect(incident.title).not.toMatch(control);
      expect(incident.target).not.toMatch(control);
      expect(incident.title).toBe("line1 line2   [31mred  end");
      expect(incident.target).toBe("host :9100 ");
    });

    it("a long hostile target is bounded too", () => {
      const incident = one({ labels: { alertname: "A", instance: `\u001b${"i".repeat(5000)}` } });
      expect(Array.from(incident.target)).toHaveLength(200);
      expect(incident.target.startsWith(" i")).toBe(true);
    });
  });
});
