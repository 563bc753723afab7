/**
 * A short-lived AbortSignal tied to a long-lived one (the agent's shutdown signal, a collector
 * run's signal), with an optional timeout, that leaves nothing behind on the long-lived signal once
 * disposed.
 *
 * Why not AbortSignal.any([parent, AbortSignal.timeout(ms)]): on Node 20 every AbortSignal.any call
 * adds a WeakRef to each source's dependant set that is never removed, so a source that lives as
 * long as the agent (shutdown) grows by one entry per run, for ever; and a composite signal with an
 * abort listener is kept alive by Node until it aborts, with whatever the listener holds (a run's
 * promise and its samples). AbortSignal.timeout's timer also outlives the work by its whole delay.
 */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** True when the timeout (not the parent) aborted the signal. */
  timedOut(): boolean;
  /** Clears the timer and removes the listener from the parent. Idempotent. */
  dispose(): void;
}

export function linkedSignal(
  parent: AbortSignal,
  timeout?: { ms: number; reason: () => unknown },
): LinkedSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onParentAbort = () => controller.abort(parent.reason);
  const timer =
    timeout === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(timeout.reason());
        }, timeout.ms);
  if (parent.aborted) onParentAbort();
  else parent.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      parent.removeEventListener("abort", onParentAbort);
    },
  };
}

/**
 * A promise that rejects with the signal's reason when it aborts, and `release` to remove its
 * listener once the race it takes part in is over (the listener would keep the race — and its
 * result — reachable from the signal).
 */
export function abortRejection(signal: AbortSignal): { promise: Promise<never>; release: () => void } {
  let release = () => {};
  const promise = new Promise<never>((_, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    release = () => signal.removeEventListener("abort", onAbort);
  });
  return { promise, release };
}

/** Waits `ms`, or less when the signal aborts; either way nothing stays registered on the signal. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
