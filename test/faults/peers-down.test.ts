/**
 * Fault: vCenter and the antivirus manager down for an hour of simulated time, then back. The
 * agent's real pipeline — the vcenter and antivirus collectors built from a config, their runs
 * (CollectorInstance), the recorder into a real SQLite store, the latest state, the VM inventory
 * and the /metrics text — on the simulated vCenter and Deep Security Manager (HTTPS, demo CA),
 * with a ManualClock moved five minutes per cycle and the simulators' fault switches (500, malformed
 * JSON, a hang cut by request_timeout) standing for "down".
 *
 * While a source is down its figures are unknown: the VM count, the VMs' power states and the
 * coverage series are absent from /metrics and no sample is stored for them — never a 0. When
 * vCenter is back but the manager is not, the VM count comes back and coverage stays unknown;
 * when both are back, both come back with their true values.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { buildInstances } from "../../agent/instances.js";
import { isInventoryType, LatestInventory } from "../../agent/inventory.js";
import { silentLogger } from "../../agent/log.js";
import { AgentMetrics } from "../../agent/metrics.js";
import { RunRecorder } from "../../agent/recorder.js";
import { LatestState } from "../../agent/store/latest.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { plugins } from "../../collectors/index.js";
import type { MetricDescriptor } from "../../collectors/types.js";
import { parseConfigText } from "../../config/load.js";
import { DEMO_DIR } from "../../simroom/index.js";
import { startDeepSecuritySim, type DeepSecuritySim } from "../../simroom/deepsecurity/index.js";
import { generateInventory, startVcenterSim, type VcenterSim } from "../../simroom/vcenter/index.js";
import { tempDir } from "../helpers/tmp.js";

const START = new Date("2026-03-02T08:00:00+08:00");
const CYCLE_MS = 5 * 60_000;
const TLS = {
  key: readFileSync(join(DEMO_DIR, "server.key"), "utf8"),
  cert: readFileSync(join(DEMO_DIR, "server.pem"), "utf8"),
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function descriptors(): Map<string, MetricDescriptor> {
  const out = new Map<string, MetricDescriptor>();
  for (const plugin of Object.values(plugins))
    for (const [name, d] of Object.entries(plugin.metrics)) out.set(name, d);
  return out;
}

type Fault = "error500" | "malformedJson" | "hang";

function setFault(
  vcenter: VcenterSim | undefined,
  dsm: DeepSecuritySim | undefined,
  fault: Fault | undefined,
) {
  if (vcenter) {
    vcenter.faults.error500 = fault === "error500";
    vcenter.faults.malformedJson = fault === "malformedJson";
    vcenter.faults.hang = fault === "hang";
  }
  if (dsm) {
    dsm.faults.error500 = fault === "error500";
    dsm.faults.malformedJson = fault === "malformedJson";
    dsm.faults.hang = fault === "hang";
  }
}

describe("fault: vCenter and the antivirus manager down for an hour (simulated time)", () => {
  it("VM count and coverage become unknown (absent, not 0) and come back", async () => {
    const inventory = generateInventory();
    const password = readFileSync(join(DEMO_DIR, "vcenter.password"), "utf8").trim();
    const apiKey = readFileSync(join(DEMO_DIR, "dsm-api.key"), "utf8").trim();
    const vcenter = await startVcenterSim({ tls: TLS, password, inventory });
    closers.push(() => vcenter.close());
    const dsm = await startDeepSecuritySim({
      tls: TLS,
      apiKey,
      vms: inventory.vms.map((vm) => ({ name: vm.name, biosUuid: vm.bios_uuid })),
      now: () => START.getTime(),
    });
    closers.push(() => dsm.close());

    const loaded = parseConfigText(`site: faults
data_dir: ${tempDir()}
collectors:
  - type: vcenter
    name: vcenter
    every: 5m
    timeout: 30s
    url: ${vcenter.url}
    username: administrator@vsphere.local
    password: file:${join(DEMO_DIR, "vcenter.password")}
    tls_ca_file: ${join(DEMO_DIR, "ca.pem")}
    request_timeout: 1s
    guest_ip: false
    scope:
      name: maintained-systems
      folders: [jyj, dsj, zyk, spjk, oa, xxzx, jwxt, czxt, tsg, ykt, yjxt]
      expected: 253
  - type: antivirus
    name: antivirus
    every: 5m
    timeout: 30s
    request_timeout: 1s
    source:
      kind: deep_security
      url: ${dsm.url}
      api_key: file:${join(DEMO_DIR, "dsm-api.key")}
      tls_ca_file: ${join(DEMO_DIR, "ca.pem")}
      stale_after: 1d
`);
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    const config = loaded.config;

    const clock = new ManualClock(START);
    const store = SqliteStore.open({
      path: join(config.data_dir, "ops-agent.db"),
      clock,
      timeZone: config.timezone,
      role: "agent",
    });
    closers.push(async () => store.close());
    const latest = new LatestState();
    const metrics = new AgentMetrics({
      site: "faults",
      version: "test",
      latest,
      descriptors: descriptors(),
      databaseSizeBytes: () => store.sizeBytes(),
    });
    const recorder = new RunRecorder(latest, silentLogger, store, metrics);
    const shutdown = new AbortController();
    closers.push(async () => shutdown.abort());
    const configured = buildInstances(config.collectors, {
      clock,
      log: silentLogger,
      sink: recorder,
      shutdown: shutdown.signal,
      timeZone: config.timezone,
      inventory: new LatestInventory(latest, () =>
        configured
          .filter((c) => isInventoryType(c.instance.type))
          .map((c) => ({ name: c.instance.name, type: c.instance.type })),
      ),
      latest,
    });
    closers.push(async () => {
      await Promise.allSettled(configured.map((c) => c.instance.close()));
    });
    const [vc, av] = configured.map((c) => c.instance);

    /** One cycle: vCenter first (the inventory), then antivirus, as the scheduler orders them. */
    const cycle = async () => {
      const v = await vc!.tick();
      const a = await av!.tick();
      clock.advance(CYCLE_MS);
      return { vcenter: v!.status, antivirus: a!.status };
    };
    const series = async () => {
      const text = await metrics.text();
      const value = (name: string) => {
        const m = new RegExp(`^opsagent_${name}\\{[^}]*\\} (\\S+)$`, "m").exec(text);
        return m ? Number(m[1]) : undefined;
      };
      return {
        vmsInScope: value("vms_in_scope"),
        vmsExpected: value("vms_expected"),
        powerStates: text.match(/^opsagent_vm_power_state\{/gm)?.length ?? 0,
        coverage: value("antivirus_coverage_ratio"),
        running: value("antivirus_running_vms"),
        protectedVms: value("antivirus_protected_vms"),
        perVm: text.match(/^opsagent_antivirus_protected\{/gm)?.length ?? 0,
      };
    };

    // Before: both answer.
    expect(await cycle()).toEqual({ vcenter: "ok", antivirus: "ok" });
    const good = await series();
    expect(good.vmsInScope).toBe(253);
    expect(good.powerStates).toBeGreaterThanOrEqual(253);
    expect(good.coverage).toBeGreaterThan(0.9);
    expect(good.coverage).toBeLessThan(1);
    expect(good.running).toBeGreaterThan(0);

    // An hour down: twelve five-minute cycles, the faults taking turns.
    const downFrom = Math.floor(clock.now().getTime() / 1000);
    const faults: Fault[] = ["error500", "malformedJson", "error500", "hang", "error500", "malformedJson"];
    for (let i = 0; i < 12; i++) {
      setFault(vcenter, dsm, faults[i % faults.length]);
      expect(await cycle(), `cycle ${i} of the outage`).toEqual({ vcenter: "failed", antivirus: "failed" });
      expect(await series(), `cycle ${i} of the outage`).toEqual({
        vmsInScope: undefined,
        vmsExpected: undefined,
        powerStates: 0,
        coverage: undefined,
        running: undefined,
        protectedVms: undefined,
        perVm: 0,
      });
    }
    const downTo = Math.floor(clock.now().getTime() / 1000);
    expect(downTo - downFrom).toBe(3600);

    // vCenter back, the manager still down: the count is back, coverage stays unknown.
    setFault(vcenter, undefined, undefined);
    setFault(undefined, dsm, "error500");
    expect(await cycle()).toEqual({ vcenter: "ok", antivirus: "failed" });
    const half = await series();
    expect(half.vmsInScope).toBe(253);
    expect(half.coverage).toBeUndefined();
    expect(half.perVm).toBe(0);

    // Both back: both figures as before.
    setFault(undefined, dsm, undefined);
    expect(await cycle()).toEqual({ vcenter: "ok", antivirus: "ok" });
    const back = await series();
    expect(back).toEqual(good);

    // Nothing was stored for the outage: no 0 VMs, no 0 % coverage, just no samples.
    for (const metric of ["vms_in_scope", "antivirus_coverage_ratio", "antivirus_running_vms"]) {
      const [s] = store.listSeries(metric);
      expect(s, metric).toBeDefined();
      const stored = store.querySamples(s!.seriesId, 0, 2e9);
      expect(
        stored.every((x) => x.ts < downFrom || x.ts >= downTo),
        metric,
      ).toBe(true);
      expect(
        stored.map((x) => x.value).every((v) => v !== 0),
        metric,
      ).toBe(true);
      expect(stored.length, metric).toBeGreaterThanOrEqual(2);
    }
    const runs = store.lastRuns();
    expect(runs.length).toBeGreaterThan(0);
  }, 60_000);
});
