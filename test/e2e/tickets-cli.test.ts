/**
 * `ops-agent tickets import FILE` end to end: the built CLI on GBK helpdesk exports (the fixtures
 * of test/tickets/fixtures, whose mapping is the typical Chinese one of test/tickets/helpers.ts),
 * with the results read back through `ops-agent incident list|show --json`.
 */
import { describe, expect, it } from "vitest";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/tmp.js";
import { writeConfig } from "../helpers/agent-process.js";
import { runCli } from "./fixtures/processes.js";

const FIXTURES = join(process.cwd(), "test/tickets/fixtures");

/** The fixtures' mapping (test/tickets/helpers.ts), as the config file writes it. */
const TICKETS_SECTION = `incidents:
  tickets:
    timezone: Asia/Shanghai
    mapping:
      id: 工单号
      category: 分类
      priority: 优先级
      created: 创建时间
      first_response: 首次响应时间
      resolved: 解决时间
      title: 标题
    category_map: { 视频会议: videoconf, 大平台: platform, 机房: machine_room, 杀毒: antivirus }
    priority_map: { 紧急: P1, 高: P2, 中: P3, 低: P4 }
`;

interface ListedIncident {
  id: number;
  source: string;
  sourceKey: string;
  category: string;
  priority: string;
  title: string;
  status: string;
  startedAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolvedBy?: string;
}

interface Summary {
  file: string;
  encoding: string | null;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

function setup(withTickets = true) {
  const dir = tempDir("ops-agent-tickets-cli-");
  // The agent is not running: the CLI opens the store on its own. The port is never listened on.
  const config = writeConfig(dir, 1, "  []\n", withTickets ? TICKETS_SECTION : "");
  const importFile = async (file: string) => {
    const r = await runCli(["tickets", "import", file, "--config", config, "--json"]);
    return { ...r, summary: r.stdout.trim() === "" ? undefined : (JSON.parse(r.stdout) as Summary) };
  };
  const list = async () => {
    const r = await runCli(["incident", "list", "--json", "--config", config]);
    expect(r.code, r.stderr).toBe(0);
    const all = JSON.parse(r.stdout) as ListedIncident[];
    return new Map(all.map((i) => [i.sourceKey, i]));
  };
  const events = async (id: number) => {
    const r = await runCli(["incident", "show", String(id), "--json", "--config", config]);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { events: { kind: string; actor: string; at: string; text?: string }[] })
      .events;
  };
  return { dir, config, importFile, list, events };
}

// Each CLI run is a Node start (~1 s, several under load): room for a shared 2-core machine.
describe("ops-agent tickets import", { timeout: 90_000 }, () => {
  it("a GBK export with bad rows: exit 1, each bad row as file:line: reason, the good rows stored; again: nothing changes", async () => {
    const { dir, importFile, list, events } = setup();
    const file = join(dir, "bad-rows.csv");
    copyFileSync(join(FIXTURES, "tickets-bad-rows.csv"), file);

    const first = await importFile(file);
    expect(first.code, first.stderr).toBe(1);
    expect(first.summary).toEqual({
      file,
      encoding: "gbk",
      created: 2,
      updated: 0,
      unchanged: 0,
      rejected: 10,
    });
    const lines = first.stderr.trimEnd().split("\n");
    expect(lines.map((l) => l.slice(0, l.indexOf(": ")))).toEqual(
      [3, 4, 5, 6, 7, 8, 10, 11, 12, 13].map((n) => `${file}:${n}`),
    );
    expect(lines[0]).toBe(
      `${file}:3: impossible dates: resolution "2026-03-01 10:00" (column "解决时间") is before created "2026-03-02 10:00" (column "创建时间")`,
    );
    expect(lines[1]).toMatch(/:4: unknown category "网络" in column "分类": add it to category_map/);
    expect(lines[2]).toMatch(/:5: column "创建时间" \(created\): "2026-02-30 10:00" is not a real date/);
    expect(lines[3]).toMatch(/:6: no id \(column "工单号" is empty\)$/);
    expect(lines[4]).toMatch(/:7: unknown priority "特急"/);
    expect(lines[6]).toMatch(/:10: duplicate id "T-2007": also on line 11 with different values/);
    expect(lines[9]).toMatch(/:13: 3 fields, but the header has 7/);

    const stored = await list();
    expect([...stored.keys()].sort()).toEqual(["T-2001", "T-2010"]);
    expect(stored.get("T-2001")).toMatchObject({
      source: "ticket",
      category: "videoconf",
      priority: "P1",
      title: "正常工单",
      status: "resolved",
      // Asia/Shanghai (UTC+8) times as the helpdesk wrote them; the first response is the acknowledgement.
      startedAt: "2026-03-02T09:00:00+08:00",
      acknowledgedAt: "2026-03-02T09:05:00+08:00",
      acknowledgedBy: "helpdesk",
      resolvedAt: "2026-03-02T10:00:00+08:00",
      resolvedBy: "helpdesk",
    });
    expect(stored.get("T-2010")).toMatchObject({
      source: "ticket",
      category: "platform",
      priority: "P2",
      status: "acknowledged",
      startedAt: "2026-03-02T23:59:00+08:00",
      acknowledgedAt: "2026-03-03T00:10:00+08:00",
    });
    expect(stored.get("T-2010")?.resolvedAt).toBeUndefined();
    const t2001 = stored.get("T-2001") as ListedIncident;
    const eventsBefore = await events(t2001.id);
    expect(eventsBefore.map((e) => [e.kind, e.actor, e.at])).toEqual([
      ["open", `tickets import ${file}`, "2026-03-02T09:00:00+08:00"],
      ["ack", "helpdesk", "2026-03-02T09:05:00+08:00"],
      ["resolve", "helpdesk", "2026-03-02T10:00:00+08:00"],
    ]);

    const again = await importFile(file);
    expect(again.code).toBe(1);
    expect(again.summary).toMatchObject({ created: 0, updated: 0, unchanged: 2, rejected: 10 });
    expect(again.stderr).toBe(first.stderr);
    const after = await list();
    expect([...after.entries()]).toEqual([...stored.entries()]);
    expect(await events(t2001.id)).toEqual(eventsBefore);
  });

  it("re-imports: the same file changes nothing; an edited one (a ticket now resolved) updates that ticket", async () => {
    const { dir, importFile, list, events } = setup();
    const file = join(dir, "tickets.csv");
    const original = readFileSync(join(FIXTURES, "tickets-gbk.csv"));
    writeFileSync(file, original);

    const first = await importFile(file);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe("");
    expect(first.summary).toEqual({
      file,
      encoding: "gbk",
      created: 4,
      updated: 0,
      unchanged: 0,
      rejected: 0,
    });
    const again = await importFile(file);
    expect(again.code, again.stderr).toBe(0);
    expect(again.summary).toMatchObject({ created: 0, updated: 0, unchanged: 4, rejected: 0 });
    const before = await list();
    expect(before.get("T-1002")).toMatchObject({
      status: "acknowledged",
      title: "平台登录慢, 部分学校",
      startedAt: "2026-03-02T10:00:00+08:00",
      acknowledgedAt: "2026-03-02T10:20:00+08:00",
    });
    expect(before.get("T-1004")).toMatchObject({ category: "antivirus", priority: "P4", status: "open" });
    expect(before.get("T-1004")?.acknowledgedAt).toBeUndefined();

    // The helpdesk has since resolved T-1002: the same GBK export with its 解决时间 filled in.
    const needle = Buffer.from("2026/03/02 10:20,,", "latin1");
    expect(original.indexOf(needle)).toBeGreaterThan(0);
    expect(original.indexOf(needle, original.indexOf(needle) + 1)).toBe(-1);
    const at = original.indexOf(needle);
    const edited = Buffer.concat([
      original.subarray(0, at),
      Buffer.from("2026/03/02 10:20,2026/03/02 12:00,", "latin1"),
      original.subarray(at + needle.length),
    ]);
    expect(new TextDecoder("gbk").decode(edited)).toContain(
      'T-1002,"平台登录慢, 部分学校",大平台,高,2026/03/02 10:00,2026/03/02 10:20,2026/03/02 12:00,李四',
    );
    writeFileSync(file, edited);

    const changed = await importFile(file);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.summary).toMatchObject({ created: 0, updated: 1, unchanged: 3, rejected: 0 });
    const after = await list();
    expect(after.get("T-1002")).toMatchObject({
      status: "resolved",
      resolvedAt: "2026-03-02T12:00:00+08:00",
      resolvedBy: "helpdesk",
      acknowledgedAt: "2026-03-02T10:20:00+08:00",
    });
    for (const id of ["T-1001", "T-1003", "T-1004"]) expect(after.get(id)).toEqual(before.get(id));
    const log = await events((after.get("T-1002") as ListedIncident).id);
    expect(log.map((e) => [e.kind, e.actor])).toEqual([
      ["open", `tickets import ${file}`],
      ["ack", "helpdesk"],
      ["resolve", "helpdesk"],
      ["update", `tickets import ${file}`],
    ]);
    expect(log[2]?.at).toBe("2026-03-02T12:00:00+08:00");
    expect(log[3]?.text).toBe("changed: resolved_at");

    const third = await importFile(file);
    expect(third.summary).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
  });

  it("a file that does not exist: exit 1 with a clear message, nothing stored", async () => {
    const { dir, importFile, list } = setup();
    const missing = join(dir, "no-such-export.csv");
    const r = await importFile(missing);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe(`tickets import: cannot read ${missing}: ENOENT`);
    expect((await list()).size).toBe(0);
  });

  it("no incidents.tickets in the config: exit 78, saying where the mapping goes", async () => {
    const { importFile } = setup(false);
    const r = await importFile(join(FIXTURES, "tickets-gbk.csv"));
    expect(r.code).toBe(78);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("no incidents.tickets section in the config");
  });
});
