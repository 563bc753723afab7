/**
 * Bounded concurrency for collectors that measure many targets (HTTP probes, pings, API pages):
 * a few hundred targets must not open a few hundred sockets at once, and a stopped run must stop
 * starting new work.
 */

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order.
 * Like Promise.all it rejects on the first failure, and it rejects with `signal.reason` as soon
 * as the signal aborts. In both cases no further items are started; calls already in flight
 * are not awaited (pass the signal to `fn` too so they stop as well).
 */
export function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    return Promise.reject(new RangeError(`limit must be a positive integer, got ${limit}`));
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (items.length === 0) return Promise.resolve([]);

  return new Promise<R[]>((resolve, reject) => {
    const results = new Array<R>(items.length);
    let next = 0;
    let active = 0;
    let settled = false;

    const finish = (error: unknown, ok: boolean): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      if (ok) resolve(results);
      else reject(error);
    };
    const onAbort = (): void => finish(signal?.reason, false);
    signal?.addEventListener("abort", onAbort, { once: true });

    const launch = (): void => {
      while (!settled && active < limit && next < items.length) {
        const index = next++;
        active++;
        // Promise.resolve().then() also turns a synchronous throw in fn into a rejection.
        Promise.resolve()
          .then(() => fn(items[index] as T, index))
          .then(
            (value) => {
              results[index] = value;
              active--;
              if (next >= items.length && active === 0) finish(undefined, true);
              else launch();
            },
            (error: unknown) => finish(error, false),
          );
      }
    };
    launch();
  });
}
