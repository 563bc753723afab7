/**
 * The parts of the vSphere Automation REST API the collector uses, for both generations:
 *
 * - current (/api, vSphere 7.0 U2+): plain JSON answers, errors `{ error_type, messages }`,
 *   list filters as repeated query parameters (`folders=a&folders=b`);
 * - legacy (/rest, 6.5–7.0): answers wrapped in `{ value }`, errors `{ type, value: { messages } }`,
 *   list filters as `filter.folders.1=a&filter.folders.2=b`.
 *
 * Every answer is parsed with zod; a wrong shape is an error naming the field, never a guess.
 * Reference: https://developer.vmware.com/docs/vsphere-automation/latest/ (cis/api/session,
 * vcenter/api/vcenter/vm, …/vm/{vm}/guest/identity, vcenter/folder, vcenter/cluster) and
 * https://vmware.github.io/vsphere-automation-sdk-rest/6.7.1/ for the legacy paths.
 */
import type { Logger } from "pino";
import { z } from "zod";
import type { Secret } from "../../config/secret.js";
import type { Answer, HttpsClient } from "./client.js";

export type ApiGeneration = "rest" | "legacy";

const SESSION_HEADER = "vmware-api-session-id";

export const powerState = z.enum(["POWERED_ON", "POWERED_OFF", "SUSPENDED"]);

export const vmSummary = z.object({
  vm: z.string().min(1),
  name: z.string(),
  power_state: powerState,
  cpu_count: z.number().int().optional(),
  memory_size_MiB: z.number().int().optional(),
});
export type VmSummary = z.output<typeof vmSummary>;

const folderSummary = z.object({ folder: z.string().min(1), name: z.string(), type: z.string() });
const clusterSummary = z.object({ cluster: z.string().min(1), name: z.string() });
const vmInfo = z.object({
  identity: z.object({ bios_uuid: z.string().optional(), instance_uuid: z.string().optional() }).optional(),
});
const guestIdentity = z.object({ ip_address: z.string().optional(), host_name: z.string().optional() });

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

export interface VmFilter {
  folders?: readonly string[];
  clusters?: readonly string[];
}

export interface ApiSettings {
  baseUrl: URL;
  username: string;
  password: Secret;
  api: "auto" | ApiGeneration;
  timeoutMs: number;
}

export class VcenterApi {
  #generation: ApiGeneration | undefined;
  #session: string | undefined;
  #login: Promise<string> | undefined;

  constructor(
    private readonly client: HttpsClient,
    private readonly settings: ApiSettings,
    private readonly log: Logger,
  ) {
    if (settings.api !== "auto") this.#generation = settings.api;
  }

  get generation(): ApiGeneration | undefined {
    return this.#generation;
  }

  async listVms(filter: VmFilter, signal: AbortSignal): Promise<VmSummary[]> {
    return this.#get(
      "/vcenter/vm",
      { folders: filter.folders, clusters: filter.clusters },
      z.array(vmSummary),
      signal,
    );
  }

  async listVmFolders(names: readonly string[] | undefined, signal: AbortSignal) {
    return this.#get("/vcenter/folder", { type: "VIRTUAL_MACHINE", names }, z.array(folderSummary), signal);
  }

  async listClusters(names: readonly string[] | undefined, signal: AbortSignal) {
    return this.#get("/vcenter/cluster", { names }, z.array(clusterSummary), signal);
  }

  /**
   * The VM's identity (BIOS and instance UUID) from its Info; `identity` exists since vSphere
   * 7.0 U1, so older servers answer without it. undefined when the VM is gone (404).
   */
  async vmIdentity(
    vm: string,
    signal: AbortSignal,
  ): Promise<{ bios_uuid?: string; instance_uuid?: string } | undefined> {
    try {
      const info = await this.#get(`/vcenter/vm/${encodeURIComponent(vm)}`, {}, vmInfo, signal);
      return info.identity ?? {};
    } catch (err) {
      if (err instanceof VcenterApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** The guest's identity; undefined when VMware Tools is not running (503) or the VM is gone (404). */
  async guestIdentity(vm: string, signal: AbortSignal): Promise<z.output<typeof guestIdentity> | undefined> {
    try {
      return await this.#get(
        `/vcenter/vm/${encodeURIComponent(vm)}/guest/identity`,
        {},
        guestIdentity,
        signal,
      );
    } catch (err) {
      if (err instanceof VcenterApiError && (err.status === 503 || err.status === 404)) return undefined;
      throw err;
    }
  }

  /** Deletes the session, if any. Never throws: the session expires on its own anyway. */
  async logout(signal: AbortSignal): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined || this.#generation === undefined) return;
    const url = this.#url(this.#sessionPath(this.#generation), {});
    try {
      const answer = await this.client.send(url, {
        method: "DELETE",
        headers: { [SESSION_HEADER]: session },
        signal,
        timeoutMs: this.settings.timeoutMs,
      });
      if (answer.status >= 300 && answer.status !== 401) {
        this.log.warn({ status: answer.status }, "vcenter: deleting the session failed");
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "vcenter: deleting the session failed");
    }
  }

  /** A GET with the session; on 401 logs in again once and retries. */
  async #get<S extends z.ZodType>(
    path: string,
    query: Record<string, string | readonly string[] | undefined>,
    schema: S,
    signal: AbortSignal,
  ): Promise<z.output<S>> {
    let session = await this.#ensureSession(signal);
    let answer = await this.#request("GET", path, query, session, signal);
    if (answer.status === 401) {
      this.log.info("vcenter: session no longer valid, logging in again");
      if (this.#session === session) this.#session = undefined;
      session = await this.#ensureSession(signal);
      answer = await this.#request("GET", path, query, session, signal);
    }
    const what = `GET ${this.#prefix()}${path}`;
    if (answer.status !== 200) throw toApiError(what, answer);
    return parseAnswer(what, answer, this.#generation === "legacy", schema);
  }

  async #request(
    method: "GET" | "POST",
    path: string,
    query: Record<string, string | readonly string[] | undefined>,
    session: string,
    signal: AbortSignal,
  ): Promise<Answer> {
    return this.client.send(this.#url(path, query), {
      method,
      headers: { [SESSION_HEADER]: session },
      signal,
      timeoutMs: this.settings.timeoutMs,
    });
  }

  #ensureSession(signal: AbortSignal): Promise<string> {
    if (this.#session !== undefined) return Promise.resolve(this.#session);
    // One login at a time: concurrent guest identity calls that all saw a 401 share it.
    this.#login ??= this.#createSession(signal).finally(() => {
      this.#login = undefined;
    });
    return this.#login;
  }

  async #createSession(signal: AbortSignal): Promise<string> {
    const generations: ApiGeneration[] =
      this.#generation !== undefined ? [this.#generation] : ["rest", "legacy"];
    for (const generation of generations) {
      const path = this.#sessionPath(generation);
      const what = `POST ${generation === "rest" ? "/api" : "/rest"}${path}`;
      const auth = Buffer.from(`${this.settings.username}:${this.settings.password.reveal()}`).toString(
        "base64",
      );
      const answer = await this.client.send(this.#url(path, {}, generation), {
        method: "POST",
        headers: { authorization: `Basic ${auth}` },
        signal,
        timeoutMs: this.settings.timeoutMs,
      });
      if (answer.status === 404 && this.#generation === undefined && generation === "rest") {
        this.log.info("vcenter: /api/session not found, using the legacy /rest API (vCenter 6.5–7.0)");
        continue;
      }
      if (answer.status === 401 || answer.status === 403) {
        throw new VcenterApiError(
          what,
          answer.status,
          errorType(answer),
          `login rejected for user ${this.settings.username}`,
        );
      }
      if (answer.status !== 200 && answer.status !== 201) throw toApiError(what, answer);
      const token = parseAnswer(what, answer, generation === "legacy", z.string().min(1));
      this.#generation = generation;
      this.#session = token;
      return token;
    }
    throw new Error(
      "vcenter: neither /api/session nor /rest/com/vmware/cis/session exists: is this a vCenter Server?",
    );
  }

  #sessionPath(generation: ApiGeneration): string {
    return generation === "rest" ? "/session" : "/com/vmware/cis/session";
  }

  #prefix(generation = this.#generation): string {
    return generation === "legacy" ? "/rest" : "/api";
  }

  #url(
    path: string,
    query: Record<string, string | readonly string[] | undefined>,
    generation = this.#generation,
  ): URL {
    const base = this.settings.baseUrl;
    const url = new URL(`${base.pathname.replace(/\/+$/, "")}${this.#prefix(generation)}${path}`, base);
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (generation === "legacy") {
        if (typeof value === "string") url.searchParams.append(`filter.${name}`, value);
        else value.forEach((v, i) => url.searchParams.append(`filter.${name}.${i + 1}`, v));
      } else if (typeof value === "string") {
        url.searchParams.append(name, value);
      } else {
        for (const v of value) url.searchParams.append(name, v);
      }
    }
    return url;
  }
}

function parseJson(what: string, answer: Answer): unknown {
  try {
    return JSON.parse(answer.body.toString("utf8"));
  } catch (err) {
    throw new Error(`vcenter: ${what} answered malformed JSON (${(err as Error).message})`, { cause: err });
  }
}

/** Parses an answer (legacy: its `value`) with the schema; errors name the offending field. */
function parseAnswer<S extends z.ZodType>(
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

function errorType(answer: Answer): string | undefined {
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

function toApiError(what: string, answer: Answer): VcenterApiError {
  const { type, message } = describeError(answer);
  // The message comes from the server: bound it so a hostile answer cannot flood the log.
  return new VcenterApiError(what, answer.status, type?.slice(0, 64), message.slice(0, 300));
}
