/** The vcenter collector's own options. */
import { z } from "zod";
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

export const vcenterScope = z
  .object({
    /** How the scope is known in reports; its identity ("vcenter-scope:<name>"). Default: the URL's host. */
    name: z.string().min(1).max(100).optional(),
    /** VM folder names (one per information system); each VM's `system` label is its folder's name. */
    folders: nonEmpty.optional(),
    /** Cluster names. Also what lets a capped folder be split further. */
    clusters: nonEmpty.optional(),
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
    /** "auto": the current API (/api), falling back to the legacy one (/rest, 6.5–6.7) on 404. */
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
