/** The antivirus collector's own options: where protection states come from, and the bounds. */
import * as z from "zod";
import { duration } from "../../config/duration.js";
import { secretRef } from "../../config/secret.js";

const httpUrl = z.string().superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "expected an absolute http:// or https:// URL" });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.addIssue({ code: "custom", message: "expected an http:// or https:// URL" });
  }
});

/** Deep Security Manager (AsiaInfo Deep Security in China) through its REST API v1. */
export const deepSecuritySource = z
  .object({
    kind: z.literal("deep_security"),
    /** The manager's base URL, e.g. https://dsm.example.cn:4119 (the API lives under /api). */
    url: httpUrl,
    /** An API key secret: "${ENV}" or "file:/path". Sent as the api-secret-key header. */
    api_key: secretRef(),
    tls_ca_file: z.string().min(1).optional(),
    insecure_skip_verify: z.boolean().default(false),
    /** Computers per search request (maxItems). */
    page_size: z.number().int().min(1).max(5000).default(500),
    /** A machine whose appliance/agent last contacted the manager longer ago is unprotected. */
    stale_after: duration({ min: 1000 }).prefault("1h"),
  })
  .strict();

/** A CSV or JSON export of another vendor's console, with a field mapping. */
export const exportSource = z
  .object({
    kind: z.literal("export"),
    path: z.string().min(1),
    format: z.enum(["csv", "json"]),
    /** Which column (CSV header) or property (JSON) holds each value. */
    fields: z
      .object({
        name: z.string().min(1),
        bios_uuid: z.string().min(1).optional(),
        protected: z.string().min(1),
        last_seen: z.string().min(1).optional(),
      })
      .strict(),
    /** Values of the protected field that mean protected (compared trimmed, case-insensitive). */
    protected_values: z
      .array(z.string().min(1))
      .min(1)
      .default(() => ["true", "1", "yes", "on", "protected"]),
    /** With fields.last_seen: an older last-seen time counts as unprotected. */
    stale_after: duration({ min: 1000 }).prefault("1h"),
  })
  .strict();

export const antivirusOptions = z
  .object({
    source: z.discriminatedUnion("kind", [deepSecuritySource, exportSource]),
    /** Limit for each request to the manager (connect, TLS, answer). */
    request_timeout: duration({ min: 1 }).prefault("20s"),
  })
  .strict();

export type AntivirusOptions = z.output<typeof antivirusOptions>;
export type DeepSecuritySourceOptions = z.output<typeof deepSecuritySource>;
export type ExportSourceOptions = z.output<typeof exportSource>;
