/**
 * Lists the VMs of the configured scope once per run: one sample per VM (its power state, with
 * its system and guest IP as target labels) and the scope's inventory and expected counts.
 *
 * A count is only ever reported when it is complete: a list answer vCenter refused because too
 * many VMs matched (400 UNABLE_TO_ALLOCATE_RESOURCE) is split by folder, then by cluster, and if
 * it still does not fit the run fails naming the cap. Every answer is parsed with zod; a wrong
 * shape fails the run (the collector's targets become "unknown") rather than counting less.
 */
import { isIP } from "node:net";
import type { Collector, Deps, Sample, TargetRef } from "../types.js";
import { mapLimit } from "../shared/limit.js";
import { VcenterApi, type VmFilter } from "./api.js";
import { isCapped } from "./api-errors.js";
import type { VmSummary } from "./answers.js";
import { HttpsClient, loadTlsSettings } from "./client.js";
import type { VcenterMetric } from "./metrics.js";
import { CLUSTER_ID, FOLDER_ID, type VcenterOptions } from "./options.js";

const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** Longest VM name kept in target names and labels; longer ones end in "…". */
export const MAX_NAME_CHARS = 200;

export function createVcenterCollector(options: VcenterOptions, deps: Deps): Collector {
  const tlsSettings = loadTlsSettings(options, deps.log);
  const client = new HttpsClient(tlsSettings, options.concurrency + 1);
  const baseUrl = new URL(options.url);
  const api = new VcenterApi(
    client,
    {
      baseUrl,
      username: options.username,
      password: options.password,
      api: options.api,
      timeoutMs: options.request_timeout,
    },
    deps.log,
  );
  const scope = options.scope;
  const scopeName = scope.name ?? baseUrl.hostname;
  const include = scope.names?.map(globToRegExp);
  const exclude = scope.exclude.map(globToRegExp);
  const inScope = (name: string): boolean =>
    (include === undefined || include.some((re) => re.test(name))) && !exclude.some((re) => re.test(name));

  /** Lists the VMs matching `filter`, splitting a capped query by folder, then by cluster. */
  async function listSplit(
    filter: VmFilter,
    clusterIds: readonly string[] | undefined,
    signal: AbortSignal,
  ): Promise<VmSummary[]> {
    try {
      return await api.listVms(filter, signal);
    } catch (err) {
      if (!isCapped(err)) throw err;
    }
    if (filter.folders === undefined || filter.folders.length > 1) {
      const folderIds = filter.folders ?? (await allVmFolderIds(signal));
      if (folderIds.length > 1) {
        deps.log.debug({ folders: folderIds.length }, "vcenter: list capped, splitting by folder");
        const parts: VmSummary[][] = [];
        for (const id of folderIds)
          parts.push(await listSplit({ ...filter, folders: [id] }, clusterIds, signal));
        return parts.flat();
      }
    }
    // Splitting by cluster is exact only when the scope names its clusters: VMs on stand-alone
    // hosts belong to no cluster and would silently drop out of a split over all clusters.
    if (clusterIds !== undefined && (filter.clusters === undefined || filter.clusters.length > 1)) {
      const ids = filter.clusters ?? clusterIds;
      if (ids.length > 1) {
        deps.log.debug({ clusters: ids.length }, "vcenter: list capped, splitting by cluster");
        const parts: VmSummary[][] = [];
        for (const id of ids) parts.push(await listSplit({ ...filter, clusters: [id] }, clusterIds, signal));
        return parts.flat();
      }
    }
    throw new Error(
      `vcenter: too many VMs match ${describeFilter(filter)}: vCenter refuses to list more than its cap ` +
        `(4000 VMs per answer; 1000 on vCenter 6.5) and answered 400 UNABLE_TO_ALLOCATE_RESOURCE even after ` +
        `splitting by folder${scope.clusters ? " and cluster" : ""}, so the VM count is unknown. ` +
        `Narrow the scope${scope.clusters ? "" : " or list its clusters in scope.clusters so a folder can be split by cluster"}.`,
    );
  }

  async function allVmFolderIds(signal: AbortSignal): Promise<string[]> {
    const folders = await api.listVmFolders(undefined, signal);
    // The folder list is itself capped at 1000: a full answer may be missing folders.
    if (folders.length >= 1000) {
      throw new Error(
        "vcenter: vCenter has 1000 or more VM folders (the folder list's cap), so a capped VM list cannot be split completely; set scope.folders",
      );
    }
    return folders.map((f) => f.folder);
  }

  /**
   * Configured folders or clusters → their ids and names. An entry shaped like an id (group-v…,
   * domain-c…) is looked up by id, anything else by name (one name may be several folders, e.g. in
   * two datacenters). An entry vCenter does not know is a config error, not zero VMs.
   */
  async function resolve(
    kind: "folder" | "cluster",
    entries: readonly string[],
    signal: AbortSignal,
  ): Promise<{ name: string; ids: string[] }[]> {
    const idShape = kind === "folder" ? FOLDER_ID : CLUSTER_ID;
    const ids = entries.filter((entry) => idShape.test(entry));
    const names = entries.filter((entry) => !idShape.test(entry));
    const lookUp = async (byName: readonly string[] | undefined, byId: readonly string[] | undefined) =>
      kind === "folder"
        ? (await api.listVmFolders(byName, signal, byId)).map((f) => ({ id: f.folder, name: f.name }))
        : (await api.listClusters(byName, signal, byId)).map((c) => ({ id: c.cluster, name: c.name }));
    const found = [
      ...(names.length > 0 ? await lookUp(names, undefined) : []),
      ...(ids.length > 0 ? await lookUp(undefined, ids) : []),
    ];
    const resolved = entries.map((entry) => {
      const matches = found.filter((item) => (idShape.test(entry) ? item.id === entry : item.name === entry));
      return { entry, name: matches[0]?.name ?? entry, ids: [...new Set(matches.map((m) => m.id))] };
    });
    const missing = resolved.filter((r) => r.ids.length === 0).map((r) => r.entry);
    if (missing.length > 0) {
      throw new Error(
        `vcenter: scope ${kind}${missing.length > 1 ? "s" : ""} not found in vCenter: ${missing.join(", ")} ` +
          `(scope.${kind}s takes ${kind} names or ids like ${kind === "folder" ? "group-v1001" : "domain-c7"})`,
      );
    }
    return resolved;
  }

  async function listScope(signal: AbortSignal): Promise<{ vm: VmSummary; system?: string }[]> {
    const clusterIds = scope.clusters
      ? [...new Set((await resolve("cluster", scope.clusters, signal)).flatMap((c) => c.ids))]
      : undefined;
    // A VM is in one folder and at most one cluster, so the lists below never overlap: a VM listed
    // twice means vCenter did not apply a folder or cluster filter, and the count would be wrong.
    const listedFor = new Map<string, string>();
    const result: { vm: VmSummary; system?: string }[] = [];
    const keep = (vm: VmSummary, system: string | undefined, listing: string): void => {
      const earlier = listedFor.get(vm.vm);
      if (earlier !== undefined) {
        throw new Error(
          `vcenter: VM ${vm.vm} (${JSON.stringify(boundName(vm.name))}) was listed for ${listing} after ${earlier}: ` +
            `a VM is in one folder and one cluster, so vCenter did not apply the folder or cluster filter ` +
            `(or the VM moved during the run); the scope's count is unknown and nothing is counted`,
        );
      }
      listedFor.set(vm.vm, listing);
      if (!inScope(vm.name)) return;
      const system_ = system ?? systemFromName(vm.name);
      result.push(system_ !== undefined ? { vm, system: system_ } : { vm });
    };
    if (scope.folders) {
      // One query per configured folder: the folder is the VM's information system.
      const listedFolders = new Set<string>();
      for (const { name, ids: found } of await resolve("folder", scope.folders, signal)) {
        // The same folder given by name and by id is listed once.
        const ids = found.filter((id) => !listedFolders.has(id));
        if (ids.length === 0) continue;
        for (const id of ids) listedFolders.add(id);
        const filter: VmFilter = clusterIds ? { folders: ids, clusters: clusterIds } : { folders: ids };
        for (const vm of await listSplit(filter, clusterIds, signal)) keep(vm, name, `folder "${name}"`);
      }
    } else {
      const filter: VmFilter = clusterIds ? { clusters: clusterIds } : {};
      for (const vm of await listSplit(filter, clusterIds, signal)) keep(vm, undefined, "the scope");
    }
    return result;
  }

  return {
    async collect(ctx) {
      const vms = await listScope(ctx.signal);
      const extra = new Map<string, Record<string, string>>();
      await mapLimit(
        vms,
        options.concurrency,
        async ({ vm }) => {
          const labels: Record<string, string> = {};
          if (options.vm_identity) {
            const identity = await api.vmIdentity(vm.vm, ctx.signal);
            if (identity?.bios_uuid !== undefined && UUID.test(identity.bios_uuid)) {
              labels.bios_uuid = identity.bios_uuid.toLowerCase();
            }
            if (identity?.instance_uuid !== undefined && UUID.test(identity.instance_uuid)) {
              labels.instance_uuid = identity.instance_uuid.toLowerCase();
            }
          }
          if (options.guest_ip && vm.power_state === "POWERED_ON") {
            const ip = (await api.guestIdentity(vm.vm, ctx.signal))?.ip_address;
            // Only a well-formed address becomes a label; anything else from the guest is dropped.
            if (ip !== undefined && isIP(ip) !== 0) labels.ip = ip;
          }
          extra.set(vm.vm, labels);
        },
        ctx.signal,
      );
      const samples: Sample[] = vms.map(({ vm, system }) => {
        const labels: Record<string, string> = { power_state: vm.power_state };
        if (system !== undefined) labels.system = system;
        Object.assign(labels, extra.get(vm.vm));
        // The VM id is the identity (in the key and the vm_id label); names repeat (clones).
        const target: TargetRef = {
          key: `vm:${vm.vm}`,
          kind: "vm",
          name: boundName(vm.name),
          labels,
          vmId: vm.vm,
        };
        return sample(target, "vm_power_state", vm.power_state === "POWERED_ON" ? 1 : 0, {
          power_state: vm.power_state,
        });
      });
      const scopeTarget: TargetRef = {
        key: `vcenter-scope:${scopeName}`,
        kind: "scope",
        name: scopeName,
        labels: { vcenter: baseUrl.host },
      };
      samples.push(sample(scopeTarget, "vms_in_scope", vms.length));
      samples.push(sample(scopeTarget, "vms_expected", scope.expected));
      if (vms.length !== scope.expected) {
        ctx.log.info(
          { scope: scopeName, listed: vms.length, expected: scope.expected },
          "vcenter: VM count differs from the expected count",
        );
      }
      return samples;
    },
    async close() {
      await api.logout(AbortSignal.timeout(Math.min(options.request_timeout, 10_000)));
      client.close();
    },
  };
}

function sample(
  target: TargetRef,
  metric: VcenterMetric,
  value: number,
  labels?: Record<string, string>,
): Sample {
  return labels === undefined ? { target, metric, value } : { target, metric, value, labels };
}

/**
 * A VM name made safe for tables and labels: control characters (newlines, tabs, escapes) become
 * spaces and anything past MAX_NAME_CHARS characters is cut, ending in "…". Quotes and markup are
 * kept as text: escaping is the job of whoever renders it.
 */
export function boundName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ");
  const chars = Array.from(clean);
  if (chars.length <= MAX_NAME_CHARS) return clean;
  return `${chars.slice(0, MAX_NAME_CHARS - 1).join("")}…`;
}

/** "jyj-web-01" → "jyj": the information system by the naming rule <system>-<role>-<nn>. */
export function systemFromName(name: string): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9_]{0,31})-/.exec(name);
  return match ? (match[1] as string).toLowerCase() : undefined;
}

/** A glob (`*` any run, `?` one character) matched against the whole name, case-sensitively. */
export function globToRegExp(glob: string): RegExp {
  const source = Array.from(glob)
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "su");
}

function describeFilter(filter: VmFilter): string {
  const parts: string[] = [];
  if (filter.folders) parts.push(`folders ${filter.folders.join(",")}`);
  if (filter.clusters) parts.push(`clusters ${filter.clusters.join(",")}`);
  return parts.length > 0 ? parts.join(" and ") : "the whole inventory";
}
