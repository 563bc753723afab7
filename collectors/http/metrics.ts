/** Every metric the http collector emits (exported as opsagent_<name>). */
import type { MetricDescriptor } from "../types.js";

export const httpMetrics = {
  http_probe_up: {
    help: "1 when the target answered with an expected status, its body assertions held and it was within max_latency, else 0 (reason and detail say why).",
    type: "gauge",
  },
  http_probe_duration_seconds: {
    help: "Time from starting the request (DNS, connect and TLS included) to the last body byte.",
    type: "gauge",
  },
  http_probe_status_code: {
    help: "HTTP status of the response (the last one when redirects are followed).",
    type: "gauge",
  },
  http_tls_cert_expiry_timestamp_seconds: {
    help: "For https targets: the server certificate's notAfter (expiry), as unix seconds.",
    type: "gauge",
  },
} as const satisfies Record<string, MetricDescriptor>;

export type HttpMetric = keyof typeof httpMetrics;
