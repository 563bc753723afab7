/**
 * The sip collector's own options: which MCUs / SIP servers to send OPTIONS to, and how a
 * response is judged. `probe_timeout` bounds one probe; the agent's `timeout` bounds the run.
 */
import { isIP } from "node:net";
import * as z from "zod";
import { duration } from "../../config/duration.js";

const statusCode = z.number().int().min(100).max(699);

/** An IPv4/IPv6 address or a DNS name (no scheme, no port). */
export const sipHost = z
  .string()
  .min(1)
  .max(253)
  .refine((text) => isIP(text) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(text), {
    message: "expected an IP address or a host name (no scheme, no port)",
  });

export const sipTarget = z
  .object({
    /** How the MCU / SIP server is known in reports. */
    name: z.string().min(1).max(200),
    host: sipHost,
    port: z.number().int().min(1).max(65535).default(5060),
    transport: z.enum(["udp", "tcp"]).default("udp"),
    /** Descriptive labels stored with the target (system, owner, site). Never secrets. */
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/**
 * How OPTIONS probes are sent and judged: shared by the sip collector and the videoconf
 * collector's MCU probes.
 */
export const sipProbeShape = {
  /** Limit for one probe (all retransmissions included); not the run's `timeout`. */
  probe_timeout: duration({ min: 1, max: 60_000 }).prefault("2s"),
  /** Final responses that count as up. */
  up_codes: z
    .array(statusCode)
    .min(1)
    .default(() => [200]),
  /** Final responses that mean "answered, but not healthy" (busy, overloaded, not available). */
  degraded_codes: z.array(statusCode).default(() => [480, 486, 503]),
  /** Probes in flight at once. */
  concurrency: z.number().int().min(1).max(256).default(16),
};

/** A code may be up or degraded, not both. */
export function checkCodeSets(
  options: { up_codes: readonly number[]; degraded_codes: readonly number[] },
  ctx: z.RefinementCtx,
  path: readonly (string | number)[] = [],
): void {
  for (const code of options.up_codes) {
    if (options.degraded_codes.includes(code)) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "degraded_codes"],
        message: `status ${code} is in both up_codes and degraded_codes`,
      });
    }
  }
}

export const sipOptions = z
  .object({
    targets: z
      .array(sipTarget)
      .min(1)
      .superRefine((targets, ctx) => {
        // The key (transport, host, port) is the target's identity: two alike would share a history.
        const seen = new Set<string>();
        targets.forEach((t, i) => {
          const key = `${t.transport}:${t.host}:${t.port}`;
          if (seen.has(key)) {
            ctx.addIssue({ code: "custom", path: [i], message: `duplicate target ${key}` });
          }
          seen.add(key);
        });
      }),
    ...sipProbeShape,
  })
  .strict()
  .superRefine((options, ctx) => checkCodeSets(options, ctx));

export type SipOptions = z.output<typeof sipOptions>;
export type SipTarget = z.output<typeof sipTarget>;
