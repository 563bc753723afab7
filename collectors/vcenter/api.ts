/**
 * The parts of the vSphere Automation REST API the collector uses, for both generations:
 *
 * - current (/api, vSphere 7.0 U2+): plain JSON answers, errors `{ error_type, messages }`,
 *   list filters as repeated query parameters (`folders=a&folders=b`);
 * - legacy (/rest, 6.5–7.0): answers wrapped in `{ value }`, errors `{ type, value: { messages } }`,
 *   list filters as `filter.folders=a&filter.folders=b` (repeated, as the generated SDKs send them:
 *   vsphere-automation-sdk-ruby's vm_api.rb, Ansible vmware.vmware_rest 1.x) or, if the server shows
 *   it did not read that form, `filter.folders.1=a&filter.folders.2=b` (indexed, as VMware's 6.5–7.0
 *   /rest reference pages print every list request, e.g. …/operations/com/vmware/vcenter/folder.list-operation.html).
 *
 * Every answer is parsed with zod; a wrong shape is an error naming the field, never a guess. A
 * list answer is also checked against its filter where the answer carries the filtered field
 * (names, ids, power states, folder type): an item the filter excludes means the filter was not
 * applied, and the list is never used as if it were.
 * Reference: https://developer.vmware.com/docs/vsphere-automation/latest/ (cis/api/session,
 * vcenter/api/vcenter/vm, …/vm/{vm}/guest/identity, vcenter/folder, vcenter/cluster) and
 * https://vmware.github.io/vsphere-automation-sdk-rest/6.7.1/ for the legacy paths.
 *
 * This file holds the session and the requests; the answers' schemas are in answers.ts, error
 * answers in api-errors.ts, and the list filters' legacy forms and checks in list-filters.ts.
 */
import type { Logger } from "pino";
import * as z from "zod";
import type { Secret } from "../../config/secret.js";
import { errorType, toApiError, VcenterApiError } from "./api-errors.js";
import {
  clusterSummary,
  folderSummary,
  guestIdentity,
  parseAnswer,
  vmInfo,
  vmSummary,
  type GuestIdentity,
  type PowerState,
  type VmSummary,
} from "./answers.js";
import type { Answer, HttpsClient } from "./client.js";
import {
  contradictionIn,
  describeForm,
  LEGACY_LIST_FORMS,
  quote,
  type FieldRule,
  type LegacyListForm,
} from "./list-filters.js";

export type ApiGeneration = "rest" | "legacy";

const SESSION_HEADER = "vmware-api-session-id";

export interface VmFilter {
  /** Folder ids (group-v…). */
  folders?: readonly string[];
  /** Cluster ids (domain-c…). */
  clusters?: readonly string[];
  powerStates?: readonly PowerState[];
}

type Query = Record<string, string | readonly string[] | undefined>;

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
  /** The legacy list-filter form an answer has shown the server applies. */
  #legacyForm: LegacyListForm | undefined;
  /** Legacy forms the server has shown it does not apply (rejected, or answered as if unfiltered). */
  readonly #legacyFormsIgnored = new Set<LegacyListForm>();

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

  /**
   * The VMs matching `filter`. Folders and clusters are not in a VM summary, so the answer cannot
   * show whether they were applied; the legacy form used is the one an earlier, checkable answer
   * (the scope's folder or cluster lookup) showed the server applies.
   */
  async listVms(filter: VmFilter, signal: AbortSignal): Promise<VmSummary[]> {
    return this.#list(
      "/vcenter/vm",
      { folders: filter.folders, clusters: filter.clusters, power_states: filter.powerStates },
      z.array(vmSummary),
      [
        {
          param: "power_states",
          values: filter.powerStates,
          of: (vm) => vm.power_state,
          describe: (vm) => `VM ${vm.vm} (${quote(vm.name)}, ${vm.power_state})`,
        },
      ],
      signal,
    );
  }

  /** VM folders: all of them, or those with one of `names` and/or one of the ids `ids`. */
  async listVmFolders(names: readonly string[] | undefined, signal: AbortSignal, ids?: readonly string[]) {
    return this.#list(
      "/vcenter/folder",
      { type: "VIRTUAL_MACHINE", names, folders: ids },
      z.array(folderSummary),
      [
        {
          param: "type",
          values: ["VIRTUAL_MACHINE"],
          of: (f) => f.type,
          describe: (f) => `folder ${f.folder} (${quote(f.name)}, ${f.type})`,
        },
        {
          param: "names",
          values: names,
          of: (f) => f.name,
          describe: (f) => `folder ${f.folder} (${quote(f.name)})`,
        },
        {
          param: "folders",
          values: ids,
          of: (f) => f.folder,
          describe: (f) => `folder ${f.folder} (${quote(f.name)})`,
        },
      ],
      signal,
    );
  }

  /** Clusters: all of them, or those with one of `names` and/or one of the ids `ids`. */
  async listClusters(names: readonly string[] | undefined, signal: AbortSignal, ids?: readonly string[]) {
    return this.#list(
      "/vcenter/cluster",
      { names, clusters: ids },
      z.array(clusterSummary),
      [
        {
          param: "names",
          values: names,
          of: (c) => c.name,
          describe: (c) => `cluster ${c.cluster} (${quote(c.name)})`,
        },
        {
          param: "clusters",
          values: ids,
          of: (c) => c.cluster,
          describe: (c) => `cluster ${c.cluster} (${quote(c.name)})`,
        },
      ],
      signal,
    );
  }

  /**
   * A filtered list. Its answer is checked against every rule whose field it carries; on the legacy
   * API a form the answer shows was not applied (an excluded item came back, or 400
   * INVALID_ARGUMENT) is dropped for the collector's life and the next form is tried. When no form
   * is left the list fails: an unfiltered list is never taken for the scope.
   */
  async #list<T>(
    path: string,
    query: Query,
    schema: z.ZodType<T[]>,
    rules: readonly FieldRule<T>[],
    signal: AbortSignal,
  ): Promise<T[]> {
    await this.#ensureSession(signal);
    const listValued = Object.entries(query).filter(
      (entry): entry is [string, readonly string[]] => Array.isArray(entry[1]) && entry[1].length > 0,
    );
    if (this.#generation !== "legacy" || listValued.length === 0) {
      const items = await this.#get(path, query, schema, signal);
      const contradiction = contradictionIn(items, rules);
      if (contradiction !== undefined) {
        throw new Error(
          `vcenter: GET ${this.#prefix()}${path} did not apply its filter: it answered ${contradiction}, so the list is not the one asked for and nothing is counted from it`,
        );
      }
      return items;
    }
    const checkable = rules.some((rule) => (rule.values?.length ?? 0) > 0 && rule.param !== "type");
    const evidence: string[] = [];
    for (const form of this.#legacyFormsToTry()) {
      const sent = describeForm(form, listValued[0] as [string, readonly string[]]);
      let items: T[];
      try {
        items = await this.#get(path, query, schema, signal, form);
      } catch (err) {
        if (!(err instanceof VcenterApiError && err.status === 400 && err.errorType === "INVALID_ARGUMENT")) {
          throw err;
        }
        evidence.push(`${sent} was refused (${err.message})`);
        this.#ignoreLegacyForm(form, sent, err.message);
        continue;
      }
      const contradiction = contradictionIn(items, rules);
      if (contradiction === undefined) {
        // Only an answer that could have shown an ignored filter confirms the form.
        if (checkable && this.#legacyForm !== form) {
          this.#legacyForm = form;
          if (evidence.length > 0)
            this.log.info({ form }, `vcenter: the legacy API applies list filters sent as ${sent}`);
        }
        return items;
      }
      evidence.push(`${sent} was not applied (the answer held ${contradiction})`);
      this.#ignoreLegacyForm(form, sent, `answered ${contradiction}`);
    }
    // Every form failed: the next run tries them all again (a fixed or upgraded server recovers).
    this.#legacyFormsIgnored.clear();
    throw new Error(
      `vcenter: GET /rest${path} did not apply its filter in any form vCenter documents: ${evidence.join("; ")}. ` +
        "An unfiltered list is not the scope, so nothing is counted; check the vCenter version (6.5–7.0 for /rest) or use api: rest on 7.0 U2 and later",
    );
  }

  /** The confirmed form first, then the others in order, leaving out those shown not to work. */
  #legacyFormsToTry(): LegacyListForm[] {
    const forms = LEGACY_LIST_FORMS.filter((form) => !this.#legacyFormsIgnored.has(form));
    const confirmed = this.#legacyForm;
    return confirmed !== undefined && forms.includes(confirmed)
      ? [confirmed, ...forms.filter((form) => form !== confirmed)]
      : forms;
  }

  #ignoreLegacyForm(form: LegacyListForm, sent: string, why: string): void {
    this.#legacyFormsIgnored.add(form);
    if (this.#legacyForm === form) this.#legacyForm = undefined;
    this.log.warn({ form, why }, `vcenter: the legacy API did not apply list filters sent as ${sent}`);
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
  async guestIdentity(vm: string, signal: AbortSignal): Promise<GuestIdentity | undefined> {
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
    query: Query,
    schema: S,
    signal: AbortSignal,
    form: LegacyListForm = "repeated",
  ): Promise<z.output<S>> {
    let session = await this.#ensureSession(signal);
    let answer = await this.#request("GET", path, query, session, signal, form);
    if (answer.status === 401) {
      this.log.info("vcenter: session no longer valid, logging in again");
      if (this.#session === session) this.#session = undefined;
      session = await this.#ensureSession(signal);
      answer = await this.#request("GET", path, query, session, signal, form);
    }
    const what = `GET ${this.#prefix()}${path}`;
    if (answer.status !== 200) throw toApiError(what, answer);
    return parseAnswer(what, answer, this.#generation === "legacy", schema);
  }

  async #request(
    method: "GET" | "POST",
    path: string,
    query: Query,
    session: string,
    signal: AbortSignal,
    form: LegacyListForm,
  ): Promise<Answer> {
    return this.client.send(this.#url(path, query, this.#generation, form), {
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

  #url(path: string, query: Query, generation = this.#generation, form: LegacyListForm = "repeated"): URL {
    const base = this.settings.baseUrl;
    const url = new URL(`${base.pathname.replace(/\/+$/, "")}${this.#prefix(generation)}${path}`, base);
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (generation === "legacy") {
        if (typeof value === "string") url.searchParams.append(`filter.${name}`, value);
        else if (form === "repeated") for (const v of value) url.searchParams.append(`filter.${name}`, v);
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
