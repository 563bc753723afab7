/**
 * Fault: peers that accept a connection and never answer, that answer one byte per second, and that
 * reset the connection — for every protocol the agent speaks to a peer: the http probe, SIP OPTIONS
 * (TCP, plus a UDP port that drops everything), vCenter (HTTPS) and the antivirus manager (Deep
 * Security, HTTPS). Two real agent processes (the antivirus collectors need a working inventory, and
 * a failing vCenter makes the inventory unknown, so they run beside a static inventory in a second
 * agent). Each probe or request must end at its own timeout (2 s here) and every run must finish on
 * its own — `result="ok"` or `"failed"`, never `"timeout"` (the runner cutting it off at the run's
 * 20 s timeout) — with reasons that say timeout or connect. No timing is asserted beyond that.
 */
import Database from "better-sqlite3";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_DIR } from "../../simroom/index.js";
import { startBadPeer, startSilentUdp, type BadPeer } from "../helpers/bad-peers.js";
import {
  freePort,
  get,
  startAgent,
  waitFor,
  writeConfig,
  type RunningAgent,
} from "../helpers/agent-process.js";

const TLS = {
  key: readFileSync(join(DEMO_DIR, "server.key"), "utf8"),
  cert: readFileSync(join(DEMO_DIR, "server.pem"), "utf8"),
};
const CA = join(DEMO_DIR, "ca.pem");
const SIP_ANSWER =
  "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
const JSON_ANSWER =
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{"computers": [';

const peers: BadPeer[] = [];
const agents: RunningAgent[] = [];

async function peer(...args: Parameters<typeof startBadPeer>): Promise<number> {
  const p = await startBadPeer(...args);
  peers.push(p);
  return p.port;
}

/** Runs per collector and result, from /metrics. */
function runCounts(metrics: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const m of metrics.matchAll(
    /^opsagent_collector_runs_total\{collector="([^"]+)",type="[^"]+",result="([^"]+)"[^}]*\} (\d+)/gm,
  )) {
    const byResult = out.get(m[1]!) ?? new Map<string, number>();
    byResult.set(m[2]!, Number(m[3]));
    out.set(m[1]!, byResult);
  }
  return out;
}

async function firstRuns(port: number, collectors: string[]): Promise<Map<string, Map<string, number>>> {
  return waitFor(
    async () => {
      const counts = runCounts((await get(port, "/metrics")).body);
      const done = collectors.every((c) => [...(counts.get(c)?.values() ?? [])].some((n) => n > 0));
      return done ? counts : undefined;
    },
    // The runs end at their 2 s request timeouts; 45 s is only the test's own bound on a loaded machine.
    45_000,
    `a finished run of each of ${collectors.join(", ")}`,
  );
}

/** target name → reason code of its stored failure samples (the store, read beside the agent). */
function reasons(dbPath: string, collector: string): Map<string, string[]> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT t.name AS target, r.code AS reason FROM samples s
           JOIN series se ON se.id = s.series_id JOIN targets t ON t.id = se.target_id
           JOIN reasons r ON r.id = s.reason_id
          WHERE t.collector = ? GROUP BY t.name, r.code`,
      )
      .all(collector) as { target: string; reason: string }[];
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.target, [...(out.get(r.target) ?? []), r.reason]);
    return out;
  } finally {
    db.close();
  }
}

interface Health {
  collectors: { name: string; last_status: string; last_error?: string }[];
}

describe("fault: peers that hang, drip one byte a second, or reset", () => {
  let dirA = "";
  let dirB = "";
  let portA = 0;
  let portB = 0;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    const httpHang = await peer("hang");
    const httpDrip = await peer("drip");
    const httpReset = await peer("reset");
    const sipHang = await peer("hang");
    const sipDrip = await peer("drip", { payload: SIP_ANSWER });
    const sipReset = await peer("reset");
    const udp = await startSilentUdp();
    peers.push(udp);
    const vcHang = await peer("hang", { tls: TLS });
    const vcDrip = await peer("drip", { tls: TLS });
    const vcReset = await peer("reset");
    const avHang = await peer("hang", { tls: TLS });
    const avDrip = await peer("drip", { tls: TLS, payload: JSON_ANSWER });
    const avReset = await peer("reset");

    // tempDir() belongs to a test; these live for the file.
    dirA = mkdtempSync(join(tmpdir(), "ops-agent-faults-"));
    dirB = mkdtempSync(join(tmpdir(), "ops-agent-faults-"));
    cleanups.push(() => rmSync(dirA, { recursive: true, force: true }));
    cleanups.push(() => rmSync(dirB, { recursive: true, force: true }));

    const vcenter = (name: string, port: number) => `  - type: vcenter
    name: ${name}
    every: 1m
    timeout: 20s
    url: https://127.0.0.1:${port}
    username: administrator@vsphere.local
    password: file:${join(DEMO_DIR, "vcenter.password")}
    tls_ca_file: ${CA}
    request_timeout: 2s
    scope: { name: ${name}, expected: 1 }
`;
    portA = await freePort();
    const configA = writeConfig(
      dirA,
      portA,
      `  - type: http
    name: web
    every: 1m
    timeout: 20s
    targets:
      - { name: hang, url: "http://127.0.0.1:${httpHang}/", timeout: 2s }
      - { name: drip, url: "http://127.0.0.1:${httpDrip}/", timeout: 2s }
      - { name: reset, url: "http://127.0.0.1:${httpReset}/", timeout: 2s }
  - type: sip
    name: sip
    every: 1m
    timeout: 20s
    probe_timeout: 2s
    targets:
      - { name: hang, host: 127.0.0.1, port: ${sipHang}, transport: tcp }
      - { name: drip, host: 127.0.0.1, port: ${sipDrip}, transport: tcp }
      - { name: reset, host: 127.0.0.1, port: ${sipReset}, transport: tcp }
      - { name: silent-udp, host: 127.0.0.1, port: ${udp.port}, transport: udp }
${vcenter("vcenter-hang", vcHang)}${vcenter("vcenter-drip", vcDrip)}${vcenter("vcenter-reset", vcReset)}`,
    );
    const antivirus = (name: string, port: number) => `  - type: antivirus
    name: ${name}
    every: 1m
    timeout: 20s
    request_timeout: 2s
    source:
      kind: deep_security
      url: https://127.0.0.1:${port}
      api_key: file:${join(DEMO_DIR, "dsm-api.key")}
      tls_ca_file: ${CA}
`;
    const vms = join(dirB, "vms.csv");
    writeFileSync(vms, "name,bios_uuid,power_state\njyj-web-01,4207a8f3-1c2d-4e5f-8a9b-0c1d2e3f4a5b,on\n");
    portB = await freePort();
    const configB = writeConfig(
      dirB,
      portB,
      `  - type: inventory
    every: 1m
    path: ${vms}
${antivirus("av-hang", avHang)}${antivirus("av-drip", avDrip)}${antivirus("av-reset", avReset)}`,
    );
    agents.push(startAgent(configA), startAgent(configB));
  });

  afterAll(async () => {
    for (const agent of agents) agent.child.kill("SIGTERM");
    const exits = await Promise.all(agents.map((a) => a.exited));
    await Promise.all(peers.map((p) => p.close()));
    for (const c of cleanups) c();
    // Stopping cleanly with runs against hung peers: exit 0 each.
    expect(exits.map((e) => e.code)).toEqual(agents.map(() => 0));
  });

  it("http: every probe ends at its 2 s timeout or on the reset, the run finishes by itself", async () => {
    const counts = await firstRuns(portA, ["web"]);
    expect(Object.fromEntries(counts.get("web")!)).toEqual({ ok: expect.any(Number) });
    const metrics = (await get(portA, "/metrics")).body;
    for (const target of ["hang", "drip", "reset"])
      expect(metrics).toMatch(
        new RegExp(`^opsagent_http_probe_up\\{collector="web",target="${target}",site="e2e"\\} 0$`, "m"),
      );
    const why = reasons(join(dirA, "data", "ops-agent.db"), "web");
    expect(why.get("hang")).toEqual(["timeout"]);
    expect(why.get("drip")).toEqual(["timeout"]);
    expect(why.get("reset")).toEqual(["connect"]);
  });

  it("sip: TCP probes end at probe_timeout or on the reset, the dropped UDP one at probe_timeout", async () => {
    const counts = await firstRuns(portA, ["sip"]);
    expect(Object.fromEntries(counts.get("sip")!)).toEqual({ ok: expect.any(Number) });
    const why = reasons(join(dirA, "data", "ops-agent.db"), "sip");
    expect(why.get("hang")).toEqual(["timeout"]);
    // A server that sends part of an answer and stalls: at probe_timeout the probe ends, and what
    // came is reported as a cut-off answer (collectors/sip/README.md: "a TCP answer that stops").
    expect(why.get("drip")).toHaveLength(1);
    expect(["timeout", "malformed"]).toContain(why.get("drip")![0]);
    expect(why.get("reset")).toEqual(["connect"]);
    expect(why.get("silent-udp")).toEqual(["timeout"]);
  });

  it("vCenter: each request ends at request_timeout or on the reset; the run fails by itself (unknown), not by the run timeout", async () => {
    const names = ["vcenter-hang", "vcenter-drip", "vcenter-reset"];
    const counts = await firstRuns(portA, names);
    for (const name of names)
      expect(Object.fromEntries(counts.get(name)!), name).toEqual({ failed: expect.any(Number) });
    const health = JSON.parse((await get(portA, "/healthz")).body) as Health;
    const error = (name: string) => health.collectors.find((c) => c.name === name)?.last_error ?? "";
    expect(error("vcenter-hang")).toMatch(/got no answer within 2000 ms \(request_timeout\)/);
    expect(error("vcenter-drip")).toMatch(/got no answer within 2000 ms \(request_timeout\)/);
    expect(error("vcenter-reset")).toMatch(
      /ECONNRESET|socket hang up|reset|socket disconnected before secure TLS connection/i,
    );
    // Unknown, not zero: no VM count for a vCenter that did not answer.
    expect((await get(portA, "/metrics")).body).not.toMatch(/^opsagent_vms_in_scope\{/m);
  });

  it("antivirus manager: each request ends at request_timeout or on the reset; coverage unknown, the run fails by itself", async () => {
    const names = ["av-hang", "av-drip", "av-reset"];
    const counts = await firstRuns(portB, ["inventory", ...names]);
    expect(Object.fromEntries(counts.get("inventory")!)).toEqual({ ok: expect.any(Number) });
    for (const name of names)
      expect(Object.fromEntries(counts.get(name)!), name).toEqual({ failed: expect.any(Number) });
    const health = JSON.parse((await get(portB, "/healthz")).body) as Health;
    const error = (name: string) => health.collectors.find((c) => c.name === name)?.last_error ?? "";
    expect(error("av-hang")).toMatch(/no answer within 2s/);
    expect(error("av-drip")).toMatch(/no answer within 2s/);
    // A reset during the TLS handshake: Node says ECONNRESET or "Client network socket disconnected
    // before secure TLS connection was established", depending on when the RST lands.
    expect(error("av-reset")).toMatch(
      /ECONNRESET|socket hang up|reset|socket disconnected before secure TLS connection/i,
    );
    expect((await get(portB, "/metrics")).body).not.toMatch(/^opsagent_antivirus_coverage_ratio\{/m);
  });

  it("every misbehaving peer was actually reached (the failures above are theirs)", () => {
    for (const p of peers) expect(p.accepted(), `peer on port ${p.port}`).toBeGreaterThan(0);
  });
});
