/**
 * TLS settings of a collector: certificates are verified by default; `tls_ca_file` adds the
 * centre's CA to the public roots; `insecure_skip_verify` is an explicit, logged choice. The CA file
 * is read — and the secure context built — once, when the collector is created: a bad file is a
 * start-up error, and no request parses ~140 root certificates again (nor another collector naming
 * the same CA file).
 */
import { readFileSync } from "node:fs";
import tls from "node:tls";
import type { Logger } from "pino";

export interface TlsSettings {
  /** Present with a custom CA: the public roots plus that CA. */
  secureContext?: tls.SecureContext;
  rejectUnauthorized: boolean;
}

export interface TlsOptions {
  tls_ca_file?: string | undefined;
  insecure_skip_verify: boolean;
}

/**
 * @param who the collector, for messages ("vcenter")
 * @param insecureWarning what skipping verification risks, said in the warning
 */
export function loadTlsSettings(
  options: TlsOptions,
  log: Logger,
  who: string,
  insecureWarning: string,
): TlsSettings {
  if (options.insecure_skip_verify) log.warn(`${who}: insecure_skip_verify is on: ${insecureWarning}`);
  const rejectUnauthorized = !options.insecure_skip_verify;
  if (options.tls_ca_file === undefined) return { rejectUnauthorized };
  let pem: string;
  try {
    pem = readFileSync(options.tls_ca_file, "utf8");
  } catch (err) {
    throw new Error(`${who}: cannot read tls_ca_file ${options.tls_ca_file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new Error(`${who}: tls_ca_file ${options.tls_ca_file} holds no PEM certificate`);
  }
  return { secureContext: rootsPlus(pem), rejectUnauthorized };
}

/**
 * Secure contexts by CA file content, shared while any collector holds one: each holds its own
 * parsed copy of the ~140 public roots (about 1 MB of native memory), and the collectors of one
 * config usually name the same CA (vcenter, antivirus and http all do in config/default.yaml).
 * Weak, so the contexts of collectors dropped by a reload go with them.
 */
const contexts = new Map<string, WeakRef<tls.SecureContext>>();

function rootsPlus(pem: string): tls.SecureContext {
  const cached = contexts.get(pem)?.deref();
  if (cached !== undefined) return cached;
  for (const [key, ref] of contexts) if (ref.deref() === undefined) contexts.delete(key);
  // Added to the public roots (like NODE_EXTRA_CA_CERTS): one config can reach internal and
  // public servers alike.
  const context = tls.createSecureContext({ ca: [...tls.rootCertificates, pem] });
  contexts.set(pem, new WeakRef(context));
  return context;
}

/** The options of https.request / https.Agent that carry the settings. */
export function tlsRequestOptions(settings: TlsSettings): {
  rejectUnauthorized: boolean;
  secureContext?: tls.SecureContext;
} {
  return settings.secureContext === undefined
    ? { rejectUnauthorized: settings.rejectUnauthorized }
    : { rejectUnauthorized: settings.rejectUnauthorized, secureContext: settings.secureContext };
}
