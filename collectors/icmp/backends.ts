/**
 * The two ways to ping: fping (one process per batch of hosts) and the system ping (iputils, one
 * process per host). Both return one HostOutcome per host and throw IcmpBackendError when the
 * backend itself is broken, so a broken backend is one failed run, never N false downs.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { isIP } from "node:net";
import { isDnsMessage, parseFpingOutput, parsePingOutput } from "./parse.js";
import { IcmpBackendError, runProcess } from "./process.js";
import { toMicroseconds } from "../shared/timing.js";

export type IcmpReason = "timeout" | "dns" | "unreachable" | "error";

export interface HostOutcome {
  sent: number;
  received: number;
  /** Mean RTT of the replies in seconds; null when none came back. */
  meanRttSeconds: number | null;
  /** Set when the host could not be pinged at all (name not resolved, no route). */
  failure?: { reason: IcmpReason; detail: string };
}

export interface ProbeSettings {
  count: number;
  intervalMs: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** How much slower a process may run because others share the cores (1 = alone). */
  slowdown?: number;
  /** fping -i: gap between any two packets one fping process sends, in ms. */
  sendIntervalMs?: number;
}

/**
 * The hard limit for one process: all pings of all its hosts sent, the last reply waited for,
 * plus slack (half again, 2 s, and 5 s more when a name has to be resolved first).
 */
export function processLimitMs(
  hosts: readonly string[],
  s: Pick<ProbeSettings, "count" | "intervalMs" | "timeoutMs" | "slowdown">,
  spacingMs: number,
): number {
  const base =
    ((s.count - 1) * s.intervalMs + hosts.length * s.count * spacingMs + s.timeoutMs) * (s.slowdown ?? 1);
  const resolving = hosts.some((h) => isIP(h) === 0) ? 5_000 : 0;
  return Math.ceil(base * 1.5) + 2_000 + resolving;
}

/** First lines of a process's complaint, for an error message. */
function excerpt(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const head = lines.slice(0, 3).join("; ");
  return head.length > 300 ? `${head.slice(0, 300)}…` : head || "no output";
}

/** Pings one batch with one fping process (targets on stdin). `command` is [prefix…, fping path]. */
export async function fpingBatch(
  command: readonly string[],
  hosts: readonly string[],
  s: ProbeSettings,
): Promise<Map<string, HostOutcome>> {
  const argv = [
    ...command,
    "-C",
    String(s.count),
    "-p",
    String(s.intervalMs),
    "-t",
    String(s.timeoutMs),
    "-i",
    String(s.sendIntervalMs ?? 1),
    "-f",
    "-",
  ];
  const result = await runProcess(argv, {
    input: `${hosts.join("\n")}\n`,
    timeoutMs: processLimitMs(hosts, s, s.sendIntervalMs ?? 1),
    signal: s.signal,
  });
  // 0: all alive, 1: some unreachable (also bad arguments in fping 5), 2: a name not found;
  // 3: invalid arguments, 4: system call failure (no raw socket: needs CAP_NET_RAW).
  if (result.code === null || result.code > 2) {
    const how = result.code === null ? `was killed by ${result.signal}` : `exited with status ${result.code}`;
    throw new IcmpBackendError(`fping ${how}: ${excerpt(result.stderr)}`);
  }
  const parsed = parseFpingOutput(result.stderr, hosts);
  if (parsed.size === 0) {
    // fping answered about no host at all: usage text, an unknown option, …
    throw new IcmpBackendError(
      `fping exited with status ${result.code} and no result: ${excerpt(result.stderr)}`,
    );
  }
  const outcomes = new Map<string, HostOutcome>();
  for (const host of hosts) {
    const replies = parsed.get(host);
    if (replies === undefined) {
      outcomes.set(host, {
        sent: 0,
        received: 0,
        meanRttSeconds: null,
        failure: { reason: "error", detail: "fping reported nothing for this host" },
      });
      continue;
    }
    const got = replies.rtts.filter((r): r is number => r !== null);
    const outcome: HostOutcome = {
      sent: replies.rtts.length,
      received: got.length,
      meanRttSeconds: got.length === 0 ? null : toMicroseconds(got.reduce((a, b) => a + b, 0) / got.length),
    };
    if (replies.rtts.length === 0) {
      const message = replies.errors.join("; ") || "no result";
      outcome.failure = { reason: isDnsMessage(message) ? "dns" : "error", detail: message };
    }
    outcomes.set(host, outcome);
  }
  return outcomes;
}

const PERMISSION =
  /operation not permitted|permission denied|must run as root|usage|invalid (?:argument|option)|socket:/i;

/** Pings one host with the system ping (iputils). `command` is [prefix…, ping path]. */
export async function pingHost(
  command: readonly string[],
  host: string,
  s: ProbeSettings,
): Promise<HostOutcome> {
  const seconds = (ms: number): string => String(ms / 1000);
  const argv = [
    ...command,
    "-n",
    "-q",
    "-c",
    String(s.count),
    "-i",
    seconds(s.intervalMs),
    "-W",
    seconds(s.timeoutMs),
    host,
  ];
  const result = await runProcess(argv, {
    timeoutMs: processLimitMs([host], s, 0),
    signal: s.signal,
    captureStdout: true,
  });
  const summary = parsePingOutput(result.stdout);
  // 0: a reply came, 1: none came, 2: an error (name not found, no route, no socket).
  if (result.code !== null && result.code <= 1 && summary !== undefined) {
    return {
      sent: summary.transmitted,
      received: summary.received,
      meanRttSeconds:
        summary.received === 0 || summary.avgSeconds === undefined
          ? null
          : toMicroseconds(summary.avgSeconds),
    };
  }
  const message = excerpt(result.stderr.replace(/^ping: /gm, ""));
  if (result.code === 2 && isDnsMessage(message)) {
    return { sent: 0, received: 0, meanRttSeconds: null, failure: { reason: "dns", detail: message } };
  }
  if (result.code === 2 && !PERMISSION.test(message)) {
    const reason = /unreachable|no route/i.test(message) ? "unreachable" : "error";
    return { sent: 0, received: 0, meanRttSeconds: null, failure: { reason, detail: message } };
  }
  const how = result.code === null ? `was killed by ${result.signal}` : `exited with status ${result.code}`;
  throw new IcmpBackendError(`ping ${how}: ${message}`);
}

/** The path of an executable `name` on `searchPath` (PATH syntax), or undefined. */
export function findExecutable(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
