/**
 * VMs are their source's id, never their name (issue 17, point 2). One simulated vCenter
 * (simroom/vcenter, HTTPS on loopback) lists two running clones named `edu-dup-web`; a static
 * inventory file names `EDU-dup-web` once more, without a UUID; an antivirus export without
 * UUIDs says a machine of that name is protected. The real collectors run once each into the
 * agent's latest state, and the inventory, the coverage and /metrics are read back from it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../agent/clock.js";
import { LatestInventory, type AmbiguousEntry } from "../../agent/inventory.js";
import { AgentMetrics } from "../../agent/metrics.js";
import { LatestState } from "../../agent/store/latest.js";
import { antivirusPlugin } from "../../collectors/antivirus/index.js";
import { icmpPlugin } from "../../collectors/icmp/index.js";
import { inventoryPlugin } from "../../collectors/inventory/index.js";
import type { CollectContext, CollectorPlugin, Deps, MetricDescriptor } from "../../collectors/types.js";
import { vcenterPlugin } from "../../collectors/vcenter/index.js";
import {
  deterministicUuid,
  startVcenterSim,
  type SimInventory,
  type SimVm,
  type VcenterSim,
} from "../../simroom/vcenter/index.js";
import { createTestCa, type TestCa } from "../../simroom/test-ca.js";
import { expectNoDuplicateSeries, parseExposition } from "../helpers/exposition.js";
import { findPeer } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";

const log = pino({ level: "silent" });
const ctx: CollectContext = { signal: new AbortController().signal, now: () => new Date(), log };

/** jyj-db-01 and two running clones that share the name edu-dup-web (different ids, UUIDs, IPs). */
function roomWithClones(): SimInventory {
  const vm = (id: string, name: string, ip: string): SimVm => ({
    vm: id,
    name,
    power_state: "POWERED_ON",
    cpu_count: 2,
    memory_size_MiB: 4096,
    folder: "group-v1001",
    cluster: "domain-c7",
    resource_pool: "resgroup-9",
    bios_uuid: deterministicUuid(`vm-identity/${id}`),
    instance_uuid: deterministicUuid(`vm-identity/instance/${id}`),
    tools_running: true,
    ip_address: ip,
    host_name: name,
  });
  return {
    folders: [{ folder: "group-v1001", name: "jyj", type: "VIRTUAL_MACHINE" }],
    clusters: [{ cluster: "domain-c7", name: "Cluster-A", ha_enabled: true, drs_enabled: true }],
    vms: [
      vm("vm-2001", "edu-dup-web", "127.0.0.11"),
      vm("vm-2002", "edu-dup-web", "127.0.0.12"),
      vm("vm-2003", "jyj-db-01", "127.0.0.13"),
    ],
  };
}

let ca: TestCa;
let vcenter: VcenterSim;

beforeAll(async () => {
  process.env.VM_IDENTITY_VCENTER_PASSWORD = "Sim-Passw0rd!";
  ca = createTestCa();
  vcenter = await startVcenterSim({ tls: ca.serverTls(), inventory: roomWithClones() });
});

afterAll(async () => {
  await vcenter.close();
  ca.cleanup();
});

describe("VM identity: two VMs with one name are two VMs everywhere", () => {
  it("inventory, antivirus coverage (ambiguous_name, never merged), ping and /metrics without a duplicate series", async () => {
    const dir = tempDir();
    const inventoryFile = join(dir, "vms.csv");
    writeFileSync(
      inventoryFile,
      "name,ip,owner\nEDU-dup-web,127.0.0.21,信息部\nphysical-db,127.0.0.22,信息部\n",
    );
    const exportFile = join(dir, "av.json");
    writeFileSync(
      exportFile,
      JSON.stringify([
        { name: "edu-dup-web", protected: "yes" },
        { name: "jyj-db-01", protected: "yes" },
      ]),
    );

    const latest = new LatestState();
    const ambiguous: (readonly AmbiguousEntry[])[] = [];
    const inventory = new LatestInventory(
      latest,
      () => [
        { name: "vcenter", type: "vcenter" },
        { name: "static", type: "inventory" },
      ],
      (entries) => ambiguous.push(entries),
    );
    const deps: Deps = { clock: systemClock, log, inventory };
    const run = async <P extends CollectorPlugin>(plugin: P, name: string, options: unknown) => {
      const collector = plugin.create(plugin.schema.parse(options), deps);
      try {
        const samples = await collector.collect(ctx);
        latest.replace(name, samples, new Date());
        return samples;
      } finally {
        await collector.close?.();
      }
    };

    await run(vcenterPlugin, "vcenter", {
      url: vcenter.url,
      username: "administrator@vsphere.local",
      password: "${VM_IDENTITY_VCENTER_PASSWORD}",
      tls_ca_file: ca.caCert,
      scope: { name: "suzhou", folders: ["jyj"], expected: 3 },
    });
    await run(inventoryPlugin, "static", { path: inventoryFile });

    // The inventory: both clones, by their vCenter ids; the static entry whose name both carry is
    // neither merged into one of them nor a VM of its own, and it is reported.
    const vms = inventory.vms() ?? [];
    expect(vms.map((vm) => [vm.key, vm.id, vm.name, vm.ip ?? null])).toEqual([
      ["vm:vm-2001", "vm-2001", "edu-dup-web", "127.0.0.11"],
      ["vm:vm-2002", "vm-2002", "edu-dup-web", "127.0.0.12"],
      ["vm:vm-2003", "vm-2003", "jyj-db-01", "127.0.0.13"],
      ["vm:static:physical-db", "static:physical-db", "physical-db", "127.0.0.22"],
    ]);
    expect(vms.every((vm) => vm.labels.owner === undefined || vm.name === "physical-db")).toBe(true);
    expect(ambiguous).toEqual([
      [{ source: "static", name: "EDU-dup-web", candidates: ["vm:vm-2001", "vm:vm-2002"] }],
    ]);
    inventory.vms();
    expect(ambiguous).toHaveLength(1); // reported once per change, not on every read

    // Coverage: the export's edu-dup-web cannot be told apart: both clones are unprotected
    // (ambiguous_name), counted in the running VMs; the machine is never counted for both.
    const coverage = await run(antivirusPlugin, "antivirus", {
      source: {
        kind: "export",
        path: exportFile,
        format: "json",
        fields: { name: "name", protected: "protected" },
      },
    });
    const verdicts = coverage
      .filter((s) => s.metric === "antivirus_protected")
      .map((s) => [s.target.key, s.target.vmId, s.value, s.reason ?? null]);
    expect(verdicts).toEqual([
      ["vm:vm-2001", "vm-2001", 0, "ambiguous_name"],
      ["vm:vm-2002", "vm-2002", 0, "ambiguous_name"],
      ["vm:vm-2003", "vm-2003", 1, null],
      ["vm:static:physical-db", "static:physical-db", 0, "not_known_to_manager"],
    ]);
    expect(coverage.find((s) => s.metric === "antivirus_running_vms")?.value).toBe(4);
    expect(coverage.find((s) => s.metric === "antivirus_protected_vms")?.value).toBe(1);

    const fping = findPeer("fping", "fping");
    if (fping) await run(icmpPlugin, "ping", { from_inventory: true, backend: "fping" });

    const descriptors = new Map<string, MetricDescriptor>([
      ...Object.entries(vcenterPlugin.metrics),
      ...Object.entries(inventoryPlugin.metrics),
      ...Object.entries(antivirusPlugin.metrics),
      ...Object.entries(icmpPlugin.metrics),
    ]);
    const metrics = new AgentMetrics({
      site: "room-1",
      version: "0.0.0",
      latest,
      descriptors,
      databaseSizeBytes: () => 0,
    });
    const text = await metrics.text();
    expectNoDuplicateSeries(text);
    const series = parseExposition(text);
    const of = (name: string, collector: string) =>
      series.filter((s) => s.name === name && s.labels.collector === collector);
    expect(of("opsagent_vm_power_state", "vcenter").map((s) => s.labels.vm_id)).toEqual([
      "vm-2001",
      "vm-2002",
      "vm-2003",
    ]);
    expect(
      of("opsagent_target_info", "vcenter")
        .filter((s) => s.labels.target === "edu-dup-web")
        .map((s) => s.labels.vm_id),
    ).toEqual(["vm-2001", "vm-2002"]);
    expect(
      of("opsagent_antivirus_protected", "antivirus").map((s) => [s.labels.vm_id, s.labels.reason, s.value]),
    ).toEqual([
      ["vm-2001", "ambiguous_name", "0"],
      ["vm-2002", "ambiguous_name", "0"],
      ["vm-2003", undefined, "1"],
      ["static:physical-db", "not_known_to_manager", "0"],
    ]);
    if (fping) {
      expect(
        of("opsagent_icmp_probe_up", "ping")
          .filter((s) => s.labels.target === "edu-dup-web")
          .map((s) => [s.labels.vm_id, s.value]),
      ).toEqual([
        ["vm-2001", "1"],
        ["vm-2002", "1"],
      ]);
    }
    const promtool = findPeer("promtool", "prometheus");
    if (promtool) {
      const check = spawnSync(promtool, ["check", "metrics"], { input: text, encoding: "utf8" });
      expect(check.stdout + check.stderr).toBe("");
    }
  });
});
