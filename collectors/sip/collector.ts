/** Probes every configured target once per run, at most `concurrency` at a time. */
import type { Collector, Deps, Sample, TargetRef } from "../types.js";
import { probeAll } from "../shared/probe-all.js";
import type { SipMetric } from "./metrics.js";
import type { SipOptions } from "./options.js";
import { probe, type Judgement, type ProbeResult } from "./probe.js";

export function createSipCollector(options: SipOptions, _deps?: Deps): Collector {
  const judge: Judgement = {
    probeTimeoutMs: options.probe_timeout,
    upCodes: options.up_codes,
    degradedCodes: options.degraded_codes,
  };
  const targets = options.targets.map((spec) => {
    const ref: TargetRef = {
      key: `sip:${spec.transport}:${spec.host}:${spec.port}`,
      kind: "mcu",
      name: spec.name,
    };
    if (spec.labels !== undefined) ref.labels = spec.labels;
    return { spec, ref };
  });

  return {
    collect: (ctx) =>
      probeAll(
        "sip",
        targets,
        options.concurrency,
        ctx,
        (spec, signal) => probe(spec, judge, signal),
        toSamples,
      ),
  };
}

function toSamples(target: TargetRef, result: ProbeResult): Sample[] {
  const sample = (metric: SipMetric, value: number | null): Sample => ({ target, metric, value });
  const up = sample("sip_options_up", result.up ? 1 : 0);
  up.up = result.up;
  if (result.reason !== undefined) up.reason = result.reason;
  if (result.detail !== undefined) up.detail = result.detail;
  const samples = [
    up,
    sample("sip_options_rtt_seconds", result.rttSeconds),
    sample("sip_options_degraded", result.degraded ? 1 : 0),
  ];
  if (result.statusCode !== undefined) samples.push(sample("sip_options_status_code", result.statusCode));
  return samples;
}
