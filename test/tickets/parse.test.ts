import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTicketsCsv } from "../../agent/tickets/parse-csv.js";
import { parseTicketsJson } from "../../agent/tickets/parse-json.js";
import { describeTicketProblems, type TicketRecord } from "../../agent/tickets/ticket.js";
import type { TicketsConfigInput } from "../../agent/tickets/config.js";
import { config } from "./helpers.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const csv = (text: string): Buffer => Buffer.from(text, "utf8");
const HEADER = "工单号,标题,分类,优先级,创建时间,首次响应时间,解决时间\n";

/** The four tickets every good fixture holds, encoding aside. */
function expectGoodTickets(tickets: TicketRecord[]): void {
  expect(tickets).toEqual([
    {
      id: "T-1001",
      title: "会议室终端无法入会",
      category: "videoconf",
      priority: "P1",
      createdAt: new Date("2026-03-02T01:00:00Z"),
      firstResponseAt: new Date("2026-03-02T01:05:00Z"),
      resolvedAt: new Date("2026-03-02T02:30:00Z"),
      line: 2,
    },
    {
      id: "T-1002",
      title: "平台登录慢, 部分学校",
      category: "platform",
      priority: "P2",
      createdAt: new Date("2026-03-02T02:00:00Z"),
      firstResponseAt: new Date("2026-03-02T02:20:00Z"),
      line: 3,
    },
    {
      id: "T-1003",
      title: "机房空调告警",
      category: "machine_room",
      priority: "P3",
      createdAt: new Date("2026-03-02T00:05:00Z"),
      firstResponseAt: new Date("2026-03-02T00:30:00Z"),
      resolvedAt: new Date("2026-03-03T01:00:00Z"),
      line: 4,
    },
    {
      id: "T-1004",
      title: "病毒库未更新",
      category: "antivirus",
      priority: "P4",
      createdAt: new Date("2026-03-02T03:00:00Z"),
      line: 5,
    },
  ]);
}

describe("parseTicketsCsv: encodings", () => {
  it("reads a UTF-8 export", () => {
    const r = parseTicketsCsv(fixture("tickets-utf8.csv"), config(), "tickets-utf8.csv");
    expect(r.problems).toEqual([]);
    expect(r.encoding).toBe("utf-8");
    expectGoodTickets(r.tickets);
  });

  it("reads Excel's CSV UTF-8 (BOM, CRLF)", () => {
    const r = parseTicketsCsv(fixture("tickets-utf8-bom.csv"), config(), "bom.csv");
    expect(r.problems).toEqual([]);
    expect(r.encoding).toBe("utf-8");
    expectGoodTickets(r.tickets);
  });

  it("reads a GBK export, detected or configured", () => {
    for (const encoding of ["auto", "gbk"] as const) {
      const r = parseTicketsCsv(fixture("tickets-gbk.csv"), config({ encoding }), "gbk.csv");
      expect(r.problems).toEqual([]);
      expect(r.encoding).toBe("gbk");
      expectGoodTickets(r.tickets);
    }
  });

  it("reports a GBK file configured as UTF-8 as one problem, taking no rows", () => {
    const r = parseTicketsCsv(fixture("tickets-gbk.csv"), config({ encoding: "utf-8" }), "gbk.csv");
    expect(r.tickets).toEqual([]);
    expect(r.encoding).toBeUndefined();
    expect(r.problems).toEqual([
      {
        line: undefined,
        reason:
          "cannot read the file: not valid UTF-8: byte 0xb9 at offset 0 on line 1 (a GBK export? set encoding: gbk or auto)",
      },
    ]);
  });

  it("reports a binary file", () => {
    const r = parseTicketsCsv(Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x80, 0x00]), config(), "x.csv");
    expect(r.problems).toEqual([
      { line: undefined, reason: expect.stringMatching(/^cannot read the file: neither UTF-8 nor GBK text/) },
    ]);
  });
});

describe("parseTicketsCsv: bad rows", () => {
  it("reports each bad row with its line and reason, and keeps the good rows", () => {
    const r = parseTicketsCsv(fixture("tickets-bad-rows.csv"), config(), "bad.csv");
    expect(r.encoding).toBe("gbk");
    expect(r.tickets.map((t) => [t.id, t.line])).toEqual([
      ["T-2001", 2],
      ["T-2010", 14],
    ]);
    expect(r.tickets[1]?.firstResponseAt).toEqual(new Date("2026-03-02T16:10:00Z"));
    expect(r.problems).toEqual([
      {
        line: 3,
        reason:
          'impossible dates: resolution "2026-03-01 10:00" (column "解决时间") is before created "2026-03-02 10:00" (column "创建时间")',
      },
      {
        line: 4,
        reason:
          'unknown category "网络" in column "分类": add it to category_map (accepted now: "视频会议", "大平台", "机房", "杀毒", "videoconf", "platform", "machine_room", "antivirus")',
      },
      {
        line: 5,
        reason: 'column "创建时间" (created): "2026-02-30 10:00" is not a real date (no day 30 in 2026-02)',
      },
      { line: 6, reason: 'no id (column "工单号" is empty)' },
      {
        line: 7,
        reason:
          'unknown priority "特急" in column "优先级": add it to priority_map (accepted now: "紧急", "高", "中", "低", "P1", "P2", "P3", "P4")',
      },
      {
        line: 8,
        reason:
          'impossible dates: first response "2026-03-02 09:59" (column "首次响应时间") is before created "2026-03-02 10:00" (column "创建时间")',
      },
      {
        line: 10,
        reason: 'duplicate id "T-2007": also on line 11 with different values; none of these rows is taken',
      },
      {
        line: 11,
        reason: 'duplicate id "T-2007": also on line 10 with different values; none of these rows is taken',
      },
      {
        line: 12,
        reason: expect.stringMatching(
          /^column "创建时间" \(created\): "03\/02\/2026 10:00" is not in an accepted format \(YYYY-MM-DD HH:mm\[:ss\], /,
        ),
      },
      {
        line: 13,
        reason:
          '3 fields, but the header has 7; no priority (column "优先级" is empty); no created time (column "创建时间" is empty)',
      },
    ]);
    expect(describeTicketProblems("bad.csv", r.problems)[0]).toMatch(/^bad\.csv:3: impossible dates/);
  });

  it("reports missing mapped columns once, for the whole file", () => {
    const r = parseTicketsCsv(fixture("tickets-missing-column.csv"), config(), "missing.csv");
    expect(r.tickets).toEqual([]);
    expect(r.problems).toEqual([
      {
        line: 1,
        reason:
          'missing column "首次响应时间" (mapping.first_response); the header has "工单号", "标题", "分类", "优先级", "创建时间", "解决时间" (read as utf-8); no rows taken',
      },
    ]);
  });

  it("reports a mapped column that appears twice", () => {
    const r = parseTicketsCsv(csv(HEADER.replace("\n", ",分类\n")), config(), "x.csv");
    expect(r.problems).toEqual([
      {
        line: 1,
        reason: 'column "分类" (mapping.category) appears more than once in the header; no rows taken',
      },
    ]);
  });

  it("reports broken CSV quoting and an empty file", () => {
    const broken = parseTicketsCsv(
      csv(`${HEADER}T-1,"unclosed,视频会议,紧急,2026-03-02 09:00,,\n`),
      config(),
      "x.csv",
    );
    expect(broken.problems).toEqual([
      { line: 2, reason: "not valid CSV, no rows taken: a quoted field opened on this line is never closed" },
    ]);
    expect(parseTicketsCsv(csv("\n\n"), config(), "x.csv").problems).toEqual([
      { line: undefined, reason: "the file is empty (expected a header line and ticket rows)" },
    ]);
  });

  it("counts an identical duplicate once and names every reason of a row", () => {
    const row = "T-1,标题,视频会议,紧急,2026-03-02 09:00,,\n";
    const r = parseTicketsCsv(csv(`${HEADER}${row}${row}T-2,,网络,特急,yesterday,,\n`), config(), "x.csv");
    expect(r.tickets.map((t) => t.line)).toEqual([2]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.line).toBe(4);
    expect(r.problems[0]?.reason.split("; ").map((s) => s.slice(0, 30))).toEqual([
      'unknown category "网络" in colum',
      'unknown priority "特急" in colum',
      'column "创建时间" (created): "yest',
    ]);
  });
});

describe("parseTicketsCsv: header and values", () => {
  it("skips a title line above the header, ignores extra columns and matches labels loosely", () => {
    const text =
      "工单导出 2026年3月,,,,,,,\n" +
      " 工单号 ,处理人,标题,分类,优先级,创建时间,首次响应时间,解决时间\n" +
      "T-9,张三,  终端\t离线 ,视频会议,ｐ１,2026/3/2 8:05,,\n" +
      "T-10,李四,,Platform,p4,2026/3/2 8:05,,,\n";
    const r = parseTicketsCsv(csv(text), config(), "x.csv");
    expect(r.problems).toEqual([]);
    expect(r.tickets).toEqual([
      {
        id: "T-9",
        title: "终端 离线",
        category: "videoconf",
        priority: "P1",
        createdAt: new Date("2026-03-02T00:05:00Z"),
        line: 3,
      },
      {
        id: "T-10",
        category: "platform",
        priority: "P4",
        createdAt: new Date("2026-03-02T00:05:00Z"),
        line: 4,
      },
    ]);
  });

  it("reads wall times in the configured zone, DST included", () => {
    const text = `${HEADER}T-1,,机房,中,2026-10-25 02:30,2026-10-25 03:10,\nT-2,,机房,中,2026-07-01 12:00,,\n`;
    const r = parseTicketsCsv(csv(text), config({ timezone: "Europe/Berlin" }), "x.csv");
    expect(r.problems).toEqual([]);
    expect(r.tickets.map((t) => [t.createdAt.toISOString(), t.firstResponseAt?.toISOString()])).toEqual([
      ["2026-10-25T00:30:00.000Z", "2026-10-25T02:10:00.000Z"],
      ["2026-07-01T10:00:00.000Z", undefined],
    ]);
  });

  it("honours a restricted list of date formats", () => {
    const text = `${HEADER}T-1,,机房,中,2026/3/2 8:05,,\nT-2,,机房,中,2026-03-02 08:05,,\n`;
    const r = parseTicketsCsv(csv(text), config({ date_formats: ["YYYY-MM-DD HH:mm[:ss]"] }), "x.csv");
    expect(r.tickets.map((t) => t.id)).toEqual(["T-2"]);
    expect(r.problems).toEqual([
      {
        line: 2,
        reason:
          'column "创建时间" (created): "2026/3/2 8:05" is not in an accepted format (YYYY-MM-DD HH:mm[:ss])',
      },
    ]);
  });

  it("works without a title mapping", () => {
    const { title: _t, ...mapping } = config().mapping;
    const r = parseTicketsCsv(
      csv("工单号,分类,优先级,创建时间,首次响应时间,解决时间\nA,机房,低,2026-03-02 08:00,,\n"),
      config({ mapping }),
      "x.csv",
    );
    expect(r.problems).toEqual([]);
    expect(r.tickets[0]).not.toHaveProperty("title");
  });

  it("gives the same tickets when the same file is read twice (idempotent by id)", () => {
    const a = parseTicketsCsv(fixture("tickets-utf8.csv"), config(), "a.csv");
    const b = parseTicketsCsv(fixture("tickets-gbk.csv"), config(), "b.csv");
    expect(b.tickets).toEqual(a.tickets);
  });
});

describe("parseTicketsJson", () => {
  const jsonInput: Partial<TicketsConfigInput> = {
    mapping: {
      id: "ticketNo",
      category: "type",
      priority: "level",
      created: "createdAt",
      first_response: "firstResponseAt",
      resolved: "$.closure.at",
      title: "subject",
    },
    date_formats: ["ISO8601", "YYYY-MM-DD HH:mm[:ss]", "unix_ms"],
  };
  const jsonConfig = config(jsonInput);

  it("reads good items and reports bad ones by index", () => {
    const items = [
      {
        ticketNo: 101,
        type: "视频会议",
        level: "紧急",
        createdAt: "2026-03-02 09:00",
        firstResponseAt: null,
        closure: { at: "2026-03-02T10:00:00+08:00" },
        subject: "终端离线",
      },
      { ticketNo: "102", type: "大平台", level: 2, createdAt: 1772413200000, firstResponseAt: 1772413260000 },
      "not an object",
      {
        ticketNo: "103",
        type: ["机房"],
        level: "中",
        createdAt: "2026-03-02 09:00",
        closure: { at: "2026-03-01 09:00" },
      },
      { type: "机房", level: "中", createdAt: "2026-03-02 09:00" },
      { ticketNo: 101, type: "视频会议", level: "高", createdAt: "2026-03-02 09:00" },
      { ticketNo: 1.5, type: "机房", level: "中", createdAt: "2026-03-02 09:00" },
    ];
    const r = parseTicketsJson(
      items,
      config({ ...jsonInput, priority_map: { 紧急: "P1", "2": "P2", 中: "P3", 高: "P2" } }),
    );
    expect(r.tickets).toEqual([
      {
        id: "102",
        category: "platform",
        priority: "P2",
        createdAt: new Date("2026-03-02T01:00:00Z"),
        firstResponseAt: new Date("2026-03-02T01:01:00Z"),
        index: 1,
      },
    ]);
    expect(r.problems).toEqual([
      {
        index: 0,
        reason: 'duplicate id "101": also on item 5 with different values; none of these rows is taken',
      },
      { index: 2, reason: "expected an object with the ticket's keys, got string" },
      {
        index: 3,
        reason:
          'key "type" (category): expected text or a number, got a list; impossible dates: resolution "2026-03-01 09:00" (key "$.closure.at") is before created "2026-03-02 09:00" (key "createdAt")',
      },
      { index: 4, reason: 'no key "ticketNo" (id)' },
      {
        index: 5,
        reason: 'duplicate id "101": also on item 0 with different values; none of these rows is taken',
      },
      { index: 6, reason: 'id 1.5 (key "ticketNo") is not a whole number' },
    ]);
  });

  it("reports a mapped key that no item has, for the whole list", () => {
    const r = parseTicketsJson(
      [{ ticketNo: "1", type: "机房", level: "中", created: "2026-03-02 09:00", firstResponseAt: null }],
      jsonConfig,
    );
    expect(r.tickets).toEqual([]);
    expect(r.problems).toEqual([
      {
        index: undefined,
        reason:
          'no item has the keys "createdAt" (mapping.created), "$.closure.at" (mapping.resolved), "subject" (mapping.title); the first item\'s keys are "ticketNo", "type", "level", "created", "firstResponseAt"; no items taken',
      },
    ]);
  });

  it("accepts an empty list", () => {
    expect(parseTicketsJson([], jsonConfig)).toEqual({ tickets: [], problems: [] });
  });
});
