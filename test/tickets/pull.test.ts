/**
 * The REST pull against real node:http / node:https servers on 127.0.0.1: paging, the bearer and
 * basic headers checked by the server, malformed and wrongly shaped answers, a hang that hits the
 * timeout, and TLS trusted only through tls_ca_file.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSelfSigned, type SelfSigned } from "../../simroom/test-ca.js";
import { ticketsPull, type TicketsPull } from "../../agent/tickets/config.js";
import { parseTicketsJson } from "../../agent/tickets/parse-json.js";
import { loadPullTls, pullTickets, TicketPullError } from "../../agent/tickets/pull.js";
import { config } from "./helpers.js";

const TOKEN = "s3cret-token-value";
const TICKETS = Array.from({ length: 5 }, (_, i) => ({
  ticketNo: `T-${i + 1}`,
  type: "视频会议",
  level: "紧急",
  createdAt: "2026-03-02 09:00",
  firstResponseAt: null,
  closedAt: null,
}));

let base = "";
let tlsBase = "";
let selfSigned: SelfSigned;
const servers: http.Server[] = [];
const requests: { path: string; authorization: string | undefined }[] = [];

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://x");
  requests.push({ path: url.pathname + url.search, authorization: req.headers.authorization });
  const json = (status: number, body: unknown): void => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
  const basic = `Basic ${Buffer.from(`ops:${TOKEN}`).toString("base64")}`;
  if (url.pathname.startsWith("/secure/") && req.headers.authorization !== `Bearer ${TOKEN}`) {
    json(401, { code: 401, msg: "unauthorized" });
    return;
  }
  switch (url.pathname) {
    case "/secure/tickets": {
      const page = Number(url.searchParams.get("pageNo"));
      const size = Number(url.searchParams.get("pageSize"));
      json(200, {
        code: 0,
        data: { total: TICKETS.length, items: TICKETS.slice((page - 1) * size, page * size) },
      });
      return;
    }
    case "/secure/full": // every page is full: only max_pages stops the pull
      json(200, { data: { items: [TICKETS[0], TICKETS[1]] } });
      return;
    case "/all":
      json(200, TICKETS);
      return;
    case "/basic":
      if (req.headers.authorization === basic) json(200, TICKETS.slice(0, 1));
      else json(403, "forbidden");
      return;
    case "/html":
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>维护中</body></html>");
      return;
    case "/wrong-shape":
      json(200, { code: 500, msg: "internal error" });
      return;
    case "/object":
      json(200, { data: { items: { ticketNo: "T-1" } } });
      return;
    case "/hang":
      return; // never answers
    default:
      json(404, { msg: "not found" });
  }
}

async function listen(server: http.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  base = `http://127.0.0.1:${await listen(http.createServer(handler))}`;
  selfSigned = createSelfSigned();
  tlsBase = `https://127.0.0.1:${await listen(https.createServer(selfSigned.tls(), handler))}`;
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  selfSigned.cleanup();
});

function pullConfig(input: Record<string, unknown>): TicketsPull {
  vi.stubEnv("HELPDESK_TOKEN", TOKEN);
  try {
    return ticketsPull.parse(input);
  } finally {
    vi.unstubAllEnvs();
  }
}

const signal = (): AbortSignal => new AbortController().signal;

async function pullError(pull: TicketsPull): Promise<TicketPullError> {
  try {
    await pullTickets(pull, signal());
  } catch (err) {
    expect(err).toBeInstanceOf(TicketPullError);
    expect((err as Error).message).not.toContain(TOKEN);
    return err as TicketPullError;
  }
  throw new Error("expected the pull to fail");
}

describe("pullTickets", () => {
  it("pulls every page with the bearer token, stopping at a short page", async () => {
    requests.length = 0;
    const pull = pullConfig({
      url: `${base}/secure/tickets?status=all`,
      auth: { bearer: "${HELPDESK_TOKEN}" },
      items_path: "$.data.items",
      paging: { style: "page", page_param: "pageNo", size_param: "pageSize", size: 2 },
    });
    const result = await pullTickets(pull, signal());
    expect(result).toEqual({ items: TICKETS, pages: 3, truncated: false });
    expect(requests).toEqual(
      [1, 2, 3].map((n) => ({
        path: `/secure/tickets?status=all&pageNo=${n}&pageSize=2`,
        authorization: `Bearer ${TOKEN}`,
      })),
    );
    // The items go through the same row checks as a CSV import.
    const mapping = {
      id: "ticketNo",
      category: "type",
      priority: "level",
      created: "createdAt",
      first_response: "firstResponseAt",
      resolved: "closedAt",
    };
    const parsed = parseTicketsJson(result.items, config({ mapping }));
    expect(parsed.problems).toEqual([]);
    expect(parsed.tickets.map((t) => t.id)).toEqual(["T-1", "T-2", "T-3", "T-4", "T-5"]);
  });

  it("stops at max_pages and says the result may be truncated", async () => {
    const pull = pullConfig({
      url: `${base}/secure/full`,
      auth: { bearer: "${HELPDESK_TOKEN}" },
      items_path: "$.data.items",
      paging: { style: "page", size: 2, max_pages: 3 },
    });
    const result = await pullTickets(pull, signal());
    expect(result.pages).toBe(3);
    expect(result.items).toHaveLength(6);
    expect(result.truncated).toBe(true);
  });

  it("reads a whole list in one request, with basic auth", async () => {
    expect(await pullTickets(pullConfig({ url: `${base}/all` }), signal())).toEqual({
      items: TICKETS,
      pages: 1,
      truncated: false,
    });
    const basic = pullConfig({
      url: `${base}/basic`,
      auth: { basic: { username: "ops", password: "${HELPDESK_TOKEN}" } },
    });
    expect((await pullTickets(basic, signal())).items).toHaveLength(1);
  });

  it("names the path and status of a refused request, never the token or the query", async () => {
    const err = await pullError(pullConfig({ url: `${base}/secure/tickets?access_token=query-secret` }));
    expect(err.message).toBe(
      "tickets pull: GET /secure/tickets: status 401 (is the token or password valid and allowed?)",
    );
    expect(err.status).toBe(401);
    const paged = await pullError(
      pullConfig({ url: `${base}/basic`, auth: { bearer: "${HELPDESK_TOKEN}" }, paging: { style: "page" } }),
    );
    expect(paged.message).toBe(
      "tickets pull: GET /basic (page 1): status 403 (is the token or password valid and allowed?)",
    );
  });

  it("reports malformed and wrongly shaped answers with the items_path", async () => {
    expect((await pullError(pullConfig({ url: `${base}/html` }))).message).toMatch(
      /^tickets pull: GET \/html: the answer is not JSON: malformed JSON \(/,
    );
    expect(
      (await pullError(pullConfig({ url: `${base}/wrong-shape`, items_path: "$.data.items" }))).message,
    ).toBe(
      "tickets pull: GET /wrong-shape: no value at items_path $.data.items; the answer's top-level keys are code, msg",
    );
    expect((await pullError(pullConfig({ url: `${base}/object`, items_path: "$.data.items" }))).message).toBe(
      "tickets pull: GET /object: items_path $.data.items is an object, expected a list of tickets",
    );
    expect((await pullError(pullConfig({ url: `${base}/all`, items_path: "$.data" }))).message).toBe(
      "tickets pull: GET /all: no value at items_path $.data; the answer is a list",
    );
  });

  it("gives up on a server that does not answer within the timeout", async () => {
    const started = Date.now();
    const err = await pullError(pullConfig({ url: `${base}/hang`, timeout: "300ms" }));
    expect(err.message).toBe("tickets pull: GET /hang: no answer within 300ms");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("stops when the caller aborts, with the caller's reason", async () => {
    const controller = new AbortController();
    const pending = pullTickets(pullConfig({ url: `${base}/hang` }), controller.signal);
    setTimeout(() => controller.abort(new Error("shutting down")), 50);
    await expect(pending).rejects.toThrow("shutting down");
  });

  it("verifies TLS: refused without the CA, accepted with tls_ca_file", async () => {
    const untrusted = await pullError(pullConfig({ url: `${tlsBase}/all` }));
    expect(untrusted.message).toMatch(/^tickets pull: GET \/all: .*(self[- ]signed|certificate)/i);
    const trusted = pullConfig({ url: `${tlsBase}/all`, tls_ca_file: selfSigned.certFile });
    const tls = loadPullTls(trusted);
    expect((await pullTickets(trusted, signal(), tls)).items).toHaveLength(5);
    expect(() =>
      loadPullTls(pullConfig({ url: `${tlsBase}/all`, tls_ca_file: "/nonexistent/ca.pem" })),
    ).toThrow(/tickets pull: cannot read tls_ca_file \/nonexistent\/ca\.pem/);
  });
});
