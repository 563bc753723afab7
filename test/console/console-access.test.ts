/**
 * Who may do what in the console, over plain HTTP against a real agent, with clients on several
 * loopback addresses: read-only pages open only to the config's anonymous networks, every change
 * behind a login, each role's permissions, X-Forwarded-* believed only from a trusted proxy (for
 * the Secure cookie, the anonymous networks and the login rate limit), and the per-address login
 * rate limit with its Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleSchema } from "../../config/console.js";
import {
  API_TOKEN,
  ConsoleClient,
  openIncident,
  PASSWORD,
  startConsoleAgent,
  type ConsoleAgent,
} from "./console-agent.js";

const PROXY = "127.0.0.10";

describe("console access over HTTP", () => {
  let running: ConsoleAgent;
  beforeAll(async () => {
    running = await startConsoleAgent(
      "ops-agent-console-access-",
      "  []\n",
      `  anonymous_read: true
  anonymous_networks: ["127.0.0.2", "127.0.0.64/26"]
  trusted_proxies: ["${PROXY}/32"]
`,
    );
    await openIncident(running.base, "bigplatform down", "00000000000000b1");
  }, 60_000);
  afterAll(async () => running?.stop());

  it("read-only pages are open to the listed networks only; a change still needs a login", async () => {
    for (const address of ["127.0.0.2", "127.0.0.70"]) {
      const anonymous = new ConsoleClient(running.base, address);
      const home = await anonymous.get("/");
      expect(home.status, address).toBe(200);
      expect(home.body).toContain("预算执行率");
      expect((await anonymous.get("/incidents")).status, address).toBe(200);
      // No form to send on an anonymous page, and a change sent anyway is 401.
      expect(home.body).not.toContain('name="csrf"');
      expect((await anonymous.post("/incidents/1/ack", { csrf: "x" })).status).toBe(401);
      expect((await anonymous.post("/records/budget_execution_rate", { value: "1%" })).status).toBe(401);
    }
    for (const address of ["127.0.0.1", "127.0.0.3", "127.0.0.128"]) {
      const stranger = await new ConsoleClient(running.base, address).get("/");
      expect(stranger.status, address).toBe(303);
      expect(stranger.response.headers.get("location")).toBe("/login?next=%2F");
    }
    const incidents = (await (
      await fetch(`${running.base}/api/incidents`, { headers: { authorization: `Bearer ${API_TOKEN}` } })
    ).json()) as { status: string }[];
    expect(incidents.map((i) => i.status)).toEqual(["open"]);
  });

  it("an evidence file is not among the anonymous pages: it needs a login", async () => {
    const recorder = new ConsoleClient(running.base);
    await recorder.login("recorder1");
    const csrf = await recorder.csrf("/records/videoconf_warranty_renewal");
    const saved = await recorder.upload(
      "/records/videoconf_warranty_renewal",
      { csrf, value: "100%" },
      { name: "续保合同.pdf", data: Buffer.from("%PDF-1.4 contract") },
    );
    expect(saved.status).toBe(303);
    const [record] = (await (
      await fetch(`${running.base}/api/records?key=videoconf_warranty_renewal`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      })
    ).json()) as { id: number }[];
    const href = `/records/videoconf_warranty_renewal/evidence/${record?.id}`;
    const anonymous = new ConsoleClient(running.base, "127.0.0.2");
    const history = await anonymous.get("/records/videoconf_warranty_renewal");
    expect(history.status).toBe(200);
    const download = await anonymous.get(href);
    expect(download.status).toBe(303);
    expect(download.response.headers.get("location")).toMatch(/^\/login\?next=/);
    expect((await recorder.get(href)).status).toBe(200);
  });

  it("X-Forwarded-For is believed from the trusted proxy only, read from the right", async () => {
    const cases: { from: string; forwarded: string; status: number }[] = [
      // A client claiming an anonymous address: ignored.
      { from: "127.0.0.3", forwarded: "127.0.0.2", status: 303 },
      // The proxy says who its client is.
      { from: PROXY, forwarded: "127.0.0.2", status: 200 },
      { from: PROXY, forwarded: "127.0.0.3", status: 303 },
      // A client behind the proxy putting an anonymous address in front: the proxy appended the real one.
      { from: PROXY, forwarded: "127.0.0.2, 127.0.0.3", status: 303 },
      // A chain of proxies: the first address that is not a trusted proxy is the client.
      { from: PROXY, forwarded: `127.0.0.2, ${PROXY}`, status: 200 },
      // Garbage is not an address: the proxy's own (not listed) stands.
      { from: PROXY, forwarded: "not-an-address", status: 303 },
    ];
    for (const c of cases) {
      const client = new ConsoleClient(running.base, c.from, { "x-forwarded-for": c.forwarded });
      expect((await client.get("/")).status, `${c.from} forwarding ${c.forwarded}`).toBe(c.status);
    }
  });

  it("cookies get Secure behind TLS: X-Forwarded-Proto: https only from the trusted proxy", async () => {
    const sessionCookie = (r: Response) =>
      r.headers.getSetCookie().find((c) => c.startsWith("opsagent_session="));
    const viaProxy = new ConsoleClient(running.base, PROXY, { "x-forwarded-proto": "https" });
    const login = await viaProxy.get("/login");
    expect(login.response.headers.getSetCookie().join("\n")).toMatch(/opsagent_login=[^;]+;.*; Secure/);
    const proxied = await viaProxy.login("viewer1");
    expect(proxied.status).toBe(303);
    expect(sessionCookie(proxied)).toMatch(/; Secure$/);
    expect(sessionCookie(proxied)).toMatch(/HttpOnly; SameSite=Strict/);

    const claiming = new ConsoleClient(running.base, "127.0.0.3", { "x-forwarded-proto": "https" });
    const direct = await claiming.login("viewer1");
    expect(direct.status).toBe(303);
    expect(sessionCookie(direct)).toBeDefined();
    expect(sessionCookie(direct)).not.toMatch(/Secure/);
    // The proxy saying http: no Secure either.
    const plain = await new ConsoleClient(running.base, PROXY, { "x-forwarded-proto": "http" }).login(
      "viewer1",
    );
    expect(sessionCookie(plain)).not.toMatch(/Secure/);
  });

  it("each role may do what roles.ts grants it, and gets 403 otherwise", async () => {
    // Each change is sent so that, once allowed, it is refused by its own validation (400) or
    // finds nothing (404): the role check is what tells 403 from the rest, and nothing is stored.
    const changes = {
      record: { path: "/records/budget_execution_rate", fields: { value: "lots" } },
      maintenance: { path: "/platform/maintenance", fields: { name: "", start: "", end: "" } },
      incident: { path: "/incidents/999999/note", fields: { text: "x" } },
      report: { path: "/reports/generate", fields: { kind: "monthly_report", period: "never" } },
    };
    const allowed: Record<string, (keyof typeof changes)[]> = {
      viewer1: [],
      recorder1: ["record"],
      operator1: ["maintenance", "incident", "report"],
      admin1: ["record", "maintenance", "incident", "report"],
    };
    for (const [user, grants] of Object.entries(allowed)) {
      const client = new ConsoleClient(running.base);
      expect((await client.login(user)).status, user).toBe(303);
      const csrf = await client.csrf("/platform");
      for (const [what, change] of Object.entries(changes)) {
        const answer = await client.post(change.path, { ...change.fields, csrf });
        if (grants.includes(what as keyof typeof changes))
          expect([400, 404], `${user} ${what}: ${answer.status}`).toContain(answer.status);
        else {
          expect(answer.status, `${user} ${what}`).toBe(403);
          expect(answer.body).toContain("您的角色无权进行此操作");
        }
      }
    }
    const records = (await (
      await fetch(`${running.base}/api/records?key=budget_execution_rate`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      })
    ).json()) as unknown[];
    expect(records).toEqual([]);
  });

  it("too many failed logins from one address: 429 with Retry-After for any user there, other addresses unaffected", async () => {
    // login_attempts: 3 per user name, four times that (12) per address: unknown names, one
    // attempt each, so only the address's count is reached.
    const address = "127.0.0.20";
    for (let i = 0; i < 12; i++) {
      const client = new ConsoleClient(running.base, address);
      expect((await client.login(`nobody${i}`, "wrong password")).status, `attempt ${i + 1}`).toBe(401);
    }
    const there = new ConsoleClient(running.base, address);
    const limited = await there.post("/login", {
      csrf: await there.csrf("/login"),
      user: "admin1",
      password: PASSWORD,
      next: "/",
    });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.response.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    // The window is 15 minutes by default: the oldest failure leaves it within that.
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(limited.body).toContain("登录失败次数过多");
    // Another address logs the same user in; through the trusted proxy, the limited address is
    // still limited and another one is not.
    expect((await new ConsoleClient(running.base, "127.0.0.21").login("admin1")).status).toBe(303);
    const viaProxy = (forwarded: string) =>
      new ConsoleClient(running.base, PROXY, { "x-forwarded-for": forwarded }).login("admin1");
    expect((await viaProxy(address)).status).toBe(429);
    expect((await viaProxy("127.0.0.22")).status).toBe(303);
    // A client cannot escape the limit by claiming another address itself.
    const claiming = new ConsoleClient(running.base, address, { "x-forwarded-for": "127.0.0.23" });
    expect((await claiming.login("admin1")).status).toBe(429);
  });
});

describe("console.trusted_proxies in the config", () => {
  it("takes addresses and CIDR networks, refuses anything else naming the entry", () => {
    expect(consoleSchema.parse({ trusted_proxies: ["127.0.0.1", "10.20.0.0/16", "fd00::/8"] })).toMatchObject(
      {
        trusted_proxies: ["127.0.0.1", "10.20.0.0/16", "fd00::/8"],
      },
    );
    expect(consoleSchema.parse({}).trusted_proxies).toEqual([]);
    const bad = consoleSchema.safeParse({ trusted_proxies: ["10.20.0.0/33"] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["trusted_proxies", 0]);
    expect(bad.error?.issues[0]?.message).toContain("CIDR");
  });
});
