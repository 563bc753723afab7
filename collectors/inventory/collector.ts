/**
 * Reads the inventory file on every run (operators edit it) and publishes each VM it lists as a
 * `vm_power_state` sample, plus, when `scope.expected` is set, the listed and expected counts.
 * A file that cannot be read or has a single bad row fails the run: never a partial list.
 */
import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import type { Collector, Deps, Sample, TargetRef } from "../types.js";
import type { InventoryMetric } from "./metrics.js";
import type { InventoryOptions } from "./options.js";
import { InventoryFileError, parseInventory } from "./parse.js";

/** Larger files are refused rather than read into memory. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** "csv" or "yaml": the configured format, or the one the file's extension names. */
export function formatOf(options: Pick<InventoryOptions, "path" | "format">): "csv" | "yaml" {
  if (options.format !== "auto") return options.format;
  const ext = extname(options.path).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  throw new Error(
    `inventory: cannot tell the format of ${options.path} from its extension (expected .csv, .yaml or .yml); set format: csv or format: yaml`,
  );
}

export function createInventoryCollector(options: InventoryOptions, deps: Deps): Collector {
  // Decided once: a path whose format is unknown is a config error, reported at start.
  const format = formatOf(options);
  const { path, scope } = options;
  const decoder = new TextDecoder("utf-8", { fatal: true });

  async function read(signal: AbortSignal): Promise<string> {
    let bytes: Buffer;
    try {
      const info = await stat(path);
      if (info.size > MAX_FILE_BYTES) {
        throw new InventoryFileError(path, [
          { line: undefined, reason: `the file is ${info.size} bytes; at most ${MAX_FILE_BYTES} are read` },
        ]);
      }
      bytes = await readFile(path, { signal });
    } catch (err) {
      if (err instanceof InventoryFileError || signal.aborted) throw err;
      throw new Error(`inventory: cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    try {
      return decoder.decode(bytes);
    } catch {
      throw new InventoryFileError(path, [
        {
          line: undefined,
          reason: `not UTF-8 text (from Excel, save as "CSV UTF-8"; plain "CSV" on a Chinese Windows is GBK)`,
        },
      ]);
    }
  }

  return {
    async collect(ctx) {
      const vms = parseInventory(await read(ctx.signal), format, path);
      const samples: Sample[] = vms.map((vm) => {
        const labels: Record<string, string> = {};
        if (vm.system !== undefined) labels.system = vm.system;
        if (vm.owner !== undefined) labels.owner = vm.owner;
        if (vm.ip !== undefined) labels.ip = vm.ip;
        if (vm.biosUuid !== undefined) labels.bios_uuid = vm.biosUuid;
        const id = `static:${vm.name.toLowerCase()}`;
        const target: TargetRef = { key: `vm:${id}`, kind: "vm", name: vm.name, labels, vmId: id };
        return sample(target, "vm_power_state", vm.powerState === "POWERED_ON" ? 1 : 0, {
          power_state: vm.powerState,
        });
      });
      if (scope.expected !== undefined) {
        const scopeTarget: TargetRef = {
          key: `inventory-scope:${scope.name}`,
          kind: "scope",
          name: scope.name,
          labels: { file: path },
        };
        samples.push(sample(scopeTarget, "vms_in_scope", vms.length));
        samples.push(sample(scopeTarget, "vms_expected", scope.expected));
        if (vms.length !== scope.expected) {
          ctx.log.info(
            { scope: scope.name, listed: vms.length, expected: scope.expected },
            "inventory: VM count differs from the expected count",
          );
        }
      }
      deps.log.debug({ path, vms: vms.length }, "inventory: file read");
      return samples;
    },
  };
}

function sample(
  target: TargetRef,
  metric: InventoryMetric,
  value: number,
  labels?: Record<string, string>,
): Sample {
  return labels === undefined ? { target, metric, value } : { target, metric, value, labels };
}
