/**
 * The http collector against real servers on loopback (127.0.0.1 / 127.0.0.2 only) and a real
 * certificate made with openssl at test time.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { createSelfSigned, type SelfSigned } from "../../simroom/test-ca.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../agent/clock.js";
import { createHttpCollector, httpPlugin } from "../../collectors/http/index.js";
import { classifyError, reasonForCode, statusDetail } from "../../collectors/http/reasons.js";
import { noInventory, type CollectContext, type Sample } from "../../collectors/types.js";

const log = pino({ level: "silent" });
const deps = { clock: systemClock, log, inventory: noInventory };

function ctx(signal: AbortSignal = new AbortController().signal): CollectContext {
  return { signal, now: () => systemClock.now(), log };
}

let base = "";
let tlsBase = "";
let tlsOtherHostBase = "";
let closedPortUrl = "";
let selfSigned: SelfSigned | undefined;
let certFile = "";
let inFlight = 0;
let maxInFlight = 0;
let connections = 0;
const servers: (http.Server | https.Server)[] = [];

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = req.url ?? "/";
  if (path === "/ok") {
    res.end("ok");
  } else if (path === "/bad") {
    res.statusCode = 502;
    res.end("bad gateway");
  } else if (path === "/empty") {
    res.statusCode = 204;
    res.end();
  } else if (path === "/slow") {
    const timer = setTimeout(() => res.end("late"), 5_000);
    res.on("close", () => clearTimeout(timer));
  } else if (path === "/count") {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.end("counted");
    }, 60);
  } else if (path === "/reset") {
    req.socket.destroy();
  } else if (path === "/big") {
    res.end(Buffer.alloc(11 * 1024 * 1024, 1));
  } else if (path === "/method") {
    res.statusCode = req.method === "HEAD" ? 200 : 405;
    res.end();
  } else {
    res.statusCode = 404;
    res.end();
  }
}

async function listen(server: http.Server | https.Server, host: string): Promise<number> {
  servers.push(server);
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  base = `http://127.0.0.1:${await listen(http.createServer(handler), "127.0.0.1")}`;

  // A port that was just free: nothing listens there, so connecting is refused.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPortUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  // A self-signed certificate valid for 127.0.0.1 only.
  selfSigned = createSelfSigned();
  certFile = selfSigned.certFile;
  const tlsOptions = selfSigned.tls();
  tlsBase = `https://127.0.0.1:${await listen(https.createServer(tlsOptions, handler), "127.0.0.1")}`;
  tlsOtherHostBase = `https://127.0.0.2:${await listen(https.createServer(tlsOptions, handler), "127.0.0.2")}`;
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  selfSigned?.cleanup();
});

type TargetInput = { name: string; url: string } & Record<string, unknown>;

async function run(targets: TargetInput[], extra: Record<string, unknown> = {}): Promise<Sample[]> {
  const config = httpPlugin.schema.parse({ targets, ...extra });
  return createHttpCollector(config, deps).collect(ctx());
}

function upSample(samples: Sample[], name: string): Sample {
  const found = samples.find((s) => s.metric === "http_probe_up" && s.target.name === name);
  if (found === undefined) throw new Error(`no http_probe_up sample for ${name}`);
  return found;
}

function valueOf(samples: Sample[], name: string, metric: string): number | null | undefined {
  return samples.find((s) => s.metric === metric && s.target.name === name)?.value;
}

describe("http failure reasons", () => {
  it.each([
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["ECONNREFUSED", "connect"],
    ["ECONNRESET", "connect"],
    ["EHOSTUNREACH", "connect"],
    ["ENETUNREACH", "connect"],
    ["ETIMEDOUT", "timeout"],
    ["CERT_HAS_EXPIRED", "tls"],
    ["CERT_NOT_YET_VALID", "tls"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "tls"],
    ["SELF_SIGNED_CERT_IN_CHAIN", "tls"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "tls"],
    ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "tls"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "tls"],
    ["EPROTO", "tls"],
    ["HPE_INVALID_CONSTANT", "response"],
    ["ERR_BAD_RESPONSE", "response"],
    ["ESOMETHINGNEW", "error"],
    [undefined, "error"],
  ])("%s → %s", (code, reason) => {
    expect(reasonForCode(code)).toBe(reason);
  });

  it("looks through a wrapper's cause and Happy Eyeballs' AggregateError for the code", () => {
    const inner = Object.assign(new Error("connect ECONNREFUSED ::1:80"), { code: "ECONNREFUSED" });
    const aggregate = Object.assign(new AggregateError([inner], ""), { code: "ECONNREFUSED" });
    const wrapped = Object.assign(new Error(""), { code: undefined, cause: aggregate });
    expect(classifyError(wrapped)).toEqual({ reason: "connect", detail: "connect ECONNREFUSED ::1:80" });
  });

  it("names the code in the detail when the message does not", () => {
    const err = Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    expect(classifyError(err)).toEqual({
      reason: "tls",
      detail: "self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)",
    });
  });

  it("keeps an unknown error's message", () => {
    expect(classifyError(new Error("something odd"))).toEqual({ reason: "error", detail: "something odd" });
    expect(classifyError("string thrown")).toEqual({ reason: "error", detail: "string thrown" });
  });

  it.each([
    [502, [200], "status 502, expected 200"],
    [404, [200, 204], "status 404, expected 200 or 204"],
    [500, [200, 201, 204], "status 500, expected 200, 201 or 204"],
  ])("status %i against %j", (status, expected, detail) => {
    expect(statusDetail(status, expected)).toBe(detail);
  });
});

describe("http options", () => {
  it("fills defaults", () => {
    const config = httpPlugin.schema.parse({ targets: [{ name: "a", url: "http://127.0.0.1/" }] });
    expect(config).toEqual({
      targets: [{ name: "a", url: "http://127.0.0.1/", method: "GET", expected_status: [200], headers: {} }],
      concurrency: 16,
      insecure_skip_verify: false,
    });
  });

  it("parses the timeout into milliseconds", () => {
    const config = httpPlugin.schema.parse({
      targets: [{ name: "a", url: "http://127.0.0.1/", timeout: "1m30s" }],
    });
    expect(config.targets[0]?.timeout).toBe(90_000);
  });

  it.each([
    [{ targets: [] }, "too_small"],
    [{ targets: [{ name: "a", url: "ftp://127.0.0.1/" }] }, 'unsupported URL scheme "ftp"'],
    [{ targets: [{ name: "a", url: "not a url" }] }, "expected an absolute http:// or https:// URL"],
    [{ targets: [{ name: "", url: "http://127.0.0.1/" }] }, "too_small"],
    [{ targets: [{ name: "a", url: "http://127.0.0.1/", method: "PUT" }] }, "invalid_value"],
    [{ targets: [{ name: "a", url: "http://127.0.0.1/", timeout: "soon" }] }, "expected a duration"],
    [{ targets: [{ name: "a", url: "http://127.0.0.1/", every: "30s" }] }, "unrecognized_keys"],
    [{ targets: [{ name: "a", url: "http://127.0.0.1/" }], concurrency: 0 }, "too_small"],
    [
      {
        targets: [
          { name: "a", url: "http://127.0.0.1/" },
          { name: "a", url: "http://127.0.0.1/x" },
        ],
      },
      'duplicate target name "a"',
    ],
  ])("rejects %j", (input, expected) => {
    const result = httpPlugin.schema.safeParse(input);
    expect(result.success).toBe(false);
    const text = (result.error?.issues ?? []).map((issue) => `${issue.code} ${issue.message}`).join("\n");
    expect(text).toContain(expected);
  });

  it("fails at create() when the CA file cannot be read", () => {
    const config = httpPlugin.schema.parse({
      targets: [{ name: "a", url: "https://127.0.0.1/" }],
      tls_ca_file: "/nonexistent/ca.pem",
    });
    expect(() => createHttpCollector(config, deps)).toThrow(/cannot read tls_ca_file/);
  });
});

describe("http collector", () => {
  it("reports an expected status as up with duration and status code", async () => {
    const samples = await run([{ name: "app", url: `${base}/ok`, labels: { system: "edu", owner: "ops" } }]);
    expect(upSample(samples, "app")).toMatchObject({ value: 1, up: true });
    expect(upSample(samples, "app").reason).toBeUndefined();
    expect(valueOf(samples, "app", "http_probe_status_code")).toBe(200);
    const seconds = valueOf(samples, "app", "http_probe_duration_seconds");
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(5);
    expect(samples[0]?.target).toEqual({
      key: "http:app",
      kind: "application",
      name: "app",
      labels: { system: "edu", owner: "ops" },
    });
    expect(samples.map((s) => s.metric).sort()).toEqual(Object.keys(httpPlugin.metrics).sort());
  });

  it("reports an unexpected status as reason status with the exact detail", async () => {
    const samples = await run([
      { name: "bad", url: `${base}/bad` },
      { name: "missing", url: `${base}/nope`, expected_status: [200, 204] },
      { name: "empty", url: `${base}/empty`, expected_status: [200, 204] },
    ]);
    expect(upSample(samples, "bad")).toMatchObject({
      value: 0,
      up: false,
      reason: "status",
      detail: "status 502, expected 200",
    });
    expect(valueOf(samples, "bad", "http_probe_status_code")).toBe(502);
    expect(valueOf(samples, "bad", "http_probe_duration_seconds")).toBeGreaterThan(0);
    expect(upSample(samples, "missing")).toMatchObject({
      reason: "status",
      detail: "status 404, expected 200 or 204",
    });
    expect(upSample(samples, "empty")).toMatchObject({ up: true });
  });

  it("uses the configured method", async () => {
    const samples = await run([
      { name: "head", url: `${base}/method`, method: "HEAD" },
      { name: "get", url: `${base}/method` },
    ]);
    expect(upSample(samples, "head").up).toBe(true);
    expect(upSample(samples, "get")).toMatchObject({ up: false, detail: "status 405, expected 200" });
  });

  it("reports a slow target as timeout with no duration and no status", async () => {
    const t0 = performance.now();
    const samples = await run([{ name: "slow", url: `${base}/slow`, timeout: "200ms" }]);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(upSample(samples, "slow")).toMatchObject({
      up: false,
      reason: "timeout",
      detail: "no complete response within 200ms",
    });
    expect(valueOf(samples, "slow", "http_probe_duration_seconds")).toBeNull();
    expect(samples.some((s) => s.metric === "http_probe_status_code")).toBe(false);
  });

  it("reports a closed port as connect", async () => {
    const samples = await run([{ name: "closed", url: closedPortUrl }]);
    expect(upSample(samples, "closed")).toMatchObject({ up: false, reason: "connect" });
    expect(upSample(samples, "closed").detail).toContain("ECONNREFUSED");
  });

  it("reports a connection dropped before the response as connect", async () => {
    const samples = await run([{ name: "reset", url: `${base}/reset` }]);
    expect(upSample(samples, "reset")).toMatchObject({ up: false, reason: "connect" });
  });

  it("reports an oversized body as response", async () => {
    const samples = await run([{ name: "big", url: `${base}/big` }]);
    expect(upSample(samples, "big")).toMatchObject({ up: false, reason: "response" });
    expect(upSample(samples, "big").detail).toContain("response body larger than 10485760 bytes");
  });

  it("reports an unknown name as dns", async () => {
    const samples = await run([{ name: "nx", url: "http://no-such-host.invalid/" }]);
    expect(upSample(samples, "nx")).toMatchObject({ up: false, reason: "dns" });
    expect(upSample(samples, "nx").detail).toContain("no-such-host.invalid");
  });

  it("verifies certificates by default: self-signed is tls", async () => {
    const samples = await run([{ name: "selfsigned", url: `${tlsBase}/ok` }]);
    expect(upSample(samples, "selfsigned")).toMatchObject({ up: false, reason: "tls" });
    expect(upSample(samples, "selfsigned").detail).toContain("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(valueOf(samples, "selfsigned", "http_probe_duration_seconds")).toBeNull();
  });

  it("trusts the certificate from tls_ca_file, and still checks the host name", async () => {
    const samples = await run(
      [
        { name: "trusted", url: `${tlsBase}/ok` },
        { name: "wrong-host", url: `${tlsOtherHostBase}/ok` },
      ],
      { tls_ca_file: certFile },
    );
    expect(upSample(samples, "trusted")).toMatchObject({ up: true, value: 1 });
    expect(upSample(samples, "wrong-host")).toMatchObject({ up: false, reason: "tls" });
    expect(upSample(samples, "wrong-host").detail).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("reports https to a plain HTTP port as tls", async () => {
    const samples = await run([{ name: "plain", url: `${base.replace("http:", "https:")}/ok` }]);
    expect(upSample(samples, "plain")).toMatchObject({ up: false, reason: "tls" });
  });

  it("skips verification only with insecure_skip_verify, and warns at create()", async () => {
    const lines: string[] = [];
    const warnLog = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
    const config = httpPlugin.schema.parse({
      targets: [{ name: "selfsigned", url: `${tlsBase}/ok` }],
      insecure_skip_verify: true,
    });
    const collector = createHttpCollector(config, {
      clock: systemClock,
      log: warnLog,
      inventory: noInventory,
    });
    expect(lines.join("")).toContain("insecure_skip_verify");
    const samples = await collector.collect(ctx());
    expect(upSample(samples, "selfsigned").up).toBe(true);
  });

  it("opens a fresh connection for every probe", async () => {
    const before = connections;
    const config = httpPlugin.schema.parse({
      targets: [
        { name: "a", url: `${base}/ok` },
        { name: "b", url: `${base}/ok` },
      ],
      concurrency: 1,
    });
    const collector = createHttpCollector(config, deps);
    await collector.collect(ctx());
    await collector.collect(ctx());
    expect(connections - before).toBe(4);
  });

  it("keeps at most `concurrency` probes in flight", async () => {
    maxInFlight = 0;
    const targets = Array.from({ length: 12 }, (_, i) => ({ name: `t${i}`, url: `${base}/count` }));
    const samples = await run(targets, { concurrency: 4 });
    expect(maxInFlight).toBe(4);
    expect(samples.filter((s) => s.metric === "http_probe_up" && s.up === true)).toHaveLength(12);
    // One result per target, in config order.
    expect(samples.filter((s) => s.metric === "http_probe_up").map((s) => s.target.name)).toEqual(
      targets.map((t) => t.name),
    );
  });

  it("rejects promptly with the abort reason when the run is stopped", async () => {
    const config = httpPlugin.schema.parse({
      targets: [
        { name: "slow", url: `${base}/slow` },
        { name: "ok", url: `${base}/ok` },
      ],
      concurrency: 1,
    });
    const controller = new AbortController();
    const reason = new Error("run timed out");
    setTimeout(() => controller.abort(reason), 100);
    const t0 = performance.now();
    await expect(createHttpCollector(config, deps).collect(ctx(controller.signal))).rejects.toBe(reason);
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it("rejects at once when the run is already stopped", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopping"));
    const config = httpPlugin.schema.parse({ targets: [{ name: "ok", url: `${base}/ok` }] });
    await expect(createHttpCollector(config, deps).collect(ctx(controller.signal))).rejects.toThrow(
      "stopping",
    );
  });
});
