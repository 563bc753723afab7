/**
 * The http collector against real servers on loopback (127.0.0.1 / 127.0.0.2 only) and a real
 * certificate made with openssl at test time.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import { createSelfSigned, createTestCa, type SelfSigned, type TestCa } from "../../simroom/test-ca.js";
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
let otherOriginBase = "";
let hangingUrl = "";
let mtlsBase = "";
let testCa: TestCa | undefined;
let clientCert: SelfSigned | undefined;
const hangingSockets: net.Socket[] = [];
let inFlight = 0;
let maxInFlight = 0;
let connections = 0;
const servers: (http.Server | https.Server)[] = [];
const closers: (() => Promise<void>)[] = [];

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
  } else if (path === "/json") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ status: "ok", version: 3, ready: true, data: { items: [{ name: "portal" }] } }));
  } else if (path === "/degraded") {
    res.end(JSON.stringify({ status: "degraded" }));
  } else if (path === "/echo") {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          method: req.method,
          body: Buffer.concat(chunks).toString("utf8"),
          authorization: req.headers.authorization ?? null,
        }),
      );
    });
  } else if (path === "/delay") {
    const timer = setTimeout(() => res.end("ok"), 300);
    res.on("close", () => clearTimeout(timer));
  } else if (path.startsWith("/r/")) {
    redirect(path.slice(3), res);
  } else if (path === "/method") {
    res.statusCode = req.method === "HEAD" ? 200 : 405;
    res.end();
  } else {
    res.statusCode = 404;
    res.end();
  }
}

/** /r/loop-a ⇄ /r/loop-b, /r/chain/N → … → /r/chain/0 → /ok, and a few broken redirects. */
function redirect(route: string, res: http.ServerResponse): void {
  const to = (location: string | undefined, status = 302) => {
    res.statusCode = status;
    if (location !== undefined) res.setHeader("location", location);
    res.end();
  };
  const chain = /^chain\/(\d+)$/.exec(route);
  if (route === "loop-a") to("/r/loop-b");
  else if (route === "loop-b") to("/r/loop-a");
  else if (chain) to(Number(chain[1]) === 0 ? "/ok" : `/r/chain/${Number(chain[1]) - 1}`, 301);
  else if (route === "see-other") to("/echo", 303);
  else if (route === "keep") to("/echo", 307);
  else if (route === "other-origin") to(`${otherOriginBase}/echo`);
  else if (route === "no-location") to(undefined);
  else if (route === "ftp") to("ftp://127.0.0.1/file");
  else to("/ok");
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
  otherOriginBase = `http://127.0.0.2:${await listen(http.createServer(handler), "127.0.0.2")}`;

  // Accepts connections and never answers.
  const hanging = net.createServer((socket) => void hangingSockets.push(socket));
  await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`;
  closers.push(async () => {
    for (const socket of hangingSockets) socket.destroy();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });

  // Mutual TLS: a CA-signed server certificate; the client must present the self-signed
  // client certificate, which the server trusts.
  testCa = createTestCa();
  clientCert = createSelfSigned();
  const mtls = https.createServer(
    { ...testCa.serverTls(), requestCert: true, rejectUnauthorized: true, ca: [clientCert.tls().cert] },
    handler,
  );
  mtlsBase = `https://127.0.0.1:${await listen(mtls, "127.0.0.1")}`;
});

afterAll(async () => {
  for (const close of closers) await close();
  testCa?.cleanup();
  clientCert?.cleanup();
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
      targets: [
        {
          name: "a",
          url: "http://127.0.0.1/",
          method: "GET",
          expected_status: [200],
          headers: {},
          assert: [],
          redirects: { follow: false, max: 5 },
        },
      ],
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
    [{ targets: [{ name: "a", url: "http://127.0.0.1/", interval: "30s" }] }, "unrecognized_keys"],
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
    // Every metric but the certificate expiry (https only).
    expect(samples.map((s) => s.metric).sort()).toEqual(
      Object.keys(httpPlugin.metrics)
        .filter((m) => m !== "http_tls_cert_expiry_timestamp_seconds")
        .sort(),
    );
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

  it("makes a full TLS handshake on every https probe: no session is resumed", async () => {
    const server = https.createServer(selfSigned!.tls(), (_req, res) => res.end("ok"));
    const reused: boolean[] = [];
    server.on("secureConnection", (socket) => void reused.push(socket.isSessionReused()));
    const port = await listen(server, "127.0.0.1");
    const config = httpPlugin.schema.parse({
      targets: [
        { name: "a", url: `https://127.0.0.1:${port}/` },
        { name: "b", url: `https://127.0.0.1:${port}/` },
      ],
      concurrency: 1,
      insecure_skip_verify: true,
    });
    const collector = createHttpCollector(config, deps);
    for (let i = 0; i < 2; i++) {
      const samples = await collector.collect(ctx());
      expect(samples.filter((x) => x.metric === "http_probe_up").map((x) => x.value)).toEqual([1, 1]);
    }
    expect(reused).toEqual([false, false, false, false]);
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

describe("http options: body, assertions, redirects, auth, client certificate", () => {
  const target = { name: "a", url: "http://127.0.0.1/" };

  it("accepts every new option", () => {
    process.env.HTTP_TEST_TOKEN = "s3cret-token";
    const config = httpPlugin.schema.parse({
      targets: [
        {
          ...target,
          method: "POST",
          body: '{"q":1}',
          assert: [
            { contains: "ok" },
            { regex: "^o" },
            { json_path: '$.data.items[0]["name"]', equals: "x" },
          ],
          max_latency: "1s500ms",
          redirects: { follow: true },
          auth: { bearer: "${HTTP_TEST_TOKEN}" },
        },
      ],
    });
    const t = config.targets[0];
    expect(t?.max_latency).toBe(1_500);
    expect(t?.redirects).toEqual({ follow: true, max: 5 });
    expect(t?.auth !== undefined && "bearer" in t.auth && t.auth.bearer.reveal()).toBe("s3cret-token");
    // The secret never shows in the parsed config's JSON.
    expect(JSON.stringify(config)).not.toContain("s3cret-token");
  });

  it.each([
    [
      { ...target, assert: [{ regex: "(unclosed" }] },
      ["targets", 0, "assert", 0, "regex"],
      "invalid regular expression",
    ],
    [
      { ...target, assert: [{ json_path: "status", equals: "ok" }] },
      ["targets", 0, "assert", 0, "json_path"],
      'starts with "$"',
    ],
    [
      { ...target, assert: [{ json_path: "$.a..b", equals: 1 }] },
      ["targets", 0, "assert", 0, "json_path"],
      "cannot read",
    ],
    [
      { ...target, assert: [{ json_path: "$.status" }] },
      ["targets", 0, "assert", 0, "equals"],
      "needs equals",
    ],
    [{ ...target, assert: [{ contains: "a", regex: "b" }] }, ["targets", 0, "assert", 0], "exactly one"],
    [
      { ...target, assert: [{ contains: "a", equals: 1 }] },
      ["targets", 0, "assert", 0, "equals"],
      "goes with json_path",
    ],
    [{ ...target, body: "x" }, ["targets", 0, "body"], "POST only"],
    [{ ...target, max_latency: "fast" }, ["targets", 0, "max_latency"], "expected a duration"],
    [{ ...target, redirects: { follow: true, max: 0 } }, ["targets", 0, "redirects", "max"], "too_small"],
    [{ ...target, auth: { bearer: "plain-token" } }, ["targets", 0, "auth"], ""],
  ])("rejects %j at its field", (input, path, message) => {
    const result = httpPlugin.schema.safeParse({ targets: [input] });
    expect(result.success).toBe(false);
    const issues = result.error?.issues ?? [];
    const text = issues.map((issue) => `${issue.code} ${issue.message}`).join("\n");
    expect(text).toContain(message);
    expect(
      issues.some((issue) => JSON.stringify(issue.path).startsWith(JSON.stringify(path).slice(0, -1))),
    ).toBe(true);
    // A token typed in by mistake is not echoed back.
    expect(JSON.stringify(issues)).not.toContain("plain-token");
  });

  it("needs the client certificate and key together, and readable at create()", () => {
    const onlyCert = { targets: [target], tls_client_cert_file: "/nonexistent/client.pem" };
    expect(httpPlugin.schema.safeParse(onlyCert).success).toBe(false);
    // The config loader keeps only the schema's shape: create() checks the pair again.
    const shapeOnly = { ...httpPlugin.schema.parse({ targets: [target] }), tls_client_cert_file: "/x.pem" };
    expect(() => createHttpCollector(shapeOnly, deps)).toThrow(/go together/);
    const config = httpPlugin.schema.parse({
      targets: [target],
      tls_client_cert_file: "/nonexistent/client.pem",
      tls_client_key_file: "/nonexistent/client.key",
    });
    expect(() => createHttpCollector(config, deps)).toThrow(/cannot read tls_client_cert_file/);
  });
});

describe("http body, assertions and latency", () => {
  it("sends the body with POST", async () => {
    const samples = await run([
      {
        name: "post",
        url: `${base}/echo`,
        method: "POST",
        body: "hello=1",
        assert: [
          { json_path: "$.method", equals: "POST" },
          { json_path: "$.body", equals: "hello=1" },
        ],
      },
    ]);
    expect(upSample(samples, "post")).toMatchObject({ up: true });
  });

  it("is up when every assertion holds", async () => {
    const samples = await run([
      {
        name: "json",
        url: `${base}/json`,
        assert: [
          { contains: '"status":"ok"' },
          { regex: '"version":\\d+' },
          { json_path: "$.status", equals: "ok" },
          { json_path: "$.version", equals: 3 },
          { json_path: "$.ready", equals: true },
          { json_path: "$.data.items[0].name", equals: "portal" },
        ],
      },
    ]);
    expect(upSample(samples, "json")).toMatchObject({ up: true, value: 1 });
  });

  it.each([
    ["/ok", { contains: "healthy" }, 'body does not contain "healthy"'],
    ["/ok", { regex: "^OK$" }, "body does not match /^OK$/"],
    ["/degraded", { json_path: "$.status", equals: "ok" }, '$.status is "degraded", expected "ok"'],
    ["/json", { json_path: "$.version", equals: "3" }, '$.version is 3, expected "3"'],
    [
      "/json",
      { json_path: "$.data.items[1].name", equals: "x" },
      '$.data.items[1].name is missing, expected "x"',
    ],
    ["/ok", { json_path: "$.status", equals: "ok" }, 'body is not JSON, expected $.status to be "ok"'],
  ])("%s with %j is down: %s", async (path, assertion, detail) => {
    const samples = await run([{ name: "t", url: `${base}${path}`, assert: [assertion] }]);
    expect(upSample(samples, "t")).toMatchObject({ up: false, value: 0, reason: "assertion", detail });
    expect(valueOf(samples, "t", "http_probe_status_code")).toBe(200);
  });

  it("judges the status before the body", async () => {
    const samples = await run([{ name: "t", url: `${base}/bad`, assert: [{ contains: "nothing" }] }]);
    expect(upSample(samples, "t")).toMatchObject({ reason: "status" });
  });

  it("is down with reason latency when slower than max_latency, up within it", async () => {
    const samples = await run([
      { name: "slow", url: `${base}/delay`, max_latency: "100ms" },
      { name: "fast", url: `${base}/ok`, max_latency: "5s" },
    ]);
    const slow = upSample(samples, "slow");
    expect(slow).toMatchObject({ up: false, reason: "latency" });
    expect(slow.detail).toMatch(/^\d+ms, bound 100ms$/);
    expect(valueOf(samples, "slow", "http_probe_duration_seconds")).toBeGreaterThan(0.1);
    expect(upSample(samples, "fast").up).toBe(true);
  });

  it("reports a server that accepts and never answers as timeout, within the timeout", async () => {
    const t0 = performance.now();
    const samples = await run([{ name: "hang", url: hangingUrl, timeout: "300ms" }]);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(upSample(samples, "hang")).toMatchObject({
      up: false,
      reason: "timeout",
      detail: "no complete response within 300ms",
    });
  });
});

describe("http redirects", () => {
  it("reports a redirect as its status when not following (the default)", async () => {
    const samples = await run([{ name: "r", url: `${base}/r/chain/1` }]);
    expect(upSample(samples, "r")).toMatchObject({ reason: "status", detail: "status 301, expected 200" });
  });

  it("follows up to max hops, each on a fresh connection", async () => {
    const before = connections;
    const samples = await run([{ name: "r", url: `${base}/r/chain/4`, redirects: { follow: true } }]);
    expect(upSample(samples, "r")).toMatchObject({ up: true });
    expect(valueOf(samples, "r", "http_probe_status_code")).toBe(200);
    expect(connections - before).toBe(6);
  });

  it("is down with reason redirect after more than max hops", async () => {
    const samples = await run([{ name: "r", url: `${base}/r/chain/3`, redirects: { follow: true, max: 2 } }]);
    expect(upSample(samples, "r")).toMatchObject({
      up: false,
      reason: "redirect",
      detail: `more than 2 redirects (next: ${base}/r/chain/0)`,
    });
    expect(valueOf(samples, "r", "http_probe_status_code")).toBe(301);
  });

  it("is down with reason redirect on a loop", async () => {
    const samples = await run([{ name: "loop", url: `${base}/r/loop-a`, redirects: { follow: true } }]);
    expect(upSample(samples, "loop")).toMatchObject({
      up: false,
      reason: "redirect",
      detail: `redirect loop: ${base}/r/loop-a → ${base}/r/loop-b → ${base}/r/loop-a`,
    });
  });

  it.each([
    ["no-location", "status 302 without a Location header"],
    ["ftp", "redirect to unsupported URL ftp://127.0.0.1/file"],
  ])("is down with reason redirect: %s", async (route, detail) => {
    const samples = await run([{ name: "r", url: `${base}/r/${route}`, redirects: { follow: true } }]);
    expect(upSample(samples, "r")).toMatchObject({ up: false, reason: "redirect", detail });
  });

  it("turns a POST into GET after 303 and keeps it after 307", async () => {
    const samples = await run([
      {
        name: "303",
        url: `${base}/r/see-other`,
        method: "POST",
        body: "x",
        redirects: { follow: true },
        assert: [
          { json_path: "$.method", equals: "GET" },
          { json_path: "$.body", equals: "" },
        ],
      },
      {
        name: "307",
        url: `${base}/r/keep`,
        method: "POST",
        body: "x",
        redirects: { follow: true },
        assert: [
          { json_path: "$.method", equals: "POST" },
          { json_path: "$.body", equals: "x" },
        ],
      },
    ]);
    expect(upSample(samples, "303")).toMatchObject({ up: true });
    expect(upSample(samples, "307")).toMatchObject({ up: true });
  });
});

describe("http auth", () => {
  it("sends basic and bearer credentials built from the secret", async () => {
    process.env.HTTP_TEST_PASSWORD = "pa:ss";
    process.env.HTTP_TEST_BEARER = "tok-123";
    const basic = `Basic ${Buffer.from("edu:pa:ss").toString("base64")}`;
    const samples = await run([
      {
        name: "basic",
        url: `${base}/echo`,
        auth: { basic: { username: "edu", password: "${HTTP_TEST_PASSWORD}" } },
        assert: [{ json_path: "$.authorization", equals: basic }],
      },
      {
        name: "bearer",
        url: `${base}/echo`,
        auth: { bearer: "${HTTP_TEST_BEARER}" },
        assert: [{ json_path: "$.authorization", equals: "Bearer tok-123" }],
      },
    ]);
    expect(upSample(samples, "basic")).toMatchObject({ up: true });
    expect(upSample(samples, "bearer")).toMatchObject({ up: true });
  });

  it("does not send credentials to another origin a redirect points to", async () => {
    process.env.HTTP_TEST_BEARER = "tok-123";
    const samples = await run([
      {
        name: "cross",
        url: `${base}/r/other-origin`,
        redirects: { follow: true },
        auth: { bearer: "${HTTP_TEST_BEARER}" },
        assert: [{ json_path: "$.authorization", equals: "Bearer tok-123" }],
      },
    ]);
    expect(upSample(samples, "cross")).toMatchObject({
      reason: "assertion",
      detail: '$.authorization is null, expected "Bearer tok-123"',
    });
  });

  it("never logs the credentials", async () => {
    process.env.HTTP_TEST_BEARER = "tok-123";
    const lines: string[] = [];
    const debugLog = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
    const config = httpPlugin.schema.parse({
      targets: [{ name: "x", url: `${base}/bad`, auth: { bearer: "${HTTP_TEST_BEARER}" } }],
    });
    const collector = createHttpCollector(config, {
      clock: systemClock,
      log: debugLog,
      inventory: noInventory,
    });
    const samples = await collector.collect({
      signal: new AbortController().signal,
      now: () => systemClock.now(),
      log: debugLog,
    });
    expect(lines.join("")).toContain("probe failed");
    expect(lines.join("") + JSON.stringify(samples)).not.toContain("tok-123");
  });
});

describe("http TLS: certificate expiry and client certificates", () => {
  it("records the peer certificate's notAfter as unix seconds", async () => {
    const samples = await run([{ name: "tls", url: `${tlsBase}/ok` }], { tls_ca_file: certFile });
    expect(upSample(samples, "tls").up).toBe(true);
    const expected = Math.floor(Date.parse(new X509Certificate(readFileSync(certFile)).validTo) / 1000);
    expect(valueOf(samples, "tls", "http_tls_cert_expiry_timestamp_seconds")).toBe(expected);
  });

  it("records the expiry for a down https target that answered, not for one that failed TLS", async () => {
    const samples = await run([{ name: "tls404", url: `${tlsBase}/nope` }], { tls_ca_file: certFile });
    expect(upSample(samples, "tls404").reason).toBe("status");
    expect(valueOf(samples, "tls404", "http_tls_cert_expiry_timestamp_seconds")).toBeGreaterThan(0);
    const untrusted = await run([{ name: "bad", url: `${tlsBase}/ok` }]);
    expect(upSample(untrusted, "bad").reason).toBe("tls");
    expect(untrusted.some((s) => s.metric === "http_tls_cert_expiry_timestamp_seconds")).toBe(false);
  });

  it("presents the client certificate where the server requires one", async () => {
    const ca = testCa?.caCert ?? "";
    const withCert = await run([{ name: "mtls", url: `${mtlsBase}/ok` }], {
      tls_ca_file: ca,
      tls_client_cert_file: clientCert?.certFile,
      tls_client_key_file: clientCert?.keyFile,
    });
    expect(upSample(withCert, "mtls")).toMatchObject({ up: true });
    expect(valueOf(withCert, "mtls", "http_tls_cert_expiry_timestamp_seconds")).toBeGreaterThan(
      Date.now() / 1000,
    );
    const withoutCert = await run([{ name: "mtls", url: `${mtlsBase}/ok`, timeout: "2s" }], {
      tls_ca_file: ca,
    });
    const down = upSample(withoutCert, "mtls");
    expect(down.up).toBe(false);
    expect(["tls", "connect"]).toContain(down.reason);
  });

  it("still rejects an untrusted server certificate with a client certificate configured", async () => {
    const samples = await run([{ name: "selfsigned", url: `${tlsBase}/ok` }], {
      tls_client_cert_file: clientCert?.certFile,
      tls_client_key_file: clientCert?.keyFile,
    });
    expect(upSample(samples, "selfsigned")).toMatchObject({ up: false, reason: "tls" });
    expect(upSample(samples, "selfsigned").detail).toContain("DEPTH_ZERO_SELF_SIGNED_CERT");
  });
});
