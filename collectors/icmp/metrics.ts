/** Every metric the icmp collector emits (exported as opsagent_<name>). */
import type { MetricDescriptor } from "../types.js";

export const icmpMetrics = {
  icmp_probe_up: {
    help: "1 when the host answered at least one echo request this run, else 0 (reason and detail say why).",
    type: "gauge",
  },
  icmp_rtt_seconds: {
    help: "Mean round-trip time of the echo replies received this run; absent (null) when none came back.",
    type: "gauge",
  },
  icmp_loss_ratio: {
    help: "Share of echo requests this run that got no reply (0 = none lost, 1 = all lost).",
    type: "gauge",
  },
} as const satisfies Record<string, MetricDescriptor>;

export type IcmpMetric = keyof typeof icmpMetrics;
