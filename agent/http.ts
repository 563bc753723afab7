/**
 * The agent's HTTP endpoint: /metrics for Prometheus and /healthz for people and orchestrators.
 * Routes are a literal table so later endpoints (incidents, Alertmanager) slot in the same way.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "./log.js";

export interface HttpResponse {
  status: number;
  contentType: string;
  body: string;
}

export type RouteHandler = (request: IncomingMessage) => Promise<HttpResponse> | HttpResponse;

export type Routes = Readonly<Record<string, { GET?: RouteHandler; POST?: RouteHandler }>>;

export function json(status: number, value: unknown): HttpResponse {
  return {
    status,
    contentType: "application/json; charset=utf-8",
    body: `${JSON.stringify(value, null, 2)}\n`,
  };
}

export class AgentHttpServer {
  private server: Server | undefined;

  constructor(
    private readonly routes: Routes,
    private readonly log: Logger,
  ) {}

  async listen(host: string, port: number): Promise<AddressInfo> {
    const server = createServer((req, res) => void this.handle(req, res));
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://agent").pathname;
    const route = this.routes[path];
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
          ? await handler(req)
          : json(405, { error: `${req.method} not allowed on ${path}` });
      }
    } catch (error) {
      this.log.error({ err: error, path }, "HTTP handler failed");
      response = json(500, { error: "internal error; see the agent's log" });
    }
    res.writeHead(response.status, { "content-type": response.contentType, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : response.body);
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
