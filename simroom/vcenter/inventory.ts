/**
 * The simulated Suzhou machine room as vCenter sees it: one VM folder per information system
 * (253 VMs in scope), plus a `templates` and a `test` folder (20 VMs out of scope). Generated
 * deterministically, so every test run sees the same ids, names, BIOS UUIDs and IPs.
 */
import { createHash } from "node:crypto";

export type PowerState = "POWERED_ON" | "POWERED_OFF" | "SUSPENDED";

export interface SimFolder {
  folder: string;
  name: string;
  type: "VIRTUAL_MACHINE";
}

export interface SimCluster {
  cluster: string;
  name: string;
  ha_enabled: boolean;
  drs_enabled: boolean;
}

export interface SimVm {
  vm: string;
  name: string;
  power_state: PowerState;
  cpu_count: number;
  memory_size_MiB: number;
  /** Parent folder id (the `folders` filter matches the direct parent). */
  folder: string;
  cluster: string;
  resource_pool: string;
  bios_uuid: string;
  instance_uuid: string;
  /** VMware Tools running: guest identity answers 200, else 503. */
  tools_running: boolean;
  ip_address?: string;
  host_name?: string;
}

export interface SimInventory {
  folders: SimFolder[];
  clusters: SimCluster[];
  vms: SimVm[];
}

/** Information systems of the machine room and how many VMs each runs (253 in all). */
export const SYSTEMS: readonly { code: string; vms: number }[] = [
  { code: "jyj", vms: 40 },
  { code: "dsj", vms: 30 },
  { code: "zyk", vms: 28 },
  { code: "spjk", vms: 25 },
  { code: "oa", vms: 24 },
  { code: "xxzx", vms: 22 },
  { code: "jwxt", vms: 20 },
  { code: "czxt", vms: 18 },
  { code: "tsg", vms: 16 },
  { code: "ykt", vms: 15 },
  { code: "yjxt", vms: 15 },
];

export const IN_SCOPE_VMS = SYSTEMS.reduce((sum, s) => sum + s.vms, 0);

const ROLES = ["web", "app", "db", "cache", "mq"] as const;

/** A deterministic RFC 4122-looking UUID from a seed text (SHA-1 based, version 5 layout). */
export function deterministicUuid(seed: string): string {
  const hex = createHash("sha1").update(seed).digest("hex");
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `5${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join("-");
}

/**
 * Builds the inventory. In scope: folders named after the systems (`jyj`, `dsj`, …), VMs named
 * `<system>-<role>-<nn>`, spread over two clusters, running ones with an IP in 127.<10+s>.<x>.<y>
 * so they answer ping on loopback. Some are POWERED_OFF, one SUSPENDED, a few running without
 * VMware Tools (guest identity → 503). Out of scope: 12 templates and 8 test VMs.
 */
export function generateInventory(): SimInventory {
  const clusters: SimCluster[] = [
    { cluster: "domain-c7", name: "Cluster-A", ha_enabled: true, drs_enabled: true },
    { cluster: "domain-c8", name: "Cluster-B", ha_enabled: true, drs_enabled: false },
  ];
  const folders: SimFolder[] = [{ folder: "group-v3", name: "vm", type: "VIRTUAL_MACHINE" }];
  const vms: SimVm[] = [];
  let vmNumber = 1001;
  let ordinal = 0;

  const add = (folder: SimFolder, name: string, state: PowerState, tools: boolean, ip?: string): void => {
    const id = `vm-${vmNumber++}`;
    const cluster = clusters[ordinal % 2] as SimCluster;
    const vm: SimVm = {
      vm: id,
      name,
      power_state: state,
      cpu_count: [2, 4, 8][ordinal % 3] as number,
      memory_size_MiB: [4096, 8192, 16384][ordinal % 3] as number,
      folder: folder.folder,
      cluster: cluster.cluster,
      resource_pool: cluster.cluster === "domain-c7" ? "resgroup-9" : "resgroup-10",
      bios_uuid: deterministicUuid(`suzhou-machine-room/${name}`),
      instance_uuid: deterministicUuid(`suzhou-machine-room/instance/${name}`),
      tools_running: state === "POWERED_ON" && tools,
    };
    if (vm.tools_running && ip !== undefined) {
      vm.ip_address = ip;
      vm.host_name = name;
    }
    vms.push(vm);
    ordinal++;
  };

  SYSTEMS.forEach((system, s) => {
    const folder: SimFolder = { folder: `group-v${1001 + s}`, name: system.code, type: "VIRTUAL_MACHINE" };
    folders.push(folder);
    for (let i = 1; i <= system.vms; i++) {
      const role = ROLES[(i - 1) % ROLES.length] as string;
      const name = `${system.code}-${role}-${String(i).padStart(2, "0")}`;
      // Fixed, easy-to-assert exceptions: the last VM of the first 4 systems is off, the
      // 2nd VM of `oa` is suspended, the 3rd VM of the last 6 systems runs without tools.
      let state: PowerState = "POWERED_ON";
      if (s < 4 && i === system.vms) state = "POWERED_OFF";
      if (system.code === "oa" && i === 2) state = "SUSPENDED";
      const tools = !(s >= SYSTEMS.length - 6 && i === 3);
      add(folder, name, state, tools, `127.${10 + s}.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    }
  });

  const templates: SimFolder = { folder: "group-v2001", name: "templates", type: "VIRTUAL_MACHINE" };
  const test: SimFolder = { folder: "group-v2002", name: "test", type: "VIRTUAL_MACHINE" };
  folders.push(templates, test);
  for (let i = 1; i <= 12; i++)
    add(templates, `tpl-centos7-${String(i).padStart(2, "0")}`, "POWERED_OFF", false);
  for (let i = 1; i <= 8; i++) {
    add(test, `test-vm-${String(i).padStart(2, "0")}`, "POWERED_ON", true, `192.0.2.${i}`);
  }
  return { folders, clusters, vms };
}

/** Expected counts of the generated inventory, for tests. */
export const INVENTORY_FACTS = {
  inScope: IN_SCOPE_VMS,
  outOfScope: 20,
  poweredOffInScope: 4,
  suspendedInScope: 1,
  /** Running, in scope, without VMware Tools (guest identity 503). */
  noToolsInScope: 6,
} as const;
