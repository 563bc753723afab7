/**
 * Measures the agent's own machine. The work is split into independent parts (CPU, load, memory,
 * filesystems, network, uptime): one failing part is logged and its samples are left out, so a
 * hung `df` does not hide CPU and memory. Only when every part fails is the collector broken.
 */
import type { CollectContext, Collector, Deps, Labels, Sample, TargetRef } from "../types.js";
import { raceAbort } from "./abortable.js";
import { matchesAny } from "./filters.js";
import type { HostMetric } from "./metrics.js";
import type { HostOptions } from "./options.js";
import { CounterRates } from "./rates.js";
import { systemSource, type HostSource } from "./source.js";

type Part = (ctx: CollectContext) => Promise<Sample[]>;

export function createHostCollector(
  options: HostOptions,
  _deps: Deps,
  source: HostSource = systemSource,
): Collector {
  // Read once: the key must not change under a running agent even if the hostname does.
  const hostname = source.hostname();
  const target: TargetRef = { key: `host:${hostname}`, kind: "host", name: hostname };
  const rates = new CounterRates();

  const sample = (metric: HostMetric, value: number, labels?: Labels): Sample =>
    labels === undefined ? { target, metric, value } : { target, metric, labels, value };

  // Every source call is raced against the run's signal: systeminformation cannot be cancelled.
  const parts: Record<string, Part> = {
    cpu: async ({ signal }) => {
      const ratio = await raceAbort(() => source.cpuUsage(), signal);
      return [sample("host_cpu_usage_ratio", ratio)];
    },

    load: async ({ signal }) => {
      const [one, five, fifteen] = await raceAbort(() => source.loadAverage(), signal);
      return [sample("host_load1", one), sample("host_load5", five), sample("host_load15", fifteen)];
    },

    memory: async ({ signal }) => {
      const mem = await raceAbort(() => source.memory(), signal);
      const out = [
        sample("host_memory_total_bytes", mem.totalBytes),
        sample("host_memory_available_bytes", mem.availableBytes),
      ];
      if (mem.totalBytes > 0) {
        out.push(sample("host_memory_used_ratio", 1 - mem.availableBytes / mem.totalBytes));
      }
      return out;
    },

    filesystems: async ({ signal }) => {
      const list = await raceAbort(() => source.filesystems(), signal);
      const out: Sample[] = [];
      for (const fs of list) {
        if (matchesAny(fs.type, options.filesystems_exclude_types)) continue;
        const labels = { mount: fs.mount, device: fs.device, fstype: fs.type };
        out.push(sample("host_filesystem_size_bytes", fs.sizeBytes, labels));
        out.push(sample("host_filesystem_used_bytes", fs.usedBytes, labels));
        // Like df's Use%: space reserved for root is neither used nor available to users.
        const usable = fs.usedBytes + fs.availableBytes;
        if (usable > 0) out.push(sample("host_filesystem_used_ratio", fs.usedBytes / usable, labels));
      }
      return out;
    },

    network: async ({ signal, now }) => {
      const list = await raceAbort(() => source.interfaces(), signal);
      const at = now();
      const out: Sample[] = [];
      const seen = new Set<string>();
      for (const nic of list) {
        if (matchesAny(nic.name, options.interfaces_exclude)) continue;
        const labels = { interface: nic.name };
        out.push(sample("host_network_receive_bytes_total", nic.receiveBytes, labels));
        out.push(sample("host_network_transmit_bytes_total", nic.transmitBytes, labels));
        out.push(sample("host_network_receive_errors_total", nic.receiveErrors, labels));
        out.push(sample("host_network_transmit_errors_total", nic.transmitErrors, labels));
        for (const [direction, value, metric] of [
          ["rx", nic.receiveBytes, "host_network_receive_bytes_per_second"],
          ["tx", nic.transmitBytes, "host_network_transmit_bytes_per_second"],
        ] as const) {
          const key = `${nic.name}\u0000${direction}`;
          seen.add(key);
          const rate = rates.update(key, value, at);
          if (rate !== undefined) out.push(sample(metric, rate, labels));
        }
      }
      rates.retain(seen);
      return out;
    },

    uptime: async ({ signal }) => {
      const seconds = await raceAbort(() => source.uptimeSeconds(), signal);
      return [sample("host_uptime_seconds", seconds)];
    },
  };

  return {
    async collect(ctx) {
      const names = Object.keys(parts);
      const results = await Promise.allSettled(names.map((name) => (parts[name] as Part)(ctx)));
      // An aborted run has no result: the parts rejected with the abort reason, not a failure.
      ctx.signal.throwIfAborted();

      const samples: Sample[] = [];
      const failures: unknown[] = [];
      results.forEach((result, i) => {
        const part = names[i] as string;
        if (result.status === "fulfilled") {
          samples.push(...result.value);
        } else {
          failures.push(result.reason);
          ctx.log.warn({ err: result.reason, part }, `host: reading ${part} failed; its samples are skipped`);
        }
      });
      if (failures.length === names.length) {
        throw new AggregateError(failures, `host: every measurement failed (${names.join(", ")})`);
      }
      return samples;
    },
  };
}
