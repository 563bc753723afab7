/** The `sip` collector plugin: SIP OPTIONS probes of the video-conference MCUs / SIP servers. */
import { definePlugin } from "../types.js";
import { createSipCollector } from "./collector.js";
import { sipMetrics } from "./metrics.js";
import { sipOptions } from "./options.js";

export { createSipCollector } from "./collector.js";
export type { SipOptions, SipTarget } from "./options.js";
export type { SipReason } from "./reasons.js";

export const sipPlugin = definePlugin({
  type: "sip",
  description:
    "SIP OPTIONS probes (UDP/TCP) of MCUs and SIP servers: up, degraded (e.g. 503), round-trip time.",
  schema: sipOptions,
  metrics: sipMetrics,
  incidentCategory: "videoconf",
  create: (config, deps) => createSipCollector(config, deps),
});
