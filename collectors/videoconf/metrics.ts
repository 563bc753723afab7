/** Every metric the videoconf collector emits (exported as opsagent_<name>). */
import type { MetricDescriptor } from "../types.js";

export const videoconfMetrics = {
  videoconf_system_health: {
    help: "Health of the video-conference system: 2 healthy, 1 degraded, 0 down (reason and detail name the causes; see the videoconf README for the rule).",
    type: "gauge",
  },
  videoconf_system_state: {
    help: "1 for the system's current health state (label state: healthy, degraded, down), 0 for the others.",
    type: "gauge",
    labels: ["state"],
  },
  videoconf_endpoints_online_ratio: {
    help: "Share of the system's endpoints (school meeting rooms) that answered ping this run; absent when the endpoints are unknown or none are listed.",
    type: "gauge",
  },
  videoconf_endpoints_online: {
    help: "Endpoints of the system that answered ping this run.",
    type: "gauge",
  },
  videoconf_endpoints_listed: {
    help: "Endpoints listed for the system (config and endpoints file).",
    type: "gauge",
  },
  videoconf_mcu_sip_up: {
    help: "1 when the MCU answered SIP OPTIONS on this transport and port with one of up_codes, else 0 (reason and detail say why).",
    type: "gauge",
    labels: ["transport", "port"],
  },
  videoconf_mcu_sip_rtt_seconds: {
    help: "Time from the first OPTIONS sent to the MCU's final response; absent when none arrived.",
    type: "gauge",
    labels: ["transport", "port"],
  },
  videoconf_mcu_sip_status_code: {
    help: "Status code of the MCU's final response to OPTIONS.",
    type: "gauge",
    labels: ["transport", "port"],
  },
  videoconf_mcu_icmp_up: {
    help: "1 when the MCU answered at least one ping this run, else 0.",
    type: "gauge",
  },
  videoconf_endpoint_up: {
    help: "1 when the endpoint answered at least one ping this run, else 0 (reason and detail say why).",
    type: "gauge",
  },
  videoconf_endpoint_rtt_seconds: {
    help: "Mean round-trip time of the endpoint's ping replies this run; absent when none came back.",
    type: "gauge",
  },
} as const satisfies Record<string, MetricDescriptor>;

export type VideoconfMetric = keyof typeof videoconfMetrics;
