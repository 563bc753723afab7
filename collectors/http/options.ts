/**
 * The http collector's own options: per target the request (method, headers, body, auth), what
 * counts as up (status, body assertions, latency bound) and how redirects are handled; per
 * collector the TLS trust and an optional client certificate.
 */
import * as z from "zod";
import { httpUrlSchema } from "../../config/common.js";
import { duration } from "../../config/duration.js";
import { secretRef } from "../../config/secret.js";
import { parseJsonPath } from "./jsonpath.js";

/**
 * One body assertion: exactly one of `contains`, `regex` or `json_path` (with `equals`). One
 * object with a refinement rather than a union, so a mistake gets one error naming its field.
 */
export const bodyAssertion = z
  .object({
    /** The body (as UTF-8 text) contains this text. */
    contains: z.string().min(1).optional(),
    /** The body matches this JavaScript regular expression (no flags). */
    regex: z.string().min(1).optional(),
    /** The body is JSON and the value at this path ($.a.b[0].c) equals `equals`. */
    json_path: z.string().min(1).optional(),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const kinds = (["contains", "regex", "json_path"] as const).filter((k) => a[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `an assertion has exactly one of contains, regex or json_path (got ${kinds.length === 0 ? "none" : kinds.join(", ")})`,
      });
      return;
    }
    if (a.regex !== undefined) {
      try {
        new RegExp(a.regex);
      } catch (err) {
        ctx.addIssue({
          code: "custom",
          path: ["regex"],
          message: `invalid regular expression: ${(err as Error).message}`,
        });
      }
    }
    if (a.json_path !== undefined) {
      const parsed = parseJsonPath(a.json_path);
      if (!Array.isArray(parsed))
        ctx.addIssue({ code: "custom", path: ["json_path"], message: parsed.error });
      if (a.equals === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["equals"],
          message: "json_path needs equals: the value expected there",
        });
      }
    } else if (a.equals !== undefined) {
      ctx.addIssue({ code: "custom", path: ["equals"], message: "equals goes with json_path" });
    }
  });

/** Credentials for the Authorization header, built per request from the secret. */
const httpAuth = z.union([
  z.object({ basic: z.object({ username: z.string().min(1), password: secretRef() }).strict() }).strict(),
  z.object({ bearer: secretRef() }).strict(),
]);

export const httpTarget = z
  .object({
    /** How the application is known in reports; also its identity ("http:<name>"). */
    name: z.string().min(1).max(200),
    url: httpUrlSchema,
    method: z.enum(["GET", "HEAD", "POST"]).default("GET"),
    /** Statuses that count as up. */
    expected_status: z
      .array(z.number().int().min(100).max(599))
      .min(1)
      .default(() => [200]),
    headers: z.record(z.string(), z.string()).default(() => ({})),
    /** Request body, sent with POST only. */
    body: z.string().optional(),
    /** Body checks, all of which must hold for the target to be up. */
    assert: z.array(bodyAssertion).default(() => []),
    /** Slower than this (whole request, redirects included) counts as down, reason "latency". */
    max_latency: duration({ min: 1 }).optional(),
    /** Follow 3xx answers (each hop a fresh connection), at most `max` hops. */
    redirects: z
      .object({
        follow: z.boolean().default(false),
        max: z.number().int().min(1).max(20).default(5),
      })
      .strict()
      .default(() => ({ follow: false, max: 5 })),
    /** Credentials: basic (username, password) or bearer token; secrets are references. */
    auth: httpAuth.optional(),
    /** Whole-probe limit (connect, TLS, headers, body). Without it the run's timeout bounds the probe. */
    timeout: duration({ min: 1 }).optional(),
    /**
     * Probe this target less often than the collector runs: a multiple of the collector's every
     * (e.g. the collector every 30s, a heavy search page every 5m). Availability expects one
     * sample per this interval for the target.
     */
    every: duration({ min: 1000 }).optional(),
    /** Descriptive labels stored with the target (system, owner). Never secrets. */
    labels: z.record(z.string(), z.string()).optional(),
    /**
     * Whether the target is an education application of the form's 教育应用运行可用率. Left out:
     * yes, except a probe of the agent's own /healthz or /metrics (availability.ts says how that
     * is recognised), which is watched but not counted.
     */
    counts_toward_availability: z.boolean().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.body !== undefined && t.method !== "POST") {
      ctx.addIssue({
        code: "custom",
        path: ["body"],
        message: `a body is sent with POST only (method is ${t.method})`,
      });
    }
  });

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
    /** PEM client certificate (mutual TLS) for every https target; needs tls_client_key_file. */
    tls_client_cert_file: z.string().min(1).optional(),
    /** PEM private key of tls_client_cert_file (unencrypted). */
    tls_client_key_file: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if ((o.tls_client_cert_file === undefined) !== (o.tls_client_key_file === undefined)) {
      const missing = o.tls_client_cert_file === undefined ? "tls_client_cert_file" : "tls_client_key_file";
      ctx.addIssue({
        code: "custom",
        path: [missing],
        message: "tls_client_cert_file and tls_client_key_file go together",
      });
    }
  });

export type HttpOptions = z.output<typeof httpOptions>;
export type HttpTarget = z.output<typeof httpTarget>;
export type BodyAssertion = z.output<typeof bodyAssertion>;
