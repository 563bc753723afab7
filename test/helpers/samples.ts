import type { TargetRef } from "../../collectors/types.js";
import type { StoredSample } from "../../agent/store/sqlite.js";

export function target(n: number): TargetRef {
  return { key: `app:${n}`, kind: "application", name: `app-${n}` };
}

/** A deterministic pseudo-random stream, so generated months are the same on every run. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Probe samples for `targets` applications at one instant: up most of the time, latency in seconds. */
export function probeBatch(targets: number, time: Date, random: () => number): StoredSample[] {
  const out: StoredSample[] = [];
  for (let i = 0; i < targets; i++) {
    const up = random() > 0.02;
    out.push({
      target: target(i),
      metric: "http_probe_up",
      value: up ? 1 : 0,
      up,
      ...(up ? {} : { reason: "status" }),
      maintenance: random() < 0.01,
      time,
    });
    out.push({
      target: target(i),
      metric: "http_probe_duration_seconds",
      value: up ? 0.01 + random() * 0.2 : null,
      time,
    });
  }
  return out;
}
