/**
 * The vcenter collector against the simulated vCenter (simroom/vcenter) on loopback, over real
 * HTTPS with a certificate from a test CA made with openssl at test time.
 */
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../agent/clock.js";
import {
  boundName,
  createVcenterCollector,
  globToRegExp,
  systemFromName,
  vcenterPlugin,
} from "../../collectors/vcenter/index.js";
import { noInventory, type CollectContext, type Collector, type Sample } from "../../collectors/types.js";
import { VcenterApi } from "../../collectors/vcenter/api.js";
import { HttpsClient, loadTlsSettings } from "../../collectors/vcenter/client.js";
import { parseConfigText } from "../../config/load.js";
import { Secret } from "../../config/secret.js";
import {
  startVcenterSim,
  SYSTEMS,
  type VcenterSim,
  type VcenterSimOptions,
} from "../../simroom/vcenter/index.js";
import { createTestCa, type TestCa } from "../../simroom/test-ca.js";

const log = pino({ level: "silent" });
const deps = { clock: systemClock, log, inventory: noInventory };
const USER = "administrator@vsphere.local";
const PASS = "Sim-Passw0rd!";
const SYSTEM_FOLDERS = SYSTEMS.map((s) => s.code);

function ctx(signal: AbortSignal = new AbortController().signal): CollectContext {
  return { signal, now: () => systemClock.now(), log };
}

let ca: TestCa;
let otherCa: TestCa;
const sims: VcenterSim[] = [];
const collectors: Collector[] = [];

beforeAll(() => {
  process.env.VCENTER_SIM_PASSWORD = PASS;
  process.env.VCENTER_SIM_WRONG = "nope";
  ca = createTestCa();
  otherCa = createTestCa("some other CA");
});

afterEach(async () => {
  for (const c of collectors.splice(0)) await c.close?.();
  for (const s of sims.splice(0)) await s.close();
});

afterAll(() => {
  ca.cleanup();
  otherCa.cleanup();
});

async function sim(options: VcenterSimOptions = {}): Promise<VcenterSim> {
  const s = await startVcenterSim({ tls: ca.serverTls(), ...options });
  sims.push(s);
  return s;
}

function collector(s: VcenterSim, extra: Record<string, unknown> = {}): Collector {
  const config = vcenterPlugin.schema.parse({
    url: s.url,
    username: USER,
    password: "${VCENTER_SIM_PASSWORD}",
    tls_ca_file: ca.caCert,
    scope: { name: "suzhou", folders: SYSTEM_FOLDERS, expected: 253 },
    ...extra,
  });
  const c = createVcenterCollector(config, deps);
  collectors.push(c);
  return c;
}

function value(samples: Sample[], metric: string): number | null | undefined {
  return samples.find((s) => s.metric === metric)?.value;
}

function vmSamples(samples: Sample[]): Sample[] {
  return samples.filter((s) => s.metric === "vm_power_state");
}

function listCalls(s: VcenterSim): number {
  return s.requests.filter((r) => /\/vcenter\/vm$/.test(r.path)).length;
}

describe("vcenter helpers", () => {
  it("bounds hostile names, derives systems from names, matches globs", () => {
    expect(boundName("jyj-web-01")).toBe("jyj-web-01");
    expect(boundName('a"b\nc<script>')).toBe('a"b c<script>');
    const long = boundName("x".repeat(10_000));
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith("…")).toBe(true);
    expect(Array.from(boundName("虚".repeat(300)))).toHaveLength(200);
    expect(systemFromName("jyj-web-01")).toBe("jyj");
    expect(systemFromName("<b>-x")).toBeUndefined();
    expect(globToRegExp("jyj-*").test("jyj-web-01")).toBe(true);
    expect(globToRegExp("jyj-*").test("xjyj-web-01")).toBe(false);
    expect(globToRegExp("a.b?").test("a.bc")).toBe(true);
    expect(globToRegExp("a.b?").test("axbc")).toBe(false);
  });

  it("rejects a non-https URL, a plain password, unknown options", () => {
    const base = {
      url: "https://vc.example.cn",
      username: USER,
      password: "${VCENTER_SIM_PASSWORD}",
      scope: { expected: 1 },
    };
    expect(vcenterPlugin.schema.safeParse(base).success).toBe(true);
    expect(vcenterPlugin.schema.safeParse({ ...base, url: "http://vc.example.cn" }).success).toBe(false);
    expect(vcenterPlugin.schema.safeParse({ ...base, password: "hunter2" }).success).toBe(false);
    expect(vcenterPlugin.schema.safeParse({ ...base, bogus: 1 }).success).toBe(false);
    expect(vcenterPlugin.schema.safeParse({ ...base, scope: { expected: 1, folder: ["x"] } }).success).toBe(
      false,
    );
  });
});

describe("vcenter collector", () => {
  it("logs in once, lists the 253 VMs in scope with power states, systems and guest IPs", async () => {
    const s = await sim();
    const c = collector(s);
    const samples = await c.collect(ctx());
    expect(value(samples, "vms_in_scope")).toBe(253);
    expect(value(samples, "vms_expected")).toBe(253);
    const scope = samples.find((x) => x.metric === "vms_in_scope")?.target;
    expect(scope).toMatchObject({ key: "vcenter-scope:suzhou", kind: "scope", name: "suzhou" });

    const vms = vmSamples(samples);
    expect(vms).toHaveLength(253);
    const first = vms.find((x) => x.target.name === "jyj-web-01");
    expect(first).toMatchObject({
      target: {
        key: "vm:vm-1001",
        kind: "vm",
        name: "jyj-web-01",
        labels: { system: "jyj", ip: "127.10.0.2", power_state: "POWERED_ON" },
      },
      labels: { power_state: "POWERED_ON" },
      value: 1,
    });
    expect(vms.filter((x) => x.value === 0)).toHaveLength(5); // 4 off + 1 suspended
    expect(vms.find((x) => x.target.name === "oa-app-02")).toMatchObject({
      value: 0,
      labels: { power_state: "SUSPENDED" },
    });
    // Running without tools (503) → no ip label; every other running VM has its 127.x IP.
    const running = vms.filter((x) => x.value === 1);
    expect(running.filter((x) => x.target.labels?.ip === undefined)).toHaveLength(6);
    expect(running.filter((x) => x.target.labels?.ip?.startsWith("127."))).toHaveLength(running.length - 6);
    expect(vms.some((x) => x.target.name.startsWith("tpl-") || x.target.name.startsWith("test-"))).toBe(
      false,
    );
    // Guest identity only for running VMs.
    const identityCalls = s.requests.filter((r) => r.path.endsWith("/guest/identity")).length;
    expect(identityCalls).toBe(running.length);

    // BIOS and instance UUIDs from each VM's Info (one call per VM in scope).
    expect(first?.target.labels?.bios_uuid).toBe(s.inventory.vms[0]?.bios_uuid);
    expect(first?.target.labels?.instance_uuid).toBe(s.inventory.vms[0]?.instance_uuid);
    expect(vms.every((x) => /^[0-9a-f-]{36}$/.test(x.target.labels?.bios_uuid ?? ""))).toBe(true);
    expect(s.requests.filter((r) => /^\/api\/vcenter\/vm\/[^/]+$/.test(r.path))).toHaveLength(253);

    // A second run reuses the session: no second login.
    await c.collect(ctx());
    expect(s.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(s.requests.filter((r) => r.path.startsWith("/rest/"))).toHaveLength(0);
  });

  it("sends the scope's folders and clusters as filters; names/exclude globs narrow the scope", async () => {
    const s = await sim();
    const c = collector(s, {
      guest_ip: false,
      vm_identity: false,
      scope: { folders: ["jyj", "dsj"], clusters: ["Cluster-A"], exclude: ["*-db-*"], expected: 35 },
    });
    const samples = await c.collect(ctx());
    const lists = s.requests.filter((r) => r.path === "/api/vcenter/vm");
    expect(lists.map((r) => [r.query.getAll("folders"), r.query.getAll("clusters")])).toEqual([
      [["group-v1001"], ["domain-c7"]],
      [["group-v1002"], ["domain-c7"]],
    ]);
    // jyj: 20 in Cluster-A, dsj: 15; minus the db VMs among them.
    const expected = s.inventory.vms.filter(
      (vm) =>
        ["group-v1001", "group-v1002"].includes(vm.folder) &&
        vm.cluster === "domain-c7" &&
        !vm.name.includes("-db-"),
    ).length;
    expect(value(samples, "vms_in_scope")).toBe(expected);
    expect(vmSamples(samples).every((x) => !x.target.name.includes("-db-"))).toBe(true);

    const named = collector(s, {
      guest_ip: false,
      vm_identity: false,
      scope: { names: ["oa-*", "ykt-web-*"], expected: 27 },
    });
    const namedSamples = await named.collect(ctx());
    expect(value(namedSamples, "vms_in_scope")).toBe(24 + 3);
    // Without folders the system comes from the naming rule.
    expect(vmSamples(namedSamples).find((x) => x.target.name === "ykt-web-01")?.target.labels?.system).toBe(
      "ykt",
    );
  });

  it("a capped list (400 UNABLE_TO_ALLOCATE_RESOURCE) is split by folder and merged", async () => {
    const s = await sim({ vmCap: 100 });
    const c = collector(s, {
      guest_ip: false,
      vm_identity: false,
      scope: { exclude: ["tpl-*", "test-*"], expected: 253 },
    });
    const samples = await c.collect(ctx());
    expect(value(samples, "vms_in_scope")).toBe(253);
    // 1 refused whole-inventory query + one per VM folder (root, 11 systems, templates, test).
    expect(listCalls(s)).toBe(1 + s.inventory.folders.length);
    expect(new Set(vmSamples(samples).map((x) => x.target.key)).size).toBe(253);
  });

  it("a folder still capped is split by the scope's clusters", async () => {
    const s = await sim({ vmCap: 30 });
    const c = collector(s, {
      guest_ip: false,
      vm_identity: false,
      scope: { folders: SYSTEM_FOLDERS, clusters: ["Cluster-A", "Cluster-B"], expected: 253 },
    });
    const samples = await c.collect(ctx());
    expect(value(samples, "vms_in_scope")).toBe(253);
    const jyjCalls = s.requests.filter(
      (r) => r.path === "/api/vcenter/vm" && r.query.getAll("folders").includes("group-v1001"),
    );
    expect(jyjCalls.map((r) => r.query.getAll("clusters"))).toEqual([
      ["domain-c7", "domain-c8"],
      ["domain-c7"],
      ["domain-c8"],
    ]);
  });

  it("capped even after splitting → an error naming the cap, never a truncated count", async () => {
    const s = await sim({ vmCap: 10 });
    const c = collector(s, {
      guest_ip: false,
      vm_identity: false,
      scope: { folders: SYSTEM_FOLDERS, expected: 253 },
    });
    await expect(c.collect(ctx())).rejects.toThrow(/UNABLE_TO_ALLOCATE_RESOURCE.*count is unknown/s);
    const withClusters = collector(s, {
      guest_ip: false,
      vm_identity: false,
      scope: { folders: SYSTEM_FOLDERS, clusters: ["Cluster-A", "Cluster-B"], expected: 253 },
    });
    await expect(withClusters.collect(ctx())).rejects.toThrow(
      /too many VMs match folders group-v1001 and clusters domain-c7/,
    );
  });

  it("an expired session (401) → logs in again once and retries", async () => {
    const s = await sim();
    const c = collector(s, { guest_ip: false, vm_identity: false });
    await c.collect(ctx());
    s.expireSessions();
    const samples = await c.collect(ctx());
    expect(value(samples, "vms_in_scope")).toBe(253);
    expect(s.requests.filter((r) => r.method === "POST" && r.path === "/api/session")).toHaveLength(2);
  });

  it("wrong credentials → a clear login error", async () => {
    const s = await sim();
    const c = collector(s, { password: "${VCENTER_SIM_WRONG}" });
    await expect(c.collect(ctx())).rejects.toThrow(
      /POST \/api\/session answered 401 UNAUTHENTICATED: login rejected/,
    );
  });

  it("api auto: falls back to the legacy /rest API when /api/session is 404 (vCenter 6.5)", async () => {
    const s = await sim({ apis: "legacy", vmCap: 1000 });
    const c = collector(s);
    const samples = await c.collect(ctx());
    expect(value(samples, "vms_in_scope")).toBe(253);
    expect(vmSamples(samples).find((x) => x.target.name === "jyj-web-01")?.target.labels?.ip).toBe(
      "127.10.0.2",
    );
    // 6.5–6.7 VM Info has no identity: no UUID labels, no error.
    expect(vmSamples(samples).some((x) => x.target.labels?.bios_uuid !== undefined)).toBe(false);
    // Repeated filter.folders=…, as the generated SDKs send it (the first form tried).
    const list = s.requests.find((r) => r.path === "/rest/vcenter/vm");
    expect(list?.query.getAll("filter.folders")).toEqual(["group-v1001"]);
    await c.close?.();
    expect(s.sessions.size).toBe(0);
    expect(s.requests.at(-1)).toMatchObject({ method: "DELETE", path: "/rest/com/vmware/cis/session" });
  });

  it("api rest: does not fall back", async () => {
    const s = await sim({ apis: "legacy" });
    const c = collector(s, { api: "rest" });
    await expect(c.collect(ctx())).rejects.toThrow(/POST \/api\/session answered 404/);
  });

  it("malformed JSON or wrong types → an error naming the problem, not a partial count", async () => {
    const s = await sim();
    const c = collector(s, { guest_ip: false, vm_identity: false });
    await c.collect(ctx());
    s.faults.malformedJson = true;
    await expect(c.collect(ctx())).rejects.toThrow(/GET \/api\/vcenter\/(folder|vm) answered malformed JSON/);
    s.faults.malformedJson = false;
    s.faults.wrongTypes = true;
    await expect(c.collect(ctx())).rejects.toThrow(
      /GET \/api\/vcenter\/vm answered an unexpected shape: 0\.power_state:/,
    );
    s.faults.wrongTypes = false;
    s.faults.error500 = true;
    await expect(c.collect(ctx())).rejects.toThrow(/answered 500 INTERNAL_SERVER_ERROR/);
  });

  it("a slow server hits request_timeout; a hanging one is stopped by the run's signal", async () => {
    const s = await sim();
    const c = collector(s, { guest_ip: false, vm_identity: false, request_timeout: "300ms" });
    s.faults.slow = 2_000;
    const start = Date.now();
    await expect(c.collect(ctx())).rejects.toThrow(/got no answer within 300 ms/);
    expect(Date.now() - start).toBeLessThan(1_500);

    s.faults.slow = 0;
    s.faults.hang = true;
    const patient = collector(s, { guest_ip: false, vm_identity: false, request_timeout: "1m" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("run timed out")), 200);
    const t0 = Date.now();
    await expect(patient.collect(ctx(controller.signal))).rejects.toThrow(/aborted \(run timed out\)/);
    expect(Date.now() - t0).toBeLessThan(1_500);
  });

  it("a certificate from an unknown CA is refused; insecure_skip_verify accepts it", async () => {
    const s = await sim();
    const noCa = collector(s, { tls_ca_file: undefined });
    await expect(noCa.collect(ctx())).rejects.toThrow(
      /failed: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/,
    );
    const wrongCa = collector(s, { tls_ca_file: otherCa.caCert });
    await expect(wrongCa.collect(ctx())).rejects.toThrow(
      /failed: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/,
    );
    expect(s.sessions.size).toBe(0);
    const insecure = collector(s, {
      tls_ca_file: undefined,
      insecure_skip_verify: true,
      guest_ip: false,
      vm_identity: false,
    });
    expect(value(await insecure.collect(ctx()), "vms_in_scope")).toBe(253);
  });

  it("hostile VM names: kept, bounded, never a crash", async () => {
    const s = await sim();
    const jyj = s.inventory.folders.find((f) => f.name === "jyj")?.folder as string;
    const base = { power_state: "POWERED_ON" as const, cpu_count: 1, memory_size_MiB: 1024, folder: jyj };
    const extra = {
      cluster: "domain-c7",
      resource_pool: "resgroup-9",
      bios_uuid: "x",
      instance_uuid: "y",
      tools_running: false,
    };
    s.inventory.vms.push(
      { ...base, ...extra, vm: "vm-9001", name: 'jyj-"quoted"\n<script>alert(1)</script>' },
      { ...base, ...extra, vm: "vm-9002", name: "y".repeat(10_000) },
      { ...base, ...extra, vm: "vm-9003", name: "" },
    );
    const c = collector(s, { scope: { folders: SYSTEM_FOLDERS, expected: 256 } });
    const samples = await c.collect(ctx());
    expect(value(samples, "vms_in_scope")).toBe(256);
    const byKey = new Map(vmSamples(samples).map((x) => [x.target.key, x.target]));
    expect(byKey.get("vm:vm-9001")?.name).toBe('jyj-"quoted" <script>alert(1)</script>');
    expect(byKey.get("vm:vm-9001")?.labels?.system).toBe("jyj");
    expect(Array.from(byKey.get("vm:vm-9002")?.name ?? "")).toHaveLength(200);
    expect(byKey.get("vm:vm-9003")?.name).toBe("");
  });

  it("a scope folder vCenter does not know is an error, not zero VMs", async () => {
    const s = await sim();
    const c = collector(s, { scope: { folders: ["jyj", "nosuch"], expected: 40 } });
    await expect(c.collect(ctx())).rejects.toThrow(/scope folder not found in vCenter: nosuch/);
  });

  it("close() deletes the session", async () => {
    const s = await sim();
    const c = collector(s, { guest_ip: false, vm_identity: false });
    await c.collect(ctx());
    expect(s.sessions.size).toBe(1);
    await c.close?.();
    expect(s.sessions.size).toBe(0);
    expect(s.requests.at(-1)).toMatchObject({ method: "DELETE", path: "/api/session" });
  });

  it("guest_ip and vm_identity off: one list call per folder and nothing per VM", async () => {
    const s = await sim();
    const c = collector(s, { guest_ip: false, vm_identity: false });
    const samples = await c.collect(ctx());
    expect(value(samples, "vms_in_scope")).toBe(253);
    expect(s.requests.filter((r) => /^\/api\/vcenter\/vm\/./.test(r.path))).toHaveLength(0);
    expect(vmSamples(samples).every((x) => x.target.labels?.bios_uuid === undefined)).toBe(true);
  });

  it("a wrongly typed VM identity fails the run, naming the field", async () => {
    const s = await sim();
    const c = collector(s, { guest_ip: false, scope: { folders: ["jyj"], expected: 40 } });
    await c.collect(ctx());
    // wrongTypes breaks the list too; serve a good list and a bad identity instead.
    const vm = s.inventory.vms[0] as { bios_uuid: unknown };
    vm.bios_uuid = 42;
    await expect(c.collect(ctx())).rejects.toThrow(
      /GET \/api\/vcenter\/vm\/vm-1001 answered an unexpected shape: identity\.bios_uuid:/,
    );
  });
});

/** The VMs of folders jyj and dsj in Cluster-A that are not database VMs: the scope of the filter tests. */
function jyjDsjInClusterA(s: VcenterSim): number {
  return s.inventory.vms.filter(
    (vm) =>
      ["group-v1001", "group-v1002"].includes(vm.folder) &&
      vm.cluster === "domain-c7" &&
      !vm.name.includes("-db-"),
  ).length;
}

const FILTERED_SCOPE = {
  guest_ip: false,
  vm_identity: false,
  scope: { folders: ["jyj", "dsj"], clusters: ["Cluster-A"], exclude: ["*-db-*"], expected: 35 },
};

describe("vcenter collector: the scope's filters on the legacy /rest API", () => {
  for (const [form, other] of [
    ["repeated", "ignore"],
    ["repeated", "reject"],
    ["indexed", "ignore"],
    ["indexed", "reject"],
  ] as const) {
    it(`a server that reads only the ${form} form (and ${other}s the other) gets the scope applied`, async () => {
      const s = await sim({ apis: "legacy", vmCap: 1000, legacyListForm: form, legacyOtherForm: other });
      const c = collector(s, FILTERED_SCOPE);
      const samples = await c.collect(ctx());
      const expected = jyjDsjInClusterA(s);
      expect(expected).toBeGreaterThan(0);
      expect(expected).toBeLessThan(70);
      expect(value(samples, "vms_in_scope")).toBe(expected);
      expect(vmSamples(samples)).toHaveLength(expected);
      const inForm = (r: { query: URLSearchParams }, name: string): string[] =>
        form === "repeated"
          ? r.query.getAll(`filter.${name}`)
          : [...r.query].filter(([k]) => k.startsWith(`filter.${name}.`)).map(([, v]) => v);
      // Every VM list went out in the form the server reads, with the folder and cluster ids.
      const lists = s.requests.filter((r) => r.path === "/rest/vcenter/vm");
      expect(lists.map((r) => [inForm(r, "folders"), inForm(r, "clusters")])).toEqual([
        [["group-v1001"], ["domain-c7"]],
        [["group-v1002"], ["domain-c7"]],
      ]);
      // The form is learnt once: a second run sends nothing in the other form.
      const before = s.requests.length;
      expect(value(await c.collect(ctx()), "vms_in_scope")).toBe(expected);
      const otherForm = s.requests
        .slice(before)
        .filter((r) =>
          [...r.query.keys()].some((k) =>
            form === "repeated" ? /^filter\.\w+\.\d+$/.test(k) : /^filter\.(names|folders|clusters)$/.test(k),
          ),
        );
      expect(otherForm).toEqual([]);
    });
  }

  it("a server that applies no form of the filter fails the run naming it, never counting every VM", async () => {
    const s = await sim({ apis: "legacy", vmCap: 1000 });
    s.faults.ignoreFilters = "all";
    const c = collector(s, FILTERED_SCOPE);
    await expect(c.collect(ctx())).rejects.toThrow(
      /GET \/rest\/vcenter\/(folder|cluster) did not apply its filter in any form vCenter documents: filter\.names=.* \(repeated\) was not applied \(the answer held (folder|cluster) .* outside the names filter .*\); filter\.names\.1=.* \(indexed\) was not applied/,
    );
    // Nothing was listed as the scope.
    expect(s.requests.filter((r) => r.path === "/rest/vcenter/vm")).toHaveLength(0);
  });

  it("VM lists that come back unfiltered (a VM in two folders' lists) fail the run, on either API", async () => {
    for (const apis of ["legacy", "rest"] as const) {
      const s = await sim({ apis, vmCap: 1000 });
      s.faults.ignoreFilters = "vm";
      const c = collector(s, FILTERED_SCOPE);
      await expect(c.collect(ctx())).rejects.toThrow(
        /VM vm-\d+ \(".*"\) was listed for folder "dsj" after folder "jyj": .*did not apply the folder or cluster filter/,
      );
    }
  });

  it("the power-state filter is sent in the form the server reads and checked against the answer", async () => {
    const s = await sim({ apis: "legacy", vmCap: 1000, legacyListForm: "indexed" });
    const client = new HttpsClient(
      loadTlsSettings({ tls_ca_file: ca.caCert, insecure_skip_verify: false }, log),
      2,
    );
    const api = new VcenterApi(
      client,
      {
        baseUrl: new URL(s.url),
        username: USER,
        password: new Secret(PASS, "test"),
        api: "auto",
        timeoutMs: 5_000,
      },
      log,
    );
    try {
      const signal = new AbortController().signal;
      const offOrSuspended = await api.listVms({ powerStates: ["POWERED_OFF", "SUSPENDED"] }, signal);
      const expected = s.inventory.vms.filter((vm) => vm.power_state !== "POWERED_ON").map((vm) => vm.vm);
      expect(offOrSuspended.map((vm) => vm.vm).sort()).toEqual(expected.sort());
      const sent = s.requests.filter((r) => r.path === "/rest/vcenter/vm").map((r) => r.query.toString());
      expect(sent).toEqual([
        "filter.power_states=POWERED_OFF&filter.power_states=SUSPENDED",
        "filter.power_states.1=POWERED_OFF&filter.power_states.2=SUSPENDED",
      ]);
      s.faults.ignoreFilters = "vm";
      await expect(api.listVms({ powerStates: ["SUSPENDED"] }, signal)).rejects.toThrow(
        /did not apply its filter in any form .*filter\.power_states\.1=SUSPENDED \(indexed\) was not applied \(the answer held VM vm-\d+ \(".*", POWERED_(ON|OFF)\), outside the power_states filter "SUSPENDED"\)/,
      );
    } finally {
      await api.logout(new AbortController().signal);
      client.close();
    }
  });
});

describe("vcenter collector: scope folders and clusters by name or by id", () => {
  it("ids (group-v…, domain-c…) and names are both accepted; the system label is the folder's name", async () => {
    const s = await sim();
    const c = collector(s, {
      ...FILTERED_SCOPE,
      scope: { ...FILTERED_SCOPE.scope, folders: ["group-v1001", "dsj", "jyj"], clusters: ["domain-c7"] },
    });
    const samples = await c.collect(ctx());
    expect(value(samples, "vms_in_scope")).toBe(jyjDsjInClusterA(s));
    const systems = new Set(vmSamples(samples).map((x) => x.target.labels?.system));
    expect(systems).toEqual(new Set(["jyj", "dsj"]));
    // jyj given by id and by name is listed once.
    const lists = s.requests.filter((r) => r.path === "/api/vcenter/vm");
    expect(lists.map((r) => r.query.getAll("folders"))).toEqual([["group-v1001"], ["group-v1002"]]);

    const unknown = collector(s, { scope: { folders: ["group-v9999", "jyj"], expected: 40 } });
    await expect(unknown.collect(ctx())).rejects.toThrow(
      /scope folder not found in vCenter: group-v9999 \(scope\.folders takes folder names or ids like group-v1001\)/,
    );
  });

  it("check-config refuses the id of another kind of object, naming the field, the value and the fix", () => {
    process.env.VCENTER_SIM_PASSWORD = PASS;
    const result = parseConfigText(
      [
        "collectors:",
        "  - type: vcenter",
        "    url: https://vcenter.example.cn",
        "    username: ops-agent@vsphere.local",
        '    password: "${VCENTER_SIM_PASSWORD}"',
        "    scope:",
        "      folders: [jyj, group-h4, domain-c7]",
        "      clusters: [Cluster-A, group-v1001]",
        "      expected: 253",
      ].join("\n"),
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([
      expect.stringMatching(
        /^collectors\[0\]\.scope\.folders\[1\]: "group-h4" is the id of a host folder, not of a VM folder; give the folder's name as vCenter shows it, or its id \(group-v1001\)/,
      ),
      expect.stringMatching(
        /^collectors\[0\]\.scope\.folders\[2\]: "domain-c7" is the id of a cluster, not of a VM folder/,
      ),
      expect.stringMatching(
        /^collectors\[0\]\.scope\.clusters\[1\]: "group-v1001" is the id of a VM folder, not of a cluster; give the cluster's name as vCenter shows it, or its id \(domain-c7\)/,
      ),
    ]);
    const fine = parseConfigText(
      [
        "collectors:",
        "  - type: vcenter",
        "    url: https://vcenter.example.cn",
        "    username: ops-agent@vsphere.local",
        '    password: "${VCENTER_SIM_PASSWORD}"',
        "    scope:",
        "      folders: [jyj, group-v1001]",
        "      clusters: [Cluster-A, domain-c7]",
        "      expected: 253",
      ].join("\n"),
    );
    expect(fine.ok ? [] : fine.errors).toEqual([]);
  });
});
