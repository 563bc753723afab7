/**
 * The simulated peers of the machine-room benchmark (bench/machine-room.ts): vCenter with the
 * generated inventory, Deep Security Manager, the six platforms, trivial loopback apps and two MCUs
 * (one answering 486 Busy Here) — started in this process (startSims) or, so that the benchmark's
 * CPU figure is the agent's alone, in a child process (startSimChild).
 *
 * Run as `room-sims.(ts|js) --serve-sims <dir>` it is that child: it starts the sims with
 * <dir>/key.pem and <dir>/cert.pem, prints one JSON line with their URLs and ports, and exits when
 * its stdin closes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDeepSecuritySim } from "../simroom/deepsecurity/index.js";
import { startMcu } from "../simroom/mcu/index.js";
import { PLATFORM_NAMES, startPlatforms, type PlatformName } from "../simroom/platforms/index.js";
import { createSelfSigned } from "../simroom/test-ca.js";
import { SYSTEMS, generateInventory, startVcenterSim } from "../simroom/vcenter/index.js";
import { isMainModule, repoRoot } from "./paths.js";

export const VC_USER = "administrator@vsphere.local";
export const VC_PASSWORD = "Sim-Passw0rd!";
const SERVE_FLAG = "--serve-sims";

export interface SimUrls {
  vcenter: string;
  deepSecurity: string;
  platforms: Record<PlatformName, string>;
  /** Base URL of the trivial loopback apps: `${apps}/app/<i>` answers {"status":"ok"}. */
  apps: string;
  mcuPort: number;
  busyMcuPort: number;
}

/** The VMs in scope of the generated inventory (the folders named after the systems). */
export function inScopeVms() {
  const inventory = generateInventory();
  const folderIds = new Set(
    inventory.folders.filter((f) => SYSTEMS.some((s) => s.code === f.name)).map((f) => f.folder),
  );
  return { inventory, vms: inventory.vms.filter((vm) => folderIds.has(vm.folder)) };
}

/** The trivial loopback applications: GET /app/<i> → 200 {"status":"ok","app":i}. */
async function startApps(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    const m = /^\/app\/(\d+)$/.exec(req.url ?? "");
    if (!m) {
      res.writeHead(404);
      res.end();
      return;
    }
    const body = JSON.stringify({ status: "ok", app: Number(m[1]) });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((done, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, backlog: 1024 }, () => done());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Starts every sim in this process. */
export async function startSims(tls: { key: string; cert: string }) {
  const { inventory, vms } = inScopeVms();
  const started: { close(): Promise<void> }[] = [];
  const close = async () => {
    await Promise.all(started.map((s) => s.close()));
  };
  try {
    const vcenter = await startVcenterSim({ tls, inventory, username: VC_USER, password: VC_PASSWORD });
    started.push(vcenter);
    const deepSecurity = await startDeepSecuritySim({
      tls,
      vms: vms.map((vm) => ({ name: vm.name, biosUuid: vm.bios_uuid.toUpperCase() })),
    });
    started.push(deepSecurity);
    const platforms = await startPlatforms({ tls });
    started.push(platforms);
    const apps = await startApps();
    started.push(apps);
    const mcu = await startMcu();
    started.push(mcu);
    const busyMcu = await startMcu({ optionsStatus: "486 Busy Here" });
    started.push(busyMcu);
    const platformUrls = Object.fromEntries(
      PLATFORM_NAMES.map((name) => [name, platforms.platforms[name].url]),
    ) as Record<PlatformName, string>;
    return {
      urls: {
        vcenter: vcenter.url,
        deepSecurity: deepSecurity.url,
        platforms: platformUrls,
        apps: apps.url,
        mcuPort: mcu.port,
        busyMcuPort: busyMcu.port,
      } satisfies SimUrls,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Self-signed certificate for 127.0.0.1 (also its own CA, for tls_ca_file), written into `dir`. */
export function makeCertificate(dir: string): { keyFile: string; certFile: string } {
  const selfSigned = createSelfSigned();
  try {
    const keyFile = join(dir, "key.pem");
    const certFile = join(dir, "cert.pem");
    copyFileSync(selfSigned.keyFile, keyFile);
    copyFileSync(selfSigned.certFile, certFile);
    return { keyFile, certFile };
  } finally {
    selfSigned.cleanup();
  }
}

export interface SimChild {
  urls: SimUrls;
  pid?: number;
  stop(): Promise<void>;
}

/** Starts the sims in a child process: `node [--import tsx] <this file> --serve-sims <dir>`. */
export async function startSimChild(dir: string): Promise<SimChild> {
  const self = fileURLToPath(import.meta.url);
  const loader = self.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child: ChildProcess = spawn(process.execPath, [...loader, self, SERVE_FLAG, dir], {
    cwd: repoRoot(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const urls = await new Promise<SimUrls>((resolveUrls, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`sims child did not start within 30 s: ${stderr}`));
    }, 30_000);
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line !== undefined && out.includes("\n")) {
        clearTimeout(timer);
        resolveUrls(JSON.parse(line) as SimUrls);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`sims child exited (code ${child.exitCode}): ${stderr}`));
    });
  });
  return {
    urls,
    pid: child.pid as number,
    stop: async () => {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child's side: serve until stdin closes. */
async function serveSims(dir: string): Promise<void> {
  const tls = {
    key: readFileSync(join(dir, "key.pem"), "utf8"),
    cert: readFileSync(join(dir, "cert.pem"), "utf8"),
  };
  const sims = await startSims(tls);
  process.stdout.write(`${JSON.stringify(sims.urls)}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => {
    void sims.close().then(() => process.exit(0));
  });
}

if (process.argv[2] === SERVE_FLAG && isMainModule(import.meta.url)) {
  const dir = process.argv[3];
  if (dir === undefined) throw new Error(`${SERVE_FLAG} <dir>`);
  await serveSims(dir);
}
