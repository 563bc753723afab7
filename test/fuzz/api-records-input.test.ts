/**
 * POST /api/records from outside, against the real daemon (dist/agent/main.js) over loopback:
 *
 * - a body over the agent's limit answers 413, as /api/alertmanager does (it answered 400 "body is
 *   not JSON", because the size error was caught with the parse error);
 * - JSON strings with lone UTF-16 surrogates ("\ud800" escapes) are refused with 400 naming the
 *   field; whatever fast-check sends, every text the store holds afterwards is valid UTF-8 (SQLite
 *   stored a lone surrogate as the bytes ED A0 80, which no UTF-8 reader accepts).
 */
import { ALERTMANAGER_MAX_BODY_BYTES } from "../../agent/incidents/alertmanager.js";
import Database from "better-sqlite3";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
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

const TOKEN = "records-token-0123456789abcdef";
/** A manual row of config/targets-2026.yaml (a qualitative word: 健全 / 不健全). */
const KEY = "long_term_plan_soundness";
const MAX_BODY_BYTES = 1024 * 1024;

let dir: string;
let port = 0;
let agent: RunningAgent;

async function post(path: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** Every text value in a table of the database (the manual records by default), as the bytes SQLite holds. */
function storedTexts(table = "manual_records"): Buffer[] {
  const db = new Database(join(dir, "data", "ops-agent.db"), { readonly: true });
  try {
    const columns = (
      db.prepare(`SELECT name, type FROM pragma_table_info('${table}')`).all() as {
        name: string;
        type: string;
      }[]
    ).filter((c) => /TEXT/i.test(c.type));
    const texts: Buffer[] = [];
    for (const { name } of columns) {
      for (const row of db.prepare(`SELECT CAST("${name}" AS BLOB) AS b FROM ${table}`).all() as {
        b: Buffer | null;
      }[])
        if (row.b !== null) texts.push(row.b);
    }
    return texts;
  } finally {
    db.close();
  }
}

const isUtf8 = (bytes: Buffer): boolean => {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ops-agent-records-fuzz-"));
  vi.stubEnv("OPS_AGENT_API_TOKEN", TOKEN);
  port = await freePort();
  const config = writeConfig(dir, port, "  []\n", `incidents:\n  api_token: "\${OPS_AGENT_API_TOKEN}"\n`);
  agent = startAgent(config);
  await waitFor(
    async () => ((await get(port, "/healthz")).status === 200 ? true : undefined),
    20_000,
    "/healthz",
  );
});

afterAll(async () => {
  agent.child.kill("SIGTERM");
  await agent.exited;
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe("POST /api/records: hostile bodies", () => {
  it("an oversized body answers 413, like /api/alertmanager", async () => {
    const body = JSON.stringify({ key: KEY, value: "健全", by: "x", note: "x".repeat(MAX_BODY_BYTES) });
    // /api/alertmanager takes payloads of up to ALERTMANAGER_MAX_BODY_BYTES (10,000 alerts); past
    // that it answers 413 too.
    const huge = "x".repeat(ALERTMANAGER_MAX_BODY_BYTES + 1);
    expect((await post("/api/alertmanager", huge)).status).toBe(413);
    const r = await post("/api/records", body);
    expect(r.status, r.text).toBe(413);
    expect(r.text).toMatch(/over \d+ bytes/);
  });

  it("a lone surrogate is refused with 400 naming the field; a good record is stored", async () => {
    const r = await post("/api/records", `{"key":"${KEY}","value":"健全","by":"\\ud800张工"}`);
    expect(r.status, r.text).toBe(400);
    expect(r.text).toMatch(/by: .*lone UTF-16 surrogate/);
    const ok = await post("/api/records", JSON.stringify({ key: KEY, value: "健全", by: "张工 👷" }));
    expect(ok.status, ok.text).toBe(201);
  });

  it("whatever strings arrive, the store holds only valid UTF-8", async () => {
    const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => `\\u${c.toString(16)}`);
    const piece = fc.oneof(fc.string({ maxLength: 5 }), surrogate, fc.constant("👷"), fc.constant("张"));
    const field = fc
      .array(piece, { maxLength: 6 })
      .map((p) => p.join("").replace(/["\\](?!u[d][89a-f])/g, ""));
    await fc.assert(
      fc.asyncProperty(field, field, async (by, note) => {
        const r = await post(
          "/api/records",
          `{"key":"${KEY}","value":"健全","by":"${by}x","note":"${note}"}`,
        );
        expect([201, 400]).toContain(r.status);
      }),
      fuzzParameters(81, 100),
    );
    const texts = storedTexts();
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(isUtf8(t), t.toString("hex")).toBe(true);
  }, 120_000);

  it("lone surrogates in an Alertmanager payload or an incident note are stored mended, as valid UTF-8", async () => {
    const payload =
      '{"version":"4","status":"firing","alerts":[{"status":"firing",' +
      '"labels":{"alertname":"Disk\\ud800Full","instance":"db-1\\udc00"},' +
      '"annotations":{"summary":"\\udbff磁盘满"},"startsAt":"2026-12-04T08:00:00+08:00","fingerprint":"a1b2c3"}]}';
    const r = await post("/api/alertmanager", payload);
    expect(r.status, r.text).toBe(200);
    const incidents = await waitFor(async () => {
      const list = await fetch(`http://127.0.0.1:${port}/api/incidents`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const body = (await list.json()) as { id: number; title: string }[];
      return body.length > 0 ? body : undefined;
    });
    expect(incidents[0]!.title).toContain("\uFFFD");
    const note = await post(
      `/api/incidents/${incidents[0]!.id}/note`,
      '{"by":"\\ud800值班","text":"已处理\\udc00"}',
    );
    expect([200, 400]).toContain(note.status);
    for (const table of ["incidents", "incident_events"]) {
      const texts = storedTexts(table);
      expect(texts.length, table).toBeGreaterThan(0);
      for (const t of texts) expect(isUtf8(t), `${table}: ${t.toString("hex")}`).toBe(true);
    }
  });
});
