/** A process's memory and CPU as Linux reports them in /proc (the benchmarks' readings). */
import { readFileSync } from "node:fs";

/** VmRSS / VmHWM from /proc/<pid>/status, in bytes. */
export function procMemory(pid: number): { rss: number; hwm: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on every Linux we run on). */
const CLK_TCK = 100;

interface ProcTimes {
  /** utime + stime of the process, seconds. */
  self: number;
  /** cutime + cstime: CPU of its children that have ended and been waited for, seconds. */
  children: number;
}

/** CPU times from /proc/<pid>/stat; undefined when unreadable (not Linux, process gone). */
export function procTimes(pid: number | "self"): ProcTimes | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after its last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const n = (i: number) => Number(fields[i]) / CLK_TCK;
  // fields[0] is field 3 (state): utime 14, stime 15, cutime 16, cstime 17.
  return { self: n(11) + n(12), children: n(13) + n(14) };
}

/**
 * CPU seconds used so far by this process (process.cpuUsage: all its threads) plus its ended
 * children (fping, ping): the agent's own CPU as a cycle sees it.
 */
export function agentCpuSeconds(): number {
  const own = process.cpuUsage();
  const children = procTimes("self")?.children ?? 0;
  return (own.user + own.system) / 1e6 + children;
}

export function hasProc(): boolean {
  return procTimes("self") !== undefined;
}
