/**
 * vCenter's error answers, in both generations' shapes (current `{ error_type, messages }`,
 * legacy `{ type, value: { messages } }`), turned into one VcenterApiError with the standard error
 * type, so callers can tell a capped list or a refused filter from any other failure.
 */
import * as z from "zod";
import type { Answer } from "./client.js";

const messages = z
  .array(z.object({ default_message: z.string().optional(), id: z.string().optional() }))
  .optional();
const restError = z.object({ error_type: z.string(), messages });
const legacyError = z.object({ type: z.string(), value: z.object({ messages }).optional() });

/** A vAPI error answer: status, standard error type (e.g. UNABLE_TO_ALLOCATE_RESOURCE) and message. */
export class VcenterApiError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly errorType: string | undefined,
    detail: string,
  ) {
    super(
      `vcenter: ${what} answered ${status}${errorType !== undefined ? ` ${errorType}` : ""}${detail ? `: ${detail}` : ""}`,
    );
  }
}

export function isCapped(err: unknown): boolean {
  return (
    err instanceof VcenterApiError && err.status === 400 && err.errorType === "UNABLE_TO_ALLOCATE_RESOURCE"
  );
}

export function errorType(answer: Answer): string | undefined {
  return describeError(answer).type;
}

function describeError(answer: Answer): { type?: string; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(answer.body.toString("utf8"));
  } catch {
    return { message: "" };
  }
  const rest = restError.safeParse(json);
  if (rest.success) {
    return { type: rest.data.error_type, message: rest.data.messages?.[0]?.default_message ?? "" };
  }
  const legacy = legacyError.safeParse(json);
  if (legacy.success) {
    // "com.vmware.vapi.std.errors.unable_to_allocate_resource" → "UNABLE_TO_ALLOCATE_RESOURCE"
    const type = legacy.data.type.split(".").pop()?.toUpperCase();
    return { ...(type ? { type } : {}), message: legacy.data.value?.messages?.[0]?.default_message ?? "" };
  }
  return { message: "" };
}

export function toApiError(what: string, answer: Answer): VcenterApiError {
  const { type, message } = describeError(answer);
  // The message comes from the server: bound it so a hostile answer cannot flood the log.
  return new VcenterApiError(what, answer.status, type?.slice(0, 64), message.slice(0, 300));
}
