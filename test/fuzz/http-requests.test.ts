/**
 * Fuzzing the agent's HTTP endpoint from outside, as any client on the network can: the real
 * daemon (dist/agent/main.js, the incident API on with a token), raw requests over real loopback
 * sockets with arbitrary request targets, methods, headers and bodies. Whatever arrives, the
 * process stays up and /healthz still answers 200 afterwards.
 *
 * Once, `curl --request-target '//a:99999/'` ended the daemon: agent/http.ts built `new URL()`
 * outside its try, and the throw became an unhandled rejection (Node 20 exits on those). Those
 * targets are the first, fixed examples; fast-check then generates the rest from a fixed seed.
 */
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  freePort,
  get,
  startAgent,
  waitFor,
  writeConfig,
  type RunningAgent,
} from "../helpers/agent-process.js";
import { fuzzParameters } from "../helpers/fuzz.js";

const TOKEN = "fuzz-token-0123456789abcdef";
/** The request targets that ended the daemon before the fix (issue: Hardening, point 1). */
const KILLER_TARGETS = ["//a:99999/", "//[", "//a:b/", "//%zz/"];
const ROUTES = [
  "/",
  "/metrics",
  "/healthz",
  "/api/incidents",
  "/api/incidents/1/ack",
  "/api/incidents/1/resolve",
  "/api/incidents/999999999999999999999/note",
  "/api/timeliness",
  "/api/alertmanager",
  "/api/records",
  "/api/kpi",
];

let dir: string;
let port = 0;
let agent: RunningAgent;
let exited = false;

/**
 * Writes one raw request and waits for the answer's status line, the connection's end, or a
 * second — a request whose declared body never comes is left to the server's own timeouts.
 * Returns the status code, or undefined when the server answered nothing in that time.
 */
function rawRequest(bytes: Buffer): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      resolve(status ? Number(status[1]) : undefined);
    };
    const timer = setTimeout(done, 1_000);
    socket.on("connect", () => socket.end(bytes));
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
      if (answer.includes("\r\n")) done();
    });
    socket.on("error", done);
    socket.on("close", done);
  });
}

function request(method: string, target: string, headers: [string, string][], body: string): Buffer {
  const head = [`${method} ${target} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close"];
  for (const [name, value] of headers) head.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "latin1"), Buffer.from(body, "utf8")]);
}

async function healthz(): Promise<number> {
  return (await get(port, "/healthz")).status;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ops-agent-http-fuzz-"));
  vi.stubEnv("OPS_AGENT_API_TOKEN", TOKEN);
  port = await freePort();
  const config = writeConfig(dir, port, "  []\n", `incidents:\n  api_token: "\${OPS_AGENT_API_TOKEN}"\n`);
  agent = startAgent(config);
  void agent.exited.then(() => (exited = true));
  await waitFor(async () => ((await healthz()) === 200 ? true : undefined), 20_000, "the agent's /healthz");
});

afterAll(async () => {
  if (!exited) {
    agent.child.kill("SIGTERM");
    await agent.exited;
  }
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe("the HTTP endpoint under hostile requests", () => {
  it.each(KILLER_TARGETS)("request target %s answers 400 and the agent keeps serving", async (target) => {
    for (const method of ["GET", "POST", "HEAD"]) {
      const status = await rawRequest(request(method, target, [], ""));
      expect(status, `${method} ${target}`).toBe(400);
    }
    expect(exited, agent.output().slice(-2_000)).toBe(false);
    expect(await healthz()).toBe(200);
  });

  it("arbitrary targets, methods, headers and bodies never stop it", async () => {
    const token = fc.constantFrom(
      "GET",
      "HEAD",
      "POST",
      "PUT",
      "DELETE",
      "OPTIONS",
      "PATCH",
      "CONNECT",
      "TRACE",
      "PROPFIND",
    );
    const method = fc.oneof(token, fc.stringMatching(/^[A-Za-z!#$%&'*+.^_`|~-]{1,12}$/));
    const target = fc.oneof(
      fc.constantFrom(...ROUTES, ...KILLER_TARGETS, "*", "http://agent/metrics", "//", "/%00", "/%ff%fe"),
      fc.tuple(fc.constantFrom(...ROUTES), fc.string({ maxLength: 40 })).map(([r, s]) => `${r}${s}`),
      fc
        .tuple(fc.constantFrom("//", "/", "http://", "https://"), fc.string({ maxLength: 60 }))
        .map(([p, s]) => `${p}${s}`.replace(/[\s]/g, "")),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.string({ maxLength: 80, unit: "binary" }).map((s) => s.replace(/[\s]/g, "") || "/"),
    );
    const headerName = fc.oneof(
      fc.constantFrom(
        "Authorization",
        "Content-Type",
        "Content-Length",
        "Transfer-Encoding",
        "Accept-Encoding",
        "Expect",
        "Host",
        "X-Forwarded-For",
      ),
      fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/),
    );
    const headerValue = fc.oneof(
      fc.constantFrom(
        `Bearer ${TOKEN}`,
        "Bearer wrong",
        "application/json",
        "gzip, deflate",
        "chunked",
        "0",
        "-1",
        "99999999999999999999",
        "100-continue",
      ),
      fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, "")),
    );
    const body = fc.oneof(
      fc.constant(""),
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 200, unit: "binary" }),
      fc.constantFrom('{"alerts":[{"labels":{},"startsAt":"x"}]}', '{"key":"\\ud800"}', "[]", "null"),
    );
    await fc.assert(
      fc.asyncProperty(
        method,
        target,
        fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 }),
        body,
        async (m, t, headers, b) => {
          await rawRequest(request(m, t, headers, b));
          expect(exited, `${m} ${t} ended the agent:\n${agent.output().slice(-2_000)}`).toBe(false);
        },
      ),
      { ...fuzzParameters(70, 250), timeout: 5_000 },
    );
    expect(await healthz()).toBe(200);
    const metrics = (await get(port, "/metrics")).body;
    expect(metrics).toMatch(/^opsagent_http_failures_total\{[^}]*stage="handler"[^}]*\} \d+/m);
    expect(metrics).toMatch(/^opsagent_unhandled_rejections_total\{[^}]*\} 0$/m);
  }, 180_000);
});
