/**
 * A simulated vCenter Server for tests: the parts of the vSphere Automation REST API the vcenter
 * collector uses, answered from a generated inventory, on 127.0.0.1 (port 0 = chosen at start),
 * over HTTP or HTTPS. Both API generations are served:
 *
 * - the current API under /api (vSphere 7.0 U2 and later; errors `{ error_type, messages }`),
 * - the legacy API under /rest (6.5–7.0; answers wrapped in `{ value }`, errors `{ type, value }`).
 *
 * Reference pages (vSphere Automation API):
 * - https://developer.vmware.com/docs/vsphere-automation/latest/cis/api/session/post/
 * - https://developer.vmware.com/docs/vsphere-automation/latest/cis/api/session/delete/
 * - https://developer.vmware.com/docs/vsphere-automation/latest/vcenter/api/vcenter/vm/get/
 * - https://developer.vmware.com/docs/vsphere-automation/latest/vcenter/api/vcenter/vm/vm/get/
 * - https://developer.vmware.com/docs/vsphere-automation/latest/vcenter/api/vcenter/vm/vm/guest/identity/get/
 * - https://developer.vmware.com/docs/vsphere-automation/latest/vcenter/api/vcenter/folder/get/
 * - https://developer.vmware.com/docs/vsphere-automation/latest/vcenter/api/vcenter/cluster/get/
 * - legacy: https://vmware.github.io/vsphere-automation-sdk-rest/6.7.1/operations/com/vmware/cis/session.create-operation.html
 *   and https://vmware.github.io/vsphere-automation-sdk-rest/6.7.1/operations/com/vmware/vcenter/vm.list-operation.html
 * - the legacy list-valued filters, in the two forms clients send them (see `listParam` below):
 *   indexed, as the 6.5/6.7/7.0 /rest reference pages print every list operation's request
 *   (`GET https://{server}/rest/vcenter/folder?filter.folders.1=obj-103&filter.folders.2=obj-103&…&filter.type=…`,
 *   e.g. VMware-vSphere-Automation-SDK-REST-6.7.0/docs/apidocs/operations/com/vmware/vcenter/folder.list-operation.html),
 *   and repeated, as the generated clients send them (vsphere-automation-sdk-ruby's vm_api.rb:
 *   `query_params[:'filter.folders'] = build_collection_param(…, :multi)`; Ansible vmware.vmware_rest
 *   1.x module_utils gen_args for "< 7.0.2": `filter.folders=a&filter.folders=b`)
 * - the cap error as real servers send it (id com.vmware.api.vcenter.vm.too_many_matches):
 *   https://github.com/vmware-archive/vsphere-automation-sdk-python/issues/142
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { generateInventory, type SimInventory, type SimVm } from "./inventory.js";

export interface VcenterSimOptions {
  /** PEM key and certificate: serve HTTPS. Without them, plain HTTP. */
  tls?: { key: string; cert: string };
  /** Port on 127.0.0.1; 0 (the default) lets the system choose one. */
  port?: number;
  username?: string;
  password?: string;
  /**
   * Most VMs one list answer may hold; more matches answer 400 UNABLE_TO_ALLOCATE_RESOURCE.
   * 4000 on current vCenters (the documented default), 1000 on 6.5.
   */
  vmCap?: number;
  /** Which API generations answer: "both" (7.0 U2–8.x, where /rest is deprecated but served), "rest" only, "legacy" only (6.5–6.7: /api is 404). */
  apis?: "both" | "rest" | "legacy";
  /**
   * Which form of a list-valued filter the legacy /rest API reads: "both" (the default) takes the
   * repeated `filter.folders=a&filter.folders=b` and the indexed `filter.folders.1=a&filter.folders.2=b`;
   * "repeated" or "indexed" takes only that one, to prove a client works with a server that
   * understands a single form. What happens to the other form is `legacyOtherForm`.
   */
  legacyListForm?: "both" | "repeated" | "indexed";
  /**
   * With a single `legacyListForm`, a list filter sent in the other form is "ignore"d (the default,
   * and the dangerous case: the list comes back as if unfiltered) or "reject"ed with 400
   * INVALID_ARGUMENT (the message is the simulator's own).
   */
  legacyOtherForm?: "ignore" | "reject";
  inventory?: SimInventory;
}

/** Fault switches, settable while the server runs. */
export interface VcenterSimFaults {
  /** Delay every answer by this many milliseconds. */
  slow: number;
  /** Answer 500 INTERNAL_SERVER_ERROR to everything but session deletion. */
  error500: boolean;
  /** Answer a truncated JSON document. */
  malformedJson: boolean;
  /** Well-formed JSON with wrong types (cpu_count as text, power_state unknown). */
  wrongTypes: boolean;
  /** Accept the request and never answer. */
  hang: boolean;
  /**
   * Answer lists as if their filters had not been sent — the failure a client must notice rather
   * than count every VM: "vm" for the VM list only, "all" for the folder and cluster lists too.
   */
  ignoreFilters: false | "vm" | "all";
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  session: string | undefined;
}

export interface VcenterSim {
  url: string;
  port: number;
  faults: VcenterSimFaults;
  /** The live inventory: tests may add, rename or remove VMs between calls. */
  inventory: SimInventory;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Session tokens currently valid. */
  sessions: Set<string>;
  /** Forget every session, as when vCenter restarts or sessions time out: the next call gets 401. */
  expireSessions(): void;
  close(): Promise<void>;
}

const SESSION_HEADER = "vmware-api-session-id";

type Api = "rest" | "legacy";

interface Message {
  args: string[];
  default_message: string;
  id: string;
}

/** vAPI standard error types with the status the REST mapping uses. */
const ERRORS = {
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  INVALID_ARGUMENT: 400,
  UNABLE_TO_ALLOCATE_RESOURCE: 400,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
} as const;
type ErrorType = keyof typeof ERRORS;

export async function startVcenterSim(options: VcenterSimOptions = {}): Promise<VcenterSim> {
  const username = options.username ?? "administrator@vsphere.local";
  const password = options.password ?? "Sim-Passw0rd!";
  const vmCap = options.vmCap ?? 4000;
  const apis = options.apis ?? "both";
  const legacyForm = options.legacyListForm ?? "both";
  const legacyOther = options.legacyOtherForm ?? "ignore";
  const faults: VcenterSimFaults = {
    slow: 0,
    error500: false,
    malformedJson: false,
    wrongTypes: false,
    hang: false,
    ignoreFilters: false,
  };
  const sessions = new Set<string>();
  const requests: RecordedRequest[] = [];
  const inventory = options.inventory ?? generateInventory();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    // Drain the body (none is needed), then answer.
    req.resume();
    req.once("end", () => {
      const url = new URL(req.url ?? "/", "http://sim");
      const header = req.headers[SESSION_HEADER];
      const session = typeof header === "string" ? header : undefined;
      requests.push({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, session });
      const isSessionDelete = req.method === "DELETE" && /\/session$/.test(url.pathname);
      if (faults.hang && !isSessionDelete) return;
      const answer = (): void => route(req.method ?? "GET", url, req.headers, session, res, isSessionDelete);
      if (faults.slow > 0 && !isSessionDelete) {
        const timer = setTimeout(answer, faults.slow);
        res.once("close", () => clearTimeout(timer));
      } else {
        answer();
      }
    });
  };

  function send(res: http.ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(text);
  }

  function sendError(res: http.ServerResponse, api: Api, type: ErrorType, message: string, id: string): void {
    const messages: Message[] = [{ args: [], default_message: message, id }];
    if (api === "rest") send(res, ERRORS[type], { error_type: type, messages });
    else
      send(res, ERRORS[type], {
        type: `com.vmware.vapi.std.errors.${type.toLowerCase()}`,
        value: { messages },
      });
  }

  /** Answers `value` in the API's envelope, or the configured fault instead. */
  function ok(res: http.ServerResponse, api: Api, status: number, value: unknown): void {
    if (faults.malformedJson) {
      res.writeHead(status, { "content-type": "application/json" });
      res.end('[{"vm":"vm-1001","name":"jyj-web-01","power_sta');
      return;
    }
    send(res, status, api === "rest" ? value : { value });
  }

  function route(
    method: string,
    url: URL,
    headers: http.IncomingHttpHeaders,
    session: string | undefined,
    res: http.ServerResponse,
    isSessionDelete: boolean,
  ): void {
    const path = url.pathname;
    const api: Api | undefined = path.startsWith("/api/")
      ? "rest"
      : path.startsWith("/rest/")
        ? "legacy"
        : undefined;
    if (api === undefined || (apis !== "both" && apis !== api)) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Not Found");
      return;
    }
    if (faults.error500 && !isSessionDelete) {
      sendError(
        res,
        api,
        "INTERNAL_SERVER_ERROR",
        "Internal server error.",
        "vapi.bindings.method.impl.unexpected",
      );
      return;
    }
    const rel = api === "rest" ? path.slice("/api".length) : path.slice("/rest".length);
    const sessionPath = api === "rest" ? "/session" : "/com/vmware/cis/session";

    // POST /api/session: basic auth → 201 with the token as a JSON string (legacy: 200 { value }).
    if (rel === sessionPath && method === "POST") {
      if (!checkBasic(headers.authorization)) {
        sendError(
          res,
          api,
          "UNAUTHENTICATED",
          "Authentication required.",
          "com.vmware.vapi.endpoint.method.authentication.required",
        );
        return;
      }
      const token = randomBytes(16).toString("hex");
      sessions.add(token);
      ok(res, api, api === "rest" ? 201 : 200, token);
      return;
    }
    // Everything else needs a valid session.
    if (session === undefined || !sessions.has(session)) {
      sendError(
        res,
        api,
        "UNAUTHENTICATED",
        "Authentication required.",
        "com.vmware.vapi.endpoint.method.authentication.required",
      );
      return;
    }
    // DELETE /api/session: 204 (legacy: 200, empty).
    if (rel === sessionPath && method === "DELETE") {
      sessions.delete(session);
      res.writeHead(api === "rest" ? 204 : 200);
      res.end();
      return;
    }
    if (method !== "GET") {
      sendError(res, api, "NOT_FOUND", "Not found.", "com.vmware.vapi.rest.httpNotFound");
      return;
    }
    let rejected: string | undefined;
    const list = (name: string): string[] => {
      const { values, otherForm } = listParam(url.searchParams, api, name, legacyForm);
      if (otherForm !== undefined && legacyOther === "reject") rejected ??= otherForm;
      const ignored =
        faults.ignoreFilters === "all" || (faults.ignoreFilters === "vm" && rel === "/vcenter/vm");
      return ignored ? [] : values;
    };
    /** Answers 400 when a list filter came in the form this server does not read (legacyOtherForm "reject"). */
    const rejectedForm = (): boolean => {
      if (rejected === undefined) return false;
      sendError(
        res,
        api,
        "INVALID_ARGUMENT",
        `Unexpected parameter '${rejected}'.`,
        "vapi.rest.simulator.unexpected_parameter",
      );
      return true;
    };

    if (rel === "/vcenter/vm") {
      const folders = list("folders");
      const clusters = list("clusters");
      const pools = list("resource_pools");
      const names = list("names");
      const states = list("power_states");
      const vmIds = list("vms");
      const matches = inventory.vms.filter(
        (vm) =>
          (folders.length === 0 || folders.includes(vm.folder)) &&
          (clusters.length === 0 || clusters.includes(vm.cluster)) &&
          (pools.length === 0 || pools.includes(vm.resource_pool)) &&
          (names.length === 0 || names.includes(vm.name)) &&
          (states.length === 0 || states.includes(vm.power_state)) &&
          (vmIds.length === 0 || vmIds.includes(vm.vm)),
      );
      if (rejectedForm()) return;
      if (matches.length > vmCap) {
        sendError(
          res,
          api,
          "UNABLE_TO_ALLOCATE_RESOURCE",
          "Too many virtual machines. Add more filter criteria to reduce the number.",
          "com.vmware.api.vcenter.vm.too_many_matches",
        );
        return;
      }
      ok(res, api, 200, matches.map(summary));
      return;
    }
    // GET /api/vcenter/vm/{vm}: VM Info (a subset). `identity` (BIOS and instance UUID) exists
    // since vSphere 7.0 U1; the legacy /rest answer here leaves it out, like 6.5–6.7 did.
    // The VM a /vcenter/vm/{vm}… path names; answers NOT_FOUND (and gives undefined) when unknown.
    const vmOf = (match: RegExpExecArray): SimVm | undefined => {
      const id = decodeURIComponent(match[1] as string);
      const vm = inventory.vms.find((v) => v.vm === id);
      if (vm === undefined) {
        sendError(
          res,
          api,
          "NOT_FOUND",
          `Virtual machine with identifier '${id}' does not exist.`,
          "com.vmware.api.vcenter.vm.not_found",
        );
      }
      return vm;
    };
    const info = /^\/vcenter\/vm\/([^/]+)$/.exec(rel);
    if (info) {
      const vm = vmOf(info);
      if (vm === undefined) return;
      ok(res, api, 200, {
        name: vm.name,
        power_state: vm.power_state,
        guest_OS: "CENTOS_7_64",
        cpu: { count: vm.cpu_count, cores_per_socket: 1, hot_add_enabled: false, hot_remove_enabled: false },
        memory: { size_MiB: vm.memory_size_MiB, hot_add_enabled: false },
        ...(api === "rest"
          ? {
              identity: {
                name: vm.name,
                bios_uuid: faults.wrongTypes ? 42 : vm.bios_uuid,
                instance_uuid: vm.instance_uuid,
              },
            }
          : {}),
      });
      return;
    }
    const identity = /^\/vcenter\/vm\/([^/]+)\/guest\/identity$/.exec(rel);
    if (identity) {
      const vm = vmOf(identity);
      if (vm === undefined) return;
      if (vm.power_state !== "POWERED_ON" || !vm.tools_running) {
        sendError(
          res,
          api,
          "SERVICE_UNAVAILABLE",
          "VMware Tools is not running in the guest.",
          "com.vmware.api.vcenter.vm.guest.tools_not_running",
        );
        return;
      }
      ok(res, api, 200, {
        name: "CENTOS_7_64",
        family: "LINUX",
        full_name: {
          args: [],
          default_message: "CentOS 7 (64-bit)",
          id: "vmsg.guestos.centos7_64Guest.label",
        },
        ...(vm.host_name !== undefined ? { host_name: vm.host_name } : {}),
        ...(vm.ip_address !== undefined ? { ip_address: vm.ip_address } : {}),
      });
      return;
    }
    if (rel === "/vcenter/folder") {
      const names = list("names");
      const ids = list("folders");
      const type = single(url.searchParams, api, "type");
      const found = inventory.folders.filter(
        (f) =>
          (names.length === 0 || names.includes(f.name)) &&
          (ids.length === 0 || ids.includes(f.folder)) &&
          (type === undefined || type === f.type),
      );
      if (rejectedForm()) return;
      // The folder list is capped at 1000 (documented); the simulated room has far fewer.
      ok(res, api, 200, found.slice(0, 1000));
      return;
    }
    if (rel === "/vcenter/cluster") {
      const names = list("names");
      const ids = list("clusters");
      const found = inventory.clusters.filter(
        (c) =>
          (names.length === 0 || names.includes(c.name)) && (ids.length === 0 || ids.includes(c.cluster)),
      );
      if (rejectedForm()) return;
      ok(res, api, 200, found.slice(0, 1000));
      return;
    }
    sendError(res, api, "NOT_FOUND", "Not found.", "com.vmware.vapi.rest.httpNotFound");
  }

  function summary(vm: SimVm): Record<string, unknown> {
    if (faults.wrongTypes) {
      return { vm: vm.vm, name: vm.name, power_state: "RUNNING", cpu_count: String(vm.cpu_count) };
    }
    return {
      vm: vm.vm,
      name: vm.name,
      power_state: vm.power_state,
      cpu_count: vm.cpu_count,
      memory_size_MiB: vm.memory_size_MiB,
    };
  }

  function checkBasic(header: string | undefined): boolean {
    const match = /^Basic\s+(.+)$/i.exec(header ?? "");
    if (!match) return false;
    const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon >= 0 && decoded.slice(0, colon) === username && decoded.slice(colon + 1) === password;
  }

  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    faults,
    inventory,
    requests,
    sessions,
    expireSessions: () => sessions.clear(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A list-valued filter. Current API: repeated `name=a&name=b`. Legacy API: repeated
 * `filter.name=a&filter.name=b` and/or indexed `filter.name.1=a&filter.name.2=b`, as `form` says
 * (sources in the header). `otherForm` names a parameter sent in the form this server does not read.
 */
function listParam(
  query: URLSearchParams,
  api: Api,
  name: string,
  form: "both" | "repeated" | "indexed",
): { values: string[]; otherForm?: string } {
  if (api === "rest") return { values: query.getAll(name) };
  const key = `filter.${name}`;
  const indexedKey = new RegExp(`^filter\\.${name}\\.\\d+$`);
  const repeated = query.getAll(key);
  const indexed: string[] = [];
  let firstIndexed: string | undefined;
  for (const [k, v] of query) {
    if (!indexedKey.test(k)) continue;
    indexed.push(v);
    firstIndexed ??= k;
  }
  if (form === "both") return { values: [...repeated, ...indexed] };
  if (form === "repeated") {
    return firstIndexed === undefined ? { values: repeated } : { values: repeated, otherForm: firstIndexed };
  }
  return repeated.length === 0 ? { values: indexed } : { values: indexed, otherForm: key };
}

function single(query: URLSearchParams, api: Api, name: string): string | undefined {
  return query.get(api === "rest" ? name : `filter.${name}`) ?? undefined;
}
