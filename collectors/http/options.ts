/**
 * The http collector's own options. Later issues add body assertions, auth, maintenance windows
 * and certificate checks as further per-target fields; the probe reads only what it knows.
 */
import { z } from "zod";
import { duration } from "../../config/duration.js";

/** An absolute http:// or https:// URL, kept as written. */
const httpUrl = z.string().superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "expected an absolute http:// or https:// URL" });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.addIssue({
      code: "custom",
      message: `unsupported URL scheme "${url.protocol.slice(0, -1)}": only http and https can be probed`,
    });
  }
});

export const httpTarget = z
  .object({
    /** How the application is known in reports; also its identity ("http:<name>"). */
    name: z.string().min(1).max(200),
    url: httpUrl,
    method: z.enum(["GET", "HEAD", "POST"]).default("GET"),
    /** Statuses that count as up. */
    expected_status: z
      .array(z.number().int().min(100).max(599))
      .min(1)
      .default(() => [200]),
    headers: z.record(z.string(), z.string()).default(() => ({})),
    /** Whole-probe limit (connect, TLS, headers, body). Without it the run's timeout bounds the probe. */
    timeout: duration({ min: 1 }).optional(),
    /** Descriptive labels stored with the target (system, owner). Never secrets. */
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const httpOptions = z
  .object({
    targets: z
      .array(httpTarget)
      .min(1)
      .superRefine((targets, ctx) => {
        // The name is the target's identity: two targets with one name would share one history.
        const seen = new Set<string>();
        targets.forEach((t, i) => {
          if (seen.has(t.name)) {
            ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate target name "${t.name}"` });
          }
          seen.add(t.name);
        });
      }),
    /** Probes in flight at once. */
    concurrency: z.number().int().min(1).max(256).default(16),
    /** PEM file with extra CA certificates to trust (an internal CA), added to the public roots. */
    tls_ca_file: z.string().min(1).optional(),
    /** Turn off certificate verification. Only for a target whose certificate cannot be fixed. */
    insecure_skip_verify: z.boolean().default(false),
  })
  .strict();

export type HttpOptions = z.output<typeof httpOptions>;
export type HttpTarget = z.output<typeof httpTarget>;
