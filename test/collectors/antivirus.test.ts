/**
 * The antivirus collector against the simulated Deep Security Manager over HTTP and HTTPS on
 * loopback (certificate made with openssl at test time), and against CSV/JSON export files.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSelfSigned, type SelfSigned } from "../../simroom/test-ca.js";
import { systemClock } from "../../agent/clock.js";
import { antivirusPlugin } from "../../collectors/antivirus/index.js";
import type { CollectContext, InventoryView, InventoryVm, Sample } from "../../collectors/types.js";
import {
  DEFAULT_API_KEY,
  startDeepSecuritySim,
  type DeepSecuritySim,
} from "../../simroom/deepsecurity/index.js";

const log = pino({ level: "silent" });
let selfSigned: SelfSigned | undefined;
let certFile = "";
let tlsPair: { key: string; cert: string } = { key: "", cert: "" };
const sims: DeepSecuritySim[] = [];

const VMS: InventoryVm[] = Array.from({ length: 7 }, (_, i) => ({
  key: `vm:vm-${100 + i}`,
  id: `vm-${100 + i}`,
  source: "vcenter",
  name: `edu-app-${i}`,
  powerState: "POWERED_ON" as const,
  biosUuid: `4207a8f3-0000-0000-0000-${String(i).padStart(12, "0")}`,
  labels: { system: "教育资源平台", owner: "信息部" },
}));
const OFF_VM: InventoryVm = {
  key: "vm:vm-900",
  id: "vm-900",
  source: "vcenter",
  name: "edu-app-off",
  powerState: "POWERED_OFF",
  labels: {},
};
const simInput = VMS.map((v) => ({ name: v.name, biosUuid: (v.biosUuid as string).toUpperCase() }));

function view(vms: readonly InventoryVm[] | undefined): InventoryView {
  return { vms: () => vms };
}
function ctx(signal: AbortSignal = new AbortController().signal): CollectContext {
  return { signal, now: () => systemClock.now(), log };
}
function create(raw: Record<string, unknown>, inventory: InventoryView = view([...VMS, OFF_VM])) {
  const config = antivirusPlugin.schema.parse(raw);
  return antivirusPlugin.create(config, { clock: systemClock, log, inventory });
}
async function sim(tls = false): Promise<DeepSecuritySim> {
  const s = await startDeepSecuritySim({ vms: simInput, ...(tls ? { tls: tlsPair } : {}) });
  sims.push(s);
  return s;
}
function dsSource(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { kind: "deep_security", url, api_key: "${AV_TEST_KEY}", ...extra };
}
function byMetric(samples: Sample[], metric: string): Sample[] {
  return samples.filter((s) => s.metric === metric);
}

beforeAll(() => {
  process.env.AV_TEST_KEY = DEFAULT_API_KEY;
  process.env.AV_WRONG_KEY = "2:wrong";
  selfSigned = createSelfSigned();
  certFile = selfSigned.certFile;
  tlsPair = selfSigned.tls();
});
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
afterAll(() => {
  selfSigned?.cleanup();
});

const EXPECTED = [
  { key: "vm:vm-100", value: 1, reason: undefined },
  { key: "vm:vm-101", value: 0, reason: "anti_malware_off" },
  { key: "vm:vm-102", value: 0, reason: "appliance_inactive" },
  { key: "vm:vm-103", value: 0, reason: "stale_contact" },
  { key: "vm:vm-104", value: 1, reason: undefined },
  { key: "vm:vm-105", value: 1, reason: undefined },
  { key: "vm:vm-106", value: 0, reason: "not_known_to_manager" },
];

describe("antivirus collector, Deep Security source", () => {
  it("joins the manager's computers with the running VMs (HTTPS, tls_ca_file, paging by 2)", async () => {
    const s = await sim(true);
    const collector = create({ source: dsSource(s.url, { page_size: 2, tls_ca_file: certFile }) });
    const samples = await collector.collect(ctx());
    const perVm = byMetric(samples, "antivirus_protected");
    expect(perVm.map((p) => ({ key: p.target.key, value: p.value, reason: p.reason }))).toEqual(EXPECTED);
    expect(perVm[0]?.target).toEqual({
      key: "vm:vm-100",
      kind: "vm",
      name: "edu-app-0",
      labels: { system: "教育资源平台" },
      vmId: "vm-100",
    });
    expect(perVm[1]?.up).toBe(false);
    const ratio = byMetric(samples, "antivirus_coverage_ratio")[0];
    expect(ratio?.target).toEqual({ key: "antivirus:coverage", kind: "scope", name: "running VMs in scope" });
    expect(ratio?.value).toBeCloseTo(3 / 7);
    expect(byMetric(samples, "antivirus_running_vms")[0]?.value).toBe(7);
    expect(byMetric(samples, "antivirus_protected_vms")[0]?.value).toBe(3);
    // 7 computers (6 VMs + 1 physical) in pages of 2: 4 requests, each after the last ID seen.
    const searches = s.requests.filter((r) => r.path === "/api/computers/search");
    expect(searches).toHaveLength(4);
    expect(
      searches.map((r) => (r.body as { searchCriteria: { idValue: number }[] }).searchCriteria[0]?.idValue),
    ).toEqual([0, 5, 9, 13]);
    expect(searches[0]?.query.getAll("expand")).toEqual(["computerStatus", "antiMalware"]);
    for (const sample of samples) expect(JSON.stringify(sample)).not.toContain(DEFAULT_API_KEY);
  });

  it("plain HTTP with the default page size makes one request", async () => {
    const s = await sim();
    const samples = await create({ source: dsSource(s.url) }).collect(ctx());
    expect(byMetric(samples, "antivirus_protected_vms")[0]?.value).toBe(3);
    expect(s.requests).toHaveLength(1);
  });

  it("an untrusted certificate fails the run", async () => {
    const s = await sim(true);
    await expect(create({ source: dsSource(s.url) }).collect(ctx())).rejects.toThrow();
  });

  it("a wrong API key: 401, the run throws (coverage unknown)", async () => {
    const s = await sim();
    const collector = create({ source: dsSource(s.url, { api_key: "${AV_WRONG_KEY}" }) });
    await expect(collector.collect(ctx())).rejects.toThrow(/status 401/);
  });

  it.each([
    ["error500", /status 500/],
    ["malformedJson", /malformed JSON/],
  ] as const)("%s: the run throws", async (fault, message) => {
    const s = await sim();
    s.faults[fault] = true;
    await expect(create({ source: dsSource(s.url) }).collect(ctx())).rejects.toThrow(message);
  });

  it("a hanging manager: the request timeout fails the run", async () => {
    const s = await sim();
    s.faults.hang = true;
    const collector = create({ source: dsSource(s.url), request_timeout: "300ms" });
    await expect(collector.collect(ctx())).rejects.toThrow(/no answer within 300ms/);
  });

  it("a slow manager: the run's signal stops the request", async () => {
    const s = await sim();
    s.faults.slowMs = 5_000;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("run timed out")), 200);
    await expect(create({ source: dsSource(s.url) }).collect(ctx(controller.signal))).rejects.toThrow(
      "run timed out",
    );
  });

  it("inventory unknown: throws without asking the manager", async () => {
    const s = await sim();
    await expect(create({ source: dsSource(s.url) }, view(undefined)).collect(ctx())).rejects.toThrow(
      /inventory \(what coverage is computed against\) is unknown — no good inventory run yet/,
    );
    expect(s.requests).toHaveLength(0);
  });

  it("no running VM: throws (no ratio)", async () => {
    const s = await sim();
    await expect(create({ source: dsSource(s.url) }, view([OFF_VM])).collect(ctx())).rejects.toThrow(
      /no running VM/,
    );
  });

  it("rejects an API key written in the config", () => {
    expect(() =>
      antivirusPlugin.schema.parse({ source: dsSource("https://dsm", { api_key: "2:plain" }) }),
    ).toThrow();
  });
});

describe("antivirus collector, export source", () => {
  const now = Date.now();
  const recent = new Date(now - 60_000).toISOString();
  const old = new Date(now - 3 * 86_400_000).toISOString();

  it("reads a CSV export with a field mapping", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-agent-av-csv-"));
    const path = join(dir, "export.csv");
    writeFileSync(
      path,
      "\uFEFFHost Name,SMBIOS UUID,Status,Last Seen\r\n" +
        `"edu-app-0",${VMS[0]?.biosUuid},Protected,${recent}\r\n` +
        `"EDU-APP-1",,yes,${recent}\r\n` +
        `edu-app-2,,Unprotected,${recent}\r\n` +
        `edu-app-3,,protected,${old}\r\n` +
        `"edu, ""quoted""\nname",,protected,${recent}\r\n`,
    );
    try {
      const collector = create({
        source: {
          kind: "export",
          path,
          format: "csv",
          fields: {
            name: "Host Name",
            bios_uuid: "SMBIOS UUID",
            protected: "Status",
            last_seen: "Last Seen",
          },
        },
      });
      const perVm = byMetric(await collector.collect(ctx()), "antivirus_protected");
      expect(perVm.slice(0, 5).map((p) => p.reason)).toEqual([
        undefined,
        undefined,
        "anti_malware_off",
        "stale_contact",
        "not_known_to_manager",
      ]);
      expect(perVm).toHaveLength(7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a JSON export; a missing mapped field or malformed JSON throws", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-agent-av-json-"));
    const path = join(dir, "export.json");
    writeFileSync(
      path,
      JSON.stringify(VMS.map((v, i) => ({ vm: v.name, uuid: v.biosUuid, av: i % 2 === 0 ? true : "off" }))),
    );
    const source = {
      kind: "export",
      path,
      format: "json",
      fields: { name: "vm", bios_uuid: "uuid", protected: "av" },
    };
    try {
      const samples = await create({ source }).collect(ctx());
      expect(byMetric(samples, "antivirus_protected_vms")[0]?.value).toBe(4);
      expect(byMetric(samples, "antivirus_coverage_ratio")[0]?.value).toBeCloseTo(4 / 7);
      await expect(
        create({ source: { ...source, fields: { name: "vm", protected: "missing" } } }).collect(ctx()),
      ).rejects.toThrow(/no field "missing"/);
      writeFileSync(path, "[{");
      await expect(create({ source }).collect(ctx())).rejects.toThrow(/malformed JSON/);
      await expect(
        create({ source: { ...source, path: join(dir, "nope.json") } }).collect(ctx()),
      ).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
