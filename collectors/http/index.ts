/** The `http` collector plugin: availability and response time of HTTP(S) endpoints. */
import { definePlugin } from "../types.js";
import { httpAvailability } from "./availability.js";
import { createHttpCollector } from "./collector.js";
import { httpMetrics } from "./metrics.js";
import { httpOptions } from "./options.js";

export { createHttpCollector } from "./collector.js";
export type { HttpOptions, HttpTarget } from "./options.js";
export type { ProbeReason } from "./reasons.js";

export const httpPlugin = definePlugin({
  type: "http",
  description: "HTTP(S) probes: is the endpoint up (expected status), how long it took, why it failed.",
  schema: httpOptions,
  metrics: httpMetrics,
  incidentCategory: "platform",
  availability: httpAvailability,
  create: (config, deps) => createHttpCollector(config, deps),
});
