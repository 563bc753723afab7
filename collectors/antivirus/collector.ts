/**
 * One run: read the running VMs from the inventory, the protection states from the source, join
 * them (coverage.ts) and emit one sample per running VM plus the coverage. Whenever the answer
 * would be a guess — inventory unknown, source failed, no running VM — the run throws: the agent
 * marks it failed and the coverage unknown, never 0% or 100%.
 */
import type { Collector, Deps, Sample, TargetRef } from "../types.js";
import { loadTlsSettings } from "./client.js";
import { computeCoverage, type ManagedMachine, type VmVerdict } from "./coverage.js";
import { fetchDeepSecurityMachines } from "./deepsecurity.js";
import { readExportMachines } from "./export.js";
import type { AntivirusMetric } from "./metrics.js";
import type { AntivirusOptions } from "./options.js";

export const COVERAGE_TARGET: TargetRef = {
  key: "antivirus:coverage",
  kind: "scope",
  name: "running VMs in scope",
};

export function createAntivirusCollector(options: AntivirusOptions, deps: Deps): Collector {
  const source = options.source;
  let fetchMachines: (signal: AbortSignal, log: Deps["log"]) => Promise<ManagedMachine[]>;
  let staleAfterMs: number | undefined;
  if (source.kind === "deep_security") {
    const tlsSettings = loadTlsSettings(source, deps.log);
    staleAfterMs = source.stale_after;
    fetchMachines = (signal, log) =>
      fetchDeepSecurityMachines(
        {
          url: source.url,
          apiKey: source.api_key,
          pageSize: source.page_size,
          timeoutMs: options.request_timeout,
          tls: tlsSettings,
        },
        signal,
        log,
      );
  } else {
    staleAfterMs = source.fields.last_seen !== undefined ? source.stale_after : undefined;
    fetchMachines = (signal) => readExportMachines(source, signal);
  }

  return {
    async collect(ctx) {
      const inventory = deps.inventory.vms();
      if (inventory === undefined) {
        throw new Error(
          `antivirus: coverage unknown: the VM inventory (what coverage is computed against) is unknown — ${
            deps.inventory.whyUnknown?.() ?? "no good inventory run yet"
          }; the antivirus manager was not asked`,
        );
      }
      const machines = await fetchMachines(ctx.signal, ctx.log);
      const result = computeCoverage(inventory, machines, { now: ctx.now(), staleAfterMs });
      if (result.ratio === undefined) {
        ctx.log.warn(
          { inventoryVms: inventory.length },
          "antivirus: no running VM in the inventory; coverage has no ratio",
        );
        throw new Error(
          `antivirus: no running VM in the inventory (${inventory.length} VMs, none powered on); coverage unknown`,
        );
      }
      ctx.log.debug(
        { running: result.running, protected: result.protected, unmatchedMachines: result.unmatchedMachines },
        "antivirus: coverage computed",
      );
      const samples = result.vms.map(vmSample);
      const scope = (metric: AntivirusMetric, value: number): Sample => ({
        target: COVERAGE_TARGET,
        metric,
        value,
      });
      samples.push(
        scope("antivirus_coverage_ratio", result.ratio),
        scope("antivirus_running_vms", result.running),
        scope("antivirus_protected_vms", result.protected),
      );
      return samples;
    },
  };
}

function vmSample(verdict: VmVerdict): Sample {
  const { vm } = verdict;
  // The inventory's identity (key, vm_id), so two VMs that share a name stay two series.
  const target: TargetRef = { key: vm.key, kind: "vm", name: vm.name, vmId: vm.id };
  // Only the bounded, descriptive label; no free text.
  if (vm.labels.system !== undefined) target.labels = { system: vm.labels.system };
  const sample: Sample = {
    target,
    metric: "antivirus_protected" satisfies AntivirusMetric,
    value: verdict.protected ? 1 : 0,
    up: verdict.protected,
  };
  if (verdict.reason !== undefined) sample.reason = verdict.reason;
  if (verdict.detail !== undefined) sample.detail = verdict.detail;
  return sample;
}
