/** Every metric the vcenter collector emits (exported as opsagent_<name>). */
import type { MetricDescriptor } from "../types.js";

export const vcenterMetrics = {
  vm_power_state: {
    help: "1 when the VM is POWERED_ON, else 0; the power_state label says which state (POWERED_OFF, SUSPENDED). One series per VM id (vm_id): names repeat.",
    type: "gauge",
    labels: ["power_state"],
  },
  vms_in_scope: {
    help: "VMs vCenter lists in the configured scope (folders, clusters, name patterns), whatever their power state.",
    type: "gauge",
  },
  vms_expected: {
    help: "VMs the scope should hold, as configured (scope.expected).",
    type: "gauge",
  },
} as const satisfies Record<string, MetricDescriptor>;

export type VcenterMetric = keyof typeof vcenterMetrics;
