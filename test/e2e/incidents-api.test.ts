/**
 * The incident API end to end: a real agent process whose http collector probes a closed loopback
 * port (an incident opens after 3 failed probes) and a test server that is up; the API behind
 * incidents.api_token ("${OPS_AGENT_API_TOKEN}", set in the agent's environment); the incident
 * metrics; and the CLI working on the same store beside the running agent.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  freePort,
  get,
  startAgent,
  waitFor,
  writeConfig,
  type RunningAgent,
} from "../helpers/agent-process.js";
import { api, runCli, stop } from "./fixtures/processes.js";

interface IncidentView {
  id: number;
  source: string;
  category: string;
  priority: string;
  title: string;
  target: string;
  status: string;
  started_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  response_seconds: number | null;
  resolution_seconds: number | null;
  sla_bound_seconds: number;
  sla: string;
  changed?: boolean;
  events?: { at: string; kind: string; actor: string; text: string | null }[];
}

const TOKEN = randomBytes(24).toString("hex");
/** The token with only its last character changed. */
const ALMOST = TOKEN.slice(0, -1) + (TOKEN.endsWith("0") ? "1" : "0");

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

const okServer = () =>
  createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", connection: "close" });
    res.end("ok");
  });

/** The value of the first metric line matching `name{…labels…}` (labels in any order), or undefined. */
function metricValue(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of exposition.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf("}"));
    if (Object.entries(labels).every(([k, v]) => inside.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf("}") + 1).trim());
    }
  }
  return undefined;
}

describe("the incident API, metrics and CLI against a running agent", { timeout: 60_000 }, () => {
  let dir: string;
  let config: string;
  let plainConfig: string;
  let port: number;
  let plainPort: number;
  let downPort: number;
  let agent: RunningAgent;
  let plain: RunningAgent;
  const up = okServer();
  const downNowUp = okServer();
  let spawnedAt: number;
  let incidentId: number;

  const call = (method: "GET" | "POST", path: string, body?: unknown) =>
    api(port, method, path, { token: TOKEN, ...(body === undefined ? {} : { body }) });
  const incident = async (id: number) => (await call("GET", `/api/incidents/${id}`)).json as IncidentView;
  const list = async () => {
    const r = await call("GET", "/api/incidents");
    expect(r.status).toBe(200);
    return r.json as IncidentView[];
  };
  const metrics = async () => (await get(port, "/metrics")).body;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ops-agent-incidents-api-"));
    vi.stubEnv("OPS_AGENT_API_TOKEN", TOKEN);
    const upPort = await listen(up);
    downPort = await freePort(); // nothing listens there (until the resolve test)
    port = await freePort();
    plainPort = await freePort();
    config = writeConfig(
      dir,
      port,
      `  - type: http
    name: probes
    every: 1s
    targets:
      - { name: down, url: "http://127.0.0.1:${downPort}/", timeout: 2s }
      - { name: up, url: "http://127.0.0.1:${upPort}/", timeout: 2s }
`,
      // resolve_after 1000 for "down": only the operator resolves it in this test.
      `incidents:
  api_token: "\${OPS_AGENT_API_TOKEN}"
  rules:
    - { target: down, resolve_after: 1000 }
`,
    );
    const plainDir = join(dir, "plain");
    mkdirSync(plainDir);
    plainConfig = writeConfig(plainDir, plainPort, "  []\n");
    spawnedAt = Date.now();
    agent = startAgent(config);
    plain = startAgent(plainConfig);
  });

  afterAll(async () => {
    await Promise.all([stop(agent?.child), stop(plain?.child)]);
    await Promise.all([close(up), close(downNowUp)]);
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it("without incidents.api_token every incident route is 404, with or without a token", async () => {
    await waitFor(
      async () => ((await get(plainPort, "/healthz")).status === 200 ? true : undefined),
      20_000,
      `the agent without a token to serve /healthz\n${plain.output()}`,
    );
    const routes: ["GET" | "POST", string][] = [
      ["GET", "/api/incidents"],
      ["GET", "/api/incidents?status=open"],
      ["GET", "/api/incidents/1"],
      ["POST", "/api/incidents/1/ack"],
      ["POST", "/api/incidents/1/resolve"],
      ["POST", "/api/incidents/1/note"],
      ["GET", "/api/timeliness?window=month"],
      ["POST", "/api/alertmanager"],
    ];
    for (const [method, path] of routes) {
      const body = method === "POST" ? { by: "张工", text: "x" } : undefined;
      for (const token of [TOKEN, undefined]) {
        const r = await api(plainPort, method, path, {
          ...(token === undefined ? {} : { token }),
          ...(body === undefined ? {} : { body }),
        });
        expect(r.status, `${method} ${path} ${token ? "with" : "without"} a token`).toBe(404);
        expect(r.headers.get("www-authenticate")).toBeNull();
        expect((r.json as { error: string }).error).toContain("incidents.api_token");
      }
    }
  });

  it("opens one probe incident for the closed port (platform, started at the first failed probe); the up target opens none", async () => {
    const found = await waitFor(
      async () => {
        const r = await call("GET", "/api/incidents");
        if (r.status !== 200) return undefined;
        const all = r.json as IncidentView[];
        return all.length > 0 ? all : undefined;
      },
      20_000,
      `the probe incident\n${agent.output()}`,
    );
    // A few more probes: the up target stays without an incident.
    await new Promise((r) => setTimeout(r, 1_200));
    const all = await list();
    expect(all).toHaveLength(1);
    expect(found[0]?.id).toBe(all[0]?.id);
    const only = all[0] as IncidentView;
    incidentId = only.id;
    expect(only).toMatchObject({
      source: "probe",
      category: "platform",
      priority: "P2",
      target: "down",
      status: "open",
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: null,
      response_seconds: null,
      sla: "pending",
      sla_bound_seconds: 1800,
    });
    expect(only.title).toMatch(/^down: /);

    // started_at is the first failed probe: the collector's first run (the port was closed from the start).
    const db = new Database(join(dir, "data", "ops-agent.db"), { readonly: true, fileMustExist: true });
    const first = (
      db.prepare("SELECT min(started_at) AS t FROM collector_runs WHERE collector = 'probes'").get() as {
        t: number;
      }
    ).t;
    db.close();
    // In the configured zone (default Asia/Shanghai) with its offset and milliseconds, never "Z".
    expect(only.started_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
    const started = Date.parse(only.started_at);
    expect(started).toBeGreaterThanOrEqual(spawnedAt);
    expect(Math.abs(started - first)).toBeLessThan(1_000);

    const shown = await incident(incidentId);
    expect(shown.events?.map((e) => [e.kind, e.actor])).toEqual([["open", "agent"]]);
    expect(shown.events?.[0]?.text).toMatch(/^3 consecutive failed probes: /);
    expect(shown.events?.[0]?.at).toBe(only.started_at);

    const m = await metrics();
    expect(metricValue(m, "opsagent_incidents_open", { category: "platform", severity: "P2" })).toBe(1);
    expect(metricValue(m, "opsagent_incidents_open", { category: "videoconf", severity: "P1" })).toBe(0);
    // Nothing decided yet: no within-SLA share for the month.
    expect(
      metricValue(m, "opsagent_fault_response_within_sla_ratio", { category: "platform", window: "month" }),
    ).toBeUndefined();
  });

  it("refuses requests without the right bearer token (401, WWW-Authenticate) and changes nothing", async () => {
    const before = await incident(incidentId);
    const refusals: { what: string; options: { token?: string; authorization?: string } }[] = [
      { what: "no Authorization", options: {} },
      { what: "a wrong token", options: { token: "not-the-token" } },
      { what: "a token differing in its last character", options: { token: ALMOST } },
      { what: "the token with a suffix", options: { token: `${TOKEN}x` } },
      { what: "an empty bearer", options: { authorization: "Bearer " } },
      { what: "the token as Basic", options: { authorization: `Basic ${TOKEN}` } },
    ];
    for (const { what, options } of refusals) {
      const requests: ["GET" | "POST", string, unknown][] = [
        ["GET", "/api/incidents", undefined],
        ["GET", `/api/incidents/${incidentId}`, undefined],
        ["POST", `/api/incidents/${incidentId}/ack`, { by: "mallory" }],
        ["POST", `/api/incidents/${incidentId}/resolve`, { by: "mallory" }],
        ["POST", `/api/incidents/${incidentId}/note`, { by: "mallory", text: "hi" }],
        ["GET", "/api/timeliness", undefined],
        ["POST", "/api/alertmanager", { version: "4", status: "firing", alerts: [] }],
      ];
      for (const [method, path, body] of requests) {
        const r = await api(port, method, path, { ...options, ...(body === undefined ? {} : { body }) });
        expect(r.status, `${what}: ${method} ${path}`).toBe(401);
        expect(r.headers.get("www-authenticate"), `${what}: ${method} ${path}`).toBe(
          'Bearer realm="ops-agent"',
        );
        expect(r.json).toEqual({ error: "missing or wrong bearer token" });
      }
    }
    const after = await incident(incidentId);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: "open", acknowledged_at: null, resolved_at: null });
    expect(await list()).toHaveLength(1);
  });

  it("acknowledges once (张工, response time > 0); a second ack changes nothing; bad bodies are 400, unknown ids 404", async () => {
    const before = await incident(incidentId);
    const ack = await call("POST", `/api/incidents/${incidentId}/ack`, { by: "张工" });
    expect(ack.status, ack.text).toBe(200);
    const acked = ack.json as IncidentView;
    expect(acked).toMatchObject({
      id: incidentId,
      status: "acknowledged",
      acknowledged_by: "张工",
      changed: true,
      sla: "within",
    });
    expect(acked.response_seconds).toBeGreaterThan(0);
    expect(acked.response_seconds).toBeCloseTo(
      (Date.parse(acked.acknowledged_at as string) - Date.parse(before.started_at)) / 1000,
      3,
    );
    expect(Date.parse(acked.acknowledged_at as string)).toBeLessThanOrEqual(Date.now());
    expect(acked.acknowledged_at?.endsWith("+08:00")).toBe(true);

    // The within-SLA share follows at once.
    const m = await metrics();
    expect(
      metricValue(m, "opsagent_fault_response_within_sla_ratio", { category: "platform", window: "month" }),
    ).toBe(1);
    expect(metricValue(m, "opsagent_incidents_open", { category: "platform", severity: "P2" })).toBe(1);

    const again = await call("POST", `/api/incidents/${incidentId}/ack`, { by: "王工", note: "我也看到了" });
    expect(again.status, again.text).toBe(200);
    expect(again.json).toMatchObject({
      changed: false,
      acknowledged_by: "张工",
      acknowledged_at: acked.acknowledged_at,
      response_seconds: acked.response_seconds,
    });

    const eventsBefore = (await incident(incidentId)).events?.length;
    const bad: [string, string, unknown, RegExp][] = [
      ["ack", "not JSON", "by=张工", /^body is not JSON: /],
      ["ack", "an empty body", "", /^body is not JSON: /],
      ["ack", "no by", {}, /^by: /],
      ["ack", "a blank by", { by: "   " }, /^by: /],
      ["ack", "a number as by", { by: 7 }, /^by: /],
      ["ack", "an extra key", { by: "张工", extra: 1 }, /extra/],
      ["ack", "an array", [{ by: "张工" }], /^\(body\): /],
      ["resolve", "an extra key", { by: "张工", when: "now" }, /when/],
      ["resolve", "no by", { note: "fixed" }, /^by: /],
      ["note", "no text", { by: "张工" }, /^text: /],
      ["note", "a blank text", { by: "张工", text: "  " }, /^text: /],
      ["note", "a note instead of text", { by: "张工", note: "x" }, /note/],
    ];
    for (const [kind, what, body, reason] of bad) {
      const r = await call("POST", `/api/incidents/${incidentId}/${kind}`, body);
      expect(r.status, `${kind} with ${what}: ${r.text}`).toBe(400);
      expect((r.json as { error: string }).error, `${kind} with ${what}`).toMatch(reason);
    }
    for (const kind of ["ack", "resolve", "note"]) {
      const body = kind === "note" ? { by: "张工", text: "x" } : { by: "张工" };
      const r = await call("POST", `/api/incidents/999999/${kind}`, body);
      expect(r.status, `${kind} of an unknown id: ${r.text}`).toBe(404);
      expect(r.json).toMatchObject({ error: expect.stringContaining("999999") });
    }
    expect((await call("GET", "/api/incidents/999999")).status).toBe(404);
    expect((await call("GET", "/api/incidents?status=bogus")).status).toBe(400);
    expect((await call("GET", "/api/incidents?category=network")).status).toBe(400);
    expect((await call("GET", "/api/timeliness?window=week")).status).toBe(400);

    const after = await incident(incidentId);
    expect(after.events).toHaveLength(eventsBefore as number);
    expect(after).toMatchObject({ status: "acknowledged", acknowledged_by: "张工", resolved_at: null });
  });

  it("adds a note, resolves (once) and shows the events in order; the timeliness and metrics follow", async () => {
    const note = await call("POST", `/api/incidents/${incidentId}/note`, {
      by: "张工",
      text: "端口未监听，已重启 web 服务",
    });
    expect(note.status, note.text).toBe(200);
    expect(note.json).toMatchObject({ id: incidentId, status: "acknowledged" });

    // The target recovers first (a still-failing target would be failing again after the resolve).
    await listen(downNowUp, downPort);
    await waitFor(
      async () =>
        metricValue(await metrics(), "opsagent_http_probe_up", { collector: "probes", target: "down" }) === 1
          ? true
          : undefined,
      10_000,
      "a good probe of the recovered target",
    );
    const resolved = await call("POST", `/api/incidents/${incidentId}/resolve`, { by: "张工", note: "恢复" });
    expect(resolved.status, resolved.text).toBe(200);
    const view = resolved.json as IncidentView;
    expect(view).toMatchObject({ status: "resolved", resolved_by: "张工", changed: true, sla: "within" });
    expect(view.resolution_seconds).toBeGreaterThan(view.response_seconds as number);
    const twice = await call("POST", `/api/incidents/${incidentId}/resolve`, { by: "王工" });
    expect(twice.status).toBe(200);
    expect(twice.json).toMatchObject({ changed: false, resolved_by: "张工", resolved_at: view.resolved_at });

    const shown = await incident(incidentId);
    expect(shown.events?.map((e) => [e.kind, e.actor, e.text])).toEqual([
      ["open", "agent", expect.stringMatching(/^3 consecutive failed probes/)],
      ["ack", "张工", null],
      ["note", "王工", "acknowledged again: 我也看到了"],
      ["note", "张工", "端口未监听，已重启 web 服务"],
      ["resolve", "张工", "恢复"],
    ]);
    const times = (shown.events ?? []).map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(shown.events?.[1]?.at).toBe(shown.acknowledged_at);
    expect(shown.events?.[4]?.at).toBe(shown.resolved_at);

    const timeliness = await call("GET", "/api/timeliness?window=month");
    expect(timeliness.status).toBe(200);
    const report = timeliness.json as { window: string; categories: Record<string, unknown>[] };
    expect(report.window).toBe("month");
    expect(report.categories.find((c) => c.category === "platform")).toMatchObject({
      incidents: 1,
      within: 1,
      late: 0,
      pending: 0,
      share: 1,
      timely: true,
    });
    expect(report.categories.find((c) => c.category === "videoconf")).toMatchObject({ incidents: 0 });

    const m = await metrics();
    expect(metricValue(m, "opsagent_incidents_open", { category: "platform", severity: "P2" })).toBe(0);
    expect(
      metricValue(m, "opsagent_fault_response_within_sla_ratio", { category: "platform", window: "month" }),
    ).toBe(1);
    expect(metricValue(m, "opsagent_fault_response_timely", { category: "platform", window: "month" })).toBe(
      1,
    );
  });

  it("the CLI beside the running agent lists the same incident, and its ack is visible through the API", async () => {
    const listed = await runCli(["incident", "list", "--json", "--config", config]);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: incidentId,
      source: "probe",
      category: "platform",
      status: "resolved",
      acknowledgedBy: "张工",
      resolvedBy: "张工",
    });
    const viaApi = await incident(incidentId);
    // The same instants: the CLI's JSON in the zone with its offset, the API's in UTC.
    // (to the second: the CLI's ISO time has no milliseconds).
    const toSecond = (t: unknown) => Math.floor(Date.parse(String(t)) / 1000);
    expect(toSecond(rows[0]?.startedAt)).toBe(toSecond(viaApi.started_at));
    expect(toSecond(rows[0]?.acknowledgedAt)).toBe(toSecond(viaApi.acknowledged_at));

    // A second incident: the up target goes down.
    await close(up);
    const second = await waitFor(
      async () => (await list()).find((i) => i.target === "up" && i.status === "open"),
      20_000,
      `an incident for the target that went down\n${agent.output()}`,
    );
    expect(second.id).not.toBe(incidentId);
    expect(second).toMatchObject({ source: "probe", category: "platform", acknowledged_at: null });

    const ack = await runCli(["incident", "ack", String(second.id), "--by", "李工", "--config", config]);
    expect(ack.code, ack.stderr).toBe(0);
    expect(ack.stdout.trim()).toBe(`#${second.id}: acknowledged by 李工`);
    const seen = await incident(second.id);
    expect(seen).toMatchObject({ status: "acknowledged", acknowledged_by: "李工", sla: "within" });
    expect(seen.response_seconds).toBeGreaterThan(0);
    expect(seen.events?.map((e) => [e.kind, e.actor])).toEqual([
      ["open", "agent"],
      ["ack", "李工"],
    ]);
    const unknown = await runCli(["incident", "ack", "999999", "--by", "李工", "--config", config]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("999999");

    // The first incident is untouched by all this; the list is newest first and filters.
    expect(await incident(incidentId)).toMatchObject({ status: "resolved", acknowledged_by: "张工" });
    expect((await list()).map((i) => i.id)).toEqual([second.id, incidentId]);
    const ids = async (query: string) =>
      ((await call("GET", `/api/incidents?${query}`)).json as IncidentView[]).map((i) => i.id);
    expect(await ids("status=acknowledged")).toEqual([second.id]);
    expect(await ids("status=resolved")).toEqual([incidentId]);
    expect(await ids("status=unresolved")).toEqual([second.id]);
    expect(await ids("status=open")).toEqual([]);
    expect(await ids("category=platform&source=probe")).toEqual([second.id, incidentId]);
    expect(await ids("source=alertmanager")).toEqual([]);
    expect(await ids("limit=1")).toEqual([second.id]);
  });
});
