/**
 * One cycle of the simulated machine room on loopback: the vcenter collector lists the 253 VMs
 * in scope (HTTPS, certificate made with the openssl CLI), its samples are published into a
 * LatestState, then icmp (from_inventory, backend fping) and antivirus (Deep Security) run in
 * parallel on that inventory. The simulated vCenter and Deep Security Manager run in a child
 * process, so the CPU figure is the agent's alone: this process (process.cpuUsage) plus its
 * ended children (fping, from /proc/self/stat cutime + cstime). A warm-up cycle, then `rounds`
 * measured cycles; medians are reported.
 *
 * Run as `machine-room.(ts|js) --serve-sims <dir>` it is that child: it starts both sims with
 * <dir>/key.pem and <dir>/cert.pem, prints one JSON line with their URLs, and exits when its
 * stdin closes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { LatestInventory } from "../agent/inventory.js";
import { systemClock } from "../agent/clock.js";
import { LatestState } from "../agent/store/latest.js";
import { antivirusPlugin } from "../collectors/antivirus/index.js";
import { icmpPlugin } from "../collectors/icmp/index.js";
import type { CollectContext, Collector, Deps } from "../collectors/types.js";
import { vcenterPlugin } from "../collectors/vcenter/index.js";
import { DEFAULT_API_KEY, startDeepSecuritySim } from "../simroom/deepsecurity/index.js";
import { createSelfSigned } from "../simroom/test-ca.js";
import { SYSTEMS, generateInventory, startVcenterSim } from "../simroom/vcenter/index.js";
import { agentCpuSeconds, hasProc, onPath, procTimes } from "./icmp-scale.js";
import { repoRoot } from "./paths.js";
import { median } from "./stats.js";
import type { BenchResult, BenchRow } from "./types.js";

const B = "machine room";
const VC_USER = "administrator@vsphere.local";
const VC_PASSWORD = "Sim-Passw0rd!";
const PASSWORD_ENV = "OPS_AGENT_BENCH_VCENTER_PASSWORD";
const API_KEY_ENV = "OPS_AGENT_BENCH_DS_API_KEY";
const SERVE_FLAG = "--serve-sims";

interface SimUrls {
  vcenter: string;
  deepSecurity: string;
}

/** The VMs in scope of the generated inventory (the folders named after the systems). */
function inScopeVms() {
  const inventory = generateInventory();
  const folderIds = new Set(
    inventory.folders.filter((f) => SYSTEMS.some((s) => s.code === f.name)).map((f) => f.folder),
  );
  return { inventory, vms: inventory.vms.filter((vm) => folderIds.has(vm.folder)) };
}

/** Starts both sims in this process. */
async function startSims(tls: { key: string; cert: string }) {
  const { inventory, vms } = inScopeVms();
  const vcenter = await startVcenterSim({ tls, inventory, username: VC_USER, password: VC_PASSWORD });
  const deepSecurity = await startDeepSecuritySim({
    tls,
    vms: vms.map((vm) => ({ name: vm.name, biosUuid: vm.bios_uuid.toUpperCase() })),
  });
  return {
    urls: { vcenter: vcenter.url, deepSecurity: deepSecurity.url } satisfies SimUrls,
    close: async () => {
      await Promise.all([vcenter.close(), deepSecurity.close()]);
    },
  };
}

/** Self-signed certificate for 127.0.0.1 (also its own CA, for tls_ca_file), written into `dir`. */
function makeCertificate(dir: string): { keyFile: string; certFile: string } {
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

interface SimChild {
  urls: SimUrls;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the sims in a child process: `node [--import tsx] <this file> --serve-sims <dir>`. */
async function startSimChild(dir: string): Promise<SimChild> {
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

export interface MachineRoomOptions {
  /** Measured cycles after one warm-up cycle; medians are reported. */
  rounds: number;
  /** "child" (default): the sims run in a child process, so CPU is the agent's alone. */
  sims?: "child" | "in-process";
  log?: (line: string) => void;
}

interface CycleFigures {
  vcenterMs: number;
  icmpMs: number;
  antivirusMs: number;
  cycleMs: number;
  vcenterCpuS: number;
  cycleCpuS: number;
  vms: number;
  icmpTargets: number;
  icmpUp: number;
  coverage: number;
}

const silent = pino({ level: "silent" });

function ctx(): CollectContext {
  return { signal: AbortSignal.timeout(60_000), now: () => systemClock.now(), log: silent };
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work;
  return { value, ms: performance.now() - t0 };
}

export async function runMachineRoom(options: MachineRoomOptions): Promise<BenchResult> {
  const log = options.log ?? (() => {});
  if (!hasProc())
    return { benchmark: B, rows: [], skipped: "no /proc (not Linux): cannot measure child CPU" };
  if (onPath("fping") === undefined)
    return { benchmark: B, rows: [], skipped: "fping not on PATH (apt-get install fping)" };
  if (onPath("openssl") === undefined) return { benchmark: B, rows: [], skipped: "openssl not on PATH" };

  const dir = mkdtempSync(join(tmpdir(), "ops-agent-bench-room-"));
  const mode = options.sims ?? "child";
  const collectors: Collector[] = [];
  let sims: { urls: SimUrls; pid?: number; stop(): Promise<void> } | undefined;
  try {
    const { certFile, keyFile } = makeCertificate(dir);
    if (mode === "child") {
      sims = await startSimChild(dir);
    } else {
      const s = await startSims({ key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") });
      sims = { urls: s.urls, stop: s.close };
    }
    log(
      `machine room: vCenter sim ${sims.urls.vcenter}, Deep Security sim ${sims.urls.deepSecurity} (${mode})`,
    );

    process.env[PASSWORD_ENV] = VC_PASSWORD;
    process.env[API_KEY_ENV] = DEFAULT_API_KEY;
    const latest = new LatestState();
    const deps: Deps = {
      clock: systemClock,
      log: silent,
      inventory: new LatestInventory(latest, () => [{ name: "vcenter", type: "vcenter" }]),
    };
    const vcenter = vcenterPlugin.create(
      vcenterPlugin.schema.parse({
        url: sims.urls.vcenter,
        username: VC_USER,
        password: `\${${PASSWORD_ENV}}`,
        tls_ca_file: certFile,
        scope: { name: "suzhou", folders: SYSTEMS.map((s) => s.code), expected: 253 },
      }),
      deps,
    );
    const icmp = icmpPlugin.create(icmpPlugin.schema.parse({ from_inventory: true, backend: "fping" }), deps);
    const antivirus = antivirusPlugin.create(
      antivirusPlugin.schema.parse({
        source: {
          kind: "deep_security",
          url: sims.urls.deepSecurity,
          api_key: `\${${API_KEY_ENV}}`,
          tls_ca_file: certFile,
        },
      }),
      deps,
    );
    collectors.push(vcenter, icmp, antivirus);

    const cycle = async (): Promise<CycleFigures> => {
      const cpu0 = agentCpuSeconds();
      const t0 = performance.now();
      const vc = await timed(vcenter.collect(ctx()));
      const vcenterCpuS = agentCpuSeconds() - cpu0;
      latest.replace("vcenter", vc.value, systemClock.now());
      const [ic, av] = await Promise.all([timed(icmp.collect(ctx())), timed(antivirus.collect(ctx()))]);
      const cycleMs = performance.now() - t0;
      const cycleCpuS = agentCpuSeconds() - cpu0;
      const upSamples = ic.value.filter((s) => s.metric === "icmp_probe_up");
      return {
        vcenterMs: vc.ms,
        icmpMs: ic.ms,
        antivirusMs: av.ms,
        cycleMs,
        vcenterCpuS,
        cycleCpuS,
        vms: vc.value.filter((s) => s.metric === "vm_power_state").length,
        icmpTargets: upSamples.length,
        icmpUp: upSamples.filter((s) => s.value === 1).length,
        coverage: av.value.find((s) => s.metric === "antivirus_coverage_ratio")?.value ?? Number.NaN,
      };
    };

    const simCpu0 = sims.pid === undefined ? undefined : procTimes(sims.pid)?.self;
    const cold = await cycle();
    log(
      `machine room: warm-up cycle ${Math.round(cold.cycleMs)} ms: ${cold.vms} VMs, ` +
        `${cold.icmpUp}/${cold.icmpTargets} pinged up, coverage ${cold.coverage}`,
    );
    const cycles: CycleFigures[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const c = await cycle();
      cycles.push(c);
      log(
        `machine room: cycle ${r + 1}: ${Math.round(c.cycleMs)} ms wall, ${c.cycleCpuS.toFixed(3)} CPU-s ` +
          `(vcenter ${Math.round(c.vcenterMs)} ms, icmp ${Math.round(c.icmpMs)} ms, antivirus ${Math.round(c.antivirusMs)} ms)`,
      );
    }
    const simCpu1 = sims.pid === undefined ? undefined : procTimes(sims.pid)?.self;
    const med = (pick: (c: CycleFigures) => number) => median(cycles.map(pick));
    const cpuNote = mode === "child" ? "agent only: sims in a child process" : "includes the in-process sims";
    const rows: BenchRow[] = [
      {
        benchmark: B,
        figure: "vcenter: wall (253 VMs in scope)",
        value: med((c) => c.vcenterMs),
        unit: "ms",
      },
      {
        benchmark: B,
        figure: "icmp (from inventory, fping): wall, parallel with antivirus",
        value: med((c) => c.icmpMs),
        unit: "ms",
      },
      {
        benchmark: B,
        figure: "antivirus (Deep Security): wall",
        value: med((c) => c.antivirusMs),
        unit: "ms",
      },
      {
        benchmark: B,
        figure: "one cycle: wall (vcenter → icmp ∥ antivirus)",
        value: med((c) => c.cycleMs),
        unit: "ms",
        target: { kind: "max", value: 2000 },
      },
      { benchmark: B, figure: `vcenter: CPU (${cpuNote})`, value: med((c) => c.vcenterCpuS), unit: "s" },
      {
        benchmark: B,
        figure: `one cycle: CPU incl. fping (${cpuNote})`,
        value: med((c) => c.cycleCpuS),
        unit: "s",
      },
      { benchmark: B, figure: "first (warm-up) cycle: wall", value: cold.cycleMs, unit: "ms" },
    ];
    const last = cycles[cycles.length - 1] ?? cold;
    return {
      benchmark: B,
      rows,
      details: {
        rounds: options.rounds,
        sims: mode,
        vms: last.vms,
        icmpTargets: last.icmpTargets,
        icmpUp: last.icmpUp,
        antivirusCoverage: last.coverage,
        ...(simCpu0 !== undefined && simCpu1 !== undefined
          ? { simsCpuSecondsPerCycle: (simCpu1 - simCpu0) / (options.rounds + 1) }
          : {}),
        cycles,
      },
    };
  } finally {
    await Promise.all(collectors.map((c) => c.close?.()));
    await sims?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(resolve(entry)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (process.argv[2] === SERVE_FLAG && isMain()) {
  const dir = process.argv[3];
  if (dir === undefined) throw new Error(`${SERVE_FLAG} <dir>`);
  await serveSims(dir);
}
