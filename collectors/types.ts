/**
 * The collector contract. Every plugin in collectors/<name>/ implements CollectorPlugin; the
 * registry in collectors/index.ts lists them. Collectors only measure: they never write to the
 * store or the metrics themselves (the runner does), so every output reads one source of truth.
 */
import type * as z from "zod";
import type { Logger } from "pino";
import type { Clock } from "../agent/clock.js";
import type { Category } from "../agent/incidents/types.js";

export type Labels = Readonly<Record<string, string>>;

/** A thing a collector measures: the agent host, a VM, an application, an MCU, an endpoint. */
export interface TargetRef {
  /**
   * Stable identity across runs, e.g. "host:ops-01", "vm:4207a8f3-…" (BIOS UUID), "http:bigplatform".
   * Renames keep the key where the source gives a stable id.
   */
  key: string;
  /** What kind of thing it is: "host", "vm", "application", "mcu", "endpoint", … */
  kind: string;
  /** The name an operator knows it by; shown in tables, metric labels and reports. */
  name: string;
  /** Descriptive labels stored with the target (system, owner, site). Never secrets. */
  labels?: Labels;
  /**
   * For VMs: the VM's id in its inventory source (vCenter's `vm-1042`, the static list's
   * `static:<name>`), exported as the `vm_id` label on every series of the target and on
   * target_info. VM names are labels, not identity: clones share them, and two series of one
   * collector with the same labels would be one series to Prometheus.
   */
  vmId?: string;
}

/**
 * One measured value. A per-target failure is data: `up: false` with a reason code and the
 * detail an operator reads (e.g. reason "status", detail "status 502, expected 200").
 */
export interface Sample {
  target: TargetRef;
  /** A key of the plugin's `metrics`, e.g. "host_cpu_usage_ratio"; exported as opsagent_<metric>. */
  metric: string;
  /** Labels that split a metric further for one target, e.g. { mount: "/" } or { interface: "eth0" }. */
  labels?: Labels;
  /** The value in base units (seconds, bytes, 0–1 ratios); null when the probe could not measure one. */
  value: number | null;
  /** For probes: did the target answer as expected? Left out for plain measurements. */
  up?: boolean;
  /** Failure reason code (dns, connect, tls, timeout, status, …) when up is false. */
  reason?: string;
  /** Failure detail for an operator; kept with the latest state, not with every stored sample. */
  detail?: string;
  /** When it was measured; the run's start time when left out. */
  time?: Date;
}

export interface MetricDescriptor {
  help: string;
  /** "counter" values are monotonically increasing totals (name ends in _total). */
  type: "gauge" | "counter";
  /** Label names a sample of this metric may carry besides collector and target. */
  labels?: readonly string[];
  /**
   * Export the sample's `reason` (a stable code, when it has one) as a `reason` label. Only for
   * metrics whose reason is part of the figure (why a VM is unprotected): a reason on a probe's
   * up series would split it in two whenever the probe fails. Never stored as a series label.
   */
  reasonLabel?: boolean;
}

export interface CollectContext {
  /** Aborted when the run times out or the agent stops; pass it to every I/O call. */
  signal: AbortSignal;
  now: () => Date;
  log: Logger;
  /**
   * Targets this run left alone on purpose (their own interval is longer than the collector's):
   * their latest values stand instead of becoming unknown. Nothing is stored for them.
   */
  keepLatest?(targetKeys: readonly string[]): void;
}

export interface Collector {
  /** Measure once. Throwing means the collector itself is broken: its targets become "unknown". */
  collect(ctx: CollectContext): Promise<Sample[]>;
  close?(): Promise<void>;
}

/**
 * A VM of the hypervisor inventory, as collectors that build on it (icmp, antivirus) see it.
 * Inventory collectors publish each VM as a `vm_power_state` sample (label `power_state`) whose
 * target (kind "vm") carries the labels `ip`, `bios_uuid` and `instance_uuid` where known, beside
 * `system` and `owner`; agent/inventory.ts reads them back into this shape.
 */
export interface InventoryVm {
  /** The inventory target's key, e.g. "vm:vm-1042": the VM's identity, never its name. */
  key: string;
  /** The VM's id in its source, exported as the `vm_id` label (TargetRef.vmId), e.g. "vm-1042". */
  id: string;
  /** The inventory collector instance that lists it (the hypervisor's when both do). */
  source: string;
  /** A label: clones and rebuilt VMs share names. */
  name: string;
  powerState: "POWERED_ON" | "POWERED_OFF" | "SUSPENDED";
  /** Guest IP when VMware Tools report one. */
  ip?: string;
  /** SMBIOS UUID: the key antivirus managers know a VM by. */
  biosUuid?: string;
  instanceUuid?: string;
  /** system, owner, … */
  labels: Labels;
}

/**
 * The VMs in scope as of the latest good inventory run (vcenter or static inventory), read from
 * the agent's latest state — never from another collector directly.
 */
export interface InventoryView {
  /** undefined when the inventory is unknown (no good run yet, or its last run failed). */
  vms(): readonly InventoryVm[] | undefined;
  /** Why vms() is undefined, naming the source(s) it waits for; for error messages. */
  whyUnknown?(): string;
}

/** What another collector measured last, as the agent's latest state holds it. */
export interface LatestReading {
  target: TargetRef;
  metric: string;
  labels: Labels;
  value: number;
  up?: boolean;
  reason?: string;
  detail?: string;
  time: Date;
}

/** The latest state of the other collector instances, by instance name. */
export interface LatestView {
  /** undefined when that collector's state is unknown (no good run yet, last run failed, not configured). */
  of(collector: string): readonly LatestReading[] | undefined;
}

export interface Deps {
  clock: Clock;
  log: Logger;
  /** The VM inventory, for collectors that measure the VMs it lists. */
  inventory: InventoryView;
  /** The instance's nominal schedule period (ms); for per-target intervals. One minute when left out. */
  periodMs?: number;
  /** Other collectors' latest results, for plugins that combine them (readsLatest). */
  latest?: LatestView;
}

export interface CollectorPlugin<S extends z.ZodObject = z.ZodObject> {
  /** The `type:` value in the config, e.g. "host". */
  type: string;
  /** One line for `ops-agent --help` and the config reference. */
  description: string;
  /**
   * The plugin's own options (strict: unknown keys are errors). The agent adds the common
   * options (name, type, every/cron, timeout, jitter) around them, so do not declare those.
   */
  schema: S;
  /**
   * Reads the VM inventory (Deps.inventory): at start the agent runs it after the inventory
   * collectors' first run, so its first run does not find the inventory unknown.
   */
  usesInventory?: boolean;
  /**
   * Reads other collectors' latest results (Deps.latest): at start the agent makes its first run
   * after every other collector's first run.
   */
  readsLatest?: boolean;
  /** Every metric the plugin may emit; a sample naming another metric is a bug and is rejected. */
  metrics: Readonly<Record<string, MetricDescriptor>>;
  /**
   * The plugin's targets that are education applications (教育应用运行可用率): which of a
   * configured instance's targets count, and the up/down metric their availability is read from.
   * The core asks this field, never the plugin's type.
   */
  availability?: AvailabilitySource<z.output<S>>;
  /**
   * The form's category of the faults this plugin's probes detect (incidents it opens when no
   * rule says otherwise), and the category whose 故障响应及时 row its samples are evidence for.
   */
  incidentCategory?: Category;
  /**
   * Publishes the VM inventory (vm_power_state samples of kind "vm" targets): "hypervisor" is the
   * authority on which VMs exist and their power state; "list" (a static file) supplements it.
   */
  inventory?: "hypervisor" | "list";
  create(config: z.output<S>, deps: Deps): Collector;
}

/** An application the availability figure counts: a probe target and its own interval (ms). */
export interface CountedApplication {
  name: string;
  every?: number;
}

export interface AvailabilitySource<O> {
  /** The probe metric (one sample per probe, `up` set) the figure counts. */
  metric: string;
  /**
   * The targets that count, given the instance's options and the agent's own listen address (a
   * probe of the agent itself is not an education application unless the config says so).
   */
  applications(options: O, agent: { host: string; port: number }): CountedApplication[];
}

/** For collectors and tests with no inventory: always unknown. */
export const noInventory: InventoryView = { vms: () => undefined };

/** For collectors and tests with no other collectors: always unknown. */
export const noLatest: LatestView = { of: () => undefined };

/** Identity helper that keeps a plugin's config type tied to its schema. */
export function definePlugin<S extends z.ZodObject>(plugin: CollectorPlugin<S>): CollectorPlugin<S> {
  return plugin;
}
