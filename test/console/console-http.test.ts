/**
 * The console's refusals over plain HTTP against a real agent: no login, wrong role, missing or
 * wrong CSRF token, cross-site Origin, login rate limiting; hostile text rendered as text; the
 * API token still working for machines.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API_TOKEN,
  ConsoleClient,
  openIncident,
  startConsoleAgent,
  type ConsoleAgent,
} from "./console-agent.js";

const HOSTILE = "<img src=x onerror=alert(1)>";

describe("web console over HTTP", () => {
  let running: ConsoleAgent;
  beforeAll(async () => {
    running = await startConsoleAgent("ops-agent-console-http-");
    await openIncident(running.base, HOSTILE, "00000000000000aa");
  }, 60_000);
  afterAll(async () => running?.stop());

  it("without a login, a page redirects to the login page and a change is 401", async () => {
    const client = new ConsoleClient(running.base);
    const page = await client.get("/incidents");
    expect(page.status).toBe(303);
    expect(page.response.headers.get("location")).toBe("/login?next=%2Fincidents");
    const change = await client.post("/incidents/1/ack", { csrf: "x" });
    expect(change.status).toBe(401);
    // The API and /metrics keep their own answers.
    expect((await client.get("/metrics")).status).toBe(200);
    expect((await client.get("/api/no-such")).status).toBe(404);
  });

  it("logs in with HttpOnly, SameSite=Strict cookies; a wrong password is refused", async () => {
    const client = new ConsoleClient(running.base);
    const ok = await client.login("admin1");
    expect(ok.status).toBe(303);
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith("opsagent_session="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP on loopback
    // A browser-session cookie: the server's sliding idle timeout ends the session, not a Max-Age.
    expect(cookie).not.toMatch(/Max-Age/i);
    const home = await client.get("/");
    expect(home.status).toBe(200);
    expect(home.body).toContain("预算执行率");
    const other = new ConsoleClient(running.base);
    expect((await other.login("admin1", "wrong password!")).status).toBe(401);
  });

  it("a role without the permission gets 403 and nothing changes", async () => {
    const viewer = new ConsoleClient(running.base);
    await viewer.login("viewer1");
    const csrf = await viewer.csrf("/incidents");
    const refused = await viewer.post("/incidents/1/ack", { csrf });
    expect(refused.status).toBe(403);
    const recorder = new ConsoleClient(running.base);
    await recorder.login("recorder1");
    const csrf2 = await recorder.csrf("/records/budget_execution_rate");
    expect(
      (
        await recorder.post("/platform/maintenance", {
          csrf: csrf2,
          name: "x",
          start: "2030-01-01T00:00",
          end: "2030-01-01T01:00",
        })
      ).status,
    ).toBe(403);
    const incidents = (await (
      await fetch(`${running.base}/api/incidents`, { headers: { authorization: `Bearer ${API_TOKEN}` } })
    ).json()) as { status: string }[];
    expect(incidents.every((i) => i.status === "open")).toBe(true);
  });

  it("a form without, or with a wrong, CSRF token or from another origin is 403", async () => {
    const client = new ConsoleClient(running.base);
    await client.login("admin1");
    const csrf = await client.csrf("/records/budget_execution_rate");
    expect((await client.post("/records/budget_execution_rate", { value: "10%" })).status).toBe(403);
    expect(
      (await client.post("/records/budget_execution_rate", { value: "10%", csrf: `${csrf}x` })).status,
    ).toBe(403);
    const crossSite = await fetch(`${running.base}/records/budget_execution_rate`, {
      method: "POST",
      headers: {
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        "content-type": "application/x-www-form-urlencoded",
        origin: "http://evil.example",
      },
      body: new URLSearchParams({ value: "10%", csrf }).toString(),
      redirect: "manual",
    });
    expect(crossSite.status).toBe(403);
    const records = (await (
      await fetch(`${running.base}/api/records?key=budget_execution_rate`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      })
    ).json()) as unknown[];
    expect(records).toHaveLength(0);
    // The same form with its token is recorded under the user's login name.
    const saved = await client.post("/records/budget_execution_rate", { value: "12%", csrf, note: HOSTILE });
    expect(saved.status).toBe(303);
    const after = (await (
      await fetch(`${running.base}/api/records?key=budget_execution_rate`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      })
    ).json()) as { value: string; recordedBy: string }[];
    expect(after).toEqual([expect.objectContaining({ value: "12%", recordedBy: "admin1" })]);
  });

  it("a value the record command would refuse is refused with its reason", async () => {
    const client = new ConsoleClient(running.base);
    await client.login("recorder1");
    const csrf = await client.csrf("/records/budget_execution_rate");
    const bad = await client.post("/records/budget_execution_rate", { value: "lots", csrf });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("预算执行率（budget_execution_rate）：应为数字");
  });

  it("hostile text from outside (an incident title, a note) is shown as text", async () => {
    const client = new ConsoleClient(running.base);
    await client.login("viewer1");
    for (const path of ["/incidents", "/records/budget_execution_rate"]) {
      const { body } = await client.get(path);
      expect(body, path).toContain("&lt;img src=x onerror=alert(1)&gt;");
      expect(body, path).not.toContain(HOSTILE);
    }
  });

  it("too many failed logins for a user are refused (429) even with the right password", async () => {
    const client = new ConsoleClient(running.base);
    for (let i = 0; i < 3; i++) expect((await client.login("operator1", "nope nope nope")).status).toBe(401);
    expect((await client.login("operator1")).status).toBe(429);
  });

  it("English by ?lang=en or Accept-Language", async () => {
    const client = new ConsoleClient(running.base);
    expect((await client.get("/login?lang=en")).body).toContain("Log in");
    const r = await fetch(`${running.base}/login`, {
      headers: { "accept-language": "en-GB,en;q=0.9,zh;q=0.5" },
    });
    expect(await r.text()).toContain("Log in");
    expect((await client.get("/login")).body).toContain("登录");
  });

  it("a manual record takes an evidence file: stored by its SHA-256 (0640), listed with the record, downloaded only after login", async () => {
    const key = "videoconf_warranty_renewal";
    const client = new ConsoleClient(running.base);
    await client.login("recorder1");
    const page = await client.get(`/records/${key}`);
    expect(page.body).toContain('enctype="multipart/form-data"');
    const csrf = await client.csrf(`/records/${key}`);
    const evidenceRoot = join(running.dir, "data", "evidence");
    const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(3000, 7), Buffer.from(HOSTILE)]);
    const sha = createHash("sha256").update(pdf).digest("hex");

    // Without the CSRF token: refused, and nothing is written.
    const noCsrf = await client.upload(
      `/records/${key}`,
      { value: "100%" },
      { name: "续保合同.pdf", data: pdf },
    );
    expect(noCsrf.status).toBe(403);
    expect(existsSync(evidenceRoot)).toBe(false);
    // Over 10 MB: 413 with the limit, nothing written.
    const big = await client.upload(
      `/records/${key}`,
      { csrf, value: "100%" },
      { name: "huge.pdf", data: Buffer.alloc(10 * 1024 * 1024 + 1) },
    );
    expect(big.status).toBe(413);
    expect(existsSync(evidenceRoot)).toBe(false);
    // A field the form does not have: 400 naming it.
    const odd = await client.upload(`/records/${key}`, { csrf, value: "100%", path: "/etc/passwd" });
    expect(odd.status).toBe(400);
    expect(odd.body).toContain("unexpected field &quot;path&quot;");

    const saved = await client.upload(
      `/records/${key}`,
      { csrf, value: "100%", note: "2026年续保合同已签" },
      { name: "../../续保合同 <b>.pdf", data: pdf, type: "text/html" },
    );
    expect(saved.status).toBe(303);
    const stored = join(evidenceRoot, sha.slice(0, 2), sha);
    expect(statSync(stored).mode & 0o777).toBe(0o640);
    expect(readdirSync(evidenceRoot)).toEqual([sha.slice(0, 2)]);

    const records = (await (
      await fetch(`${running.base}/api/records?key=${key}`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      })
    ).json()) as { id: number; evidence?: { sha256: string; fileName: string; size: number } }[];
    const record = records[records.length - 1];
    expect(record?.evidence).toEqual(
      expect.objectContaining({ sha256: sha, fileName: "续保合同 <b>.pdf", size: pdf.length }),
    );

    const viewer = new ConsoleClient(running.base);
    await viewer.login("viewer1");
    const history = await viewer.get(`/records/${key}`);
    const href = `/records/${key}/evidence/${record?.id}`;
    expect(history.body).toContain(`href="${href}"`);
    expect(history.body).toContain("续保合同 &lt;b&gt;.pdf");
    expect(history.body).toContain(`SHA-256 ${sha.slice(0, 12)}`);
    const download = await viewer.get(href);
    expect(download.status).toBe(200);
    // Always a download, never served as the uploader's text/html.
    expect(download.response.headers.get("content-type")).toBe("application/octet-stream");
    expect(download.response.headers.get("content-disposition")).toContain("attachment");
    const again = await fetch(running.base + href, {
      headers: { cookie: `opsagent_session=${viewer.cookies.get("opsagent_session")}` },
    });
    expect(
      createHash("sha256")
        .update(Buffer.from(await again.arrayBuffer()))
        .digest("hex"),
    ).toBe(sha);
    // Without a login: to the login page; a record id of another row: 404.
    const stranger = await new ConsoleClient(running.base).get(href);
    expect(stranger.status).toBe(303);
    expect(stranger.response.headers.get("location")).toMatch(/^\/login/);
    expect((await viewer.get(`/records/budget_execution_rate/evidence/${record?.id}`)).status).toBe(404);
  });
});
