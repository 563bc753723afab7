/** The simulated Deep Security Manager: auth headers, list, search paging, expand, faults. */
import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_API_KEY,
  simRoles,
  startDeepSecuritySim,
  type DeepSecuritySim,
} from "../../simroom/deepsecurity/index.js";

const vms = Array.from({ length: 5 }, (_, i) => ({ name: `vm-${i}`, biosUuid: `uuid-${i}` }));
const headers = {
  "api-secret-key": DEFAULT_API_KEY,
  "api-version": "v1",
  "content-type": "application/json",
};
let sim: DeepSecuritySim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("deep security sim", () => {
  it("builds the fixture from the VMs", async () => {
    expect(simRoles(5)).toEqual([
      "protected",
      "anti_malware_off",
      "appliance_inactive",
      "stale",
      "unknown_to_manager",
    ]);
    sim = await startDeepSecuritySim({ vms });
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // 4 of the 5 VMs plus one physical server.
    expect(sim.computers.map((c) => c.hostName)).toEqual(["vm-0", "vm-1", "vm-2", "vm-3", "physical-db-01"]);
  });

  it("requires the API key and api-version", async () => {
    sim = await startDeepSecuritySim({ vms });
    expect((await fetch(`${sim.url}/api/computers`)).status).toBe(401);
    const noVersion = await fetch(`${sim.url}/api/computers`, {
      headers: { "api-secret-key": DEFAULT_API_KEY },
    });
    expect(noVersion.status).toBe(400);
    const ok = await fetch(`${sim.url}/api/computers?expand=computerStatus`, { headers });
    const body = (await ok.json()) as { computers: Record<string, unknown>[] };
    expect(body.computers).toHaveLength(5);
    expect(body.computers[0]?.computerStatus).toBeDefined();
    expect(body.computers[0]?.antiMalware).toBeUndefined();
  });

  it("pages a search by ID, honouring maxItems", async () => {
    sim = await startDeepSecuritySim({ vms });
    const search = async (idValue: number) => {
      const res = await fetch(`${sim?.url}/api/computers/search?expand=antiMalware`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          maxItems: 2,
          searchCriteria: [{ fieldName: "ID", idTest: "greater-than", idValue }],
          sortByObjectID: true,
        }),
      });
      return ((await res.json()) as { computers: { ID: number }[] }).computers.map((c) => c.ID);
    };
    expect(await search(0)).toEqual([3, 5]);
    expect(await search(5)).toEqual([7, 9]);
    expect(await search(9)).toEqual([11]);
  });

  it("fault switches", async () => {
    sim = await startDeepSecuritySim({ vms });
    sim.faults.error500 = true;
    expect((await fetch(`${sim.url}/api/computers`, { headers })).status).toBe(500);
    sim.faults.error500 = false;
    sim.faults.malformedJson = true;
    await expect((await fetch(`${sim.url}/api/computers`, { headers })).json()).rejects.toThrow();
    sim.faults.malformedJson = false;
    sim.faults.hang = true;
    await expect(
      fetch(`${sim.url}/api/computers`, { headers, signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
  });
});
