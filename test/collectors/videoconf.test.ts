/**
 * The videoconf collector against real peers on loopback: simulated MCUs answering SIP OPTIONS
 * (200 and 486 Busy Here) and a port nobody answers, real pings through fping (endpoints that do
 * not answer live in a network namespace holding only some addresses), an endpoints file on disk,
 * and the management web read from an http collector's latest state.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { systemClock } from "../../agent/clock.js";
import { LatestState } from "../../agent/store/latest.js";
import { noInventory, type CollectContext, type Sample } from "../../collectors/types.js";
import { createVideoconfCollector } from "../../collectors/videoconf/index.js";
import { EndpointsFileError, parseEndpoints } from "../../collectors/videoconf/endpoints-file.js";
import { videoconfOptions } from "../../collectors/videoconf/options.js";
import { parseConfigText } from "../../config/load.js";
import { startMcu, type Mcu } from "../../simroom/mcu/index.js";
import { loopbackOnlyPrefix, netnsAvailable } from "../helpers/netns.js";
import { findPeer } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";

const log = pino({ level: "silent" });
let good: Mcu;
let busy: Mcu;
let silentPort = 0;

beforeAll(async () => {
  good = await startMcu();
  busy = await startMcu({ optionsStatus: "486 Busy Here" });
  // A port nothing listens on: the kernel answers UDP with ICMP port unreachable (reason connect).
  const spare = await startMcu();
  silentPort = spare.port;
  await spare.close();
});

afterAll(async () => {
  await good.close();
  await busy.close();
});

function ctx(): CollectContext {
  return { signal: new AbortController().signal, now: () => systemClock.now(), log };
}

function find(samples: Sample[], metric: string, target: string, labels: Record<string, string> = {}) {
  return samples.find(
    (s) =>
      s.metric === metric &&
      s.target.name === target &&
      Object.entries(labels).every(([k, v]) => s.labels?.[k] === v),
  );
}

function withFping(c: TestContext): void {
  if (findPeer("fping", "fping") === undefined) c.skip();
}

describe("videoconf collector", () => {
  it("judges each system from its MCUs, endpoints and management web, one health state each", async (c) => {
    withFping(c);
    if (!netnsAvailable()) c.skip();
    const dir = tempDir();
    const file = join(dir, "endpoints.csv");
    writeFileSync(
      file,
      "\ufeffname,address,school\n" +
        "实验小学-1号会议室,127.31.0.1,实验小学\n" +
        '"第一中学,报告厅",127.31.0.2,第一中学\n' +
        "第二中学-会议室,127.31.0.3,第二中学\n" +
        "外国语学校-会议室,127.31.0.4,外国语学校\n",
    );
    const options = videoconfOptions.parse({
      systems: [
        {
          name: "city",
          mcus: [
            {
              name: "mcu-1",
              host: "127.0.0.1",
              sip: [{ port: good.port }, { port: good.port, transport: "tcp" }],
            },
          ],
          endpoints: [{ name: "教育局-会议室", address: "127.31.0.5" }],
          endpoints_file: file,
        },
        {
          name: "district",
          mcus: [
            { name: "busy", host: "127.0.0.1", sip: [{ port: busy.port }], icmp: false },
            { name: "gone", host: "127.0.0.1", sip: [{ port: silentPort }], icmp: false },
          ],
          management_web: { collector: "platforms", target: "videoconf-web" },
        },
        {
          name: "dark",
          mcus: [{ name: "off", host: "127.0.0.1", sip: [{ port: silentPort }], icmp: false }],
          health: { endpoints_degraded_below: 0.9 },
        },
      ],
      sip: { probe_timeout: "600ms" },
      icmp: { count: 1, ping_timeout: "200ms", backend: "fping" },
    });
    const latest = new LatestState();
    latest.replace(
      "platforms",
      [
        {
          target: { key: "http:videoconf-web", kind: "application", name: "videoconf-web" },
          metric: "http_probe_up",
          value: 0,
          up: false,
          reason: "latency",
          detail: "1.5s, bound 1s",
        },
      ],
      new Date(),
    );
    // Only 127.0.0.1 and three of the five endpoints exist in the namespace fping runs in.
    const collector = createVideoconfCollector(
      options,
      { clock: systemClock, log, inventory: noInventory, latest },
      { commandPrefix: loopbackOnlyPrefix(["127.0.0.1", "127.31.0.1", "127.31.0.2", "127.31.0.5"]) },
    );
    const started = Date.now();
    const samples = await collector.collect(ctx());
    expect(Date.now() - started).toBeLessThan(10_000);

    // city: MCU fine on both transports, 3 of 5 endpoints online → degraded (below 80%).
    expect(find(samples, "videoconf_mcu_sip_up", "mcu-1", { transport: "udp" })).toMatchObject({
      value: 1,
      up: true,
    });
    expect(find(samples, "videoconf_mcu_sip_up", "mcu-1", { transport: "tcp" })).toMatchObject({ value: 1 });
    expect(find(samples, "videoconf_mcu_sip_status_code", "mcu-1", { transport: "tcp" })?.value).toBe(200);
    expect(find(samples, "videoconf_mcu_icmp_up", "mcu-1")).toMatchObject({ value: 1, up: true });
    expect(find(samples, "videoconf_endpoints_online_ratio", "city")?.value).toBe(0.6);
    expect(find(samples, "videoconf_endpoints_online", "city")?.value).toBe(3);
    expect(find(samples, "videoconf_endpoints_listed", "city")?.value).toBe(5);
    expect(find(samples, "videoconf_endpoint_up", "第一中学,报告厅")).toMatchObject({ value: 1, up: true });
    expect(find(samples, "videoconf_endpoint_up", "第一中学,报告厅")?.target.labels).toEqual({
      school: "第一中学",
      system: "city",
      address: "127.31.0.2",
    });
    expect(find(samples, "videoconf_endpoint_up", "第二中学-会议室")).toMatchObject({
      value: 0,
      up: false,
      reason: "timeout",
    });
    expect(find(samples, "videoconf_system_health", "city")).toMatchObject({
      value: 1,
      up: true,
      reason: "endpoints",
      detail: "endpoints online 60.0% (3 of 5), degraded below 80.0%",
    });
    expect(find(samples, "videoconf_system_state", "city", { state: "degraded" })?.value).toBe(1);
    expect(find(samples, "videoconf_system_state", "city", { state: "healthy" })?.value).toBe(0);

    // district: one MCU busy (486), one silent, management web slow → degraded, every cause named.
    expect(find(samples, "videoconf_mcu_sip_status_code", "busy")?.value).toBe(486);
    expect(find(samples, "videoconf_mcu_sip_up", "gone")).toMatchObject({ value: 0, reason: "connect" });
    expect(find(samples, "videoconf_mcu_sip_rtt_seconds", "gone")?.value).toBeNull();
    const district = find(samples, "videoconf_system_health", "district");
    expect(district).toMatchObject({ value: 1, up: true, reason: "mcu_degraded" });
    expect(district?.detail).toContain(`MCU busy udp/${busy.port}: 486 Busy Here`);
    expect(district?.detail).toContain(`MCU gone udp/${silentPort}:`);
    expect(district?.detail).toContain("management web: 1.5s, bound 1s");
    expect(find(samples, "videoconf_endpoints_online_ratio", "district")).toBeUndefined();

    // dark: its only MCU silent → down.
    expect(find(samples, "videoconf_system_health", "dark")).toMatchObject({
      value: 0,
      up: false,
      reason: "mcu_down",
    });
  });

  it("a broken endpoints file makes that system's endpoints unknown (named), never a partial ratio", async (c) => {
    withFping(c);
    const dir = tempDir();
    const file = join(dir, "endpoints.csv");
    writeFileSync(file, "name,address\nroom-1,127.0.0.1\nroom-2,not an address\n");
    const options = videoconfOptions.parse({
      systems: [
        {
          name: "city",
          mcus: [{ name: "mcu-1", host: "127.0.0.1", sip: [{ port: good.port }] }],
          endpoints_file: file,
        },
      ],
      sip: { probe_timeout: "600ms" },
      icmp: { count: 1, ping_timeout: "200ms" },
    });
    const collector = createVideoconfCollector(options, { clock: systemClock, log, inventory: noInventory });
    let samples = await collector.collect(ctx());
    expect(find(samples, "videoconf_endpoints_online_ratio", "city")).toBeUndefined();
    expect(find(samples, "videoconf_system_health", "city")).toMatchObject({ value: 2, up: true });
    expect(find(samples, "videoconf_system_health", "city")?.detail).toBe(
      `endpoints: unknown (${file}:3: address "not an address" is not an IP address or host name)`,
    );

    // Fixed: read again on the next run.
    writeFileSync(file, "name,address\nroom-1,127.0.0.1\nroom-2,127.0.0.2\n");
    samples = await collector.collect(ctx());
    expect(find(samples, "videoconf_endpoints_online_ratio", "city")?.value).toBe(1);
  });

  it("parses the endpoints file strictly, listing every bad row with its line", () => {
    expect(parseEndpoints("name,address,district\nroom,127.0.0.1,姑苏区\n\n", "e.csv")).toEqual([
      { name: "room", address: "127.0.0.1", labels: { district: "姑苏区" } },
    ]);
    const bad = () =>
      parseEndpoints("name,address\nroom,127.0.0.1\nroom,127.0.0.2\n,127.0.0.3\nx,-f\ny\n", "e.csv");
    expect(bad).toThrow(EndpointsFileError);
    expect(bad).toThrow(
      [
        'e.csv:3: duplicate name "room" (also line 2)',
        "e.csv:4: empty name",
        'e.csv:5: address "-f" is not an IP address or host name',
        "e.csv:6: 1 fields, the header has 2",
      ].join("\n"),
    );
    expect(() => parseEndpoints("address,name\n", "e.csv")).toThrow(
      'e.csv:1: the header must start with name,address (got "address,name")',
    );
  });

  it("config: a management web naming an unknown collector or target, and bad thresholds, are errors naming the field", () => {
    const result = parseConfigText(`collectors:
  - type: http
    name: platforms
    targets: [{ name: bigplatform, url: "http://127.0.0.1:1/" }]
  - type: videoconf
    systems:
      - name: city
        mcus: [{ name: mcu-1, host: 127.0.0.1 }, { name: mcu-1, host: 127.0.0.2 }]
        management_web: { collector: platforms, target: videoconf-web }
        health: { endpoints_degraded_below: 0.5, endpoints_down_below: 0.7 }
      - name: district
        mcus: [{ name: mcu-2, host: "-oops" }]
        management_web: { collector: web, target: videoconf-web }
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      'collectors[1].systems[0].mcus[1].name: duplicate MCU name "mcu-1"',
      "collectors[1].systems[0].health.endpoints_down_below: 0.7 is above endpoints_degraded_below (0.5); down must be the lower bound",
      'collectors[1].systems[1].mcus[0].host: expected an IPv4 or IPv6 address or a host name, got "-oops"',
      'collectors[1].systems[0].management_web.target: http collector "platforms" has no target "videoconf-web" (its targets: bigplatform)',
      'collectors[1].systems[1].management_web.collector: no http collector named "web" (http collectors: platforms)',
    ]);
  });
});
