/**
 * The body of a console form (application/x-www-form-urlencoded), size-limited and parsed to a
 * plain record; a field sent twice keeps its last value. Anything else is refused with the reason.
 */
import type { IncomingMessage } from "node:http";
import { readBody } from "../http.js";

export const FORM_MAX_BYTES = 64 * 1024;

export class FormBodyError extends Error {}

export async function readForm(request: IncomingMessage): Promise<Record<string, string>> {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded")
    throw new FormBodyError(`expected a form (application/x-www-form-urlencoded), got "${type ?? ""}"`);
  const text = await readBody(request, FORM_MAX_BYTES);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(text)) out[key] = value;
  return out;
}
