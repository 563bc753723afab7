/**
 * The simulated education platforms of the centre: one small web server per platform on
 * 127.0.0.1, each with its own behaviour, so the demo's availability is varied and real.
 *
 * - 智慧教育大平台 `bigplatform`: healthy, JSON `/health` → {"status":"ok"}.
 * - 线上教育中心 `online-education`: healthy, JSON `/health`.
 * - E卡通 `ecard`: flapping: 503 for 2 minutes out of every 10 by wall clock (minutes 0–1, 10–11, …).
 * - 视频会议管理平台 `videoconf-web`: slow: answers after ~1.5 s (the demo config allows 1 s).
 * - 资源平台 `resources`: an HTML home page; every 7th request answers 502 Bad Gateway.
 * - AI 平台 `ai-platform`: healthy over HTTPS, with the demo CA's server certificate.
 *
 * The patterns are pure functions of an injected clock / request count, so tests assert them.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

export const PLATFORM_NAMES = [
  "bigplatform",
  "online-education",
  "ecard",
  "videoconf-web",
  "resources",
  "ai-platform",
] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** Display names, as the centre calls its platforms. */
export const PLATFORM_TITLES: Readonly<Record<PlatformName, string>> = {
  bigplatform: "智慧教育大平台",
  "online-education": "线上教育中心",
  ecard: "E卡通",
  "videoconf-web": "视频会议管理平台",
  resources: "资源平台",
  "ai-platform": "人工智能平台",
};

/** How long the slow platform takes to answer. */
export const SLOW_MS = 1500;
/** The flapping platform is down the first ECARD_DOWN_MINUTES of every ECARD_PERIOD_MINUTES. */
export const ECARD_PERIOD_MINUTES = 10;
export const ECARD_DOWN_MINUTES = 2;
/** The resources platform fails every RESOURCES_FAIL_EVERY-th request. */
export const RESOURCES_FAIL_EVERY = 7;

/** E卡通 is down (503) at `nowMs` (wall clock, ms since the epoch)? */
export function ecardDown(nowMs: number): boolean {
  const minute = Math.floor(nowMs / 60_000);
  return minute % ECARD_PERIOD_MINUTES < ECARD_DOWN_MINUTES;
}

/** Status of the resources platform's `n`-th request (1-based): 502 every 7th, else 200. */
export function resourcesStatus(n: number): 200 | 502 {
  return n % RESOURCES_FAIL_EVERY === 0 ? 502 : 200;
}

export interface PlatformsOptions {
  /**
   * First port: the platforms listen on port, port+1, … in PLATFORM_NAMES order. 0 (the default)
   * lets the system choose a port for each.
   */
  port?: number;
  /** PEM key and certificate of the HTTPS platform (ai-platform). Without them it serves plain HTTP. */
  tls?: { key: string; cert: string };
  /** The clock, ms since the epoch (default Date.now). */
  now?: () => number;
}

export interface Platform {
  name: PlatformName;
  title: string;
  url: string;
  port: number;
  /** Requests received so far. */
  requests: number;
}

export interface Platforms {
  platforms: Readonly<Record<PlatformName, Platform>>;
  close(): Promise<void>;
}

type Server = http.Server | https.Server;

function json(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

function html(res: http.ServerResponse, status: number, title: string, text: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${text}</body></html>`,
  );
}

export async function startPlatforms(options: PlatformsOptions = {}): Promise<Platforms> {
  const base = options.port ?? 0;
  const now = options.now ?? Date.now;
  const servers: Server[] = [];
  const platforms = {} as Record<PlatformName, Platform>;
  const close = async (): Promise<void> => {
    await Promise.all(
      servers.map(async (server) => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  };

  const handlerFor =
    (platform: Platform) =>
    (req: http.IncomingMessage, res: http.ServerResponse): void => {
      req.resume();
      req.once("end", () => {
        platform.requests += 1;
        const path = new URL(req.url ?? "/", "http://sim").pathname;
        const health = (): void => json(res, 200, { status: "ok", platform: platform.name });
        switch (platform.name) {
          case "ecard":
            if (ecardDown(now())) json(res, 503, { status: "maintenance", platform: platform.name });
            else if (path === "/health") health();
            else html(res, 200, platform.title, platform.title);
            return;
          case "videoconf-web": {
            const timer = setTimeout(
              () => (path === "/health" ? health() : html(res, 200, platform.title, "")),
              SLOW_MS,
            );
            res.once("close", () => clearTimeout(timer));
            return;
          }
          case "resources":
            if (resourcesStatus(platform.requests) === 502) {
              html(res, 502, "502 Bad Gateway", "<center><h1>502 Bad Gateway</h1></center>");
            } else {
              html(res, 200, platform.title, `<h1>${platform.title}</h1>`);
            }
            return;
          default:
            if (path === "/health") health();
            else html(res, 200, platform.title, `<h1>${platform.title}</h1>`);
        }
      });
    };

  try {
    for (const [i, name] of PLATFORM_NAMES.entries()) {
      const secure = name === "ai-platform" && options.tls !== undefined;
      const platform: Platform = { name, title: PLATFORM_TITLES[name], url: "", port: 0, requests: 0 };
      const handler = handlerFor(platform);
      const server: Server = secure
        ? https.createServer(options.tls ?? {}, handler)
        : http.createServer(handler);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(base === 0 ? 0 : base + i, "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      });
      servers.push(server);
      platform.port = (server.address() as AddressInfo).port;
      platform.url = `${secure ? "https" : "http"}://127.0.0.1:${platform.port}`;
      platforms[name] = platform;
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { platforms, close };
}
