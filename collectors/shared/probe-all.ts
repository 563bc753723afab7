/**
 * The run of a probing collector: every target probed once, at most `concurrency` at a time, each
 * failure logged at debug level with its reason, and the results turned into samples. A target's
 * failure is a result; only the run's own abort ends it early.
 */
import type { CollectContext, Sample, TargetRef } from "../types.js";
import { setMaxListeners } from "node:events";
import { mapLimit } from "./limit.js";

export interface ProbedTarget<S> {
  spec: S;
  ref: TargetRef;
}

export async function probeAll<S, R extends { up: boolean; reason?: string; detail?: string }>(
  who: string,
  targets: readonly ProbedTarget<S>[],
  concurrency: number,
  ctx: CollectContext,
  probe: (spec: S, signal: AbortSignal) => Promise<R>,
  toSamples: (ref: TargetRef, result: R) => Sample[],
): Promise<Sample[]> {
  // Each probe in flight listens on the run's signal (and removes its listener when it ends): many
  // at once are expected, not a leak.
  setMaxListeners(0, ctx.signal);
  const results = await mapLimit(
    targets,
    concurrency,
    async ({ spec, ref }) => {
      const result = await probe(spec, ctx.signal);
      if (!result.up) {
        ctx.log.debug(
          { target: ref.key, reason: result.reason, detail: result.detail },
          `${who}: probe failed`,
        );
      }
      return toSamples(ref, result);
    },
    ctx.signal,
  );
  return results.flat();
}
