/** The pure join + coverage maths of the antivirus collector, on a table of cases. */
import { describe, expect, it } from "vitest";
import {
  computeCoverage,
  interceptionTimeliness,
  normaliseUuid,
  swapUuidEndianness,
  type ManagedMachine,
} from "../../collectors/antivirus/index.js";
import type { InventoryVm } from "../../collectors/types.js";

const NOW = new Date("2025-03-01T12:00:00Z");
const HOUR = 3_600_000;

function vm(
  name: string,
  biosUuid?: string,
  powerState: InventoryVm["powerState"] = "POWERED_ON",
): InventoryVm {
  const id = name.slice(0, 40);
  return {
    key: `vm:${id}`,
    id,
    source: "vcenter",
    name,
    powerState,
    ...(biosUuid ? { biosUuid } : {}),
    labels: {},
  };
}
function machine(names: string[], biosUuid?: string, over: Partial<ManagedMachine> = {}): ManagedMachine {
  return {
    names,
    biosUuid,
    antiMalware: "on",
    appliance: "active",
    lastContact: new Date(NOW.getTime() - 60_000),
    ...over,
  };
}
const U1 = "4207A8F3-1111-2222-3333-444455556666";

interface Case {
  name: string;
  vms: InventoryVm[];
  machines: ManagedMachine[];
  expect: { protected: boolean; reason?: string; matchedBy?: string }[];
  ratio: number | undefined;
  unmatched?: number;
}

const cases: Case[] = [
  {
    name: "uuid match, case, dashes and braces ignored",
    vms: [vm("web-01", U1)],
    machines: [machine(["something-else"], `{${U1.toLowerCase().replace(/-/g, "")}}`)],
    expect: [{ protected: true, matchedBy: "bios_uuid" }],
    ratio: 1,
  },
  {
    name: "uuid match on the byte-swapped (guest SMBIOS) form",
    vms: [vm("web-01", "00112233-4455-6677-8899-aabbccddeeff")],
    machines: [machine(["x"], "33221100-5544-7766-8899-aabbccddeeff")],
    expect: [{ protected: true, matchedBy: "bios_uuid" }],
    ratio: 1,
  },
  {
    name: "name fallback when the VM has no uuid (case-insensitive, trimmed)",
    vms: [vm("Web-01")],
    machines: [machine(["  web-01 "], U1)],
    expect: [{ protected: true, matchedBy: "name" }],
    ratio: 1,
  },
  {
    name: "name fallback when the machine has no uuid",
    vms: [vm("web-01", U1)],
    machines: [machine(["WEB-01"])],
    expect: [{ protected: true, matchedBy: "name" }],
    ratio: 1,
  },
  {
    name: "uuid differs but name matches: uuid wins, not a match",
    vms: [vm("web-01", U1)],
    machines: [machine(["web-01"], "99999999-1111-2222-3333-444455556666")],
    expect: [{ protected: false, reason: "not_known_to_manager" }],
    ratio: 0,
    unmatched: 1,
  },
  {
    name: "duplicate names in the inventory: ambiguous, not matched",
    vms: [vm("dup"), { ...vm("dup"), key: "vm:dup-2" }],
    machines: [machine(["dup"])],
    expect: [
      { protected: false, reason: "ambiguous_name" },
      { protected: false, reason: "ambiguous_name" },
    ],
    ratio: 0,
  },
  {
    name: "duplicate names on the manager: ambiguous",
    vms: [vm("dup")],
    machines: [machine(["dup"]), machine(["DUP"], undefined, { antiMalware: "off" })],
    expect: [{ protected: false, reason: "ambiguous_name" }],
    ratio: 0,
  },
  {
    name: "duplicate uuid records on the manager: a protected one decides",
    vms: [vm("a", U1)],
    machines: [machine(["a"], U1, { antiMalware: "off" }), machine(["a"], U1)],
    expect: [{ protected: true, matchedBy: "bios_uuid" }],
    ratio: 1,
  },
  {
    name: "a VM the manager does not know",
    vms: [vm("a", U1), vm("ghost", "00000000-0000-0000-0000-000000000001")],
    machines: [machine(["a"], U1)],
    expect: [{ protected: true }, { protected: false, reason: "not_known_to_manager" }],
    ratio: 0.5,
  },
  {
    name: "manager machines not in the inventory are ignored",
    vms: [vm("a", U1)],
    machines: [machine(["a"], U1), machine(["physical"], "00000000-0000-0000-0000-00000000beef")],
    expect: [{ protected: true }],
    ratio: 1,
    unmatched: 1,
  },
  {
    name: "powered-off and suspended VMs are out of the ratio",
    vms: [vm("a", U1), vm("off", undefined, "POWERED_OFF"), vm("zz", undefined, "SUSPENDED")],
    machines: [machine(["a"], U1)],
    expect: [{ protected: true }],
    ratio: 1,
  },
  {
    name: "anti-malware off, appliance inactive",
    vms: [vm("a"), vm("b")],
    machines: [
      machine(["a"], undefined, { antiMalware: "off" }),
      machine(["b"], undefined, { appliance: "inactive" }),
    ],
    expect: [
      { protected: false, reason: "anti_malware_off" },
      { protected: false, reason: "appliance_inactive" },
    ],
    ratio: 0,
  },
  {
    name: "protection fields missing: unprotected, protection_unknown",
    vms: [vm("a"), vm("b")],
    machines: [
      machine(["a"], undefined, { antiMalware: "unknown" }),
      machine(["b"], undefined, { appliance: "unknown" }),
    ],
    expect: [
      { protected: false, reason: "protection_unknown" },
      { protected: false, reason: "protection_unknown" },
    ],
    ratio: 0,
  },
  {
    name: "stale and missing last contact; contact not reported is not checked",
    vms: [vm("a"), vm("b"), vm("c")],
    machines: [
      machine(["a"], undefined, { lastContact: new Date(NOW.getTime() - 2 * HOUR) }),
      machine(["b"], undefined, { lastContact: null }),
      machine(["c"], undefined, { lastContact: undefined }),
    ],
    expect: [
      { protected: false, reason: "stale_contact" },
      { protected: false, reason: "stale_contact" },
      { protected: true },
    ],
    ratio: 1 / 3,
  },
  {
    name: "zero running VMs: no ratio",
    vms: [vm("off", undefined, "POWERED_OFF")],
    machines: [machine(["off"])],
    expect: [],
    ratio: undefined,
  },
];

describe("computeCoverage", () => {
  it.each(cases)("$name", (c) => {
    const result = computeCoverage(c.vms, c.machines, { now: NOW, staleAfterMs: HOUR });
    const actual = result.vms.map((v, i) => ({
      protected: v.protected,
      reason: v.reason,
      ...(c.expect[i]?.matchedBy !== undefined ? { matchedBy: v.matchedBy } : {}),
    }));
    expect(actual).toEqual(c.expect.map((e) => ({ reason: undefined, ...e })));
    expect(result.ratio).toBe(c.ratio);
    expect(result.running).toBe(c.expect.length);
    expect(result.protected).toBe(c.expect.filter((e) => e.protected).length);
    if (c.unmatched !== undefined) expect(result.unmatchedMachines).toBe(c.unmatched);
  });

  it("hostile names: quotes, newlines, HTML, 10,000 characters match and stay bounded in details", () => {
    const names = ["a\"b'c", "line1\nline2", "<script>alert(1)</script>", "x".repeat(10_000)];
    const vms = names.map((n) => vm(n));
    const result = computeCoverage(
      vms,
      [machine([names[0] as string]), machine([(names[2] as string).toUpperCase()])],
      {
        now: NOW,
      },
    );
    expect(result.vms.map((v) => v.protected)).toEqual([true, false, true, false]);
    for (const v of result.vms) expect((v.detail ?? "").length).toBeLessThan(300);
    // An unambiguous unmatched hostile name with a machine of a similar-but-other name.
    const long = computeCoverage([vm("x".repeat(10_000))], [machine(["x".repeat(9_999)])], { now: NOW });
    expect(long.vms[0]?.reason).toBe("not_known_to_manager");
  });

  it("ambiguous detail quotes the name (newlines escaped)", () => {
    const result = computeCoverage([vm("a\nb"), { ...vm("a\nb"), key: "vm:2" }], [machine(["a\nb"])], {
      now: NOW,
    });
    expect(result.vms[0]?.detail).toContain('"a\\nb"');
    expect(result.vms[0]?.detail).not.toContain("\n");
  });
});

describe("uuid helpers", () => {
  it("normalises and swaps", () => {
    expect(normaliseUuid(" {4207A8F3-1111-2222-3333-444455556666} ")).toBe(
      "4207a8f3111122223333444455556666",
    );
    expect(normaliseUuid("--")).toBeUndefined();
    expect(swapUuidEndianness("00112233445566778899aabbccddeeff")).toBe("33221100554477668899aabbccddeeff");
    expect(swapUuidEndianness("not-hex")).toBeUndefined();
  });
});

describe("interceptionTimeliness", () => {
  const since = new Date("2025-03-01T00:00:00Z");
  const until = new Date("2025-03-01T12:00:00Z");
  const at = (iso: string): Date => new Date(`2025-03-01T${iso}Z`);
  it("counts events in the period, timely when acted on successfully within the bound", () => {
    const result = interceptionTimeliness(
      [
        { detectedAt: at("01:00:00"), actedAt: at("01:00:05"), actionSucceeded: true },
        { detectedAt: at("02:00:00"), actedAt: at("02:10:00"), actionSucceeded: true },
        { detectedAt: at("03:00:00"), actedAt: at("03:00:01"), actionSucceeded: false },
        { detectedAt: at("04:00:00"), actionSucceeded: true },
        { detectedAt: new Date("2025-02-28T23:00:00Z"), actedAt: at("00:00:00"), actionSucceeded: true },
      ],
      5 * 60_000,
      since,
      until,
    );
    expect(result).toEqual({ events: 4, timely: 1, ratio: 0.25 });
  });
  it("no events: no ratio", () => {
    expect(interceptionTimeliness([], 300_000, since, until)).toEqual({
      events: 0,
      timely: 0,
      ratio: undefined,
    });
  });
});
