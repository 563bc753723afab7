/**
 * The simulated machine room: the peers a real machine room has and this machine does not — a
 * vCenter (253 VMs in scope) and a Deep Security Manager that knows most of them — on loopback,
 * over HTTPS with the demo CA in simroom/demo/. `ops-agent demo` (and so `npm start`) starts it
 * on the fixed ports config/default.yaml names; tests start the servers on ports chosen at start.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../agent/package-root.js";
import { startDeepSecuritySim, type DeepSecuritySim } from "./deepsecurity/index.js";
import { startMcu, type Mcu } from "./mcu/index.js";
import { startPlatforms, type Platforms } from "./platforms/index.js";
import { generateInventory, startVcenterSim, type VcenterSim } from "./vcenter/index.js";

/**
 * Ports the default config points at: platforms is the first of six (19450–19455, in
 * PLATFORM_NAMES order); the MCU answers SIP on 15060 over UDP and TCP.
 */
export const DEMO_PORTS = {
  vcenter: 19443,
  deepSecurity: 19444,
  platforms: 19450,
  mcu: 15060,
  busyMcu: 15062,
} as const;

/** Ports for startSimulatedRoom; platforms and mcu default to 0 (chosen at start) when omitted. */
export interface SimulatedRoomPorts {
  vcenter: number;
  deepSecurity: number;
  platforms?: number;
  mcu?: number;
  /** A second MCU that answers OPTIONS with 486 Busy Here (every conference port taken). */
  busyMcu?: number;
}

/** The demo's CA, certificate and credentials (test material: never use it outside the demo). */
export const DEMO_DIR = join(PACKAGE_ROOT, "simroom", "demo");

export interface SimulatedRoom {
  vcenter: VcenterSim;
  deepSecurity: DeepSecuritySim;
  platforms: Platforms;
  mcu: Mcu;
  busyMcu: Mcu;
  close(): Promise<void>;
}

export async function startSimulatedRoom(ports: SimulatedRoomPorts = DEMO_PORTS): Promise<SimulatedRoom> {
  const tls = {
    key: readFileSync(join(DEMO_DIR, "server.key"), "utf8"),
    cert: readFileSync(join(DEMO_DIR, "server.pem"), "utf8"),
  };
  const password = readFileSync(join(DEMO_DIR, "vcenter.password"), "utf8").trim();
  const apiKey = readFileSync(join(DEMO_DIR, "dsm-api.key"), "utf8").trim();
  const inventory = generateInventory();
  const vcenter = await startVcenterSim({ tls, password, inventory, port: ports.vcenter });
  const started: { close(): Promise<void> }[] = [vcenter];
  const closeAll = async (): Promise<void> => {
    await Promise.all(started.map((s) => s.close()));
  };
  try {
    const deepSecurity = await startDeepSecuritySim({
      tls,
      apiKey,
      port: ports.deepSecurity,
      vms: inventory.vms.map((vm) => ({ name: vm.name, biosUuid: vm.bios_uuid })),
    });
    started.push(deepSecurity);
    const platforms = await startPlatforms({ tls, port: ports.platforms ?? 0 });
    started.push(platforms);
    const mcu = await startMcu({ port: ports.mcu ?? 0 });
    started.push(mcu);
    const busyMcu = await startMcu({ port: ports.busyMcu ?? 0, optionsStatus: "486 Busy Here" });
    started.push(busyMcu);
    return { vcenter, deepSecurity, platforms, mcu, busyMcu, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
