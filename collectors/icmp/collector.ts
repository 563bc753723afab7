/**
 * Pings every target once per run: fping in batches of `batch_size` hosts, at most `concurrency`
 * processes at once (or the system ping, one process per host). Targets come from the config
 * plus, optionally, an extra source such as the VM inventory.
 */
import type { Collector, Deps, Sample, TargetRef } from "../types.js";
import { setMaxListeners } from "node:events";
import { availableParallelism } from "node:os";
import { mapLimit } from "../shared/limit.js";
import { fpingBatch, findExecutable, pingHost, type HostOutcome, type ProbeSettings } from "./backends.js";
import type { IcmpMetric } from "./metrics.js";
import { isValidAddress, type IcmpOptions, type IcmpTarget } from "./options.js";
import { IcmpBackendError } from "./process.js";

/** Not part of the YAML config: for tests (network namespaces) and embedding. */
export interface IcmpInternals {
  /** Prepended to every fping / ping command line, e.g. ["unshare", "-n", "sh", "-c", "…; exec \"$0\" \"$@\""]. */
  commandPrefix?: readonly string[];
  /** Use this fping instead of looking it up on PATH. */
  fpingPath?: string;
  /** Use this ping instead of looking it up on PATH. */
  pingPath?: string;
  /** Where fping and ping are looked up (PATH syntax); process.env.PATH by default. */
  searchPath?: string;
}

/**
 * An extra target; a VM of the inventory carries its id, exported as `vm_id` (two VMs may share a
 * name, never an address).
 */
export type ExtraTarget = IcmpTarget & { vmId?: string };

/** Extra targets for this run; undefined when their source is unknown right now (they are skipped). */
export type ExtraTargets = () => readonly ExtraTarget[] | undefined;

type Backend = { kind: "fping" | "ping"; path: string };

/** ping processes per unit of `concurrency` with the ping backend (one process per host). */
const PING_PROCESSES_PER_SLOT = 16;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createIcmpCollector(
  options: IcmpOptions,
  deps: Deps,
  extraTargets?: ExtraTargets,
  internals: IcmpInternals = {},
): Collector {
  const prefix = internals.commandPrefix ?? [];
  let backend: Backend | undefined;

  /** Chosen on first use and logged once; a missing binary throws on every run until it is installed. */
  const resolveBackend = (): Backend => {
    if (backend !== undefined) return backend;
    const searchPath = internals.searchPath ?? process.env.PATH;
    const fping = internals.fpingPath ?? findExecutable("fping", searchPath);
    if (options.backend !== "ping" && fping !== undefined) {
      backend = { kind: "fping", path: fping };
      deps.log.info(
        { backend: "fping", path: fping },
        `icmp: using fping (${options.backend === "fping" ? "configured" : "found on PATH"})`,
      );
      return backend;
    }
    if (options.backend === "fping") {
      throw new IcmpBackendError(
        "icmp: backend fping configured but fping is not on PATH (apt-get install fping)",
      );
    }
    const ping = internals.pingPath ?? findExecutable("ping", searchPath);
    if (ping === undefined) {
      throw new IcmpBackendError(
        options.backend === "ping"
          ? "icmp: backend ping configured but ping is not on PATH (apt-get install iputils-ping)"
          : "icmp: neither fping nor ping is on PATH (apt-get install fping)",
      );
    }
    backend = { kind: "ping", path: ping };
    deps.log.info(
      { backend: "ping", path: ping },
      options.backend === "ping"
        ? "icmp: using the system ping (configured)"
        : "icmp: fping not found on PATH, using the system ping (one process per host; install fping for large target lists)",
    );
    return backend;
  };

  const configured = options.targets;

  return {
    async collect(ctx) {
      const chosen = resolveBackend();
      const targets: ExtraTarget[] = [...configured];
      if (extraTargets !== undefined) {
        const extra = extraTargets();
        if (extra === undefined) {
          // With nothing else to ping, the run measured nothing: that is unknown (a failed run),
          // never "ok, 0 samples", which would read as a room with no VMs to reach.
          if (configured.length === 0)
            throw new Error(
              "the VM inventory is unknown (no good vcenter/inventory run yet, or its last run failed): the VMs' reachability is unknown until it answers",
            );
          ctx.log.warn("icmp: extra target source is unknown right now; its targets are skipped this run");
        } else {
          const seen = new Set(targets.map((t) => t.address));
          for (const t of extra) {
            if (!isValidAddress(t.address) || t.name === "") {
              ctx.log.warn(
                { address: t.address, name: t.name },
                "icmp: extra target has no valid address or name; skipped",
              );
              continue;
            }
            if (seen.has(t.address)) {
              ctx.log.debug(
                { address: t.address, name: t.name },
                "icmp: extra target duplicates an address; skipped",
              );
              continue;
            }
            seen.add(t.address);
            targets.push(t);
          }
        }
      }
      if (targets.length === 0) return [];

      // Every process listens on the run's signal (and removes its listener when it ends): many at
      // once are expected, not a leak.
      setMaxListeners(0, ctx.signal);
      const settings: ProbeSettings = {
        count: options.count,
        intervalMs: options.interval,
        timeoutMs: options.ping_timeout,
        signal: ctx.signal,
        // Processes share the cores: with more of them than cores, each one runs slower.
        slowdown: Math.max(1, options.concurrency / availableParallelism()),
        sendIntervalMs: options.send_interval_ms,
      };
      const command = [...prefix, chosen.path];
      const addresses = targets.map((t) => t.address);
      const outcomes = new Map<string, HostOutcome>();
      if (chosen.kind === "fping") {
        const batches = chunk(addresses, options.batch_size);
        const results = await mapLimit(
          batches,
          options.concurrency,
          (hosts) => fpingBatch(command, hosts, settings),
          ctx.signal,
        );
        for (const batch of results) for (const [host, outcome] of batch) outcomes.set(host, outcome);
      } else {
        const results = await mapLimit(
          addresses,
          options.concurrency * PING_PROCESSES_PER_SLOT,
          (host) => pingHost(command, host, settings),
          ctx.signal,
        );
        addresses.forEach((host, i) => outcomes.set(host, results[i] as HostOutcome));
      }

      return targets.flatMap((t) => {
        const ref: TargetRef = { key: `icmp:${t.address}`, kind: "host", name: t.name };
        if (t.labels !== undefined) ref.labels = t.labels;
        if (t.vmId !== undefined) ref.vmId = t.vmId;
        const outcome = outcomes.get(t.address) ?? {
          sent: 0,
          received: 0,
          meanRttSeconds: null,
          failure: { reason: "error" as const, detail: "no result" },
        };
        const samples = toSamples(ref, outcome, options.count);
        if (samples[0]?.up === false) {
          ctx.log.debug(
            { target: ref.key, reason: samples[0].reason, detail: samples[0].detail },
            "icmp: host down",
          );
        }
        return samples;
      });
    },
  };
}

export function toSamples(target: TargetRef, outcome: HostOutcome, count: number): Sample[] {
  const sample = (metric: IcmpMetric, value: number | null): Sample => ({ target, metric, value });
  const isUp = outcome.failure === undefined && outcome.received > 0;
  const up = sample("icmp_probe_up", isUp ? 1 : 0);
  up.up = isUp;
  if (outcome.failure !== undefined) {
    up.reason = outcome.failure.reason;
    up.detail = outcome.failure.detail;
  } else if (!isUp) {
    up.reason = "timeout";
    up.detail = `0 of ${outcome.sent || count} replies`;
  }
  const sent = outcome.sent;
  const loss = outcome.failure !== undefined || sent === 0 ? null : (sent - outcome.received) / sent;
  return [up, sample("icmp_rtt_seconds", outcome.meanRttSeconds), sample("icmp_loss_ratio", loss)];
}
