/**
 * The console's state-changing forms over plain HTTP against a real agent: every one refuses a
 * missing or wrong CSRF token and changes nothing; every change is recorded with who and when
 * (maintenance removal and document generation too); the full flows of a correction, a
 * self-evaluation and an incident.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "../helpers/agent-process.js";
import {
  API_TOKEN,
  ConsoleClient,
  openIncident,
  PASSWORD,
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

    // The login form's own token (bound to its cookie): missing or not the cookie's, refused.
    const stranger = new ConsoleClient(running.base);
    const loginToken = await stranger.csrf("/login");
    for (const token of [undefined, `${loginToken}x`]) {
      const fields = { user: "admin1", password: PASSWORD, next: "/" };
      const refused = await stranger.post(
        "/login",
        token === undefined ? fields : { ...fields, csrf: token },
      );
      expect(refused.status, `login with csrf ${String(token)}`).toBe(403);
      expect(stranger.cookies.has("opsagent_session")).toBe(false);
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

  it("a maintenance window removed in the console is kept with who removed it and when, as the CLI lists it", async () => {
    const operator = new ConsoleClient(running.base);
    await operator.login("operator1");
    const csrf = await operator.csrf("/platform");
    const added = await operator.post("/platform/maintenance", {
      csrf,
      name: "audit-window",
      start: "2030-03-01T22:00",
      end: "2030-03-02T01:00",
    });
    expect(added.status).toBe(303);
    const before = Date.now();
    const removed = await operator.post("/platform/maintenance/remove", { csrf, name: "audit-window" });
    expect(removed.status).toBe(303);
    // Out of the windows in force; in the removal trail below them, with who removed it.
    const platform = (await operator.get("/platform")).body;
    expect(platform).not.toContain('data-window="audit-window"');
    const trail = platform.slice(platform.indexOf("已删除的维护窗口"));
    expect(trail).toContain("audit-window");
    expect(trail).toContain("operator1 · ");
    // Removing it again: it is no longer in force.
    expect((await operator.post("/platform/maintenance/remove", { csrf, name: "audit-window" })).status).toBe(
      404,
    );

    const cli = (args: string[]) =>
      execFileSync(process.execPath, [CLI, ...args, "--config", running.config], {
        encoding: "utf8",
        env: { ...process.env, USER: "cli-user" },
      });
    const listed = JSON.parse(cli(["maintenance", "list", "--removed", "--json"])) as {
      name: string;
      created_by: string;
      created_at: string;
      removed_by: string;
      removed_at: string;
    }[];
    const entry = listed.find((w) => w.name === "audit-window");
    expect(entry).toEqual({
      name: "audit-window",
      created_by: "operator1",
      created_at: expect.stringMatching(/\+08:00$/),
      removed_by: "operator1",
      removed_at: expect.stringMatching(/\+08:00$/),
    });
    expect(Date.parse(entry?.removed_at ?? "")).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(entry?.removed_at ?? "")).toBeLessThanOrEqual(Date.now());
    // The CLI's removal records the same fields, under --by or $USER.
    cli(["maintenance", "add", "cli-window", "--cron", "0 2 * * 6", "--duration", "1h", "--by", "zhang"]);
    cli(["maintenance", "remove", "cli-window"]);
    const again = JSON.parse(cli(["maintenance", "list", "--removed", "--json"])) as typeof listed;
    expect(again.find((w) => w.name === "cli-window")).toMatchObject({
      created_by: "zhang",
      removed_by: "cli-user",
    });
  });

  it("a self-evaluation generated on demand is recorded with who generated it, shown on 报告 and downloads as XLSX", async () => {
    const operator = new ConsoleClient(running.base);
    await operator.login("operator1");
    const csrf = await operator.csrf("/reports");
    const generated = await operator.post("/reports/generate", {
      csrf,
      kind: "form_export",
      period: "2026-H1",
    });
    expect(generated.status).toBe(303);
    expect(generated.response.headers.get("location")).toBe("/reports?done=2026-H1");
    const page = await operator.get("/reports");
    expect(page.body).toContain("<th>生成人</th>");
    const href = /href="(\/reports\/file\?kind=form_export&amp;period=2026-H1&amp;format=xlsx)"/.exec(
      page.body,
    )?.[1];
    expect(href).toBeDefined();
    // The row of the file names its generator.
    const row = page.body.slice(
      page.body.indexOf(href ?? ""),
      page.body.indexOf("</tr>", page.body.indexOf(href ?? "")),
    );
    expect(row).toContain("<td>operator1</td>");
    expect(row).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}( |&nbsp;)?\+08:00/);
    const english = await operator.get("/reports?lang=en");
    expect(english.body).toContain("<th>Generated by</th>");

    const viewer = new ConsoleClient(running.base);
    await viewer.login("viewer1");
    const file = await fetch(running.base + (href ?? "").replaceAll("&amp;", "&"), {
      headers: { cookie: `opsagent_session=${viewer.cookies.get("opsagent_session")}` },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(file.headers.get("content-disposition")).toContain("attachment");
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK"); // an XLSX is a ZIP
  });

  it("a refused period on 报告 is said in the page's language, naming the period as typed; nothing is generated", async () => {
    const operator = new ConsoleClient(running.base);
    await operator.login("operator1");
    const cases = [
      { kind: "monthly_report", period: "2026-13", zh: "期间“2026-13”无效：月度报告应填月份，如 2026-10" },
      {
        kind: "form_export",
        period: "2026-Q3",
        zh: "期间“2026-Q3”无效：自评表应填 2026-H1（上半年）或 2026（全年）",
      },
      { kind: "monthly_report", period: "2099-01", zh: "期间“2099-01”尚未开始" },
    ];
    for (const c of cases) {
      const csrf = await operator.csrf("/reports");
      const refused = await operator.post("/reports/generate", { csrf, kind: c.kind, period: c.period });
      expect(refused.status, c.period).toBe(400);
      expect(refused.body, c.period).toContain(c.zh);
      expect(refused.body, c.period).not.toMatch(/period: |expected a month|has not begun/);
    }
    const csrf = await operator.csrf("/reports?lang=en");
    const english = await operator.post("/reports/generate?lang=en", {
      csrf,
      kind: "monthly_report",
      period: "2099-01",
    });
    expect(english.status).toBe(400);
    expect(english.body).toContain("Period &quot;2099-01&quot; has not begun yet");
    expect((await operator.get("/reports")).body).not.toMatch(/period=(2026-13|2026-Q3|2099-01)/);
  });

  it("a correction in the console is a new record: both in the history, the kpi's value the corrected one", async () => {
    const key = "budget_deviation_rate";
    const recorder = new ConsoleClient(running.base);
    await recorder.login("recorder1");
    const csrf = await recorder.csrf(`/records/${key}`);
    expect((await recorder.post(`/records/${key}`, { csrf, value: "9%", note: "初报" })).status).toBe(303);
    const [first] = await api<{ id: number }[]>(running.base, `/api/records?key=${key}`);
    const corrected = await recorder.post(`/records/${key}`, {
      csrf,
      value: "3%",
      note: "财务核对后更正",
      corrects: String(first?.id),
    });
    expect(corrected.status).toBe(303);
    const records = await api<{ id: number; value: string; corrects?: number; recordedBy: string }[]>(
      running.base,
      `/api/records?key=${key}`,
    );
    expect(records).toEqual([
      expect.objectContaining({ id: first?.id, value: "9%", recordedBy: "recorder1" }),
      expect.objectContaining({ value: "3%", corrects: first?.id, recordedBy: "recorder1" }),
    ]);
    const history = await recorder.get(`/records/${key}`);
    expect(history.body).toContain("9%");
    expect(history.body).toContain("3%");
    expect(history.body).toContain("财务核对后更正");
    const kpi = await api<{ results: { key: string; value: number | null; records?: number[] }[] }>(
      running.base,
      "/api/kpi?period=2026",
    );
    const result = kpi.results.find((r) => r.key === key);
    expect(result?.value).toBeCloseTo(0.03, 10);
    expect(result?.records).toEqual([records[1]?.id]);
  });

  it("an incident noted and resolved in the console: the note, who and when in its log, resolved in the API", async () => {
    await openIncident(running.base, "ecard down", "00000000000000f2");
    const incidents = await api<{ id: number; title: string }[]>(running.base, "/api/incidents");
    const incident = incidents.find((i) => i.title.includes("ecard down"));
    expect(incident).toBeDefined();
    const operator = new ConsoleClient(running.base);
    await operator.login("operator1");
    const csrf = await operator.csrf("/incidents");
    const noted = await operator.post(`/incidents/${incident?.id}/note`, {
      csrf,
      text: "已联系厂家，备件明天到",
    });
    expect(noted.status).toBe(303);
    const resolved = await operator.post(`/incidents/${incident?.id}/resolve`, {
      csrf,
      text: "更换电源后恢复",
    });
    expect(resolved.status).toBe(303);
    const before = Date.now();
    const done = await api<{
      status: string;
      resolved_by: string | null;
      resolved_at: string | null;
      events: { at: string; kind: string; actor: string; text: string | null }[];
    }>(running.base, `/api/incidents/${incident?.id}`);
    expect(done.status).toBe("resolved");
    expect(done.resolved_by).toBe("operator1");
    expect(Date.parse(done.resolved_at ?? "")).toBeLessThanOrEqual(before);
    expect(done.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "note", actor: "operator1", text: "已联系厂家，备件明天到" }),
        expect.objectContaining({ kind: "resolve", actor: "operator1", text: "更换电源后恢复" }),
      ]),
    );
    // No longer among the open ones on 故障.
    const open = await api<{ id: number }[]>(running.base, "/api/incidents?status=unresolved");
    expect(open.map((i) => i.id)).not.toContain(incident?.id);
  });

  it("a refused manual value is explained in the page's language: Chinese by default, the CLI's English with ?lang=en", async () => {
    const recorder = new ConsoleClient(running.base);
    await recorder.login("recorder1");
    const csrf = await recorder.csrf("/records/videoconf_staff");
    const cases: { key: string; fields: Record<string, string>; zh: string; en: string }[] = [
      {
        key: "videoconf_staff",
        fields: { value: "7个" },
        zh: "视频会议运维服务人员（videoconf_staff）：单位不符：应为以“人”计的数字（如“3人”），收到“7个”",
        en: "videoconf_staff (视频会议运维服务人员): expected a number in 人 (e.g. &quot;3人&quot;), got &quot;7个&quot;",
      },
      {
        key: "budget_execution_rate",
        fields: { value: "150%" },
        zh: "预算执行率（budget_execution_rate）：百分比最大为 100%，收到“150%”（是否应为“1.5%”？）",
        en: "budget_execution_rate (预算执行率): a percentage is at most 100%, got &quot;150%&quot; (did you mean &quot;1.5%&quot;?)",
      },
      {
        key: "budget_execution_rate",
        fields: { value: "lots" },
        zh: "预算执行率（budget_execution_rate）：应为数字（单位：%），收到“lots”",
        en: "budget_execution_rate (预算执行率): expected a number in %, got &quot;lots&quot;",
      },
      {
        key: "publicity_timeliness",
        fields: { value: "很快" },
        zh: "宣传活动及时性（publicity_timeliness）：应为“及时”或“不及时”/“未及时”（定性指标），收到“很快”",
        en: "publicity_timeliness (宣传活动及时性): expected &quot;及时&quot; or &quot;不及时&quot;/&quot;未及时&quot; (a qualitative indicator), got &quot;很快&quot;",
      },
      {
        key: "news_posts",
        fields: { value: "30条", corrects: "99999" },
        zh: "更正：没有编号为 #99999 的记录",
        en: "--corrects: no manual record #99999",
      },
      {
        key: "news_posts",
        fields: { value: "30条", date: "2099-01-01" },
        zh: "日期：2099-01-01 尚未到来",
        en: "--date: 2099-01-01 is in the future",
      },
      {
        key: "news_posts",
        fields: { value: "" },
        zh: "值：请按指标的单位填写",
        en: "value: enter a value in the indicator&#39;s unit",
      },
    ];
    for (const c of cases) {
      const zh = await recorder.post(`/records/${c.key}`, { ...c.fields, csrf });
      expect(zh.status, `${c.key} ${JSON.stringify(c.fields)}`).toBe(400);
      expect(zh.body).toContain(c.zh);
      const en = await recorder.post(`/records/${c.key}?lang=en`, { ...c.fields, csrf });
      expect(en.status).toBe(400);
      expect(en.body).toContain(c.en);
      expect(en.body).not.toContain(c.zh);
    }
    // An unknown row: 404 naming the key, in either language.
    const unknownZh = await recorder.post("/records/no_such_row", { value: "1", csrf });
    expect(unknownZh.status).toBe(404);
    expect(unknownZh.body).toContain("没有键为“no_such_row”的手工填报指标");
    const unknownEn = await recorder.get("/records/no_such_row?lang=en");
    expect(unknownEn.status).toBe(404);
    expect(unknownEn.body).toContain("No manual row with the key &quot;no_such_row&quot;");
    // Nothing was recorded.
    for (const key of ["videoconf_staff", "publicity_timeliness", "news_posts"])
      expect(await api<unknown[]>(running.base, `/api/records?key=${key}`)).toEqual([]);

    // The CLI's messages are unchanged (English, exit 78).
    const cli = spawnSync(
      process.execPath,
      [CLI, "record", "budget_execution_rate", "150%", "--config", running.config],
      { encoding: "utf8" },
    );
    expect(cli.status).toBe(78);
    expect(cli.stderr.trim()).toBe(
      'record: budget_execution_rate (预算执行率): a percentage is at most 100%, got "150%" (did you mean "1.5%"?)',
    );
  });
});
