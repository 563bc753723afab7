import { afterEach, describe, expect, it, vi } from "vitest";
import { formatIssues } from "../../config/errors.js";
import { normalizeLabel, ticketsConfig } from "../../agent/tickets/config.js";
import { CATEGORY_MAP, CHINESE_MAPPING, PRIORITY_MAP } from "./helpers.js";

function errors(input: unknown): string[] {
  const result = ticketsConfig.safeParse(input);
  if (result.success) throw new Error("expected the config to be rejected");
  return formatIssues(result.error, input);
}

const base = { mapping: CHINESE_MAPPING, category_map: CATEGORY_MAP, priority_map: PRIORITY_MAP };

describe("ticketsConfig", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("fills the defaults", () => {
    const c = ticketsConfig.parse({ mapping: CHINESE_MAPPING, category_map: CATEGORY_MAP });
    expect(c.timezone).toBe("Asia/Shanghai");
    expect(c.encoding).toBe("auto");
    expect(c.priority_map).toEqual({});
    expect(c.date_formats).toBeUndefined();
    expect(c.pull).toBeUndefined();
  });

  it("names the missing mapping fields and unknown keys", () => {
    const { first_response: _f, ...mapping } = CHINESE_MAPPING;
    const lines = errors({ ...base, mapping: { ...mapping, owner: "处理人" }, colour: "red" });
    expect(lines).toContain("mapping.first_response: missing; expected text");
    expect(lines.some((l) => l.startsWith("mapping.owner: unknown option"))).toBe(true);
    expect(lines.some((l) => l.startsWith("colour: unknown option"))).toBe(true);
  });

  it("rejects a category or priority we do not have", () => {
    const lines = errors({ ...base, category_map: { 网络: "network" }, priority_map: { 特急: "P0" } });
    expect(
      lines.some((l) => l.startsWith("category_map.网络: expected one of") && l.includes('"videoconf"')),
    ).toBe(true);
    expect(lines.some((l) => l.startsWith("priority_map.特急: expected one of"))).toBe(true);
  });

  it("rejects map keys that collide once normalized", () => {
    const lines = errors({ ...base, priority_map: { 高: "P2", " 高 ": "P1" } });
    expect(lines.join("\n")).toMatch(/priority_map\. 高 : " 高 " is the same text as "高"/);
    expect(normalizeLabel(" Ｐ１ ")).toBe("p1");
  });

  it("checks the time zone, the formats and the encoding", () => {
    const lines = errors({
      ...base,
      timezone: "China/Beijing",
      date_formats: ["DD.MM.YYYY"],
      encoding: "big5",
    });
    expect(lines).toContain('timezone: expected an IANA time zone like "Asia/Shanghai", got "China/Beijing"');
    expect(lines.some((l) => l.startsWith("date_formats[0]: expected one of"))).toBe(true);
    expect(lines.some((l) => l.startsWith('encoding: expected one of "auto", "utf-8", "gbk"'))).toBe(true);
  });

  it("reads a pull section with defaults, a bearer secret and paging", () => {
    vi.stubEnv("HELPDESK_TOKEN", "s3cret");
    const c = ticketsConfig.parse({
      ...base,
      pull: {
        url: "https://helpdesk.example.edu.cn/api/tickets",
        auth: { bearer: "${HELPDESK_TOKEN}" },
        items_path: "$.data.items",
        paging: { style: "page", size: 50 },
      },
    });
    expect(c.pull?.every).toBe(15 * 60_000);
    expect(c.pull?.timeout).toBe(30_000);
    expect(c.pull?.paging).toEqual({
      style: "page",
      page_param: "page",
      size_param: "size",
      size: 50,
      first_page: 1,
      max_pages: 50,
    });
    const auth = c.pull?.auth;
    expect(auth?.bearer?.reveal()).toBe("s3cret");
    expect(JSON.stringify(c)).not.toContain("s3cret");
  });

  it("names the bad pull fields without echoing a secret", () => {
    const lines = errors({
      ...base,
      pull: {
        url: "ftp://helpdesk/x",
        auth: { bearer: "plain-token-typed-in" },
        every: "10s",
        items_path: "data.items",
        paging: { style: "offset" },
        timeout: "soon",
      },
    });
    const text = lines.join("\n");
    expect(text).toContain('pull.url: unsupported URL scheme "ftp": only http and https are supported');
    expect(text).toContain("pull.every: expected at least 1m");
    expect(text).toContain('pull.items_path: a JSON path starts with "$"');
    expect(text).toContain("pull.paging");
    expect(text).toContain("pull.timeout: expected a duration");
    expect(text).toContain("pull.auth.bearer: expected a secret reference");
    expect(text).not.toContain("plain-token-typed-in");
  });

  it("wants exactly one kind of credentials", () => {
    vi.stubEnv("HELPDESK_TOKEN", "s3cret");
    const url = "https://helpdesk.example.edu.cn/api/tickets";
    expect(errors({ ...base, pull: { url, auth: {} } })).toEqual([
      "pull.auth: use exactly one of bearer (a secret reference) or basic (username, password)",
    ]);
    const both = { bearer: "${HELPDESK_TOKEN}", basic: { username: "ops", password: "${HELPDESK_TOKEN}" } };
    expect(errors({ ...base, pull: { url, auth: both } })).toHaveLength(1);
  });
});
