/**
 * Which http targets are education applications for the form's 教育应用运行可用率: every target,
 * unless its config says `counts_toward_availability: false` — or, left unsaid, the target probes
 * the agent itself (its own /healthz or /metrics on its listen address or loopback at its port).
 * The agent's self-probe tells operators the daemon answers; it is not a platform the centre runs
 * for schools, and counting it would lift the mean with a target that is up whenever anything is
 * measured at all.
 */
import type { AvailabilitySource, CountedApplication } from "../types.js";
import type { HttpMetric } from "./metrics.js";
import type { HttpOptions, HttpTarget } from "./options.js";

const AGENT_PATHS = new Set(["/healthz", "/metrics"]);
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** The probe metric availability counts, typed from the plugin's metric map. */
export const HTTP_AVAILABILITY_METRIC = "http_probe_up" satisfies HttpMetric;

/** True when the target's URL is the agent's own /healthz or /metrics. */
export function probesAgentItself(target: HttpTarget, agent: { host: string; port: number }): boolean {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return false;
  }
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  if (port !== agent.port || !AGENT_PATHS.has(url.pathname)) return false;
  const host = url.hostname;
  const agentHost = agent.host.includes(":") && !agent.host.startsWith("[") ? `[${agent.host}]` : agent.host;
  return host === agentHost || LOOPBACK.has(host) || agent.host === "0.0.0.0" || agent.host === "::";
}

export const httpAvailability: AvailabilitySource<HttpOptions> = {
  metric: HTTP_AVAILABILITY_METRIC,
  applications(options, agent): CountedApplication[] {
    return options.targets
      .filter((t) => t.counts_toward_availability ?? !probesAgentItself(t, agent))
      .map((t) => ({ name: t.name, ...(t.every === undefined ? {} : { every: t.every }) }));
  },
};
