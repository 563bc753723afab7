/**
 * Where the host collector reads the machine. An interface so tests can feed exact counters and
 * failures; `systemSource` is the real one (systeminformation + node:os).
 *
 * systeminformation's modules are imported one by one, when first used: its index loads every one
 * of them (graphics, wifi, bluetooth, docker, printers…), about 390 KB of source this collector does
 * not use that the daemon would keep in memory. Types: systeminformation-lib.d.ts.
 */
import os from "node:os";

export interface FilesystemUsage {
  /** Device or source, e.g. "/dev/vda1" or "server:/export". */
  device: string;
  /** Filesystem type as df reports it, e.g. "ext4", "xfs", "tmpfs". */
  type: string;
  mount: string;
  sizeBytes: number;
  usedBytes: number;
  availableBytes: number;
}

/** Monotonic counters since the interface came up (they restart at 0 on reboot or re-creation). */
export interface InterfaceCounters {
  name: string;
  receiveBytes: number;
  transmitBytes: number;
  receiveErrors: number;
  transmitErrors: number;
}

export interface MemoryUsage {
  totalBytes: number;
  /** What the kernel estimates can be given to new work without swapping (MemAvailable). */
  availableBytes: number;
}

export interface HostSource {
  hostname(): string;
  /** Busy share of all CPUs, 0–1. */
  cpuUsage(): Promise<number>;
  /** 1, 5 and 15 minute load averages. */
  loadAverage(): Promise<readonly [number, number, number]>;
  memory(): Promise<MemoryUsage>;
  filesystems(): Promise<FilesystemUsage[]>;
  interfaces(): Promise<InterfaceCounters[]>;
  uptimeSeconds(): Promise<number>;
}

export const systemSource: HostSource = {
  hostname: () => os.hostname(),

  // systeminformation keeps the previous CPU tick totals in the module, so each call measures
  // the busy share since the previous call in this process (since boot on the first call).
  async cpuUsage() {
    const { currentLoad } = (await import("systeminformation/lib/cpu.js")).default;
    const load = await currentLoad();
    return Math.min(1, Math.max(0, load.currentLoad / 100));
  },

  async loadAverage() {
    const [one = 0, five = 0, fifteen = 0] = os.loadavg();
    return [one, five, fifteen] as const;
  },

  async memory() {
    const { mem: read } = (await import("systeminformation/lib/memory.js")).default;
    const mem = await read();
    return { totalBytes: mem.total, availableBytes: mem.available };
  },

  async filesystems() {
    const { fsSize } = (await import("systeminformation/lib/filesystem.js")).default;
    const list = await fsSize();
    return list.map((fs) => ({
      device: fs.fs,
      type: fs.type,
      mount: fs.mount,
      sizeBytes: fs.size,
      usedBytes: fs.used,
      availableBytes: fs.available,
    }));
  },

  async interfaces() {
    // "*" = every interface systeminformation knows, not only the default one.
    const { networkStats } = (await import("systeminformation/lib/network.js")).default;
    const list = await networkStats("*");
    return list.map((n) => ({
      name: n.iface,
      receiveBytes: n.rx_bytes,
      transmitBytes: n.tx_bytes,
      receiveErrors: n.rx_errors,
      transmitErrors: n.tx_errors,
    }));
  },

  async uptimeSeconds() {
    return os.uptime();
  },
};
