/**
 * A simulated Deep Security Manager for tests (Trend Micro Deep Security; AsiaInfo Deep Security
 * in China): the parts of the REST API v1 the antivirus collector uses, on 127.0.0.1 (port 0 =
 * chosen at start), over HTTP or HTTPS.
 *
 * Reference (Deep Security Automation Center, API Reference v20 and its guides):
 * https://automation.trendmicro.com/deep-security/Guides/api-reference
 * - every request: headers `api-secret-key` (401 without a valid one) and `api-version: v1`
 *   (guide "Authenticate with Deep Security Manager");
 * - GET /api/computers — operation "List Computers"; answer `{ computers: [...] }`;
 * - POST /api/computers/search — operation "Search Computers"; body a SearchFilter
 *   `{ maxItems (default 5000), searchCriteria: [{ fieldName, idTest, idValue }], sortByObjectID }`
 *   (guides "Search for Resources", "Page your search results");
 * - both take `expand` (repeated per value: computerStatus, antiMalware, allSecurityModules, all,
 *   none; guide "Minimize computer response size"); without it this sim answers everything.
 * Object shapes (Computer, ComputerStatus, AntiMalwareComputerExtension, SearchFilter) follow the
 * generated SDK models, deepsecurity/models/*.py of the Workload Security Python SDK.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";

export interface SimVmInput {
  name: string;
  biosUuid: string;
}

export interface DeepSecuritySimOptions {
  /** The VMs of the machine room; the fixture is built from them (see buildComputers). */
  vms: readonly SimVmInput[];
  apiKey?: string;
  /** PEM key and certificate: serve HTTPS. Without them, plain HTTP. */
  tls?: { key: string; cert: string };
  /** Port on 127.0.0.1; 0 (the default) lets the system choose one. */
  port?: number;
  /** The sim's clock, ms since epoch (for lastApplianceCommunication). */
  now?: () => number;
}

/** Fault switches, settable while the server runs. */
export interface DeepSecuritySimFaults {
  error500: boolean;
  malformedJson: boolean;
  /** Delay every answer by this many milliseconds. */
  slowMs: number;
  /** Accept the request and never answer. */
  hang: boolean;
}

export interface DeepSecuritySim {
  url: string;
  port: number;
  faults: DeepSecuritySimFaults;
  /** Every request, in order: method, path, query and (for search) the parsed body. */
  requests: { method: string; path: string; query: URLSearchParams; body?: unknown }[];
  /** The computers served (full shape). */
  computers: Record<string, unknown>[];
  close(): Promise<void>;
}

export const DEFAULT_API_KEY = "2:sim-api-secret-key";

/** What the fixture did to each input VM (by index), so tests can state the expected verdicts. */
export type SimRole =
  "protected" | "anti_malware_off" | "appliance_inactive" | "stale" | "unknown_to_manager";

/**
 * Roles by index: VM 1 anti-malware off, VM 2 appliance inactive, VM 3 stale (last contact two
 * days ago), the LAST VM left out entirely; every other VM protected. Plus one machine the
 * inventory does not have (a physical server). IDs start at 3 and step by 2 (IDs have gaps).
 */
export function simRoles(count: number): SimRole[] {
  return Array.from({ length: count }, (_, i): SimRole => {
    if (count > 1 && i === count - 1) return "unknown_to_manager";
    if (i === 1) return "anti_malware_off";
    if (i === 2) return "appliance_inactive";
    if (i === 3) return "stale";
    return "protected";
  });
}

export function buildComputers(vms: readonly SimVmInput[], nowMs: number): Record<string, unknown>[] {
  const roles = simRoles(vms.length);
  const computers: Record<string, unknown>[] = [];
  let id = 3;
  vms.forEach((vm, i) => {
    const role = roles[i];
    if (role === "unknown_to_manager") return;
    const fingerprint = role === "appliance_inactive" ? undefined : `AA:BB:${String(i).padStart(2, "0")}:CC`;
    computers.push({
      ID: id,
      hostName: vm.name,
      displayName: "",
      biosUUID: vm.biosUuid,
      platform: "Microsoft Windows Server 2019 (64 bit)",
      ...(fingerprint !== undefined ? { applianceFingerPrint: fingerprint } : {}),
      lastApplianceCommunication: role === "stale" ? nowMs - 2 * 86_400_000 : nowMs - 60_000,
      computerStatus: {
        agentStatus: "inactive",
        agentStatusMessages: ["Unmanaged (Offline)"],
        applianceStatus: role === "appliance_inactive" ? "inactive" : "active",
        applianceStatusMessages: [role === "appliance_inactive" ? "Offline" : "Managed (Online)"],
      },
      antiMalware: { state: role === "anti_malware_off" ? "off" : "on" },
    });
    id += 2;
  });
  computers.push({
    ID: id,
    hostName: "physical-db-01",
    displayName: "Physical DB",
    biosUUID: "00000000-0000-0000-0000-00000000beef",
    agentFingerPrint: "DD:EE:FF",
    lastAgentCommunication: nowMs - 30_000,
    computerStatus: { agentStatus: "active", agentStatusMessages: ["Managed (Online)"] },
    antiMalware: { state: "on" },
  });
  return computers;
}

/** Keeps the properties the `expand` values ask for (computerStatus and module objects are expandable). */
function project(computer: Record<string, unknown>, expand: string[]): Record<string, unknown> {
  if (expand.length === 0 || expand.includes("all")) return computer;
  const { computerStatus, antiMalware, ...base } = computer;
  const out: Record<string, unknown> = { ...base };
  if (expand.includes("computerStatus")) out.computerStatus = computerStatus;
  if (expand.includes("antiMalware") || expand.includes("allSecurityModules")) out.antiMalware = antiMalware;
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
}

export async function startDeepSecuritySim(options: DeepSecuritySimOptions): Promise<DeepSecuritySim> {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const now = options.now ?? Date.now;
  const computers = buildComputers(options.vms, now());
  const faults: DeepSecuritySimFaults = { error500: false, malformedJson: false, slowMs: 0, hang: false };
  const requests: DeepSecuritySim["requests"] = [];
  const sockets = new Set<Socket>();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://sim");
    const raw = req.method === "POST" ? await readBody(req) : "";
    const record: DeepSecuritySim["requests"][number] = {
      method: req.method ?? "",
      path: url.pathname,
      query: url.searchParams,
    };
    requests.push(record);
    if (faults.hang) return;
    if (faults.slowMs > 0) await new Promise((r) => setTimeout(r, faults.slowMs));
    if (req.headers["api-secret-key"] !== apiKey) {
      json(res, 401, { message: "Authentication failed: invalid API key" });
      return;
    }
    if (req.headers["api-version"] !== "v1") {
      json(res, 400, { message: "Missing or unsupported api-version header" });
      return;
    }
    if (faults.error500) {
      json(res, 500, { message: "Internal server error" });
      return;
    }
    const expand = url.searchParams.getAll("expand");
    let answer: Record<string, unknown>[];
    if (req.method === "GET" && url.pathname === "/api/computers") {
      answer = computers;
    } else if (req.method === "POST" && url.pathname === "/api/computers/search") {
      let body: Record<string, unknown>;
      try {
        body = raw === "" ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        json(res, 400, { message: "Malformed request body" });
        return;
      }
      record.body = body;
      const maxItems = body.maxItems === undefined ? 5000 : body.maxItems;
      if (typeof maxItems !== "number" || !Number.isInteger(maxItems) || maxItems < 1) {
        json(res, 400, { message: "Invalid maxItems" });
        return;
      }
      answer = computers;
      const criteria = Array.isArray(body.searchCriteria)
        ? (body.searchCriteria as Record<string, unknown>[])
        : [];
      for (const c of criteria) {
        if (c.fieldName !== "ID" || typeof c.idValue !== "number") {
          json(res, 400, { message: "Unsupported search criteria (this sim: ID only)" });
          return;
        }
        const value = c.idValue;
        const test = c.idTest ?? "equal";
        const keep = (id: number): boolean =>
          test === "greater-than" ? id > value : test === "less-than" ? id < value : id === value;
        answer = answer.filter((computer) => keep(computer.ID as number));
      }
      if (body.sortByObjectID === true)
        answer = [...answer].sort((a, b) => (a.ID as number) - (b.ID as number));
      answer = answer.slice(0, maxItems);
    } else {
      json(res, 404, { message: "Not found" });
      return;
    }
    if (faults.malformedJson) {
      res.setHeader("content-type", "application/json");
      res.end('{"computers": [{"ID": 1, "hostName": "tru');
      return;
    }
    json(res, 200, { computers: answer.map((c) => project(c, expand)) });
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { message: "sim failure" });
    });
  };
  const server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    faults,
    requests,
    computers,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
