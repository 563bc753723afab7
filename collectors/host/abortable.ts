/**
 * systeminformation takes no AbortSignal, so a stuck call (df on a hung NFS mount) would hold the
 * run forever. Racing it against the signal lets the run end on time; the orphaned call finishes
 * or fails in the background and its result is dropped.
 */
export function raceAbort<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve()
      .then(work)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", onAbort));
  });
}
