/**
 * The simulated vCenter on its own: the documented endpoints, filters, cap, errors and faults.
 * Plain HTTP here (fetch); the collector tests exercise it over HTTPS with a test CA.
 */
import { readFileSync } from "node:fs";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  generateInventory,
  INVENTORY_FACTS,
  startVcenterSim,
  SYSTEMS,
  type VcenterSim,
} from "../../simroom/vcenter/index.js";
import { createTestCa, type TestCa } from "../../simroom/test-ca.js";

const USER = "administrator@vsphere.local";
const PASS = "Sim-Passw0rd!";
const basic = `Basic ${Buffer.from(`${USER}:${PASS}`).toString("base64")}`;

let sim: VcenterSim;

beforeAll(async () => {
  sim = await startVcenterSim();
});
afterAll(async () => {
  await sim.close();
});

async function login(): Promise<string> {
  const res = await fetch(`${sim.url}/api/session`, { method: "POST", headers: { authorization: basic } });
  expect(res.status).toBe(201);
  const token = (await res.json()) as unknown;
  expect(typeof token).toBe("string");
  return token as string;
}

async function get(path: string, token: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.url}${path}`, { headers: { "vmware-api-session-id": token } });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("generated inventory", () => {
  it("is the Suzhou machine room: 253 in scope, 20 out, deterministic", () => {
    const a = generateInventory();
    const b = generateInventory();
    expect(a).toEqual(b);
    const inScopeFolders = new Set(
      a.folders.filter((f) => SYSTEMS.some((s) => s.code === f.name)).map((f) => f.folder),
    );
    const inScope = a.vms.filter((vm) => inScopeFolders.has(vm.folder));
    expect(inScope).toHaveLength(253);
    expect(a.vms.length - inScope.length).toBe(INVENTORY_FACTS.outOfScope);
    expect(inScope.filter((vm) => vm.power_state === "POWERED_OFF")).toHaveLength(
      INVENTORY_FACTS.poweredOffInScope,
    );
    expect(inScope.filter((vm) => vm.power_state === "SUSPENDED")).toHaveLength(1);
    const running = inScope.filter((vm) => vm.power_state === "POWERED_ON");
    expect(running.filter((vm) => !vm.tools_running)).toHaveLength(INVENTORY_FACTS.noToolsInScope);
    for (const vm of running.filter((v) => v.tools_running))
      expect(vm.ip_address).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(new Set(a.vms.map((vm) => vm.bios_uuid)).size).toBe(a.vms.length);
    expect(a.vms[0]?.bios_uuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(a.vms[0]?.name).toBe("jyj-web-01");
  });
});

describe("vCenter simulator, current API (/api)", () => {
  it("POST /api/session: 201 with a JSON string token; 401 UNAUTHENTICATED on bad credentials", async () => {
    const token = await login();
    expect(sim.sessions.has(token)).toBe(true);
    const bad = await fetch(`${sim.url}/api/session`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${USER}:wrong`).toString("base64")}` },
    });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error_type: string }).error_type).toBe("UNAUTHENTICATED");
  });

  it("GET /api/vcenter/vm lists summaries and honours repeated filters", async () => {
    const token = await login();
    const all = await get("/api/vcenter/vm", token);
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(273);
    expect((all.body as unknown[])[0]).toEqual({
      vm: "vm-1001",
      name: "jyj-web-01",
      power_state: "POWERED_ON",
      cpu_count: 2,
      memory_size_MiB: 4096,
    });
    const off = await get("/api/vcenter/vm?power_states=POWERED_OFF&folders=group-v1001", token);
    expect(off.body).toEqual([expect.objectContaining({ name: "jyj-mq-40", power_state: "POWERED_OFF" })]);
    const two = await get("/api/vcenter/vm?folders=group-v1001&folders=group-v1002", token);
    expect(two.body).toHaveLength(70);
    const cluster = await get("/api/vcenter/vm?clusters=domain-c7&folders=group-v1001", token);
    expect(cluster.body).toHaveLength(20);
    const pool = await get("/api/vcenter/vm?resource_pools=resgroup-10&folders=group-v1001", token);
    expect(pool.body).toHaveLength(20);
    const names = await get("/api/vcenter/vm?names=jyj-web-01&names=oa-app-02", token);
    expect(
      (names.body as { name: string; power_state: string }[]).map((v) => [v.name, v.power_state]),
    ).toEqual([
      ["jyj-web-01", "POWERED_ON"],
      ["oa-app-02", "SUSPENDED"],
    ]);
  });

  it("answers 400 UNABLE_TO_ALLOCATE_RESOURCE when more VMs match than the cap", async () => {
    const capped = await startVcenterSim({ vmCap: 100 });
    try {
      const res = await fetch(`${capped.url}/api/session`, {
        method: "POST",
        headers: { authorization: basic },
      });
      const token = (await res.json()) as string;
      const list = await fetch(`${capped.url}/api/vcenter/vm`, {
        headers: { "vmware-api-session-id": token },
      });
      expect(list.status).toBe(400);
      expect(await list.json()).toEqual({
        error_type: "UNABLE_TO_ALLOCATE_RESOURCE",
        messages: [
          {
            args: [],
            default_message: "Too many virtual machines. Add more filter criteria to reduce the number.",
            id: "com.vmware.api.vcenter.vm.too_many_matches",
          },
        ],
      });
      const folder = await fetch(`${capped.url}/api/vcenter/vm?folders=group-v1001`, {
        headers: { "vmware-api-session-id": token },
      });
      expect(folder.status).toBe(200);
    } finally {
      await capped.close();
    }
  });

  it("guest identity: 200 with the IP when tools run, 503 SERVICE_UNAVAILABLE when not", async () => {
    const token = await login();
    const ok = await get("/api/vcenter/vm/vm-1001/guest/identity", token);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ip_address: "127.10.0.2", host_name: "jyj-web-01", family: "LINUX" });
    const noTools = sim.inventory.vms.find((vm) => vm.power_state === "POWERED_ON" && !vm.tools_running);
    const na = await get(`/api/vcenter/vm/${noTools?.vm}/guest/identity`, token);
    expect(na.status).toBe(503);
    expect(na.body).toMatchObject({ error_type: "SERVICE_UNAVAILABLE" });
    expect((await get("/api/vcenter/vm/vm-9/guest/identity", token)).status).toBe(404);
  });

  it("GET /api/vcenter/vm/{vm}: VM Info with identity (BIOS and instance UUID); 404 for an unknown VM", async () => {
    const token = await login();
    const info = await get("/api/vcenter/vm/vm-1001", token);
    expect(info.status).toBe(200);
    const vm = sim.inventory.vms[0];
    expect(info.body).toMatchObject({
      name: "jyj-web-01",
      power_state: "POWERED_ON",
      cpu: { count: 2 },
      memory: { size_MiB: 4096 },
      identity: { name: "jyj-web-01", bios_uuid: vm?.bios_uuid, instance_uuid: vm?.instance_uuid },
    });
    expect(await get("/api/vcenter/vm/vm-9", token)).toMatchObject({
      status: 404,
      body: { error_type: "NOT_FOUND" },
    });
  });

  it("folder and cluster lists, with name and type filters", async () => {
    const token = await login();
    const folders = await get("/api/vcenter/folder?type=VIRTUAL_MACHINE&names=jyj&names=test", token);
    expect(folders.body).toEqual([
      { folder: "group-v1001", name: "jyj", type: "VIRTUAL_MACHINE" },
      { folder: "group-v2002", name: "test", type: "VIRTUAL_MACHINE" },
    ]);
    const clusters = await get("/api/vcenter/cluster", token);
    expect((clusters.body as { name: string }[]).map((c) => c.name)).toEqual(["Cluster-A", "Cluster-B"]);
  });

  it("401 UNAUTHENTICATED without, with an unknown, an expired or a deleted session", async () => {
    expect((await fetch(`${sim.url}/api/vcenter/vm`)).status).toBe(401);
    expect((await get("/api/vcenter/vm", "nope")).body).toMatchObject({ error_type: "UNAUTHENTICATED" });
    const token = await login();
    sim.expireSessions();
    expect((await get("/api/vcenter/vm", token)).status).toBe(401);
    const again = await login();
    const del = await fetch(`${sim.url}/api/session`, {
      method: "DELETE",
      headers: { "vmware-api-session-id": again },
    });
    expect(del.status).toBe(204);
    expect((await get("/api/vcenter/vm", again)).status).toBe(401);
  });

  it("faults: error500, malformedJson, wrongTypes, ignoreFilters, slow and hang", async () => {
    const token = await login();
    try {
      sim.faults.error500 = true;
      expect((await get("/api/vcenter/vm", token)).status).toBe(500);
      sim.faults.error500 = false;
      sim.faults.malformedJson = true;
      const bad = await fetch(`${sim.url}/api/vcenter/vm`, { headers: { "vmware-api-session-id": token } });
      await expect(bad.json()).rejects.toThrow();
      sim.faults.malformedJson = false;
      sim.faults.wrongTypes = true;
      expect(((await get("/api/vcenter/vm", token)).body as { cpu_count: unknown }[])[0]?.cpu_count).toBe(
        "2",
      );
      sim.faults.wrongTypes = false;
      sim.faults.ignoreFilters = "vm";
      expect((await get("/api/vcenter/vm?folders=group-v1001", token)).body).toHaveLength(
        sim.inventory.vms.length,
      );
      expect((await get("/api/vcenter/folder?names=jyj", token)).body).toHaveLength(1);
      sim.faults.ignoreFilters = "all";
      expect((await get("/api/vcenter/folder?names=jyj", token)).body).toHaveLength(
        sim.inventory.folders.length,
      );
      sim.faults.ignoreFilters = false;
      sim.faults.slow = 300;
      const start = Date.now();
      await get("/api/vcenter/cluster", token);
      expect(Date.now() - start).toBeGreaterThanOrEqual(250);
      sim.faults.slow = 0;
      sim.faults.hang = true;
      await expect(
        fetch(`${sim.url}/api/vcenter/cluster`, {
          headers: { "vmware-api-session-id": token },
          signal: AbortSignal.timeout(200),
        }),
      ).rejects.toThrow();
    } finally {
      Object.assign(sim.faults, {
        error500: false,
        malformedJson: false,
        wrongTypes: false,
        ignoreFilters: false,
        slow: 0,
        hang: false,
      });
    }
  });
});

describe("vCenter simulator, legacy API (/rest)", () => {
  it("mimics 6.5: /api is 404, /rest wraps answers in { value } and takes filter.* params", async () => {
    const old = await startVcenterSim({ apis: "legacy", vmCap: 1000 });
    try {
      expect(
        (await fetch(`${old.url}/api/session`, { method: "POST", headers: { authorization: basic } })).status,
      ).toBe(404);
      const res = await fetch(`${old.url}/rest/com/vmware/cis/session`, {
        method: "POST",
        headers: { authorization: basic },
      });
      expect(res.status).toBe(200);
      const token = ((await res.json()) as { value: string }).value;
      const headers = { "vmware-api-session-id": token };
      const list = await fetch(
        `${old.url}/rest/vcenter/vm?filter.folders.1=group-v1001&filter.power_states.1=POWERED_OFF`,
        {
          headers,
        },
      );
      expect(await list.json()).toEqual({
        value: [expect.objectContaining({ vm: "vm-1040", name: "jyj-mq-40", power_state: "POWERED_OFF" })],
      });
      const repeated = await fetch(
        `${old.url}/rest/vcenter/vm?filter.folders=group-v1001&filter.folders=group-v1002`,
        {
          headers,
        },
      );
      expect(((await repeated.json()) as { value: unknown[] }).value).toHaveLength(70);
      const unauth = await fetch(`${old.url}/rest/vcenter/vm`);
      expect(await unauth.json()).toMatchObject({ type: "com.vmware.vapi.std.errors.unauthenticated" });
    } finally {
      await old.close();
    }
  });
  it("legacyListForm: reads one form of list filter; the other is ignored or rejected", async () => {
    for (const [form, other] of [
      ["repeated", "ignore"],
      ["indexed", "reject"],
    ] as const) {
      const strict = await startVcenterSim({ apis: "legacy", legacyListForm: form, legacyOtherForm: other });
      try {
        const res = await fetch(`${strict.url}/rest/com/vmware/cis/session`, {
          method: "POST",
          headers: { authorization: basic },
        });
        const headers = { "vmware-api-session-id": ((await res.json()) as { value: string }).value };
        const count = async (query: string): Promise<number | string> => {
          const answer = await fetch(`${strict.url}/rest/vcenter/vm?${query}`, { headers });
          const body = (await answer.json()) as { value: unknown };
          return answer.status === 200
            ? (body.value as unknown[]).length
            : `${answer.status} ${JSON.stringify(body)}`;
        };
        const repeated = "filter.folders=group-v1001&filter.folders=group-v1002";
        const indexed = "filter.folders.1=group-v1001&filter.folders.2=group-v1002";
        const all = strict.inventory.vms.length;
        if (form === "repeated") {
          expect(await count(repeated)).toBe(70);
          expect(await count(indexed)).toBe(all); // ignored: as if unfiltered
        } else {
          expect(await count(indexed)).toBe(70);
          expect(await count(repeated)).toMatch(/^400 .*invalid_argument.*filter\.folders/);
        }
      } finally {
        await strict.close();
      }
    }
  });
});

describe("vCenter simulator over HTTPS", () => {
  let ca: TestCa;
  beforeAll(() => {
    ca = createTestCa();
  });
  afterAll(() => ca.cleanup());

  it("serves the test CA's certificate for 127.0.0.1", async () => {
    const secure = await startVcenterSim({ tls: ca.serverTls() });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const status = await new Promise<number>((resolve, reject) => {
        const req = https.request(`${secure.url}/api/session`, {
          method: "POST",
          headers: { authorization: basic },
          ca: [readFileSync(ca.caCert, "utf8")],
        });
        req.once("error", reject);
        req.once("response", (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.end();
      });
      expect(status).toBe(201);
    } finally {
      await secure.close();
    }
  });
});
