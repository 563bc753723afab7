/**
 * The agent's HTTP endpoint: /metrics for Prometheus and /healthz for people and orchestrators.
 * Routes are a literal table so later endpoints (incidents, Alertmanager) slot in the same way.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "./log.js";
import { acceptsGzip, encodeBody, type BodyPiece } from "./metrics-body.js";

/**
 * A body is a string, or pieces written one after the other (gzip-compressed when the client
 * accepts it; metrics-body.ts): a large body whose parts are kept already encoded — the /metrics
 * families — is sent without building and re-encoding one string of it per request. At 10,000
 * targets that string is 11 MB, and its UTF-8 encoding alone took hundreds of milliseconds per
 * scrape once any part of it held a non-Latin-1 character.
 */
export type HttpBody = string | readonly BodyPiece[];

export interface HttpResponse {
  status: number;
  contentType: string;
  body: HttpBody;
  headers?: Readonly<Record<string, string>>;
}

/** `params` are a pattern route's capture groups (e.g. the incident id of /api/incidents/7/ack). */
export type RouteHandler = (
  request: IncomingMessage,
  params: readonly string[],
) => Promise<HttpResponse> | HttpResponse;

export interface Route {
  GET?: RouteHandler;
  POST?: RouteHandler;
}

export type Routes = Readonly<Record<string, Route>>;

/** Routes with a path parameter, tried in order when no exact route matches. */
export type PatternRoutes = readonly { pattern: RegExp; route: Route }[];

/** Bodies the agent accepts (Alertmanager groups, API calls) are small; more is refused. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(maxBytes = MAX_BODY_BYTES) {
    super(`request body over ${maxBytes} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/** The request body as UTF-8 text, at most `maxBytes` (a route with larger bodies says so). */
export async function readBody(request: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function json(status: number, value: unknown): HttpResponse {
  return {
    status,
    contentType: "application/json; charset=utf-8",
    body: `${JSON.stringify(value, null, 2)}\n`,
  };
}

/**
 * The path of a request target, or undefined when it is not one a URL parser accepts. A client
 * controls the target completely (`//a:99999/`, `//[`, `//%zz/` are all legal on the wire), so
 * this must never throw: a throw here once ended the daemon with one unauthenticated request.
 */
export function requestPath(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? "/", "http://agent").pathname;
  } catch {
    return undefined;
  }
}

/** Where a failure escaped a route handler's own error handling, for the failure counter. */
export type HttpFailureStage = "handler" | "response";

export class AgentHttpServer {
  private server: Server | undefined;

  /**
   * `onFailure` is told each time the last-resort path had to answer (counted in
   * opsagent_http_failures_total): a failure that escaped the route's own handling.
   */
  constructor(
    private readonly routes: Routes,
    private readonly log: Logger,
    private readonly patternRoutes: PatternRoutes = [],
    private readonly onFailure: (stage: HttpFailureStage) => void = () => undefined,
  ) {}

  async listen(host: string, port: number): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      // Nothing a request does may throw out of here: a rejected promise with no handler ends
      // the process (Node 20's default), and with it every collector and the year's evidence.
      this.handle(req, res).catch((error: unknown) => this.lastResort(req, res, error));
    });
    server.keepAliveTimeout = 5_000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    return server.address() as AddressInfo;
  }

  get address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  /** Answers 500 if nothing was sent yet, else cuts the connection; logs and counts either way. */
  private lastResort(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    this.onFailure("response");
    try {
      this.log.error(
        { err: error, method: req.method, target: req.url?.slice(0, 200) },
        "HTTP request failed outside its handler; answered 500",
      );
      if (!res.headersSent) {
        res.writeHead(500, {
          "content-type": "application/json; charset=utf-8",
          "cache-control": "no-store",
        });
        res.end(`${JSON.stringify({ error: "internal error; see the agent's log" })}\n`);
      } else res.destroy();
    } catch {
      // The socket is already gone; there is nobody left to answer.
      res.destroy();
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = requestPath(req.url);
    if (path === undefined) {
      res.writeHead(400, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(`${JSON.stringify({ error: "malformed request target" })}\n`);
      return;
    }
    let route: Route | undefined = this.routes[path];
    let params: string[] = [];
    if (!route) {
      for (const candidate of this.patternRoutes) {
        const match = candidate.pattern.exec(path);
        if (match) {
          route = candidate.route;
          params = match.slice(1);
          break;
        }
      }
    }
    let response: HttpResponse;
    try {
      if (!route) response = json(404, { error: `no such endpoint: ${path}` });
      else {
        const handler =
          req.method === "GET" || req.method === "HEAD"
            ? route.GET
            : req.method === "POST"
              ? route.POST
              : undefined;
        response = handler
          ? await handler(req, params)
          : json(405, { error: `${req.method} not allowed on ${path}` });
      }
    } catch (error) {
      if (error instanceof BodyTooLargeError) response = json(413, { error: error.message });
      else {
        this.onFailure("handler");
        this.log.error({ err: error, path }, "HTTP handler failed");
        response = json(500, { error: "internal error; see the agent's log" });
      }
    }
    const body = response.body;
    if (typeof body === "string") {
      res.writeHead(response.status, {
        "content-type": response.contentType,
        "cache-control": "no-store",
        ...response.headers,
      });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    const gzip = acceptsGzip(req.headers["accept-encoding"]);
    let encoded: Awaited<ReturnType<typeof encodeBody>>;
    try {
      encoded = await encodeBody(body, gzip);
    } catch (error) {
      this.onFailure("response");
      this.log.error({ err: error, path }, "HTTP response could not be encoded");
      res.writeHead(500, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(`${JSON.stringify({ error: "internal error; see the agent's log" })}\n`);
      return;
    }
    res.writeHead(response.status, {
      "content-type": response.contentType,
      "cache-control": "no-store",
      "content-length": String(encoded.length),
      vary: "accept-encoding",
      ...(gzip ? { "content-encoding": "gzip" } : {}),
      ...response.headers,
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    // Corked: the pieces leave in one writev rather than one write each.
    res.cork();
    for (const chunk of encoded.chunks) res.write(chunk);
    res.end();
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
