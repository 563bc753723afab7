/**
 * Each run: SIP OPTIONS to every MCU port and the pings (MCUs and endpoints) at once, the
 * management web read from its http collector's latest result, then one health state per
 * system from those parts (health.ts). A part that fails is data; a part that cannot be
 * measured is unknown and named, never counted as down.
 */
import type { IcmpInternals, IcmpTarget } from "../icmp/index.js";
import { mapLimit } from "../shared/limit.js";
import { probe, type Judgement } from "../sip/probe.js";
import {
  noLatest,
  type Collector,
  type CollectContext,
  type Deps,
  type Sample,
  type TargetRef,
} from "../types.js";
import { EndpointsFile, EndpointsFileError } from "./endpoints-file.js";
import { HEALTH_VALUE, judgeSystem, type EndpointsPart, type McuParts, type SystemParts } from "./health.js";
import type { VideoconfMetric } from "./metrics.js";
import type { McuSpec, SystemSpec, VideoconfOptions } from "./options.js";
import { Pinger, type PingResults } from "./pings.js";

interface SipJob {
  system: SystemSpec;
  mcu: McuSpec;
  transport: "udp" | "tcp";
  port: number;
}

export function createVideoconfCollector(
  options: VideoconfOptions,
  deps: Deps,
  internals: IcmpInternals = {},
): Collector {
  const judge: Judgement = {
    probeTimeoutMs: options.sip.probe_timeout,
    upCodes: options.sip.up_codes,
    degradedCodes: options.sip.degraded_codes,
  };
  const latest = deps.latest ?? noLatest;
  const pinger = new Pinger(options.icmp, deps, internals);
  const files = new Map(
    options.systems.flatMap((s) =>
      s.endpoints_file === undefined ? [] : [[s.name, new EndpointsFile(s.endpoints_file)]],
    ),
  );
  const jobs: SipJob[] = options.systems.flatMap((system) =>
    system.mcus.flatMap((mcu) => mcu.sip.map((p) => ({ system, mcu, transport: p.transport, port: p.port }))),
  );

  /** The system's endpoints: config plus file; a string says why they are unknown. */
  async function endpointsOf(system: SystemSpec, ctx: CollectContext): Promise<IcmpTarget[] | string> {
    const file = files.get(system.name);
    if (file === undefined) return system.endpoints;
    try {
      const listed = new Set(system.endpoints.map((e) => e.name));
      return [...system.endpoints, ...(await file.read()).filter((e) => !listed.has(e.name))];
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      ctx.log.warn({ system: system.name, err: why }, "videoconf: endpoints unknown this run");
      if (!(err instanceof EndpointsFileError)) return why;
      const [first, ...more] = err.problems;
      return `${first ?? why}${more.length > 0 ? ` (and ${more.length} more problems)` : ""}`;
    }
  }

  return {
    async collect(ctx) {
      const endpoints = await Promise.all(options.systems.map((s) => endpointsOf(s, ctx)));
      const addresses = [
        ...options.systems.flatMap((s) => s.mcus.filter((m) => m.icmp).map((m) => m.host)),
        ...endpoints.flatMap((list) => (typeof list === "string" ? [] : list.map((e) => e.address))),
      ];
      const [sipResults, pings] = await Promise.all([
        mapLimit(
          jobs,
          options.sip.concurrency,
          (job) => probe({ host: job.mcu.host, port: job.port, transport: job.transport }, judge, ctx.signal),
          ctx.signal,
        ),
        pinger.ping(addresses, ctx),
      ]);
      const samples: Sample[] = [];
      options.systems.forEach((system, i) => {
        const mcus: McuParts[] = system.mcus.map((mcu) => {
          const ref = mcuRef(system, mcu);
          const sip = jobs.flatMap((job, j) => {
            if (job.system !== system || job.mcu !== mcu) return [];
            const result = sipResults[j] as Awaited<ReturnType<typeof probe>>;
            const labels = { transport: job.transport, port: String(job.port) };
            samples.push(
              withState(
                { target: ref, metric: "videoconf_mcu_sip_up", labels, value: result.up ? 1 : 0 },
                result,
              ),
              { target: ref, metric: "videoconf_mcu_sip_rtt_seconds", labels, value: result.rttSeconds },
            );
            if (result.statusCode !== undefined) {
              samples.push({
                target: ref,
                metric: "videoconf_mcu_sip_status_code",
                labels,
                value: result.statusCode,
              });
            }
            return [{ ...result, transport: job.transport, port: job.port }];
          });
          const parts: McuParts = { name: mcu.name, sip };
          if (mcu.icmp) {
            const ping = pingOf(pings, mcu.host);
            parts.icmp = ping;
            if (ping !== "unknown")
              samples.push(
                withState({ target: ref, metric: "videoconf_mcu_icmp_up", value: ping.up ? 1 : 0 }, ping),
              );
          }
          return parts;
        });
        const listed = endpoints[i] as IcmpTarget[] | string;
        const endpointsPart = endpointSamples(system, listed, pings, samples);
        const systemParts: SystemParts = { mcus, endpoints: endpointsPart };
        if (system.management_web !== undefined)
          systemParts.managementWeb = managementWeb(system.management_web);
        samples.push(...systemSamples(system, systemParts));
      });
      return samples;
    },
  };

  function managementWeb(ref: { collector: string; target: string }): SystemParts["managementWeb"] {
    const values = latest.of(ref.collector);
    if (values === undefined) return { unknown: `collector ${ref.collector} has no good run` };
    const up = values.find((v) => v.metric === "http_probe_up" && v.target.name === ref.target);
    if (up === undefined) return { unknown: `collector ${ref.collector} has no result for ${ref.target}` };
    return {
      up: up.up ?? up.value === 1,
      ...(up.reason === undefined ? {} : { reason: up.reason }),
      ...(up.detail === undefined ? {} : { detail: up.detail }),
    };
  }
}

function systemRef(system: SystemSpec): TargetRef {
  return { key: `videoconf:${system.name}`, kind: "videoconf-system", name: system.name };
}

function mcuRef(system: SystemSpec, mcu: McuSpec): TargetRef {
  return {
    key: `mcu:${system.name}:${mcu.name}`,
    kind: "mcu",
    name: mcu.name,
    labels: { system: system.name, host: mcu.host },
  };
}

function withState(
  sample: Sample & { metric: VideoconfMetric },
  result: { up: boolean; reason?: string; detail?: string },
): Sample {
  sample.up = result.up;
  if (result.reason !== undefined) sample.reason = result.reason;
  if (result.detail !== undefined) sample.detail = result.detail;
  return sample;
}

function pingOf(pings: PingResults, address: string) {
  if ("unknown" in pings) return "unknown" as const;
  return (
    pings.byAddress.get(address) ?? { up: false, reason: "error", detail: "no result", rttSeconds: null }
  );
}

/** Per-endpoint samples (pushed onto `out`) and the system's endpoints part. */
function endpointSamples(
  system: SystemSpec,
  listed: IcmpTarget[] | string,
  pings: PingResults,
  out: Sample[],
): EndpointsPart {
  if (typeof listed === "string") return { kind: "unknown", why: listed };
  if (listed.length === 0) return { kind: "none" };
  if ("unknown" in pings) return { kind: "unknown", why: pings.unknown };
  let online = 0;
  for (const endpoint of listed) {
    const ping = pingOf(pings, endpoint.address);
    if (ping === "unknown") continue;
    if (ping.up) online += 1;
    const target: TargetRef = {
      key: `endpoint:${system.name}:${endpoint.name}`,
      kind: "endpoint",
      name: endpoint.name,
      labels: { ...endpoint.labels, system: system.name, address: endpoint.address },
    };
    out.push(withState({ target, metric: "videoconf_endpoint_up", value: ping.up ? 1 : 0 }, ping), {
      target,
      metric: "videoconf_endpoint_rtt_seconds",
      value: ping.rttSeconds,
    });
  }
  return { kind: "measured", online, total: listed.length };
}

function systemSamples(system: SystemSpec, parts: SystemParts): Sample[] {
  const target = systemRef(system);
  const health = judgeSystem(parts, {
    endpointsDegradedBelow: system.health.endpoints_degraded_below,
    ...(system.health.endpoints_down_below === undefined
      ? {}
      : { endpointsDownBelow: system.health.endpoints_down_below }),
  });
  const healthSample: Sample = {
    target,
    metric: "videoconf_system_health",
    value: HEALTH_VALUE[health.state],
    up: health.state !== "down",
  };
  if (health.reason !== undefined) healthSample.reason = health.reason;
  if (health.reasons.length > 0) healthSample.detail = health.reasons.join("; ");
  const samples: Sample[] = [
    healthSample,
    ...(["healthy", "degraded", "down"] as const).map((state) => ({
      target,
      metric: "videoconf_system_state",
      labels: { state },
      value: state === health.state ? 1 : 0,
    })),
  ];
  const ep = parts.endpoints;
  if (ep.kind === "measured") {
    samples.push(
      { target, metric: "videoconf_endpoints_online", value: ep.online },
      { target, metric: "videoconf_endpoints_listed", value: ep.total },
      { target, metric: "videoconf_endpoints_online_ratio", value: ep.online / ep.total },
    );
  }
  return samples;
}
