import { describe, expect, it } from "vitest";
import {
  DATE_FORMATS,
  DEFAULT_DATE_FORMATS,
  parseTimestamp,
  wallTimeToInstant,
  zoneOffsetMs,
} from "../../agent/tickets/dates.js";

const SH = "Asia/Shanghai";

function iso(value: string | number, tz = SH, formats = DEFAULT_DATE_FORMATS): string {
  const r = parseTimestamp(value, formats, tz);
  if (!r.ok) throw new Error(r.reason);
  return r.date.toISOString();
}

function reason(value: string | number, formats = DEFAULT_DATE_FORMATS): string {
  const r = parseTimestamp(value, formats, SH);
  if (r.ok) throw new Error(`parsed as ${r.date.toISOString()}`);
  return r.reason;
}

describe("parseTimestamp", () => {
  it("reads every text format as Shanghai time (UTC+8, no DST)", () => {
    expect(iso("2026-03-02 09:00")).toBe("2026-03-02T01:00:00.000Z");
    expect(iso("2026-03-02 09:00:30")).toBe("2026-03-02T01:00:30.000Z");
    expect(iso("2026-03-02 09:00:30.250")).toBe("2026-03-02T01:00:30.250Z");
    expect(iso("2026-03-02 09:00:30.29")).toBe("2026-03-02T01:00:30.290Z");
    expect(iso("2026/03/02 09:00")).toBe("2026-03-02T01:00:00.000Z");
    expect(iso("2026年3月2日 9:00")).toBe("2026-03-02T01:00:00.000Z");
    expect(iso("  2026-03-02   09:00 ")).toBe("2026-03-02T01:00:00.000Z");
    // Midnight local is the previous UTC day; summer is the same offset.
    expect(iso("2026-07-01 00:10")).toBe("2026-06-30T16:10:00.000Z");
  });

  it("reads Excel's display format (one-digit month, day and hour)", () => {
    expect(iso("2026/3/2 8:05")).toBe("2026-03-02T00:05:00.000Z");
    expect(iso("2026/12/31 23:59:59")).toBe("2026-12-31T15:59:59.000Z");
  });

  it("takes an ISO offset as written and falls back to the zone without one", () => {
    expect(iso("2026-03-02T09:00:00+08:00")).toBe("2026-03-02T01:00:00.000Z");
    expect(iso("2026-03-02T09:00:00+0800")).toBe("2026-03-02T01:00:00.000Z");
    expect(iso("2026-03-02T01:00:00Z")).toBe("2026-03-02T01:00:00.000Z");
    expect(iso("2026-03-02T09:00:00-05:00", "Europe/Berlin")).toBe("2026-03-02T14:00:00.000Z");
    expect(iso("2026-03-02T09:00:00")).toBe("2026-03-02T01:00:00.000Z");
  });

  it("rejects impossible dates instead of rolling them over", () => {
    expect(reason("2026-02-30 10:00")).toBe("not a real date (no day 30 in 2026-02)");
    expect(iso("2028-02-29 10:00")).toBe("2028-02-29T02:00:00.000Z");
    expect(reason("2026/13/1 10:00")).toBe("not a real date (no month 13)");
    expect(reason("2026-03-02 24:00")).toBe("not a real date (no hour 24)");
    expect(reason("2026-03-02T10:00+15:00")).toBe("not a real date (no UTC offset +15:00)");
  });

  it("does not guess day-first or month-first dates", () => {
    expect(reason("03/02/2026 10:00")).toMatch(/^not in an accepted format \(YYYY-MM-DD HH:mm\[:ss\], /);
    expect(reason("2026-03-02")).toMatch(/^not in an accepted format/);
    expect(reason("2026/3/2 8:05", ["YYYY-MM-DD HH:mm[:ss]"])).toBe(
      "not in an accepted format (YYYY-MM-DD HH:mm[:ss])",
    );
  });

  it("reads unix times only when asked", () => {
    expect(reason(1772413200)).toBe("a number, but date_formats has neither unix_s nor unix_ms");
    expect(iso(1772413200, SH, ["unix_s"])).toBe("2026-03-02T01:00:00.000Z");
    expect(iso(1772413200000, SH, ["unix_ms"])).toBe("2026-03-02T01:00:00.000Z");
    expect(iso("1772413200", SH, ["ISO8601", "unix_s"])).toBe("2026-03-02T01:00:00.000Z");
    expect(DATE_FORMATS).toContain("unix_ms");
  });
});

describe("time zones with DST (Europe/Berlin)", () => {
  const BER = "Europe/Berlin";

  it("uses winter and summer offsets", () => {
    expect(iso("2026-01-15 12:00", BER)).toBe("2026-01-15T11:00:00.000Z");
    expect(iso("2026-07-15 12:00", BER)).toBe("2026-07-15T10:00:00.000Z");
    expect(zoneOffsetMs(Date.parse("2026-07-15T10:00:00Z"), BER)).toBe(2 * 3_600_000);
    expect(zoneOffsetMs(Date.parse("2026-07-15T10:00:00Z"), SH)).toBe(8 * 3_600_000);
  });

  it("moves a time skipped in spring forward by the gap", () => {
    // 2026-03-29: 02:00 CET → 03:00 CEST; 02:30 does not exist and is read as 03:30 CEST.
    expect(iso("2026-03-29 01:59", BER)).toBe("2026-03-29T00:59:00.000Z");
    expect(iso("2026-03-29 02:30", BER)).toBe("2026-03-29T01:30:00.000Z");
    expect(iso("2026-03-29 03:00", BER)).toBe("2026-03-29T01:00:00.000Z");
  });

  it("takes the earlier of a time that happens twice in autumn", () => {
    // 2026-10-25: 03:00 CEST → 02:00 CET; 02:30 happens at 00:30Z and at 01:30Z.
    expect(iso("2026-10-25 02:30", BER)).toBe("2026-10-25T00:30:00.000Z");
    expect(iso("2026-10-25 03:30", BER)).toBe("2026-10-25T02:30:00.000Z");
    expect(wallTimeToInstant(Date.UTC(2026, 9, 25, 1, 59), BER)).toBe(Date.UTC(2026, 9, 24, 23, 59));
  });

  it("handles a zone west of UTC and half-hour offsets", () => {
    expect(iso("2026-03-08 02:30", "America/New_York")).toBe("2026-03-08T07:30:00.000Z");
    expect(iso("2026-03-02 09:00", "Asia/Kolkata")).toBe("2026-03-02T03:30:00.000Z");
  });
});
