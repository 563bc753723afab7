/**
 * The pings of a run: every MCU that is pinged and every endpoint, through the icmp collector's
 * machinery (fping batches or the system ping), each address once even when several systems or
 * an MCU and an endpoint share it.
 */
import { createIcmpCollector, type IcmpInternals, type IcmpTarget } from "../icmp/index.js";
import { IcmpBackendError } from "../icmp/index.js";
import type { CollectContext, Deps } from "../types.js";
import type { VideoconfOptions } from "./options.js";

export interface PingResult {
  up: boolean;
  reason?: string;
  detail?: string;
  rttSeconds: number | null;
}

/** Results by address; `unknown` (with why) when the ping program could not run at all. */
export type PingResults = { unknown: string } | { byAddress: ReadonlyMap<string, PingResult> };

export class Pinger {
  private addresses: readonly IcmpTarget[] = [];
  private readonly icmp;

  constructor(options: VideoconfOptions["icmp"], deps: Deps, internals: IcmpInternals = {}) {
    this.icmp = createIcmpCollector(
      { ...options, targets: [], from_inventory: false },
      deps,
      () => this.addresses,
      internals,
    );
  }

  async ping(addresses: readonly string[], ctx: CollectContext): Promise<PingResults> {
    const unique = [...new Set(addresses)];
    if (unique.length === 0) return { byAddress: new Map() };
    this.addresses = unique.map((address) => ({ name: address, address }));
    let samples;
    try {
      samples = await this.icmp.collect({ signal: ctx.signal, now: ctx.now, log: ctx.log });
    } catch (err) {
      // The run's own abort ends the run; a missing or broken ping program only makes pings unknown.
      if (ctx.signal.aborted || !(err instanceof IcmpBackendError)) throw err;
      ctx.log.warn({ err: err.message }, "videoconf: pings unknown this run");
      return { unknown: err.message };
    }
    const byAddress = new Map<string, PingResult>();
    for (const s of samples) {
      const address = s.target.key.slice("icmp:".length);
      const known = byAddress.get(address) ?? { up: false, rttSeconds: null };
      if (s.metric === "icmp_probe_up") {
        known.up = s.up === true;
        if (s.reason !== undefined) known.reason = s.reason;
        if (s.detail !== undefined) known.detail = s.detail;
      } else if (s.metric === "icmp_rtt_seconds") known.rttSeconds = s.value;
      byAddress.set(address, known);
    }
    return { byAddress };
  }
}
