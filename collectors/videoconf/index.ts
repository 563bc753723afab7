/** The `videoconf` collector plugin: one health state per video-conference system (MCUs, endpoints, management web). */
import { definePlugin } from "../types.js";
import { createVideoconfCollector } from "./collector.js";
import { videoconfMetrics } from "./metrics.js";
import { videoconfOptions } from "./options.js";

export { createVideoconfCollector } from "./collector.js";
export { judgeSystem, type Health, type HealthState } from "./health.js";
export type { VideoconfOptions } from "./options.js";

export const videoconfPlugin = definePlugin({
  type: "videoconf",
  description:
    "Video-conference systems: MCUs by SIP OPTIONS and ping, endpoints online by ping, the management web from its http probe; one healthy / degraded / down state each.",
  schema: videoconfOptions,
  readsLatest: true,
  metrics: videoconfMetrics,
  incidentCategory: "videoconf",
  create: (config, deps) => createVideoconfCollector(config, deps),
});
