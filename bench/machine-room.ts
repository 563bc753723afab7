/**
 * One cycle of the simulated machine room at the default scale, on loopback (bench/room.ts says
 * what a cycle does: vCenter inventory, then ICMP, antivirus and videoconf over it, with http and
 * host beside it), timed: wall time and CPU.
 *
 * Every simulated peer (vCenter, Deep Security Manager, platforms, apps, MCUs) runs in a child
 * process, so the CPU figure is the agent's alone: this process (process.cpuUsage) plus its ended
 * children (fping, from /proc/self/stat cutime + cstime). A warm-up cycle, then `rounds` measured
 * cycles; medians are reported (bench/room-sims.ts starts the peers).
 */
import { procTimes } from "./proc.js";
import { median } from "./stats.js";
import type { BenchResult, BenchRow } from "./types.js";
import {
  roomUnavailable,
  startRoom,
  type CollectorName,
  type CycleFigures,
  type RoomOptions,
} from "./room.js";

const B = "machine room";

export interface MachineRoomOptions extends RoomOptions {
  /** Measured cycles after one warm-up cycle; medians are reported. */
  rounds: number;
}

function describe(c: CycleFigures): string {
  const walls = Object.entries(c.wallMs)
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(", ");
  return `${Math.round(c.cycleMs)} ms wall, ${c.cycleCpuS.toFixed(3)} CPU-s (ms: ${walls})`;
}

export async function runMachineRoom(options: MachineRoomOptions): Promise<BenchResult> {
  const log = options.log ?? (() => {});
  const why = roomUnavailable();
  if (why !== undefined) return { benchmark: B, rows: [], skipped: why };
  const room = await startRoom(options);
  try {
    const simCpu0 = room.simsPid === undefined ? undefined : procTimes(room.simsPid)?.self;
    const cold = await room.cycle();
    log(
      `machine room: warm-up cycle ${describe(cold)}: ${cold.vms} VMs, ${cold.icmpUp}/${cold.icmpTargets} pinged up, ` +
        `coverage ${cold.coverage}, http ${cold.httpUp}/${cold.httpTargets} up, endpoints ${cold.endpointsUp}/${cold.endpoints} up, ` +
        `videoconf health ${JSON.stringify(cold.videoconfHealth)}, ${cold.samples} samples`,
    );
    const cycles: CycleFigures[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const c = await room.cycle();
      cycles.push(c);
      log(`machine room: cycle ${r + 1}: ${describe(c)}`);
    }
    const simCpu1 = room.simsPid === undefined ? undefined : procTimes(room.simsPid)?.self;
    const med = (pick: (c: CycleFigures) => number) => median(cycles.map(pick));
    const wall = (name: CollectorName) => med((c) => c.wallMs[name] ?? Number.NaN);
    const cpuNote =
      room.mode === "child" ? "agent only: sims in a child process" : "includes the in-process sims";
    const last = cycles[cycles.length - 1] ?? cold;
    const scale =
      `${last.vms} VMs, ${last.httpTargets} apps, ${last.endpoints} endpoints + ${last.mcuSipProbes} MCU SIP probes, ` +
      `antivirus, vCenter${(options.host ?? true) ? ", host" : ""}`;
    const rows: BenchRow[] = [
      {
        benchmark: B,
        figure: `one cycle: wall (${scale}; http ∥ host ∥ (vcenter → icmp ∥ antivirus ∥ videoconf))`,
        value: med((c) => c.cycleMs),
        unit: "ms",
        target: { kind: "max", value: 2000 },
      },
      {
        benchmark: B,
        figure: `one cycle: CPU incl. fping (${cpuNote})`,
        value: med((c) => c.cycleCpuS),
        unit: "s",
      },
      {
        benchmark: B,
        figure: `vcenter: wall (${last.vms} VMs in scope)`,
        value: wall("vcenter"),
        unit: "ms",
      },
      {
        benchmark: B,
        figure: `CPU until vcenter ended, http and host running beside it (${cpuNote})`,
        value: med((c) => c.vcenterCpuS),
        unit: "s",
      },
      {
        benchmark: B,
        figure: `icmp (from inventory, fping, ${last.icmpTargets} targets): wall`,
        value: wall("icmp"),
        unit: "ms",
      },
      { benchmark: B, figure: "antivirus (Deep Security): wall", value: wall("antivirus"), unit: "ms" },
      {
        benchmark: B,
        figure: `http (${last.httpTargets} apps; simulated videoconf-web answers after 1.5 s): wall`,
        value: wall("http"),
        unit: "ms",
      },
      {
        benchmark: B,
        figure: `videoconf (2 MCUs, ${last.endpoints} endpoints by fping): wall`,
        value: wall("videoconf"),
        unit: "ms",
      },
    ];
    if (options.host ?? true)
      rows.push({ benchmark: B, figure: "host: wall", value: wall("host"), unit: "ms" });
    rows.push({ benchmark: B, figure: "first (warm-up) cycle: wall", value: cold.cycleMs, unit: "ms" });
    return {
      benchmark: B,
      rows,
      details: {
        rounds: options.rounds,
        sims: room.mode,
        vms: last.vms,
        icmpTargets: last.icmpTargets,
        icmpUp: last.icmpUp,
        antivirusCoverage: last.coverage,
        httpTargets: last.httpTargets,
        httpUp: last.httpUp,
        endpoints: last.endpoints,
        endpointsUp: last.endpointsUp,
        mcuSipProbes: last.mcuSipProbes,
        videoconfHealth: last.videoconfHealth,
        samplesPerCycle: last.samples,
        ...(simCpu0 !== undefined && simCpu1 !== undefined
          ? { simsCpuSecondsPerCycle: (simCpu1 - simCpu0) / (options.rounds + 1) }
          : {}),
        cold,
        cycles,
      },
    };
  } finally {
    await room.close();
  }
}
