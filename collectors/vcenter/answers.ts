/**
 * The shapes of vCenter's answers the collector reads (zod schemas) and how an answer is read
 * against one: JSON, unwrapped from the legacy API's `{ value }`, and any mismatch an error that
 * names the field — never a guess.
 */
import * as z from "zod";
import type { Answer } from "./client.js";

export const powerState = z.enum(["POWERED_ON", "POWERED_OFF", "SUSPENDED"]);
export type PowerState = z.output<typeof powerState>;

export const vmSummary = z.object({
  vm: z.string().min(1),
  name: z.string(),
  power_state: powerState,
  cpu_count: z.number().int().optional(),
  memory_size_MiB: z.number().int().optional(),
});
export type VmSummary = z.output<typeof vmSummary>;

export const folderSummary = z.object({ folder: z.string().min(1), name: z.string(), type: z.string() });
export const clusterSummary = z.object({ cluster: z.string().min(1), name: z.string() });
export const vmInfo = z.object({
  identity: z.object({ bios_uuid: z.string().optional(), instance_uuid: z.string().optional() }).optional(),
});
export const guestIdentity = z.object({
  ip_address: z.string().optional(),
  host_name: z.string().optional(),
});
export type GuestIdentity = z.output<typeof guestIdentity>;

function parseJson(what: string, answer: Answer): unknown {
  try {
    return JSON.parse(answer.body.toString("utf8"));
  } catch (err) {
    throw new Error(`vcenter: ${what} answered malformed JSON (${(err as Error).message})`, { cause: err });
  }
}

/** Parses an answer (legacy: its `value`) with the schema; errors name the offending field. */
export function parseAnswer<S extends z.ZodType>(
  what: string,
  answer: Answer,
  legacy: boolean,
  schema: S,
): z.output<S> {
  const json = parseJson(what, answer);
  const wrapped = legacy ? z.object({ value: schema }) : schema;
  const result = wrapped.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((issue) => {
      const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "(the answer itself)";
      return `${field}: ${issue.message}`;
    });
    const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : "";
    throw new Error(`vcenter: ${what} answered an unexpected shape: ${issues.join("; ")}${more}`);
  }
  const data = result.data as { value: z.output<S> } | z.output<S>;
  return legacy ? (data as { value: z.output<S> }).value : (data as z.output<S>);
}
