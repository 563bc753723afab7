import { describe, expect, it } from "vitest";
import { computeHealth } from "../../agent/health.js";
import { AgentHttpServer, json, requestPath } from "../../agent/http.js";
import { silentLogger } from "../../agent/log.js";

const now = new Date("2026-06-01T10:00:00Z");
const base = {
  now,
  startedAt: new Date("2026-06-01T09:00:00Z"),
  timeZone: "Asia/Shanghai",
  staleAfterPeriods: 3,
  probeDatabase: () => undefined,
  databaseSizeBytes: () => 1000,
};

describe("health", () => {
  it("is ok when the database takes a write and every collector ran recently", () => {
    const report = computeHealth({
      ...base,
      collectors: [
        {
          name: "host",
          periodMs: 60_000,
          timeoutMs: 10_000,
          status: {
            lastRunAt: now,
            lastStatus: "ok",
            lastSuccessAt: new Date(now.getTime() - 60_000),
            lastDurationMs: 5,
            lastSamples: 3,
          },
        },
      ],
    });
    expect(report.status).toBe("ok");
    expect(report.collectors[0]).toMatchObject({
      healthy: true,
      last_success_age_seconds: 60,
      stale_after_seconds: 190,
    });
    // Times in the configured zone with its offset, never a bare "Z": the same instants, to the ms.
    expect(report).toMatchObject({
      time: "2026-06-01T18:00:00.000+08:00",
      started: "2026-06-01T17:00:00.000+08:00",
    });
    const lastSuccess = report.collectors[0]?.last_success ?? "";
    expect(lastSuccess).toBe("2026-06-01T17:59:00.000+08:00");
    expect(lastSuccess.endsWith("+08:00")).toBe(true);
    expect(Date.parse(lastSuccess)).toBe(now.getTime() - 60_000);
    expect(Date.parse(report.time)).toBe(now.getTime());
  });

  it("is unhealthy when a collector's last good run is older than its stale bound, with its last error", () => {
    const report = computeHealth({
      ...base,
      collectors: [
        {
          name: "vcenter",
          periodMs: 60_000,
          timeoutMs: 10_000,
          status: {
            lastRunAt: now,
            lastStatus: "failed",
            lastError: "401 Unauthorized",
            lastSuccessAt: new Date(now.getTime() - 191_250),
            lastDurationMs: 5,
            lastSamples: 0,
          },
        },
        // Never ran, but the agent started only 100 s ago: not stale yet.
        { name: "new", periodMs: 60_000, timeoutMs: 10_000, status: undefined },
      ],
      startedAt: new Date(now.getTime() - 100_000),
    });
    expect(report.status).toBe("unhealthy");
    expect(report.collectors.map((c) => [c.name, c.healthy, c.last_status])).toEqual([
      ["vcenter", false, "failed"],
      ["new", true, "not run yet"],
    ]);
    expect(report.collectors[0]?.last_error).toBe("401 Unauthorized");
    // The milliseconds are kept: the exact instant, not one rounded to the second.
    expect(report.collectors[0]?.last_success).toBe("2026-06-01T17:56:48.750+08:00");
    expect(report.collectors[1]?.last_success).toBeNull();
  });

  it("is unhealthy when the database does not take a write", () => {
    const report = computeHealth({
      ...base,
      probeDatabase: () => {
        throw new Error("SQLITE_FULL: database or disk is full");
      },
      collectors: [],
    });
    expect(report).toMatchObject({
      status: "unhealthy",
      database: { writable: false, error: "SQLITE_FULL: database or disk is full" },
    });
  });
});

describe("HTTP server", () => {
  it("routes, answers 404 and 405, and turns a handler crash into a 500 without details", async () => {
    const server = new AgentHttpServer(
      {
        "/ok": { GET: () => json(200, { ok: true }) },
        "/boom": {
          GET: () => {
            throw new Error("secret internals");
          },
        },
      },
      silentLogger,
    );
    const { port } = await server.listen("127.0.0.1", 0);
    try {
      const at = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init);
      expect((await at("/ok")).status).toBe(200);
      expect((await at("/nope")).status).toBe(404);
      expect((await at("/ok", { method: "DELETE" })).status).toBe(405);
      const boom = await at("/boom");
      expect(boom.status).toBe(500);
      expect(await boom.text()).not.toContain("secret internals");
    } finally {
      await server.close();
    }
  });

  it("answers a failure outside the handler with a last-resort 500, counted by stage, and keeps serving", async () => {
    const failures: string[] = [];
    const server = new AgentHttpServer(
      {
        "/ok": { GET: () => json(200, { ok: true }) },
        "/boom": {
          GET: () => {
            throw new Error("handler bug");
          },
        },
        // A header value Node refuses to write: the throw comes after the handler, while answering.
        "/bad-header": { GET: () => ({ ...json(200, {}), headers: { "x-bad": "line\nbreak" } }) },
      },
      silentLogger,
      [],
      (stage) => failures.push(stage),
    );
    const { port } = await server.listen("127.0.0.1", 0);
    try {
      const at = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
      expect((await at("/boom")).status).toBe(500);
      expect((await at("/bad-header")).status).toBe(500);
      expect(failures).toEqual(["handler", "response"]);
      expect((await at("/ok")).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("reads the path of any request target without throwing", () => {
    expect(requestPath("/metrics?x=1")).toBe("/metrics");
    expect(requestPath(undefined)).toBe("/");
    for (const target of ["//a:99999/", "//[", "//a:b/", "//%zz/"])
      expect(requestPath(target)).toBeUndefined();
  });
});
