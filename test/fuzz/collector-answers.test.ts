/**
 * Fuzzing what the vCenter and the antivirus manager answer. vCenter: every call of the API layer
 * (collectors/vcenter/api.ts VcenterApi: login, VM list, folders, clusters, VM identity, guest
 * identity; current and legacy API) on arbitrary status codes and bodies — arbitrary bytes,
 * arbitrary JSON, and real answers with one field mangled. Deep Security: the computers search
 * (collectors/antivirus/deepsecurity.ts fetchDeepSecurityMachines) over real HTTP on loopback with
 * arbitrary answers, each computer through toMachine, and the generic export
 * (collectors/antivirus/export.ts readExportMachines) on arbitrary CSV and JSON files. Every answer
 * is either read into well-typed values or rejected with one clear error naming the request; the
 * coverage computed from whatever was read stays a ratio between 0 and 1.
 */
import fc from "fast-check";
import { createServer, type Server } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SourceError } from "../../collectors/antivirus/client.js";
import { computeCoverage, type ManagedMachine } from "../../collectors/antivirus/coverage.js";
import { fetchDeepSecurityMachines, toMachine } from "../../collectors/antivirus/deepsecurity.js";
import { readExportMachines } from "../../collectors/antivirus/export.js";
import { exportSource } from "../../collectors/antivirus/options.js";
import { VcenterApi, type ApiGeneration } from "../../collectors/vcenter/api.js";
import type { Answer, HttpsClient, SendOptions } from "../../collectors/vcenter/client.js";
import type { InventoryVm } from "../../collectors/types.js";
import { Secret } from "../../config/secret.js";
import { anyJson, anyText, fuzzParameters, isClearMessage } from "../helpers/fuzz.js";
import { tempDir } from "../helpers/tmp.js";

const log = pino({ level: "silent" });

// ---------------------------------------------------------------------------------------------
// vCenter

/** A stand-in for the https client: the login answers a token, every other call the fuzzed answer. */
class ScriptedClient {
  readonly requests: string[] = [];
  constructor(
    private readonly answer: () => Answer,
    private readonly login: Answer,
  ) {}
  async send(url: URL, options: SendOptions): Promise<Answer> {
    this.requests.push(`${options.method} ${url.pathname}`);
    if (options.method === "POST") return this.login;
    return this.answer();
  }
}

const STATUSES = [200, 200, 200, 201, 204, 400, 401, 403, 404, 500, 503];

const REAL_VMS = [
  { vm: "vm-1042", name: "jyj-web-01", power_state: "POWERED_ON", cpu_count: 2, memory_size_MiB: 4096 },
  { vm: "vm-1043", name: "jyj-db-01", power_state: "POWERED_OFF" },
];

/** A real answer with one value somewhere inside replaced by an arbitrary one. */
function mangle(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== "object") return replacement;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value };
  const keys = Object.keys(copy);
  if (keys.length === 0) return replacement;
  const key = keys[path[0]! % keys.length]!;
  (copy as Record<string, unknown>)[key] = mangle(
    (copy as Record<string, unknown>)[key],
    path.slice(1),
    replacement,
  );
  return copy;
}

const body = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  anyJson(4).map((v) => Buffer.from(JSON.stringify(v) ?? "")),
  fc
    .tuple(fc.array(fc.nat(), { maxLength: 4 }), anyJson(2), fc.boolean())
    .map(([path, replacement, wrap]) => {
      const answer = mangle(REAL_VMS, path, replacement);
      return Buffer.from(JSON.stringify(wrap ? { value: answer } : answer) ?? "");
    }),
  anyText(100).map((t) => Buffer.from(t)),
);

type Call = "listVms" | "listVmFolders" | "listClusters" | "vmIdentity" | "guestIdentity";
const CALLS: Call[] = ["listVms", "listVmFolders", "listClusters", "vmIdentity", "guestIdentity"];

function call(api: VcenterApi, which: Call, signal: AbortSignal): Promise<unknown> {
  switch (which) {
    case "listVms":
      return api.listVms({ folders: ["jyj"] }, signal);
    case "listVmFolders":
      return api.listVmFolders(["jyj"], signal);
    case "listClusters":
      return api.listClusters(undefined, signal);
    case "vmIdentity":
      return api.vmIdentity("vm-1042", signal);
    case "guestIdentity":
      return api.guestIdentity("vm-1042", signal);
  }
}

/** What each call may give back when it does not throw. */
function checkValue(which: Call, value: unknown): void {
  if (which === "vmIdentity" || which === "guestIdentity") {
    if (value === undefined) return;
    expect(typeof value).toBe("object");
    for (const v of Object.values(value as object)) if (v !== undefined) expect(typeof v).toBe("string");
    return;
  }
  expect(Array.isArray(value)).toBe(true);
  for (const item of value as Record<string, unknown>[]) {
    if (which === "listVms") {
      expect(typeof item.vm).toBe("string");
      expect(item.vm).not.toBe("");
      expect(typeof item.name).toBe("string");
      expect(["POWERED_ON", "POWERED_OFF", "SUSPENDED"]).toContain(item.power_state);
    } else {
      expect(typeof item.name).toBe("string");
    }
  }
}

describe("fuzz: vCenter answers (VcenterApi)", () => {
  it("every call, both API generations: arbitrary status and body give values of the documented shape or one clear error", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CALLS),
        fc.constantFrom<ApiGeneration>("rest", "legacy"),
        fc.constantFrom(...STATUSES),
        body,
        async (which, generation, status, answerBody) => {
          const token = Buffer.from(JSON.stringify(generation === "legacy" ? { value: "tok" } : "tok"));
          const client = new ScriptedClient(() => ({ status, body: answerBody }), {
            status: 200,
            body: token,
          });
          const api = new VcenterApi(
            client as unknown as HttpsClient,
            {
              baseUrl: new URL("https://vcenter.example"),
              username: "u",
              password: new Secret("p", "test"),
              api: generation,
              timeoutMs: 1_000,
            },
            log,
          );
          let value: unknown;
          try {
            value = await call(api, which, new AbortController().signal);
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            const message = (error as Error).message;
            expect(isClearMessage(message, 1_000), message).toBe(true);
            expect(message).toMatch(/^vcenter: (GET|POST) \/(api|rest)\//);
            return;
          }
          checkValue(which, value);
          // A 401 is retried once after a new login, never more.
          expect(client.requests.filter((r) => r.startsWith("POST")).length).toBeLessThanOrEqual(2);
        },
      ),
      fuzzParameters(401, 500),
    );
  });

  it("an arbitrary login answer gives a session or one clear error", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("auto", "rest", "legacy" as const),
        fc.constantFrom(...STATUSES),
        body,
        async (mode, status, loginBody) => {
          const client = new ScriptedClient(() => ({ status: 200, body: Buffer.from("[]") }), {
            status,
            body: loginBody,
          });
          const api = new VcenterApi(
            client as unknown as HttpsClient,
            {
              baseUrl: new URL("https://vcenter.example/sdk/"),
              username: "u",
              password: new Secret("p", "test"),
              api: mode as "auto" | ApiGeneration,
              timeoutMs: 1_000,
            },
            log,
          );
          try {
            expect(await api.listClusters(undefined, new AbortController().signal)).toEqual([]);
          } catch (error) {
            const message = (error as Error).message;
            expect(isClearMessage(message, 1_000), message).toBe(true);
            expect(message).toMatch(/^vcenter: /);
          }
        },
      ),
      fuzzParameters(402),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Deep Security Manager

const REAL_COMPUTER = {
  ID: 3,
  hostName: "jyj-web-01",
  displayName: "jyj-web-01",
  biosUUID: "4207A8F3-0000-0000-0000-000000000001",
  applianceFingerPrint: "AB:CD",
  lastApplianceCommunication: 1_772_000_000_000,
  antiMalware: { state: "on" },
  computerStatus: { agentStatus: "inactive", applianceStatus: "active" },
};

const computer = fc.oneof(
  anyJson(3),
  fc
    .tuple(fc.array(fc.nat(), { maxLength: 3 }), anyJson(2))
    .map(([path, replacement]) => mangle(REAL_COMPUTER, path, replacement)),
  fc.record({
    ID: fc.oneof(fc.integer(), fc.double(), fc.string()),
    hostName: fc.oneof(anyText(30), fc.integer()),
    biosUUID: fc.oneof(fc.uuid(), anyText(40)),
    applianceFingerPrint: anyText(10),
    lastApplianceCommunication: fc.oneof(fc.double(), fc.integer(), anyText(10)),
    antiMalware: fc.oneof(fc.record({ state: fc.constantFrom("on", "off", "inherited", "") }), anyJson(1)),
    computerStatus: fc.oneof(
      fc.record({ applianceStatus: fc.constantFrom("active", "inactive", "error") }),
      anyJson(1),
    ),
  }),
);

function checkMachine(m: ManagedMachine): void {
  expect(Array.isArray(m.names)).toBe(true);
  for (const n of m.names) expect(typeof n).toBe("string");
  if (m.biosUuid !== undefined) expect(typeof m.biosUuid).toBe("string");
  expect(["on", "off", "unknown"]).toContain(m.antiMalware);
  expect(["active", "inactive", "unknown", "not_applicable"]).toContain(m.appliance);
  // lastContact may be an Invalid Date from Deep Security: the known bug below.
  if (m.lastContact !== undefined && m.lastContact !== null) expect(m.lastContact).toBeInstanceOf(Date);
}

const VMS: InventoryVm[] = [
  {
    key: "vm:vm-1042",
    id: "vm-1042",
    source: "vcenter",
    name: "jyj-web-01",
    powerState: "POWERED_ON",
    biosUuid: REAL_COMPUTER.biosUUID,
    labels: {},
  },
  {
    key: "vm:vm-1043",
    id: "vm-1043",
    source: "vcenter",
    name: "jyj-db-01",
    powerState: "POWERED_ON",
    labels: {},
  },
  {
    key: "vm:vm-1044",
    id: "vm-1044",
    source: "vcenter",
    name: "jyj-web-01",
    powerState: "POWERED_OFF",
    labels: {},
  },
];

function checkCoverage(machines: ManagedMachine[]): void {
  const result = computeCoverage(VMS, machines, {
    now: new Date("2026-03-01T00:00:00Z"),
    staleAfterMs: 3_600_000,
  });
  expect(result.running).toBe(2);
  expect(result.protected).toBeGreaterThanOrEqual(0);
  expect(result.protected).toBeLessThanOrEqual(result.running);
  expect(result.ratio).toBe(result.protected / result.running);
  expect(result.vms).toHaveLength(2);
}

describe("fuzz: Deep Security answers", () => {
  let server: Server;
  let url = "";
  let nextBody: Buffer = Buffer.from("{}");
  let nextStatus = 200;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.once("end", () => {
        res.statusCode = nextStatus;
        res.setHeader("content-type", "application/json");
        res.end(nextBody);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("toMachine: any computer object is read or refused with a SourceError; coverage stays in [0, 1]", () => {
    fc.assert(
      fc.property(fc.array(computer, { maxLength: 6 }), (computers) => {
        const machines: ManagedMachine[] = [];
        for (const c of computers) {
          if (c === null || typeof c !== "object" || Array.isArray(c)) continue;
          try {
            machines.push(toMachine(c as Record<string, unknown>));
          } catch (error) {
            expect(error).toBeInstanceOf(SourceError);
            expect(isClearMessage((error as Error).message)).toBe(true);
            continue;
          }
          checkMachine(machines[machines.length - 1]!);
        }
        checkCoverage(machines);
      }),
      fuzzParameters(411, 500),
    );
  });

  // An unreadable last contact (a time beyond what a Date holds) is no contact: unprotected.
  it("an out-of-range lastApplianceCommunication is an unreadable contact (unprotected), not protected", () => {
    const machine = toMachine({ ...REAL_COMPUTER, lastApplianceCommunication: 1e20 });
    const result = computeCoverage([VMS[0]!], [machine], {
      now: new Date("2026-03-01T00:00:00Z"),
      staleAfterMs: 3_600_000,
    });
    expect(result.vms[0]).toMatchObject({ protected: false, reason: "stale_contact" });
  });

  it("the computers search over HTTP: any status and body give machines or one clear SourceError", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 200, 200, 401, 500),
        fc.oneof(
          fc.array(computer, { maxLength: 5 }).map((computers) => Buffer.from(JSON.stringify({ computers }))),
          anyJson(3).map((v) => Buffer.from(JSON.stringify(v) ?? "")),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        ),
        async (status, answer) => {
          nextStatus = status;
          nextBody = answer;
          let machines: ManagedMachine[];
          try {
            machines = await fetchDeepSecurityMachines(
              {
                url,
                apiKey: new Secret("k", "test"),
                // Larger than any page here: one request per run.
                pageSize: 50,
                timeoutMs: 5_000,
                tls: { rejectUnauthorized: true },
              },
              new AbortController().signal,
              log,
            );
          } catch (error) {
            expect(error).toBeInstanceOf(SourceError);
            const message = (error as Error).message;
            expect(isClearMessage(message, 1_000), message).toBe(true);
            expect(message).toMatch(/computers\/search/);
            return;
          }
          for (const m of machines) checkMachine(m);
          checkCoverage(machines);
        },
      ),
      fuzzParameters(412, 200),
    );
  });
});

describe("fuzz: antivirus console exports (readExportMachines)", () => {
  const csvCell = fc.oneof(
    fc.constantFrom(
      "jyj-web-01",
      "protected",
      "yes",
      "no",
      "",
      "1772000000000",
      "2026-02-28T00:00:00Z",
      '"',
      '""',
      ",",
      "\n",
    ),
    anyText(15),
  );
  const csvText = fc
    .array(fc.array(csvCell, { maxLength: 5 }), { maxLength: 6 })
    .map((rows) => ["Host Name,Status,SMBIOS UUID,Last Seen", ...rows.map((r) => r.join(","))].join("\n"));
  const options = (path: string, format: "csv" | "json") =>
    exportSource.parse({
      kind: "export",
      path,
      format,
      fields: { name: "Host Name", protected: "Status", bios_uuid: "SMBIOS UUID", last_seen: "Last Seen" },
    });

  it("arbitrary CSV and JSON files are read into machines or refused with one clear SourceError", async () => {
    const dir = tempDir();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(fc.constant("csv" as const), fc.oneof(csvText, anyText(300))),
          fc.tuple(
            fc.constant("json" as const),
            fc.oneof(
              anyJson(3).map((v) => JSON.stringify(v) ?? ""),
              fc
                .array(
                  fc.dictionary(
                    fc.constantFrom("Host Name", "Status", "SMBIOS UUID", "Last Seen", "__proto__"),
                    anyJson(1),
                  ),
                  { maxLength: 5 },
                )
                .map((r) => JSON.stringify(r)),
              anyText(100),
            ),
          ),
        ),
        async ([format, text]) => {
          const path = join(dir, `export-${n++}.${format}`);
          writeFileSync(path, text);
          let machines: ManagedMachine[];
          try {
            machines = await readExportMachines(options(path, format), new AbortController().signal);
          } catch (error) {
            expect(error).toBeInstanceOf(SourceError);
            const message = (error as Error).message;
            expect(isClearMessage(message, 1_000), message).toBe(true);
            expect(message).toContain(path);
            return;
          }
          for (const m of machines) checkMachine(m);
          checkCoverage(machines);
        },
      ),
      fuzzParameters(421),
    );
  });
});
