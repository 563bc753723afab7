/** Every metric the antivirus collector emits (exported as opsagent_<name>). */
import type { MetricDescriptor } from "../types.js";

export const antivirusMetrics = {
  antivirus_protected: {
    help: "Per running VM in scope (vm_id): 1 when the antivirus manager protects it (agentless, recent contact), else 0 with a reason label saying why (anti_malware_off, appliance_inactive, stale_contact, not_known_to_manager, ambiguous_name, protection_unknown).",
    type: "gauge",
    reasonLabel: true,
  },
  antivirus_coverage_ratio: {
    help: "Protected running VMs ÷ running VMs in scope (0–1). Never emitted when unknown.",
    type: "gauge",
  },
  antivirus_running_vms: {
    help: "Running (powered-on) VMs in scope, as the inventory lists them.",
    type: "gauge",
  },
  antivirus_protected_vms: {
    help: "Running VMs in scope that the antivirus manager protects.",
    type: "gauge",
  },
} as const satisfies Record<string, MetricDescriptor>;

export type AntivirusMetric = keyof typeof antivirusMetrics;
