/** Probes every configured target once per run, at most `concurrency` at a time. */
import type { Collector, Deps, Sample, TargetRef } from "../types.js";
import { DueTracker } from "../shared/due.js";
import { probeAll } from "../shared/probe-all.js";
import { loadTlsSettings } from "./client.js";
import type { HttpMetric } from "./metrics.js";
import type { HttpOptions } from "./options.js";
import { probe, type ProbeResult } from "./probe.js";

export function createHttpCollector(options: HttpOptions, deps: Deps): Collector {
  const tlsSettings = loadTlsSettings(options, deps.log);
  const targets = options.targets.map((spec) => {
    const ref: TargetRef = { key: `http:${spec.name}`, kind: "application", name: spec.name };
    if (spec.labels !== undefined) ref.labels = spec.labels;
    return { spec, ref };
  });

  const schedule = new DueTracker(deps.periodMs ?? 60_000);

  return {
    async collect(ctx) {
      const now = ctx.now().getTime();
      const { due, notDue } = schedule.split(
        targets,
        now,
        (t) => t.ref.key,
        (t) => t.spec.every,
      );
      if (notDue.length > 0) ctx.keepLatest?.(notDue);
      const samples = await probeAll(
        "http",
        due,
        options.concurrency,
        ctx,
        (spec, signal) => probe(spec, tlsSettings, signal),
        toSamples,
      );
      schedule.probed(
        due.map((t) => t.ref.key),
        now,
      );
      return samples;
    },
  };
}

function toSamples(target: TargetRef, result: ProbeResult): Sample[] {
  const sample = (metric: HttpMetric, value: number | null): Sample => ({ target, metric, value });
  const up = sample("http_probe_up", result.up ? 1 : 0);
  up.up = result.up;
  if (result.reason !== undefined) up.reason = result.reason;
  if (result.detail !== undefined) up.detail = result.detail;
  const samples = [up, sample("http_probe_duration_seconds", result.durationSeconds)];
  if (result.statusCode !== undefined) samples.push(sample("http_probe_status_code", result.statusCode));
  if (result.certNotAfter !== undefined) {
    samples.push(sample("http_tls_cert_expiry_timestamp_seconds", result.certNotAfter));
  }
  return samples;
}
