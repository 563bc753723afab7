/** The `host` collector plugin: the agent's own machine (CPU, memory, disks, network, uptime). */
import { definePlugin } from "../types.js";
import { createHostCollector } from "./collector.js";
import { hostMetrics } from "./metrics.js";
import { hostOptions } from "./options.js";
import { systemSource } from "./source.js";

export { createHostCollector } from "./collector.js";
export type { HostSource, FilesystemUsage, InterfaceCounters, MemoryUsage } from "./source.js";
export type { HostOptions } from "./options.js";

export const hostPlugin = definePlugin({
  type: "host",
  description: "The agent's own machine: CPU, load, memory, filesystems, network throughput, uptime.",
  schema: hostOptions,
  metrics: hostMetrics,
  create: (config, deps) => createHostCollector(config, deps, systemSource),
});
