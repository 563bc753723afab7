/** The static inventory collector: CSV and YAML files in a temp dir, re-read on every run. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../agent/clock.js";
import {
  createInventoryCollector,
  CsvSyntaxError,
  inventoryPlugin,
  parseCsv,
  parseInventory,
} from "../../collectors/inventory/index.js";
import { noInventory, type CollectContext, type Collector, type Sample } from "../../collectors/types.js";

const log = pino({ level: "silent" });
const deps = { clock: systemClock, log, inventory: noInventory };

function ctx(signal: AbortSignal = new AbortController().signal): CollectContext {
  return { signal, now: () => systemClock.now(), log };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "inventory-test-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function collector(options: Record<string, unknown>): Collector {
  return createInventoryCollector(inventoryPlugin.schema.parse(options), deps);
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected the run to fail");
}

function vms(samples: Sample[]): Sample[] {
  return samples.filter((s) => s.metric === "vm_power_state");
}

describe("parseCsv", () => {
  const table: [string, string, { line: number; fields: string[] }[]][] = [
    ["empty", "", []],
    ["one line, no newline", "a,b", [{ line: 1, fields: ["a", "b"] }]],
    ["trailing newline", "a,b\n", [{ line: 1, fields: ["a", "b"] }]],
    [
      "CRLF",
      "a,b\r\nc,d\r\n",
      [
        { line: 1, fields: ["a", "b"] },
        { line: 2, fields: ["c", "d"] },
      ],
    ],
    [
      "lone CR",
      "a\rb",
      [
        { line: 1, fields: ["a"] },
        { line: 2, fields: ["b"] },
      ],
    ],
    ["BOM", "\uFEFFname,ip\n", [{ line: 1, fields: ["name", "ip"] }]],
    ["empty fields", ",a,,", [{ line: 1, fields: ["", "a", "", ""] }]],
    ["quoted comma", '"a,b",c', [{ line: 1, fields: ["a,b", "c"] }]],
    ["doubled quotes", '"say ""hi""",x', [{ line: 1, fields: ['say "hi"', "x"] }]],
    ["empty quoted", '"",""', [{ line: 1, fields: ["", ""] }]],
    [
      "newline inside quotes spans lines",
      'a,"line1\r\nline2"\nb,c',
      [
        { line: 1, fields: ["a", "line1\r\nline2"] },
        { line: 3, fields: ["b", "c"] },
      ],
    ],
    ["spaces around a quoted field", 'a, "b" ,c', [{ line: 1, fields: ["a", "b", "c"] }]],
    [
      "blank line kept as one empty field",
      "a\n\nb",
      [
        { line: 1, fields: ["a"] },
        { line: 2, fields: [""] },
        { line: 3, fields: ["b"] },
      ],
    ],
    ["unicode", "虚拟机-01,教务处", [{ line: 1, fields: ["虚拟机-01", "教务处"] }]],
  ];
  it.each(table)("%s", (_, text, expected) => {
    expect(parseCsv(text)).toEqual(expected);
  });

  const bad: [string, string, number, RegExp][] = [
    ["unterminated quote", 'a\n"b,c\nd', 2, /a quoted field opened on this line is never closed/],
    ["text after closing quote", '"a"b,c', 1, /text after a closing quote/],
    ["quote inside unquoted field", 'a\nab"c', 2, /a quote inside an unquoted field/],
  ];
  it.each(bad)("rejects: %s", (_, text, line, message) => {
    let caught: unknown;
    try {
      parseCsv(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CsvSyntaxError);
    expect((caught as CsvSyntaxError).line).toBe(line);
    expect((caught as CsvSyntaxError).message).toMatch(message);
  });
});

describe("options", () => {
  it("defaults, strictness, format by extension", () => {
    const parsed = inventoryPlugin.schema.parse({ path: "/etc/ops-agent/vms.csv" });
    expect(parsed).toEqual({ path: "/etc/ops-agent/vms.csv", format: "auto", scope: { name: "static" } });
    expect(inventoryPlugin.schema.safeParse({}).success).toBe(false);
    expect(inventoryPlugin.schema.safeParse({ path: "x.csv", bogus: 1 }).success).toBe(false);
    expect(inventoryPlugin.schema.safeParse({ path: "x.csv", format: "json" }).success).toBe(false);
    expect(inventoryPlugin.schema.safeParse({ path: "x.csv", scope: { expected: 1.5 } }).success).toBe(false);
    expect(inventoryPlugin.schema.safeParse({ path: "x.csv", scope: { expected: 3, x: 1 } }).success).toBe(
      false,
    );
    expect(() => collector({ path: "/x/vms.txt" })).toThrow(
      "inventory: cannot tell the format of /x/vms.txt from its extension (expected .csv, .yaml or .yml); set format: csv or format: yaml",
    );
    expect(() => collector({ path: "/x/vms.txt", format: "csv" })).not.toThrow();
    expect(() => collector({ path: "/x/VMS.YML" })).not.toThrow();
  });
});

describe("inventory collector", () => {
  it("reads a CSV file: labels, power states, defaults, no scope samples without expected", async () => {
    const path = file(
      "vms.csv",
      "\uFEFFName,IP,System,Owner,BIOS_UUID,Power_State\r\n" +
        "jyj-web-01,10.0.1.11,教务系统,信息部,4207A8F3-1111-2222-3333-444455556666,POWERED_ON\r\n" +
        "jyj-db-01,10.0.1.12,教务系统,,,off\r\n" +
        '"oa, app",,OA,"张三 ""admin""",,Suspended\r\n' +
        "bare,,,,,\r\n" +
        ",,,,,\r\n",
    );
    const samples = await collector({ path }).collect(ctx());
    expect(samples).toEqual([
      {
        target: {
          key: "vm:static:jyj-web-01",
          kind: "vm",
          name: "jyj-web-01",
          vmId: "static:jyj-web-01",
          labels: {
            system: "教务系统",
            owner: "信息部",
            ip: "10.0.1.11",
            bios_uuid: "4207a8f3-1111-2222-3333-444455556666",
          },
        },
        metric: "vm_power_state",
        value: 1,
        labels: { power_state: "POWERED_ON" },
      },
      {
        target: {
          key: "vm:static:jyj-db-01",
          kind: "vm",
          name: "jyj-db-01",
          vmId: "static:jyj-db-01",
          labels: { system: "教务系统", ip: "10.0.1.12" },
        },
        metric: "vm_power_state",
        value: 0,
        labels: { power_state: "POWERED_OFF" },
      },
      {
        target: {
          key: "vm:static:oa, app",
          kind: "vm",
          name: "oa, app",
          vmId: "static:oa, app",
          labels: { system: "OA", owner: '张三 "admin"' },
        },
        metric: "vm_power_state",
        value: 0,
        labels: { power_state: "SUSPENDED" },
      },
      {
        target: { key: "vm:static:bare", kind: "vm", name: "bare", labels: {}, vmId: "static:bare" },
        metric: "vm_power_state",
        value: 1,
        labels: { power_state: "POWERED_ON" },
      },
    ]);
  });

  it("a list with only names counts every VM as running", async () => {
    const path = file("vms.csv", "name\nA\nb\n");
    const samples = await collector({ path, scope: { expected: 3 } }).collect(ctx());
    expect(vms(samples).map((s) => [s.target.key, s.value, s.labels?.power_state])).toEqual([
      ["vm:static:a", 1, "POWERED_ON"],
      ["vm:static:b", 1, "POWERED_ON"],
    ]);
    const scope = { key: "inventory-scope:static", kind: "scope", name: "static", labels: { file: path } };
    expect(samples.filter((s) => s.target.kind === "scope")).toEqual([
      { target: scope, metric: "vms_in_scope", value: 2 },
      { target: scope, metric: "vms_expected", value: 3 },
    ]);
  });

  it("reads a YAML list, or { vms: [...] }, values as written", async () => {
    const list = file(
      "vms.yaml",
      [
        "# the machine room's VMs",
        "- name: jyj-web-01",
        "  ip: 10.0.1.11",
        "  system: 教务系统",
        "  owner: 信息部",
        "  bios_uuid: 4207a8f3111122223333444455556666",
        "  power_state: on",
        "- { name: '007', power_state: off }",
        '- name: "quoted\\nname"',
        "  power_state: SUSPENDED",
        "",
      ].join("\n"),
    );
    const samples = await collector({ path: list, scope: { name: "room-b", expected: 3 } }).collect(ctx());
    expect(vms(samples).map((s) => [s.target.name, s.target.labels, s.labels?.power_state])).toEqual([
      [
        "jyj-web-01",
        {
          system: "教务系统",
          owner: "信息部",
          ip: "10.0.1.11",
          bios_uuid: "4207a8f3111122223333444455556666",
        },
        "POWERED_ON",
      ],
      ["007", {}, "POWERED_OFF"],
      ["quoted name", {}, "SUSPENDED"],
    ]);
    expect(samples.find((s) => s.metric === "vms_in_scope")?.target.key).toBe("inventory-scope:room-b");

    const wrapped = file("wrapped.yml", "vms:\n  - name: a\n  - name: b\n    ip: '::1'\n");
    const w = await collector({ path: wrapped }).collect(ctx());
    expect(w.map((s) => [s.target.name, s.target.labels?.ip])).toEqual([
      ["a", undefined],
      ["b", "::1"],
    ]);
    expect(await collector({ path: file("none.yaml", "vms: []\n") }).collect(ctx())).toEqual([]);
    expect(await collector({ path: file("none2.yaml", "vms:\n") }).collect(ctx())).toEqual([]);
  });

  it("header-only CSV: zero VMs, counted", async () => {
    const path = file("vms.csv", "name,ip\n");
    const samples = await collector({ path, scope: { expected: 5 } }).collect(ctx());
    expect(samples.map((s) => [s.metric, s.value])).toEqual([
      ["vms_in_scope", 0],
      ["vms_expected", 5],
    ]);
  });

  it("CSV bad rows: one error listing each as path:line: reason, never a partial list", async () => {
    const path = file(
      "vms.csv",
      [
        "name,ip,power_state,bios_uuid",
        "web-01,10.0.0.1,on,",
        ",10.0.0.2,,",
        "WEB-01,,,",
        "db-01,10.0.0.300,,",
        "db-02,,paused,",
        "db-03,,,not-a-uuid",
        "db-04,,",
        "db-05,,,,extra",
        "Web-01,999.1.1.1,sleeping,",
      ].join("\n"),
    );
    const message = await errorOf(collector({ path, scope: { expected: 1 } }).collect(ctx()));
    expect(message).toBe(
      [
        `inventory: ${path} is invalid (8 problems); no VMs are published until it is fixed:`,
        `${path}:3: no name`,
        `${path}:4: duplicate name "WEB-01" (already on line 2)`,
        `${path}:5: ip "10.0.0.300" is not an IPv4 or IPv6 address`,
        `${path}:6: unknown power_state "paused" (expected POWERED_ON, POWERED_OFF, SUSPENDED, on, off or suspended)`,
        `${path}:7: bios_uuid "not-a-uuid" is not a UUID`,
        `${path}:8: 3 fields, but the header has 4`,
        `${path}:9: 5 fields, but the header has 4`,
        `${path}:10: duplicate name "Web-01" (already on line 2); ip "999.1.1.1" is not an IPv4 or IPv6 address; ` +
          `unknown power_state "sleeping" (expected POWERED_ON, POWERED_OFF, SUSPENDED, on, off or suspended)`,
      ].join("\n"),
    );
  });

  it("CSV header and syntax problems", async () => {
    const cases: [string, string][] = [
      [
        "",
        `the file is empty (expected a header line with the columns name, ip, system, owner, bios_uuid, power_state)`,
      ],
      [
        "\n\n",
        `the file is empty (expected a header line with the columns name, ip, system, owner, bios_uuid, power_state)`,
      ],
      [
        "\nip,owenr,ip\n",
        `2: unknown column "owenr" (expected name, ip, system, owner, bios_uuid, power_state); duplicate column "ip"; no "name" column (the header is the first line)`,
      ],
      ['name\nok\n"broken\n', `3: a quoted field opened on this line is never closed`],
    ];
    for (const [text, reason] of cases) {
      const path = file("bad.csv", text);
      const message = await errorOf(collector({ path }).collect(ctx()));
      expect(message).toBe(
        `inventory: ${path} is invalid (1 problem); no VMs are published until it is fixed:\n${path}${reason.startsWith("the") ? ": " : ":"}${reason}`,
      );
    }
  });

  it("YAML bad rows and shapes", async () => {
    const path = file(
      "vms.yaml",
      [
        "- name: a", //            1
        "- ip: 10.0.0.1", //       2
        "- name: A", //            3
        "- just a string", //      4
        "- name: b", //            5
        "  owenr: x", //           6
        "- name: c", //            7
        "  ip: [10.0.0.1]", //     8
        "- name: d", //            9
        "  power_state: true", // 10
        "",
      ].join("\n"),
    );
    const message = await errorOf(collector({ path }).collect(ctx()));
    expect(message).toBe(
      [
        `inventory: ${path} is invalid (6 problems); no VMs are published until it is fixed:`,
        `${path}:2: no name`,
        `${path}:3: duplicate name "A" (already on line 1)`,
        `${path}:4: expected a mapping with the fields name, ip, system, owner, bios_uuid, power_state`,
        `${path}:5: unknown field "owenr" (expected name, ip, system, owner, bios_uuid, power_state)`,
        `${path}:7: field "ip" must be a single value`,
        `${path}:9: unknown power_state "true" (expected POWERED_ON, POWERED_OFF, SUSPENDED, on, off or suspended)`,
      ].join("\n"),
    );

    const shapes: [string, RegExp][] = [
      ["", /vms\.yaml: the file is empty \(expected a list of VMs, or a mapping with a "vms" list\)$/],
      ["name: a\n", /vms\.yaml:1: expected a list of VMs, or a mapping with a "vms" list; found other keys$/],
      ["vms: a\n", /vms\.yaml:1: expected a list of VMs, or a mapping with a "vms" list$/],
      ["- name: a\n  name: b\n", /vms\.yaml:2: not valid YAML: Map keys must be unique/],
      ["- name: [a\n", /vms\.yaml:\d+: not valid YAML: /],
    ];
    for (const [text, pattern] of shapes) {
      writeFileSync(path, text);
      expect(await errorOf(collector({ path }).collect(ctx()))).toMatch(pattern);
    }
  });

  it("lists at most 50 problems", async () => {
    const path = file(
      "vms.csv",
      "name,ip\n" + Array.from({ length: 60 }, (_, i) => `vm-${i},bad`).join("\n"),
    );
    const message = await errorOf(collector({ path }).collect(ctx()));
    const lines = message.split("\n");
    expect(lines[0]).toContain("(60 problems)");
    expect(lines).toHaveLength(52);
    expect(lines.at(-1)).toBe("… and 10 more");
  });

  it("a missing, unreadable or non-UTF-8 file is a clear error", async () => {
    const missing = join(dir, "missing.csv");
    expect(await errorOf(collector({ path: missing }).collect(ctx()))).toMatch(
      new RegExp(`^inventory: cannot read ${missing.replace(/[.\\]/g, "\\$&")}: ENOENT`),
    );
    const isDir = join(dir, "adir.csv");
    (await import("node:fs")).mkdirSync(isDir);
    expect(await errorOf(collector({ path: isDir }).collect(ctx()))).toMatch(
      /^inventory: cannot read .*EISDIR/,
    );
    const gbk = file("gbk.csv", Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xbd, 0xcc, 0xce, 0xf1, 0x0a]));
    expect(await errorOf(collector({ path: gbk }).collect(ctx()))).toBe(
      `inventory: ${gbk} is invalid (1 problem); no VMs are published until it is fixed:\n` +
        `${gbk}: not UTF-8 text (from Excel, save as "CSV UTF-8"; plain "CSV" on a Chinese Windows is GBK)`,
    );
  });

  it("re-reads the file on every run", async () => {
    const path = file("vms.csv", "name,power_state\na,on\n");
    const c = collector({ path, scope: { expected: 2 } });
    const count = (samples: Sample[]): number | null | undefined =>
      samples.find((s) => s.metric === "vms_in_scope")?.value;
    expect(count(await c.collect(ctx()))).toBe(1);
    writeFileSync(path, "name,power_state\na,off\nb,on\n");
    const second = await c.collect(ctx());
    expect(count(second)).toBe(2);
    expect(vms(second).map((s) => [s.target.name, s.value])).toEqual([
      ["a", 0],
      ["b", 1],
    ]);
    writeFileSync(path, "name,power_state\na,off\nA,on\n");
    await expect(c.collect(ctx())).rejects.toThrow(`${path}:3: duplicate name "A" (already on line 2)`);
    rmSync(path);
    await expect(c.collect(ctx())).rejects.toThrow(/cannot read/);
    writeFileSync(path, "name\nc\n");
    expect(count(await c.collect(ctx()))).toBe(1);
  });

  it("hostile names: kept, bounded, never a crash", async () => {
    const long = "y".repeat(10_000);
    const path = file(
      "vms.csv",
      `name,system,owner\n"jyj-""quoted""\n<script>alert(1)</script>",<b>sys</b>,"o\r\nwner"\n${long},${"s".repeat(300)},\n`,
    );
    const samples = await collector({ path }).collect(ctx());
    const [hostile, longVm] = samples;
    expect(hostile?.target.name).toBe('jyj-"quoted" <script>alert(1)</script>');
    expect(hostile?.target.key).toBe('vm:static:jyj-"quoted" <script>alert(1)</script>');
    expect(hostile?.target.labels).toEqual({ system: "<b>sys</b>", owner: "o  wner" });
    expect(Array.from(longVm?.target.name ?? "")).toHaveLength(200);
    expect(longVm?.target.name.endsWith("…")).toBe(true);
    expect(Array.from(longVm?.target.labels?.system ?? "")).toHaveLength(200);

    // Names that only differ past the bound publish the same target: a duplicate.
    writeFileSync(path, `name\n${long}a\n${long}b\n`);
    const message = await errorOf(collector({ path }).collect(ctx()));
    expect(message).toContain(`${path}:3: duplicate name "${"y".repeat(59)}…" (already on line 2)`);
    expect(message.length).toBeLessThan(500);
    // A hostile bad value is quoted and bounded in the error too.
    writeFileSync(path, `name,ip\nx,"1.2.3.4\n<script>${"z".repeat(10_000)}"\n`);
    const bad = await errorOf(collector({ path }).collect(ctx()));
    expect(bad).toContain(`${path}:2: ip "1.2.3.4\\n<script>`);
    expect(bad.length).toBeLessThan(500);
  });

  it("parseInventory is usable on its own", () => {
    expect(parseInventory("name\nx\n", "csv", "mem.csv")).toEqual([
      { line: 2, name: "x", powerState: "POWERED_ON" },
    ]);
    expect(() => parseInventory("- {}\n", "yaml", "mem.yaml")).toThrow("mem.yaml:1: no name");
  });
});
