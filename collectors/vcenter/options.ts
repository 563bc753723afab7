/** The vcenter collector's own options. */
import * as z from "zod";
import { duration } from "../../config/duration.js";
import { secretRef } from "../../config/secret.js";

/** An absolute https:// URL of the vCenter Server, e.g. "https://vcenter.example.cn". */
const httpsUrl = z.string().superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "expected an absolute https:// URL of the vCenter Server" });
    return;
  }
  if (url.protocol !== "https:") {
    ctx.addIssue({
      code: "custom",
      message: `expected https:// (vCenter serves its API over TLS only)`,
    });
  }
  if (url.search !== "" || url.hash !== "") {
    ctx.addIssue({ code: "custom", message: "expected the server's base URL, without ?query or #fragment" });
  }
});

const nonEmpty = z.array(z.string().min(1)).min(1);

/** A VM folder's id as vCenter writes it; a scope folder shaped like this is looked up by id. */
export const FOLDER_ID = /^group-v\d+$/;
/** A cluster's id as vCenter writes it; a scope cluster shaped like this is looked up by id. */
export const CLUSTER_ID = /^domain-c\d+$/;
/** Ids of other vCenter objects, often pasted by mistake where a folder or cluster is meant. */
const OTHER_ID =
  /^(group-[dhns]\d+|domain-[cs]\d+|group-v\d+|resgroup-\d+|host-\d+|datastore-\d+|network-\d+|vm-\d+|datacenter-\d+)$/;
const OTHER_ID_KINDS: [RegExp, string][] = [
  [/^group-d/, "the datacenters folder"],
  [/^group-h/, "a host folder"],
  [/^group-n/, "a network folder"],
  [/^group-s/, "a datastore folder"],
  [/^group-v/, "a VM folder"],
  [/^domain-c/, "a cluster"],
  [/^domain-s/, "a stand-alone host"],
  [/^resgroup-/, "a resource pool"],
  [/^host-/, "a host"],
  [/^datastore-/, "a datastore"],
  [/^network-/, "a network"],
  [/^vm-/, "a VM"],
  [/^datacenter-/, "a datacenter"],
];

/**
 * Folder or cluster entries: names, or ids of the right kind. The id of another kind of object
 * (a host folder's group-h…, a cluster's domain-c… among folders) would only ever fail every run
 * with "not found", so it is refused when the config loads.
 */
function namesOrIds(kind: "folder" | "cluster", own: RegExp, example: string) {
  return nonEmpty.superRefine((entries, ctx) => {
    entries.forEach((entry, index) => {
      if (own.test(entry) || !OTHER_ID.test(entry)) return;
      const what = OTHER_ID_KINDS.find(([re]) => re.test(entry))?.[1] ?? "another kind of object";
      ctx.addIssue({
        code: "custom",
        path: [index],
        message: `"${entry}" is the id of ${what}, not of a ${kind === "folder" ? "VM folder" : "cluster"}; give the ${kind}'s name as vCenter shows it, or its id (${example})`,
      });
    });
  });
}

export const vcenterScope = z
  .object({
    /** How the scope is known in reports; its identity ("vcenter-scope:<name>"). Default: the URL's host. */
    name: z.string().min(1).max(100).optional(),
    /**
     * VM folders (one per information system), by name or by id (group-v…); each VM's `system`
     * label is its folder's name.
     */
    folders: namesOrIds("folder", FOLDER_ID, "group-v1001").optional(),
    /** Clusters, by name or by id (domain-c…). Also what lets a capped folder be split further. */
    clusters: namesOrIds("cluster", CLUSTER_ID, "domain-c7").optional(),
    /** Glob patterns (`*`, `?`) a VM name must match (any of them). */
    names: nonEmpty.optional(),
    /** Glob patterns of VM names left out of scope. */
    exclude: z.array(z.string().min(1)).default(() => []),
    /** How many VMs the scope should hold (the form's planned figure, e.g. 253). */
    expected: z.number().int().min(0),
  })
  .strict();

export const vcenterOptions = z
  .object({
    url: httpsUrl,
    username: z.string().min(1),
    password: secretRef(),
    /** "auto": the current API (/api), falling back to the legacy one (/rest, 6.5–7.0) on 404. */
    api: z.enum(["auto", "rest", "legacy"]).default("auto"),
    /** PEM file with extra CA certificates to trust (an internal CA), added to the public roots. */
    tls_ca_file: z.string().min(1).optional(),
    /** Turn off certificate verification. Only for a vCenter whose certificate cannot be fixed. */
    insecure_skip_verify: z.boolean().default(false),
    scope: vcenterScope,
    /** Per-VM calls (guest identity, VM identity) in flight at once. */
    concurrency: z.number().int().min(1).max(64).default(8),
    /** Ask each running VM's guest identity for its IP address (one call per VM). */
    guest_ip: z.boolean().default(true),
    /** Ask each VM's Info for its BIOS and instance UUID (one call per VM; vCenter 7.0 U1 and later). */
    vm_identity: z.boolean().default(true),
    /** Limit for each API request (connect, TLS, answer). The run's timeout bounds it too. */
    request_timeout: duration({ min: 1 }).prefault("30s"),
  })
  .strict();

export type VcenterOptions = z.output<typeof vcenterOptions>;
export type VcenterScope = z.output<typeof vcenterScope>;
