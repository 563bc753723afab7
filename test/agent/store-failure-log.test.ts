import { describe, expect, it } from "vitest";
import type { Logger } from "../../agent/log.js";
import { StoreFailureLog } from "../../agent/store-failure-log.js";

function capture() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) =>
    lines.push({ level, msg, fields });
  return { lines, log: { error: at("error"), warn: at("warn") } as unknown as Logger };
}

const full = new Error("database or disk is full");
const t = (s: number) => new Date(Date.UTC(2026, 10, 28, 10, 0, s));

describe("store failure log", () => {
  it("logs the first failure, counts repeats, reminds after the interval, says when writing resumed", () => {
    const { lines, log } = capture();
    const failures = new StoreFailureLog(log, 60_000, 3);
    for (let s = 0; s < 50; s++)
      failures.failed("samples", "could not write samples", t(s), full, { collector: "web" });
    // A write slipping through now and then is not a recovery.
    failures.succeeded("samples", t(50));
    failures.failed("samples", "could not write samples", t(51), full, {});
    expect(lines.map((l) => l.msg)).toEqual(["could not write samples"]);
    failures.failed("samples", "could not write samples", t(61), full, {});
    expect(lines.map((l) => l.msg)).toEqual([
      "could not write samples",
      "could not write samples (still failing)",
    ]);
    expect(lines[1]?.fields.failures).toBe(52);
    for (let s = 62; s < 65; s++) failures.succeeded("samples", t(s));
    expect(lines[2]).toMatchObject({ level: "warn", msg: "store writes resumed (samples) after 52 failed" });
    failures.succeeded("samples", t(66));
    expect(lines).toHaveLength(3);
  });

  it("a different error is logged at once; kinds of write are kept apart", () => {
    const { lines, log } = capture();
    const failures = new StoreFailureLog(log, 60_000, 3);
    failures.failed("samples", "could not write samples", t(0), full, {});
    failures.failed("run log", "could not record the run", t(0), full, {});
    failures.failed("samples", "could not write samples", t(1), new Error("disk I/O error"), {});
    expect(lines.map((l) => `${l.msg}: ${(l.fields.err as Error).message}`)).toEqual([
      "could not write samples: database or disk is full",
      "could not record the run: database or disk is full",
      "could not write samples: disk I/O error",
    ]);
  });
});
