/** The health rule of a video-conference system (collectors/videoconf/health.ts), case by case. */
import { describe, expect, it } from "vitest";
import { judgeSystem, type McuParts, type SystemParts } from "../../collectors/videoconf/health.js";

const up = (transport: "udp" | "tcp" = "udp") => ({ transport, port: 5060, up: true, degraded: false });
const busy = {
  transport: "udp" as const,
  port: 5060,
  up: false,
  degraded: true,
  reason: "degraded",
  detail: "486 Busy Here",
};
const silent = {
  transport: "udp" as const,
  port: 5061,
  up: false,
  degraded: false,
  reason: "timeout",
  detail: "no final response within 2s",
};
const mcu = (name: string, ...sip: McuParts["sip"]): McuParts => ({ name, sip, icmp: { up: true } });
const thresholds = { endpointsDegradedBelow: 0.8 };
const parts = (over: Partial<SystemParts>): SystemParts => ({
  mcus: [mcu("mcu-1", up(), up("tcp"))],
  endpoints: { kind: "measured", online: 300, total: 300 },
  ...over,
});

describe("video-conference system health", () => {
  it("every part well: healthy, no reasons", () => {
    expect(judgeSystem(parts({}), thresholds)).toEqual({ state: "healthy", reasons: [] });
  });

  it("an MCU answering a busy code: degraded, naming the MCU, transport, port and answer", () => {
    const health = judgeSystem(parts({ mcus: [mcu("mcu-1", up()), mcu("mcu-2", busy)] }), thresholds);
    expect(health).toEqual({
      state: "degraded",
      reason: "mcu_degraded",
      reasons: ["MCU mcu-2 udp/5060: 486 Busy Here"],
    });
  });

  it("one of two MCUs silent: degraded; every MCU silent: down", () => {
    expect(judgeSystem(parts({ mcus: [mcu("a", up()), mcu("b", silent)] }), thresholds)).toMatchObject({
      state: "degraded",
      reason: "mcu_down",
    });
    const down = judgeSystem(parts({ mcus: [mcu("a", silent), mcu("b", silent)] }), thresholds);
    expect(down).toEqual({
      state: "down",
      reason: "mcu_down",
      reasons: [
        "no MCU answers SIP OPTIONS: MCU a udp/5061: no final response within 2s; MCU b udp/5061: no final response within 2s",
      ],
    });
  });

  it("an MCU answering on one transport and silent on the other is degraded, not down", () => {
    expect(judgeSystem(parts({ mcus: [mcu("a", up(), silent)] }), thresholds).state).toBe("degraded");
  });

  it("endpoints online below the thresholds: degraded, then down when a down bound is set", () => {
    const low = parts({ endpoints: { kind: "measured", online: 210, total: 300 } });
    expect(judgeSystem(low, thresholds)).toEqual({
      state: "degraded",
      reason: "endpoints",
      reasons: ["endpoints online 70.0% (210 of 300), degraded below 80.0%"],
    });
    expect(judgeSystem(low, { endpointsDegradedBelow: 0.8, endpointsDownBelow: 0.75 })).toEqual({
      state: "down",
      reason: "endpoints",
      reasons: ["endpoints online 70.0% (210 of 300), down below 75.0%"],
    });
    // Exactly at the bound is not below it.
    const at = parts({ endpoints: { kind: "measured", online: 240, total: 300 } });
    expect(judgeSystem(at, thresholds).state).toBe("healthy");
  });

  it("the management web down and an MCU not answering ping: degraded with both reasons, worst first", () => {
    const health = judgeSystem(
      parts({
        mcus: [
          { name: "mcu-1", sip: [up()], icmp: { up: false, reason: "timeout", detail: "0 of 3 replies" } },
        ],
        managementWeb: { up: false, reason: "latency", detail: "1.5s, bound 1s" },
      }),
      thresholds,
    );
    expect(health).toEqual({
      state: "degraded",
      reason: "mcu_icmp",
      reasons: ["MCU mcu-1 ping: 0 of 3 replies", "management web: 1.5s, bound 1s"],
    });
  });

  it("unknown parts change nothing and are named last", () => {
    const health = judgeSystem(
      parts({
        mcus: [{ name: "mcu-1", sip: [up()], icmp: "unknown" }],
        endpoints: { kind: "unknown", why: "fping not on PATH" },
        managementWeb: { unknown: "collector platforms has no good run" },
      }),
      thresholds,
    );
    expect(health).toEqual({
      state: "healthy",
      reasons: [
        "MCU mcu-1 ping: unknown",
        "endpoints: unknown (fping not on PATH)",
        "management web: unknown (collector platforms has no good run)",
      ],
    });
  });
});
