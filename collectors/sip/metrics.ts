/** Every metric the sip collector emits (exported as opsagent_<name>). */
import type { MetricDescriptor } from "../types.js";

export const sipMetrics = {
  sip_options_up: {
    help: "1 when the SIP server answered OPTIONS with one of up_codes, else 0 (reason and detail say why).",
    type: "gauge",
  },
  sip_options_rtt_seconds: {
    help: "Time from the first OPTIONS sent to the final response; no value when none arrived.",
    type: "gauge",
  },
  sip_options_status_code: {
    help: "Status code of the final response to OPTIONS.",
    type: "gauge",
  },
  sip_options_degraded: {
    help: "1 when the server answered with one of degraded_codes (e.g. 503), else 0.",
    type: "gauge",
  },
} as const satisfies Record<string, MetricDescriptor>;

export type SipMetric = keyof typeof sipMetrics;
