/**
 * The icmp collector's own options. Targets may be empty: a later change adds targets from the
 * VM inventory through createIcmpCollector's `extraTargets` hook.
 */
import { isIP } from "node:net";
import * as z from "zod";
import { duration } from "../../config/duration.js";

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** True for an IPv4 or IPv6 literal or a host name; never something fping or ping reads as an option. */
export function isValidAddress(text: string): boolean {
  return isIP(text) !== 0 || HOSTNAME.test(text);
}

export const icmpTarget = z
  .object({
    /** How the host is known in reports. */
    name: z.string().min(1).max(200),
    /** IPv4 or IPv6 literal, or a host name (resolved by fping / ping). Also the identity ("icmp:<address>"). */
    address: z
      .string()
      .refine(isValidAddress, { message: "expected an IPv4 or IPv6 address or a host name" }),
    /** Descriptive labels stored with the target (system, owner). Never secrets. */
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const icmpOptions = z
  .object({
    targets: z
      .array(icmpTarget)
      .default(() => [])
      .superRefine((targets, ctx) => {
        // The address is the target's identity: two targets with one address would share one history.
        const seen = new Set<string>();
        targets.forEach((t, i) => {
          if (seen.has(t.address)) {
            ctx.addIssue({
              code: "custom",
              path: [i, "address"],
              message: `duplicate address "${t.address}"`,
            });
          }
          seen.add(t.address);
        });
      }),
    /**
     * Also ping the guest IP of every running VM of the inventory (vcenter / static inventory),
     * named after the VM. Unknown inventory: those hosts are skipped for the run, with a warning.
     */
    from_inventory: z.boolean().default(false),
    /** Pings per host per run. */
    count: z.number().int().min(1).max(20).default(3),
    /** Time between two pings to one host (fping -p). fping refuses less than 10ms unless run as root. */
    interval: duration({ min: 10, max: 60_000 }).prefault("20ms"),
    /**
     * How long to wait for each reply (fping -t). Not called `timeout`: that common option is the
     * whole run's limit, and a plugin key of the same name would replace it.
     */
    ping_timeout: duration({ min: 10, max: 60_000 }).prefault("500ms"),
    /**
     * fping -i: the gap between any two packets one fping process sends, in milliseconds. One
     * process needs about hosts × count × this long to send its pings, so for thousands of hosts
     * lower it (fping accepts less than 1 only when the agent runs as root) or raise concurrency.
     */
    send_interval_ms: z.number().min(0.01).max(1000).default(1),
    /** Hosts per fping process. */
    batch_size: z.number().int().min(1).max(10_000).default(1000),
    /** fping processes at once (with the ping backend: 16 × this many ping processes). */
    concurrency: z.number().int().min(1).max(64).default(2),
    /** "auto": fping when it is on PATH, else the system ping. */
    backend: z.enum(["auto", "fping", "ping"]).default("auto"),
  })
  .strict();

export type IcmpOptions = z.output<typeof icmpOptions>;
export type IcmpTarget = z.output<typeof icmpTarget>;
