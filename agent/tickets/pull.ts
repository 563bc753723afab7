/**
 * The periodic REST pull from the helpdesk: GET the ticket list (page by page when configured),
 * find the list at `items_path` and return the raw items for parseTicketsJson. TLS is verified
 * (the centre's CA may be added); the Authorization header is built per request from the secret
 * and never appears in a message — errors name the method, the URL's path and the page only
 * (not the host's query string, which some helpdesks use for tokens).
 */
import { pino, type Logger } from "pino";
import { formatDuration } from "../../config/duration.js";
import { linkedSignal } from "../../collectors/shared/abort.js";
import { evaluateJsonPath, parseJsonPath } from "../../collectors/http/jsonpath.js";
import { sendHttp, type HttpAnswer } from "../../collectors/shared/request.js";
import { loadTlsSettings, type TlsSettings } from "../../collectors/shared/tls.js";
import type { TicketsPull } from "./config.js";
import { DecodeError, decodeText } from "./decode.js";

/** Bound on one answer: thousands of tickets per page are a few MB at most. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface PullResult {
  /** Every item of every page, in order (not yet checked: see parseTicketsJson). */
  items: unknown[];
  /** Requests made. */
  pages: number;
  /** True when max_pages was reached with a full last page: more tickets may exist. */
  truncated: boolean;
}

/** A pull that failed: no answer, a status other than 200, or an answer of the wrong shape. */
export class TicketPullError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "TicketPullError";
  }
}

const silent: Logger = pino({ enabled: false });

/** Reads tls_ca_file once (call it when the pull is set up): a bad file is a start-up error. */
export function loadPullTls(pull: TicketsPull): TlsSettings {
  // Verification cannot be switched off here, so the logger (used only for that warning) stays silent.
  return loadTlsSettings(
    { tls_ca_file: pull.tls_ca_file, insecure_skip_verify: false },
    silent,
    "tickets pull",
    "",
  );
}

/** The Authorization header value, built for this request only (never stored, never logged). */
function authorization(pull: TicketsPull): string | undefined {
  const auth = pull.auth;
  if (auth?.bearer !== undefined) return `Bearer ${auth.bearer.reveal()}`;
  if (auth?.basic === undefined) return undefined;
  const pair = `${auth.basic.username}:${auth.basic.password.reveal()}`;
  return `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
}

function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/**
 * Pulls every page. Throws TicketPullError (with the path and page, never a credential) or, when
 * `signal` aborts, its reason. `tls` defaults to loadPullTls(pull), read on every call.
 */
export async function pullTickets(
  pull: TicketsPull,
  signal: AbortSignal,
  tls: TlsSettings = loadPullTls(pull),
): Promise<PullResult> {
  const steps = parseJsonPath(pull.items_path);
  if (!Array.isArray(steps)) throw new TicketPullError(`tickets pull: items_path: ${steps.error}`);
  const items: unknown[] = [];
  if (pull.paging.style === "none") {
    items.push(...(await fetchItems(new URL(pull.url), undefined, pull, steps, tls, signal)));
    return { items, pages: 1, truncated: false };
  }
  const paging = pull.paging;
  for (let n = 0; n < paging.max_pages; n++) {
    const page = paging.first_page + n;
    const url = new URL(pull.url);
    url.searchParams.set(paging.page_param, String(page));
    url.searchParams.set(paging.size_param, String(paging.size));
    const got = await fetchItems(url, page, pull, steps, tls, signal);
    items.push(...got);
    if (got.length < paging.size) return { items, pages: n + 1, truncated: false };
  }
  return { items, pages: paging.max_pages, truncated: true };
}

async function fetchItems(
  url: URL,
  page: number | undefined,
  pull: TicketsPull,
  steps: Exclude<ReturnType<typeof parseJsonPath>, { error: string }>,
  tls: TlsSettings,
  outer: AbortSignal,
): Promise<unknown[]> {
  outer.throwIfAborted();
  const what = `tickets pull: GET ${url.pathname}${page === undefined ? "" : ` (page ${page})`}`;
  // Not AbortSignal.any with the agent-long outer signal: see agent/abort.ts.
  const timeout = linkedSignal(outer, {
    ms: pull.timeout,
    reason: () => new DOMException("tickets pull timeout", "TimeoutError"),
  });
  const headers: Record<string, string> = { accept: "application/json", "user-agent": "ops-agent (tickets)" };
  const auth = authorization(pull);
  if (auth !== undefined) headers.authorization = auth;
  let answer: HttpAnswer;
  try {
    answer = await sendHttp(url, {
      method: "GET",
      headers,
      signal: timeout.signal,
      agent: false,
      tls,
      maxBodyBytes: MAX_BODY_BYTES,
    });
  } catch (err) {
    outer.throwIfAborted();
    if (timeout.timedOut())
      throw new TicketPullError(`${what}: no answer within ${formatDuration(pull.timeout)}`);
    throw new TicketPullError(`${what}: ${(err as Error).message}`);
  } finally {
    timeout.dispose();
  }
  if (answer.status !== 200) {
    const hint =
      answer.status === 401 || answer.status === 403 ? " (is the token or password valid and allowed?)" : "";
    throw new TicketPullError(`${what}: status ${answer.status}${hint}`, answer.status);
  }
  let body: unknown;
  try {
    body = JSON.parse(decodeText(answer.body).text);
  } catch (err) {
    const reason = err instanceof DecodeError ? err.message : `malformed JSON (${(err as Error).message})`;
    throw new TicketPullError(`${what}: the answer is not JSON: ${reason}`);
  }
  const found = evaluateJsonPath(body, steps);
  if ("missing" in found) {
    const keys =
      typeof body === "object" && body !== null && !Array.isArray(body)
        ? `; the answer's top-level keys are ${Object.keys(body).slice(0, 30).join(", ") || "(none)"}`
        : `; the answer is ${describeKind(body)}`;
    throw new TicketPullError(`${what}: no value at items_path ${pull.items_path}${keys}`);
  }
  if (!Array.isArray(found.value)) {
    throw new TicketPullError(
      `${what}: items_path ${pull.items_path} is ${describeKind(found.value)}, expected a list of tickets`,
    );
  }
  return found.value as unknown[];
}
