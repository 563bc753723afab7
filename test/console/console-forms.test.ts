/**
 * The console's state-changing forms over plain HTTP against a real agent: every one refuses a
 * missing or wrong CSRF token and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API_TOKEN,
  ConsoleClient,
  openIncident,
  startConsoleAgent,
  type ConsoleAgent,
} from "./console-agent.js";

async function api<T>(base: string, path: string): Promise<T> {
  const response = await fetch(base + path, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

describe("console forms over HTTP", () => {
  let running: ConsoleAgent;
  beforeAll(async () => {
    running = await startConsoleAgent("ops-agent-console-forms-");
    await openIncident(running.base, "bigplatform down", "00000000000000f1");
  }, 60_000);
  afterAll(async () => running?.stop());

  it("every state-changing form refuses a missing or a wrong CSRF token, and nothing changes", async () => {
    const client = new ConsoleClient(running.base);
    expect((await client.login("admin1")).status).toBe(303);
    const csrf = await client.csrf("/platform");
    // Something for the removal and the correction to act on, added with the right token.
    expect(
      (
        await client.post("/platform/maintenance", {
          csrf,
          name: "kept-window",
          start: "2030-01-01T00:00",
          end: "2030-01-01T01:00",
        })
      ).status,
    ).toBe(303);
    expect((await client.post("/records/budget_execution_rate", { csrf, value: "40%" })).status).toBe(303);
    const [first] = await api<{ id: number }[]>(running.base, "/api/records?key=budget_execution_rate");
    const [incident] = await api<{ id: number }[]>(running.base, "/api/incidents");
    expect(first).toBeDefined();
    expect(incident).toBeDefined();

    const forms: { what: string; path: string; fields: Record<string, string> }[] = [
      { what: "logout", path: "/logout", fields: {} },
      {
        what: "maintenance add",
        path: "/platform/maintenance",
        fields: { name: "csrf-window", start: "2030-02-01T00:00", end: "2030-02-01T01:00" },
      },
      { what: "maintenance remove", path: "/platform/maintenance/remove", fields: { name: "kept-window" } },
      {
        what: "report generate",
        path: "/reports/generate",
        fields: { kind: "monthly_report", period: "2026-11" },
      },
      {
        what: "self-evaluation generate",
        path: "/reports/generate",
        fields: { kind: "form_export", period: "2026-H1" },
      },
      { what: "incident acknowledge", path: `/incidents/${incident?.id}/ack`, fields: {} },
      { what: "incident note", path: `/incidents/${incident?.id}/note`, fields: { text: "looking" } },
      { what: "incident resolve", path: `/incidents/${incident?.id}/resolve`, fields: {} },
      { what: "manual record", path: "/records/budget_execution_rate", fields: { value: "50%" } },
      {
        what: "manual correction",
        path: "/records/budget_execution_rate",
        fields: { value: "45%", corrects: String(first?.id) },
      },
    ];
    for (const form of forms) {
      for (const token of [undefined, `${csrf}x`, ""]) {
        const fields = token === undefined ? form.fields : { ...form.fields, csrf: token };
        const refused = await client.post(form.path, fields);
        expect(refused.status, `${form.what} with csrf ${String(token)}`).toBe(403);
        expect(refused.body, form.what).toContain("CSRF");
      }
    }

    // Nothing changed: still logged in, the window kept and no other added, no document written,
    // the incident open with no note, one record.
    const platform = await client.get("/platform");
    expect(platform.status).toBe(200);
    expect(platform.body).toContain("kept-window");
    expect(platform.body).not.toContain("csrf-window");
    const reports = await client.get("/reports");
    expect(reports.body).not.toContain("/reports/file?");
    const incidents = await api<{ id: number; status: string; events?: unknown[] }[]>(
      running.base,
      "/api/incidents",
    );
    expect(incidents.map((i) => i.status)).toEqual(["open"]);
    const incidentPage = await client.get("/incidents");
    expect(incidentPage.body).not.toContain("looking");
    const records = await api<{ value: string }[]>(running.base, "/api/records?key=budget_execution_rate");
    expect(records.map((r) => r.value)).toEqual(["40%"]);
  });
});
