/**
 * The Deep Security Manager source (Trend Micro Deep Security; AsiaInfo Deep Security in China):
 * every computer with its anti-malware state and agentless (virtual appliance) status, paged by ID.
 *
 * Shapes, from the Deep Security REST API v1 reference and its generated SDK models:
 * - https://automation.trendmicro.com/deep-security/Guides/api-reference (API Reference v20;
 *   guides "Authenticate with Deep Security Manager": headers `api-secret-key` and
 *   `api-version: v1`; "Search for Resources" and "Page your search results": POST
 *   /api/computers/search with `{ maxItems, searchCriteria: [{ fieldName: "ID", idTest:
 *   "greater-than", idValue }], sortByObjectID: true }`; "Minimize computer response size":
 *   the `expand` query parameter, repeated per value).
 * - Computer object (hostName, displayName, biosUUID, ID, agentFingerPrint,
 *   applianceFingerPrint, lastAgentCommunication, lastApplianceCommunication — ms since epoch —,
 *   antiMalware, computerStatus): deepsecurity/models/computer.py of the generated Python SDK
 *   (Workload Security API, spec 50.0.810; github.com/shunyeka-spl/trendmicro-workload-security-sdk-python).
 * - computerStatus.agentStatus / applianceStatus ∈ inactive | active | warning | error |
 *   not-supported, with agentStatusMessages / applianceStatusMessages: models/computer_status.py.
 * - antiMalware.state ∈ on | off (inherited is write-only): models/anti_malware_computer_extension.py.
 * - SearchFilter (maxItems default 5000, sortByObjectID): models/search_filter.py.
 */
import type { Logger } from "pino";
import type { Secret } from "../../config/secret.js";
import { requestJson, SourceError, type TlsSettings } from "./client.js";
import type { ManagedMachine } from "./coverage.js";

export interface DeepSecurityClientOptions {
  url: string;
  apiKey: Secret;
  pageSize: number;
  timeoutMs: number;
  tls: TlsSettings;
}

/** The expansions the coverage needs: computerStatus and the antiMalware module. */
const EXPAND = "expand=computerStatus&expand=antiMalware&overrides=false";

/** Most pages one run may read: with maxItems ≥ 1 that bounds a server that never stops paging. */
const MAX_PAGES = 10_000;

export async function fetchDeepSecurityMachines(
  options: DeepSecurityClientOptions,
  signal: AbortSignal,
  log: Logger,
): Promise<ManagedMachine[]> {
  const base = options.url.replace(/\/+$/, "");
  const url = `${base}/api/computers/search?${EXPAND}`;
  const headers = { "api-secret-key": options.apiKey.reveal(), "api-version": "v1" };
  const machines: ManagedMachine[] = [];
  let lastId = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await requestJson(url, {
      method: "POST",
      headers,
      body: {
        maxItems: options.pageSize,
        searchCriteria: [{ fieldName: "ID", idTest: "greater-than", idValue: lastId }],
        sortByObjectID: true,
      },
      tls: options.tls,
      timeoutMs: options.timeoutMs,
      signal,
    });
    const computers = computersOf(answer);
    for (const computer of computers) machines.push(toMachine(computer));
    if (computers.length < options.pageSize) {
      log.debug({ computers: machines.length, pages: page + 1 }, "antivirus: read Deep Security computers");
      return machines;
    }
    const nextId = Math.max(...computers.map((c) => idOf(c)));
    if (!(nextId > lastId)) throw new SourceError("computers/search: paging by ID did not advance");
    lastId = nextId;
  }
  throw new SourceError(`computers/search: more than ${MAX_PAGES} pages`);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function computersOf(answer: unknown): Json[] {
  if (!isObject(answer) || !Array.isArray(answer.computers)) {
    throw new SourceError("computers/search: answer has no computers array");
  }
  return answer.computers.map((c) => {
    if (!isObject(c)) throw new SourceError("computers/search: a computer is not an object");
    return c;
  });
}

function idOf(computer: Json): number {
  const id = computer.ID;
  if (typeof id !== "number" || !Number.isInteger(id))
    throw new SourceError("computers/search: a computer has no ID");
  return id;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A last-contact time in ms; beyond what a Date holds (±8.64e15) it is unreadable: null, like none. */
function time(value: unknown): Date | null {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** One Deep Security computer as the coverage sees it. */
export function toMachine(computer: Json): ManagedMachine {
  idOf(computer);
  const am = isObject(computer.antiMalware) ? computer.antiMalware : undefined;
  const state = am?.state;
  const status = isObject(computer.computerStatus) ? computer.computerStatus : undefined;
  const applianceStatus = status?.applianceStatus;
  const hasAppliance = str(computer.applianceFingerPrint) !== undefined;
  let appliance: ManagedMachine["appliance"];
  if (status === undefined) appliance = "unknown";
  else if (hasAppliance && applianceStatus === "active") appliance = "active";
  else appliance = "inactive";
  return {
    names: [str(computer.hostName), str(computer.displayName)].filter((n): n is string => n !== undefined),
    biosUuid: str(computer.biosUUID),
    antiMalware: state === "on" ? "on" : state === "off" ? "off" : "unknown",
    appliance,
    // Agentless protection: the appliance's contact is the one that counts.
    lastContact: time(computer.lastApplianceCommunication),
  };
}
