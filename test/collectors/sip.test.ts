/**
 * The sip collector against real peers on 127.0.0.1: a private Kamailio (test/helpers/kamailio.ts)
 * for 200 / 503 / no answer over UDP and TCP, and small fake servers for what Kamailio will not
 * do (garbage, truncated answers, 100 Trying, foreign Call-IDs, lost datagrams).
 */
import dgram from "node:dgram";
import net from "node:net";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { systemClock } from "../../agent/clock.js";
import { createSipCollector, sipPlugin } from "../../collectors/sip/index.js";
import { noInventory, type CollectContext, type Sample } from "../../collectors/types.js";
import { freePort, startKamailio, type Kamailio } from "../helpers/kamailio.js";
import { findPeer } from "../helpers/peers.js";

const log = pino({ level: "silent" });
const deps = { clock: systemClock, log, inventory: noInventory };

function ctx(signal: AbortSignal = new AbortController().signal): CollectContext {
  return { signal, now: () => systemClock.now(), log };
}

type TargetInput = { name?: string; port: number; transport?: "udp" | "tcp"; host?: string };

async function run(targets: TargetInput[], extra: Record<string, unknown> = {}): Promise<Sample[]> {
  const options = sipPlugin.schema.parse({
    targets: targets.map((t, i) => ({ name: t.name ?? `t${i}`, host: t.host ?? "127.0.0.1", ...t })),
    probe_timeout: "1s",
    ...extra,
  });
  return createSipCollector(options, deps).collect(ctx());
}

interface Verdict {
  up: boolean | undefined;
  reason: string | undefined;
  detail: string | undefined;
  rtt: number | null | undefined;
  status: number | undefined;
  degraded: number | null | undefined;
}

function verdict(samples: Sample[], port: number, transport = "udp"): Verdict {
  const mine = samples.filter((s) => s.target.key === `sip:${transport}:127.0.0.1:${port}`);
  const get = (metric: string): Sample | undefined => mine.find((s) => s.metric === metric);
  const up = get("sip_options_up");
  return {
    up: up?.up,
    reason: up?.reason,
    detail: up?.detail,
    rtt: get("sip_options_rtt_seconds")?.value,
    status: get("sip_options_status_code")?.value ?? undefined,
    degraded: get("sip_options_degraded")?.value,
  };
}

/** A reply to `request` (a SIP request as text) with the request's Via, Call-ID and CSeq. */
function reply(request: string, status: string, overrides: { callId?: string } = {}): string {
  const get = (name: string): string =>
    request
      .split("\r\n")
      .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.replace(/^[^:]+:\s*/, "") ?? "";
  return [
    `SIP/2.0 ${status}`,
    `Via: ${get("Via")}`,
    `From: ${get("From")}`,
    `To: ${get("To")};tag=fake`,
    `Call-ID: ${overrides.callId ?? get("Call-ID")}`,
    `CSeq: ${get("CSeq")}`,
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

type UdpBehaviour = (request: string, count: number) => (string | Buffer)[];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function fakeUdp(behaviour: UdpBehaviour): Promise<{ port: number; received: () => number }> {
  const socket = dgram.createSocket("udp4");
  let count = 0;
  socket.on("message", (msg, rinfo) => {
    count++;
    for (const out of behaviour(msg.toString("latin1"), count)) socket.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { port: socket.address().port, received: () => count };
}

async function fakeTcp(behaviour: (request: string, socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (text.includes("\r\n\r\n")) behaviour(text, socket);
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

describe("sip collector against Kamailio", () => {
  let kamailio: Kamailio | undefined;
  let binary: string | undefined;

  beforeAll(async () => {
    binary = findPeer("kamailio", "kamailio");
    if (binary !== undefined) kamailio = await startKamailio(binary);
  }, 20_000);
  afterAll(async () => {
    await kamailio?.stop();
  });

  function peer(c: TestContext): Kamailio {
    if (kamailio === undefined) c.skip();
    return kamailio as Kamailio;
  }

  it("200 over UDP and TCP is up, with an RTT and the status", async (c) => {
    const k = peer(c);
    const samples = await run([
      { port: k.upPort, transport: "udp" },
      { port: k.upPort, transport: "tcp" },
    ]);
    for (const transport of ["udp", "tcp"]) {
      const v = verdict(samples, k.upPort, transport);
      expect(v, k.output()).toMatchObject({ up: true, reason: undefined, status: 200, degraded: 0 });
      expect(v.rtt).toBeGreaterThan(0);
      expect(v.rtt).toBeLessThan(1);
    }
    const target = samples[0]?.target;
    expect(target).toEqual({ key: `sip:udp:127.0.0.1:${k.upPort}`, kind: "mcu", name: "t0" });
    expect(samples.every((s) => s.metric in sipPlugin.metrics)).toBe(true);
  });

  it("503 is degraded over UDP and TCP", async (c) => {
    const k = peer(c);
    const samples = await run([
      { port: k.degradedPort, transport: "udp" },
      { port: k.degradedPort, transport: "tcp" },
    ]);
    for (const transport of ["udp", "tcp"]) {
      expect(verdict(samples, k.degradedPort, transport)).toMatchObject({
        up: false,
        reason: "degraded",
        detail: "503 Service Unavailable",
        status: 503,
        degraded: 1,
      });
      expect(verdict(samples, k.degradedPort, transport).rtt).toBeGreaterThan(0);
    }
  });

  it("503 not listed as degraded is a plain status failure", async (c) => {
    const k = peer(c);
    const samples = await run([{ port: k.degradedPort }], { degraded_codes: [] });
    expect(verdict(samples, k.degradedPort)).toMatchObject({ up: false, reason: "status", degraded: 0 });
  });

  it("no answer is a timeout within probe_timeout, without stalling the other targets", async (c) => {
    const k = peer(c);
    const started = performance.now();
    const samples = await run(
      [
        { port: k.dropPort, transport: "udp" },
        { port: k.dropPort, transport: "tcp" },
        { port: k.upPort, transport: "udp" },
      ],
      { probe_timeout: "700ms", concurrency: 3 },
    );
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(650);
    expect(elapsed).toBeLessThan(1_500);
    for (const transport of ["udp", "tcp"]) {
      expect(verdict(samples, k.dropPort, transport)).toMatchObject({
        up: false,
        reason: "timeout",
        detail: "no final response within 700ms",
        rtt: null,
        status: undefined,
        degraded: 0,
      });
    }
    expect(verdict(samples, k.upPort).up).toBe(true);
  });
});

describe("sip collector against closed ports and fake servers", () => {
  it("a closed TCP port is connect", async () => {
    const port = await freePort();
    const v = verdict(await run([{ port, transport: "tcp" }]), port, "tcp");
    expect(v).toMatchObject({ up: false, reason: "connect", rtt: null });
    expect(v.detail).toMatch(/ECONNREFUSED/);
  });

  it("a closed UDP port is connect (ICMP port unreachable) or, where ICMP is filtered, timeout", async () => {
    const port = await freePort();
    const v = verdict(await run([{ port }]), port);
    expect(v.up).toBe(false);
    expect(["connect", "timeout"]).toContain(v.reason);
    if (v.reason === "connect") expect(v.detail).toMatch(/ICMP port unreachable/);
  });

  it("garbage over UDP is malformed", async () => {
    const { port } = await fakeUdp(() => ["HTTP/1.1 400 Bad Request\r\n\r\n"]);
    const v = verdict(await run([{ port }]), port);
    expect(v).toMatchObject({ up: false, reason: "malformed", rtt: null, status: undefined });
    expect(v.detail).toMatch(/not a SIP response: "HTTP\/1.1 400 Bad Request"/);
  });

  it("a truncated UDP answer is malformed", async () => {
    const { port } = await fakeUdp((req) => [reply(req, "200 OK").slice(0, 40)]);
    const v = verdict(await run([{ port }]), port);
    expect(v).toMatchObject({ up: false, reason: "malformed" });
    expect(v.detail).toMatch(/truncated response/);
  });

  it("ignores a foreign Call-ID and 100 Trying, then takes the 200", async () => {
    const { port } = await fakeUdp((req) => [
      reply(req, "200 OK", { callId: "not-ours@elsewhere" }),
      reply(req, "100 Trying"),
      reply(req, "200 OK"),
    ]);
    expect(verdict(await run([{ port }]), port)).toMatchObject({ up: true, status: 200 });
  });

  it("a foreign Call-ID alone is not an answer: timeout", async () => {
    const { port } = await fakeUdp((req) => [reply(req, "200 OK", { callId: "not-ours@elsewhere" })]);
    expect(verdict(await run([{ port }], { probe_timeout: "300ms" }), port).reason).toBe("timeout");
  });

  it("retransmits over UDP (timer E: 500ms) and counts the RTT from the first send", async () => {
    const server = await fakeUdp((req, count) => (count === 1 ? [] : [reply(req, "200 OK")]));
    const v = verdict(await run([{ port: server.port }]), server.port);
    expect(v).toMatchObject({ up: true, status: 200 });
    expect(server.received()).toBe(2);
    expect(v.rtt).toBeGreaterThanOrEqual(0.45);
  });

  it("TCP: a 100 Trying then a 200 split across writes is up", async () => {
    const port = await fakeTcp((req, socket) => {
      const ok = reply(req, "200 OK");
      socket.write(reply(req, "100 Trying") + ok.slice(0, 10));
      setTimeout(() => socket.write(ok.slice(10)), 50);
    });
    expect(verdict(await run([{ port, transport: "tcp" }]), port, "tcp")).toMatchObject({
      up: true,
      status: 200,
    });
  });

  it("TCP: garbage is malformed, a cut-off answer then close is malformed", async () => {
    const garbage = await fakeTcp((_req, socket) => socket.end("SSH-2.0-OpenSSH_9.2\r\n"));
    const cut = await fakeTcp((req, socket) => socket.end(reply(req, "200 OK").slice(0, 30)));
    const samples = await run([
      { port: garbage, transport: "tcp" },
      { port: cut, transport: "tcp" },
    ]);
    expect(verdict(samples, garbage, "tcp")).toMatchObject({ up: false, reason: "malformed" });
    expect(verdict(samples, garbage, "tcp").detail).toMatch(/not a SIP response: "SSH-2.0/);
    expect(verdict(samples, cut, "tcp")).toMatchObject({ up: false, reason: "malformed" });
    expect(verdict(samples, cut, "tcp").detail).toMatch(/truncated response.*connection closed/);
  });

  it("a name that does not resolve is dns", async () => {
    const samples = await run([{ port: 5060, host: "no-such-host.invalid" }]);
    const up = samples.find((s) => s.metric === "sip_options_up");
    expect(up).toMatchObject({ up: false, reason: "dns" });
  });

  it("an aborted run rejects at once instead of reporting the targets", async () => {
    const { port } = await fakeUdp(() => []);
    const options = sipPlugin.schema.parse({
      targets: [{ name: "a", host: "127.0.0.1", port }],
      probe_timeout: "5s",
    });
    const controller = new AbortController();
    const started = performance.now();
    const pending = createSipCollector(options, deps).collect(ctx(controller.signal));
    setTimeout(() => controller.abort(new Error("run timed out")), 100);
    await expect(pending).rejects.toThrow("run timed out");
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
