/**
 * Deterministic sample batches for the benchmarks and the store tests: HTTP probe results (up + latency per target),
 * the same shape as the http collector emits. The same seed gives the same months on every run.
 */
import type { TargetRef } from "../collectors/types.js";
import type { StoredSample } from "../agent/store/sqlite.js";
import { toMicroseconds } from "../collectors/shared/timing.js";

export { prng } from "../agent/demo-history/random.js";

export function probeTarget(i: number): TargetRef {
  return {
    key: `http:app-${i}`,
    kind: "endpoint",
    name: `app-${i}`,
    labels: { system: `system-${i % 12}`, owner: `team-${i % 5}` },
  };
}

export function probeTargets(count: number): TargetRef[] {
  return Array.from({ length: count }, (_, i) => probeTarget(i));
}

/**
 * One probe run at `time`: per target an http_probe_up sample (2 % down with reason "status",
 * 1 % inside maintenance) and an http_probe_duration_seconds sample (null when down; to the
 * microsecond, as the collectors keep timings).
 * Two series per target, in a fixed order.
 */
export function probeBatch(targets: readonly TargetRef[], time: Date, random: () => number): StoredSample[] {
  const out: StoredSample[] = [];
  for (const target of targets) {
    const up = random() > 0.02;
    out.push({
      target,
      metric: "http_probe_up",
      value: up ? 1 : 0,
      up,
      ...(up ? {} : { reason: "status" }),
      maintenance: random() < 0.01,
      time,
    });
    out.push({
      target,
      metric: "http_probe_duration_seconds",
      value: up ? toMicroseconds(0.01 + random() * 0.2) : null,
      time,
    });
  }
  return out;
}
