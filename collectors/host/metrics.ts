/** Every metric the host collector emits (exported as opsagent_<name>). */
import type { MetricDescriptor } from "../types.js";

const FS_LABELS = ["mount", "device", "fstype"] as const;
const NET_LABELS = ["interface"] as const;

export const hostMetrics = {
  host_cpu_usage_ratio: {
    help: "Busy share of all CPUs since the previous run (0–1).",
    type: "gauge",
  },
  host_load1: { help: "1-minute load average.", type: "gauge" },
  host_load5: { help: "5-minute load average.", type: "gauge" },
  host_load15: { help: "15-minute load average.", type: "gauge" },
  host_memory_total_bytes: { help: "Physical memory.", type: "gauge" },
  host_memory_available_bytes: {
    help: "Memory available to new work without swapping (MemAvailable).",
    type: "gauge",
  },
  host_memory_used_ratio: {
    help: "1 − available ÷ total memory (0–1).",
    type: "gauge",
  },
  host_filesystem_size_bytes: { help: "Filesystem size.", type: "gauge", labels: FS_LABELS },
  host_filesystem_used_bytes: { help: "Filesystem space in use.", type: "gauge", labels: FS_LABELS },
  host_filesystem_used_ratio: {
    help: "Used ÷ (used + available) as df shows it; blocks reserved for root count as not available (0–1).",
    type: "gauge",
    labels: FS_LABELS,
  },
  host_network_receive_bytes_total: {
    help: "Bytes received by the interface since it came up.",
    type: "counter",
    labels: NET_LABELS,
  },
  host_network_transmit_bytes_total: {
    help: "Bytes sent by the interface since it came up.",
    type: "counter",
    labels: NET_LABELS,
  },
  host_network_receive_errors_total: {
    help: "Receive errors on the interface since it came up.",
    type: "counter",
    labels: NET_LABELS,
  },
  host_network_transmit_errors_total: {
    help: "Transmit errors on the interface since it came up.",
    type: "counter",
    labels: NET_LABELS,
  },
  host_network_receive_bytes_per_second: {
    help: "Receive throughput between the previous run and this one.",
    type: "gauge",
    labels: NET_LABELS,
  },
  host_network_transmit_bytes_per_second: {
    help: "Transmit throughput between the previous run and this one.",
    type: "gauge",
    labels: NET_LABELS,
  },
  host_uptime_seconds: { help: "Time since the host booted.", type: "gauge" },
} as const satisfies Record<string, MetricDescriptor>;

export type HostMetric = keyof typeof hostMetrics;
