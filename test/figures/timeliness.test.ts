/**
 * 故障响应及时性 without a fault: 及时 (无故障) only when the category was watched in the period,
 * 无数据 otherwise — and the agent's own /healthz probe watches no education platform.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { Figures } from "../../agent/figures/index.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { parseConfigText } from "../../config/load.js";

const DAY = Date.parse("2026-11-10T10:00:00+08:00");
const SPAN = {
  from: Date.parse("2026-11-01T00:00:00+08:00") / 1000,
  to: Date.parse("2026-12-01T00:00:00+08:00") / 1000,
};

function withStore(collectors: string, write: (store: SqliteStore) => void) {
  const loaded = parseConfigText(`collectors:\n${collectors}`);
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-timeliness-"));
  const store = SqliteStore.open({
    path: join(dir, "t.db"),
    clock: new ManualClock(new Date(DAY)),
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
  try {
    write(store);
    return new Figures({ store, config: loaded.config }).faultTimeliness(
      "platform",
      SPAN,
      new Date(SPAN.to * 1000),
    );
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const probe = (store: SqliteStore, collector: string, name: string) =>
  store.writeSamples(
    collector,
    [
      {
        target: { key: `http:${name}`, kind: "application", name },
        metric: "http_probe_up",
        value: 1,
        up: true,
      },
    ],
    new Date(DAY),
  );

describe("fault timeliness without faults", () => {
  it("is 及时 and says 无故障 when a platform probe stored samples in the period", () => {
    const figure = withStore(
      `  - { type: http, name: platforms, targets: [{ name: portal, url: "http://127.0.0.1:1/" }] }\n`,
      (store) => probe(store, "platforms", "portal"),
    );
    expect(figure).toMatchObject({ value: true, hadFaults: false });
    expect(figure.how.zh).toContain("无故障");
    expect(figure.coverage).toBeCloseTo(1 / 30, 12);
  });

  it("is 无数据 when nothing watched the platforms, even with the agent's self-probe running", () => {
    const figure = withStore(
      `  - { type: http, name: self, targets: [{ name: ops-agent-healthz, url: "http://127.0.0.1:9464/healthz" }] }\n`,
      (store) => probe(store, "self", "ops-agent-healthz"),
    );
    expect(figure).toMatchObject({ value: null, coverage: 0, hadFaults: false });
    expect(figure.how.zh).toContain("无数据");
  });
});
