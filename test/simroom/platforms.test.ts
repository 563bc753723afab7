/** The simulated education platforms: the patterns by injected clock / count, and one real request each. */
import { readFileSync } from "node:fs";
import https from "node:https";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_DIR } from "../../simroom/index.js";
import {
  ecardDown,
  PLATFORM_NAMES,
  resourcesStatus,
  SLOW_MS,
  startPlatforms,
  type Platforms,
} from "../../simroom/platforms/index.js";

const at = (iso: string): number => Date.parse(iso);
let sim: Platforms | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("platform patterns", () => {
  it("ecard is down the first 2 minutes of every 10 by wall clock", () => {
    expect(ecardDown(at("2025-03-01T08:00:00Z"))).toBe(true);
    expect(ecardDown(at("2025-03-01T08:01:59.999Z"))).toBe(true);
    expect(ecardDown(at("2025-03-01T08:02:00Z"))).toBe(false);
    expect(ecardDown(at("2025-03-01T08:09:59Z"))).toBe(false);
    expect(ecardDown(at("2025-03-01T08:10:30Z"))).toBe(true);
    // 2 minutes in 10, over an hour sampled every second.
    const start = at("2025-03-01T08:00:00Z");
    const down = Array.from({ length: 3600 }, (_, s) => ecardDown(start + s * 1000)).filter(Boolean);
    expect(down.length).toBe(720);
  });

  it("resources fails every 7th request with 502", () => {
    const statuses = Array.from({ length: 21 }, (_, i) => resourcesStatus(i + 1));
    expect(statuses.filter((s) => s === 502).length).toBe(3);
    expect([resourcesStatus(6), resourcesStatus(7), resourcesStatus(8), resourcesStatus(14)]).toEqual([
      200, 502, 200, 502,
    ]);
  });
});

describe("platform servers", () => {
  it("answers one real request per platform, as its pattern says", async () => {
    let clock = at("2025-03-01T08:05:00Z");
    const tls = {
      key: readFileSync(join(DEMO_DIR, "server.key"), "utf8"),
      cert: readFileSync(join(DEMO_DIR, "server.pem"), "utf8"),
    };
    sim = await startPlatforms({ tls, now: () => clock });
    const p = sim.platforms;
    expect(Object.keys(p)).toEqual([...PLATFORM_NAMES]);

    for (const name of ["bigplatform", "online-education", "ecard"] as const) {
      const res = await fetch(`${p[name].url}/health`);
      expect(res.status, name).toBe(200);
      expect(await res.json()).toMatchObject({ status: "ok" });
    }
    clock = at("2025-03-01T08:10:00Z");
    const down = await fetch(`${p.ecard.url}/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: "maintenance" });

    const started = performance.now();
    const slow = await fetch(`${p["videoconf-web"].url}/health`);
    expect(slow.status).toBe(200);
    expect(await slow.json()).toMatchObject({ status: "ok" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(SLOW_MS - 50);

    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await fetch(`${p.resources.url}/`);
      const text = await res.text();
      if (res.status === 200) expect(text).toContain("资源平台");
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 502]);

    expect(p["ai-platform"].url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(DEMO_DIR, "ca.pem"), "utf8");
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${p["ai-platform"].url}/health`, { ca }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => (text += d));
          res.on("end", () =>
            res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode}`)),
          );
        })
        .on("error", reject);
    });
    expect(JSON.parse(body)).toMatchObject({ status: "ok" });
  });

  it("listens on consecutive ports from a fixed first port", async () => {
    const probe = await startPlatforms();
    const base = probe.platforms.bigplatform.port;
    await probe.close();
    // The chosen port is free again; the next five may not be, so only check the arithmetic if they are.
    try {
      sim = await startPlatforms({ port: base });
    } catch {
      return;
    }
    expect(PLATFORM_NAMES.map((n) => sim?.platforms[n].port)).toEqual(PLATFORM_NAMES.map((_, i) => base + i));
    expect(sim.platforms["ai-platform"].url).toMatch(/^http:/); // no TLS material: plain HTTP
  });
});
