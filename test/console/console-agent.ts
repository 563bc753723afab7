/**
 * A real agent (the built dist/ bundle) on loopback with console users of every role and the
 * incident API on, for the console tests; and a logged-in HTTP client (cookie jar and CSRF token).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { hashPassword } from "../../agent/console/password.js";
import { freePort, startAgent, waitFor, writeConfig, type RunningAgent } from "../helpers/agent-process.js";

export const PASSWORD = "correct horse battery staple";
export const API_TOKEN = "console-test-token-0123456789";

export interface ConsoleAgent {
  port: number;
  base: string;
  dir: string;
  /** The config file the agent runs on (for the CLI beside it). */
  config: string;
  agent: RunningAgent;
  stop: () => Promise<void>;
}

/**
 * `collectors` is the config's collectors list as YAML (none by default); `consoleLines` more
 * lines of the `console:` section (indented two spaces); `moreUsers` entries of its users list.
 */
export async function startConsoleAgent(
  prefix: string,
  collectors = "  []\n",
  consoleLines = "",
  moreUsers = "",
): Promise<ConsoleAgent> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const port = await freePort();
  const hash = await hashPassword(PASSWORD);
  // Chinese display names, as the centre's staff are called: the pages' header shows these.
  const display = { viewer: "查看员", recorder: "财务处填报员", operator: "值班工程师", admin: "系统管理员" };
  const users = (["viewer", "recorder", "operator", "admin"] as const)
    .map(
      (role) =>
        `    - { name: ${role}1, role: ${role}, display_name: ${display[role]}, password_hash: "${hash}" }\n`,
    )
    .join("");
  const config = writeConfig(
    dir,
    port,
    collectors,
    `targets_file: ${join(process.cwd(), "config/targets-2026.yaml")}
incidents:
  api_token: "\${OPS_AGENT_API_TOKEN}"
console:
  login_attempts: 3
${consoleLines}  users:
${users}${moreUsers}`,
  );
  // The token is a secret: the config names the environment variable the agent reads it from.
  process.env.OPS_AGENT_API_TOKEN = API_TOKEN;
  const agent = startAgent(config);
  await waitFor(
    async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).status > 0 ? true : undefined),
    20_000,
    `agent on ${port}`,
  );
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    dir,
    config,
    agent,
    stop: async () => {
      agent.child.kill("SIGTERM");
      await agent.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An incident opened through the agent's Alertmanager receiver (the API the machines use). */
export async function openIncident(base: string, summary: string, fingerprint: string): Promise<void> {
  const response = await fetch(`${base}/api/alertmanager`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      version: "4",
      status: "firing",
      receiver: "ops-agent",
      groupKey: "{}:{}",
      alerts: [
        {
          status: "firing",
          labels: { alertname: "PlatformDown", severity: "critical", instance: summary },
          annotations: { summary },
          startsAt: new Date().toISOString(),
          endsAt: "0001-01-01T00:00:00Z",
          generatorURL: "http://prometheus.example/graph",
          fingerprint,
        },
      ],
    }),
  });
  if (response.status !== 200) throw new Error(`alertmanager: ${response.status} ${await response.text()}`);
}

/**
 * A request from a given loopback address (127.0.0.x: Linux answers the whole 127/8), for the
 * tests of anonymous networks, trusted proxies and per-address rate limits; fetch cannot choose
 * its source address, node:http can.
 */
function fromAddress(
  url: string,
  localAddress: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method, headers: init.headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
            headers.append(name, v);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers }));
      });
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

/** A plain HTTP client logged in to the console: its session cookie and the page's CSRF token. */
export class ConsoleClient {
  cookies = new Map<string, string>();
  /**
   * @param from the client's own address (127.0.0.x), else the default (127.0.0.1 by fetch)
   * @param headers sent with every request (e.g. X-Forwarded-For as a proxy would)
   */
  constructor(
    private readonly base: string,
    private readonly from?: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private send(
    path: string,
    init: { method: string; headers: Record<string, string>; body?: string },
  ): Promise<Response> {
    const headers = { ...this.headers, ...init.headers };
    if (this.from !== undefined) return fromAddress(this.base + path, this.from, { ...init, headers });
    return fetch(this.base + path, { ...init, headers, redirect: "manual" });
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }

  async get(path: string): Promise<{ status: number; body: string; response: Response }> {
    const response = await this.send(path, { method: "GET", headers: { cookie: this.cookieHeader() } });
    this.keep(response);
    return { status: response.status, body: await response.text(), response };
  }

  async post(
    path: string,
    form: Record<string, string>,
  ): Promise<{ status: number; body: string; response: Response }> {
    const response = await this.send(path, {
      method: "POST",
      headers: { cookie: this.cookieHeader(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
    this.keep(response);
    return { status: response.status, body: await response.text(), response };
  }

  /** A multipart/form-data POST (what the browser sends for a form with a file), built by fetch's FormData. */
  async upload(
    path: string,
    fields: Record<string, string>,
    file?: { name: string; data: Buffer; type?: string },
  ): Promise<{ status: number; body: string; response: Response }> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file !== undefined)
      form.append(
        "evidence",
        new Blob([file.data], { type: file.type ?? "application/octet-stream" }),
        file.name,
      );
    const response = await fetch(this.base + path, {
      method: "POST",
      headers: { cookie: this.cookieHeader() },
      body: form,
      redirect: "manual",
    });
    this.keep(response);
    return { status: response.status, body: await response.text(), response };
  }

  /** The CSRF token of the page at `path`. */
  async csrf(path = "/"): Promise<string> {
    const { body } = await this.get(path);
    const token = /name="csrf" value="([^"]+)"/.exec(body)?.[1];
    if (token === undefined) throw new Error(`no CSRF token on ${path}`);
    return token;
  }

  async login(user: string, password = PASSWORD): Promise<Response> {
    const token = await this.csrf("/login");
    const { response } = await this.post("/login", { csrf: token, user, password, next: "/" });
    return response;
  }
}
