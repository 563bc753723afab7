/** Every metric the static inventory collector emits (exported as opsagent_<name>). */
import type { MetricDescriptor } from "../types.js";

export const inventoryMetrics = {
  vm_power_state: {
    help: "1 when the VM is POWERED_ON, else 0; the power_state label says which state (POWERED_OFF, SUSPENDED). One series per VM id (vm_id): names repeat.",
    type: "gauge",
    labels: ["power_state"],
  },
  vms_in_scope: {
    help: "VMs the inventory file lists, whatever their power state (only with scope.expected).",
    type: "gauge",
  },
  vms_expected: {
    help: "VMs the inventory file should list, as configured (scope.expected).",
    type: "gauge",
  },
} as const satisfies Record<string, MetricDescriptor>;

export type InventoryMetric = keyof typeof inventoryMetrics;
