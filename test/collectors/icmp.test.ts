/**
 * The icmp collector with real fping / ping against loopback only (127.0.0.0/8, ::1). Hosts that
 * do not answer live in a network namespace made by test/helpers/netns.ts, where only chosen
 * loopback addresses exist. The parser is also checked against recorded real fping output.
 */
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { systemClock } from "../../agent/clock.js";
import { processLimitMs } from "../../collectors/icmp/backends.js";
import { toSamples } from "../../collectors/icmp/collector.js";
import {
  createIcmpCollector,
  IcmpBackendError,
  icmpPlugin,
  type IcmpInternals,
  type IcmpTarget,
} from "../../collectors/icmp/index.js";
import { icmpOptions } from "../../collectors/icmp/options.js";
import { isDnsMessage, parseFpingOutput, parsePingOutput } from "../../collectors/icmp/parse.js";
import { noInventory, type CollectContext, type InventoryVm, type Sample } from "../../collectors/types.js";
import { loopbackOnlyPrefix, netnsAvailable } from "../helpers/netns.js";
import { findPeer } from "../helpers/peers.js";

const log = pino({ level: "silent" });
const deps = { clock: systemClock, log, inventory: noInventory };
const FIXTURES = join(import.meta.dirname, "fixtures", "fping");

function ctx(signal: AbortSignal = new AbortController().signal): CollectContext {
  return { signal, now: () => systemClock.now(), log };
}

function fixture(name: string): { stderr: string; exit: number } {
  return {
    stderr: readFileSync(join(FIXTURES, `${name}.stderr`), "utf8"),
    exit: Number(readFileSync(join(FIXTURES, `${name}.exit`), "utf8").trim()),
  };
}

function targets(...addresses: string[]): IcmpTarget[] {
  return addresses.map((address) => ({ name: `host ${address}`, address }));
}

/** Options as the config loader would produce them. */
function options(input: Record<string, unknown>) {
  return icmpOptions.parse(input);
}

/** The samples of one host, by metric. */
function byMetric(samples: Sample[], address: string): Record<string, Sample> {
  const out: Record<string, Sample> = {};
  for (const s of samples) if (s.target.key === `icmp:${address}`) out[s.metric] = s;
  return out;
}

function peer(c: TestContext, binary: string, pkg: string): string {
  const path = findPeer(binary, pkg);
  if (path === undefined) c.skip();
  return path as string;
}

let tmp = "";
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "icmp-test-"));
  chmodSync(tmp, 0o755);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("parseFpingOutput on recorded fping 5.1 output", () => {
  it.each([
    {
      name: "all-up",
      hosts: ["127.0.0.1", "127.0.0.2", "127.1.2.3", "::1"],
      expectUp: ["127.0.0.1", "127.0.0.2", "127.1.2.3", "::1"],
      expectLost: [],
      expectErrors: [],
    },
    {
      name: "netns-down",
      hosts: ["127.0.0.1", "127.0.0.2"],
      expectUp: ["127.0.0.1"],
      expectLost: ["127.0.0.2"],
      expectErrors: [],
    },
    {
      name: "dns",
      hosts: ["127.0.0.1", "no-such-host.invalid"],
      expectUp: ["127.0.0.1"],
      expectLost: [],
      expectErrors: ["no-such-host.invalid"],
    },
    { name: "no-permission", hosts: ["127.0.0.1"], expectUp: [], expectLost: [], expectErrors: [] },
    { name: "bad-args", hosts: ["127.0.0.1"], expectUp: [], expectLost: [], expectErrors: [] },
    { name: "bad-option", hosts: ["127.0.0.1"], expectUp: [], expectLost: [], expectErrors: [] },
  ])("$name", ({ name, hosts, expectUp, expectLost, expectErrors }) => {
    const { stderr } = fixture(name);
    const parsed = parseFpingOutput(stderr, hosts);
    for (const host of expectUp) {
      const replies = parsed.get(host);
      expect(replies?.rtts).toHaveLength(3);
      for (const rtt of replies?.rtts ?? []) {
        expect(rtt).toBeGreaterThan(0);
        expect(rtt).toBeLessThan(0.01); // milliseconds became seconds
      }
    }
    for (const host of expectLost) expect(parsed.get(host)?.rtts).toEqual([null, null, null]);
    for (const host of expectErrors) {
      expect(parsed.get(host)?.rtts).toEqual([]);
      expect(parsed.get(host)?.errors).toEqual(["Name or service not known"]);
      expect(isDnsMessage(parsed.get(host)?.errors[0] ?? "")).toBe(true);
    }
    expect(parsed.size).toBe(expectUp.length + expectLost.length + expectErrors.length);
  });

  it("records the exit statuses the collector relies on", () => {
    expect(fixture("all-up").exit).toBe(0);
    expect(fixture("netns-down").exit).toBe(1);
    expect(fixture("dns").exit).toBe(2);
    expect(fixture("no-permission").exit).toBe(4);
    // fping 5.1 exits 1, not 3, on bad arguments: the collector catches that by "no host in the output".
    expect(fixture("bad-args").exit).toBe(1);
    expect(fixture("bad-option").exit).toBe(1);
  });

  it("reads exact values, partial loss, IPv6 hosts and ignores foreign lines", () => {
    const stderr =
      "ICMP Host Unreachable from 10.0.0.1 for ICMP Echo sent to 10.0.0.5\n\n::1       : 1.5 - 0.5\n10.9.9.9 : 1 2 3\n";
    const parsed = parseFpingOutput(stderr, ["::1"]);
    expect([...parsed.keys()]).toEqual(["::1"]);
    expect(parsed.get("::1")?.rtts).toEqual([0.0015, null, 0.0005]);
  });
});

describe("parsePingOutput", () => {
  it("reads iputils ping's summary", () => {
    const out =
      "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n\n--- 127.0.0.1 ping statistics ---\n" +
      "2 packets transmitted, 2 received, 0% packet loss, time 22ms\nrtt min/avg/max/mdev = 0.032/0.038/0.045/0.006 ms\n";
    expect(parsePingOutput(out)).toEqual({ transmitted: 2, received: 2, avgSeconds: 0.000038 });
    expect(parsePingOutput("3 packets transmitted, 0 received, 100% packet loss, time 2ms\n")).toEqual({
      transmitted: 3,
      received: 0,
    });
    expect(parsePingOutput("")).toBeUndefined();
  });
});

describe("options", () => {
  it("has defaults for everything but targets, which may be empty", () => {
    expect(options({})).toEqual({
      targets: [],
      count: 3,
      interval: 20,
      ping_timeout: 500,
      batch_size: 1000,
      concurrency: 2,
      backend: "auto",
      from_inventory: false,
      send_interval_ms: 1,
    });
    expect(icmpPlugin.type).toBe("icmp");
    expect(Object.keys(icmpPlugin.metrics).sort()).toEqual([
      "icmp_loss_ratio",
      "icmp_probe_up",
      "icmp_rtt_seconds",
    ]);
  });

  it("accepts IPv4, IPv6 and host names and rejects anything else", () => {
    for (const address of ["127.0.0.1", "::1", "fe80::1", "db-01.example.org", "localhost"]) {
      expect(icmpOptions.safeParse({ targets: [{ name: "x", address }] }).success).toBe(true);
    }
    for (const address of ["-f", "--help", "a b", "", "host_name", "http://x", "1.2.3.4/24"]) {
      expect(icmpOptions.safeParse({ targets: [{ name: "x", address }] }).success).toBe(false);
    }
  });

  it("rejects bad values, unknown keys and duplicate addresses", () => {
    const one = [{ name: "a", address: "127.0.0.1" }];
    expect(icmpOptions.safeParse({ targets: one, count: 0 }).success).toBe(false);
    expect(icmpOptions.safeParse({ targets: one, count: 21 }).success).toBe(false);
    expect(icmpOptions.safeParse({ targets: one, interval: "5ms" }).success).toBe(false);
    expect(icmpOptions.safeParse({ targets: one, batch_size: 10_001 }).success).toBe(false);
    expect(icmpOptions.safeParse({ targets: one, backend: "nmap" }).success).toBe(false);
    expect(icmpOptions.safeParse({ targets: one, commandPrefix: ["x"] }).success).toBe(false);
    // `timeout` is the agent's common run timeout, not a plugin option.
    expect(icmpOptions.safeParse({ targets: one, timeout: "1s" }).success).toBe(false);
    expect(icmpOptions.safeParse({ targets: [{ name: "", address: "127.0.0.1" }] }).success).toBe(false);
    expect(icmpOptions.safeParse({ targets: [...one, { name: "b", address: "127.0.0.1" }] }).success).toBe(
      false,
    );
    expect(options({ interval: "1s", ping_timeout: "2s" })).toMatchObject({
      interval: 1000,
      ping_timeout: 2000,
    });
  });
});

describe("samples and limits", () => {
  const target = { key: "icmp:127.0.0.9", kind: "host", name: "h" };
  it("turns outcomes into up / rtt / loss", () => {
    const [up, rtt, loss] = toSamples(target, { sent: 4, received: 3, meanRttSeconds: 0.002 }, 4);
    expect(up).toMatchObject({ metric: "icmp_probe_up", value: 1, up: true });
    expect(up?.reason).toBeUndefined();
    expect(rtt).toMatchObject({ metric: "icmp_rtt_seconds", value: 0.002 });
    expect(loss).toMatchObject({ metric: "icmp_loss_ratio", value: 0.25 });

    const down = toSamples(target, { sent: 3, received: 0, meanRttSeconds: null }, 3);
    expect(down[0]).toMatchObject({ value: 0, up: false, reason: "timeout", detail: "0 of 3 replies" });
    expect(down[1]?.value).toBeNull();
    expect(down[2]?.value).toBe(1);

    const dns = toSamples(
      target,
      {
        sent: 0,
        received: 0,
        meanRttSeconds: null,
        failure: { reason: "dns", detail: "Name or service not known" },
      },
      3,
    );
    expect(dns[0]).toMatchObject({ value: 0, up: false, reason: "dns", detail: "Name or service not known" });
    expect(dns[2]?.value).toBeNull();
  });

  it("gives each process a hard limit from count, interval, timeout and batch size", () => {
    const s = { count: 3, intervalMs: 20, timeoutMs: 500 };
    expect(processLimitMs(["127.0.0.1"], s, 1)).toBe(Math.ceil((2 * 20 + 3 + 500) * 1.5) + 2000);
    const many = Array.from({ length: 1000 }, (_, i) => `127.0.${i >> 8}.${i & 255}`);
    expect(processLimitMs(many, s, 1)).toBeGreaterThan(processLimitMs(["127.0.0.1"], s, 1) + 3000);
    expect(processLimitMs(["db.example.org"], s, 1)).toBe(processLimitMs(["127.0.0.1"], s, 1) + 5000);
  });
});

describe("icmp collector with real fping on loopback", () => {
  it("reports several 127.x addresses up with RTT > 0 and no loss", async (c) => {
    peer(c, "fping", "fping");
    const addresses = ["127.0.0.1", "127.0.0.2", "127.1.2.3", "127.255.0.7"];
    const collector = createIcmpCollector(
      options({ targets: targets(...addresses), backend: "fping" }),
      deps,
    );
    const samples = await collector.collect(ctx());
    expect(samples).toHaveLength(addresses.length * 3);
    for (const address of addresses) {
      const m = byMetric(samples, address);
      expect(m.icmp_probe_up).toMatchObject({ value: 1, up: true });
      expect(m.icmp_probe_up?.target).toEqual({
        key: `icmp:${address}`,
        kind: "host",
        name: `host ${address}`,
      });
      expect(m.icmp_rtt_seconds?.value).toBeGreaterThan(0);
      expect(m.icmp_rtt_seconds?.value).toBeLessThan(0.5);
      expect(m.icmp_loss_ratio?.value).toBe(0);
    }
  });

  it("pings the running VMs of the inventory that have a guest IP, when from_inventory is on", async (c) => {
    peer(c, "fping", "fping");
    const vms: InventoryVm[] = [
      {
        key: "vm:1",
        id: "1",
        source: "vcenter",
        name: "jyj-web-01",
        powerState: "POWERED_ON",
        ip: "127.0.1.1",
        labels: { system: "jyj" },
      },
      {
        key: "vm:2",
        id: "2",
        source: "vcenter",
        name: "jyj-db-01",
        powerState: "POWERED_OFF",
        ip: "127.0.1.2",
        labels: {},
      },
      { key: "vm:3", id: "3", source: "vcenter", name: "no-tools", powerState: "POWERED_ON", labels: {} },
    ];
    const inventory = { vms: (): InventoryVm[] | undefined => vms };
    const config = options({ from_inventory: true, backend: "fping", targets: targets("127.0.0.1") });
    const collector = icmpPlugin.create(config, { ...deps, inventory });
    const samples = await collector.collect(ctx());
    const up = samples.filter((s) => s.metric === "icmp_probe_up");
    expect(up.map((s) => [s.target.name, s.target.labels, s.value])).toEqual([
      ["host 127.0.0.1", undefined, 1],
      ["jyj-web-01", { system: "jyj" }, 1],
    ]);
    // Unknown inventory: only the configured hosts are pinged this run.
    const unknown = icmpPlugin.create(config, { ...deps, inventory: noInventory });
    expect((await unknown.collect(ctx())).filter((s) => s.metric === "icmp_probe_up")).toHaveLength(1);
  });

  it("keeps target labels", async (c) => {
    peer(c, "fping", "fping");
    const collector = createIcmpCollector(
      options({ targets: [{ name: "lo", address: "127.0.0.1", labels: { site: "A" } }], count: 1 }),
      deps,
    );
    const [up] = await collector.collect(ctx());
    expect(up?.target).toEqual({ key: "icmp:127.0.0.1", kind: "host", name: "lo", labels: { site: "A" } });
  });

  it("splits targets into batches of batch_size, one fping process each", async (c) => {
    peer(c, "fping", "fping");
    const logFile = join(tmp, "invocations");
    // A prefix that notes each invocation and its stdin size, then runs fping on the same stdin.
    const internals: IcmpInternals = {
      commandPrefix: ["sh", "-c", `echo run >> '${logFile}'; exec "$0" "$@"`],
    };
    const addresses = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"];
    const collector = createIcmpCollector(
      options({ targets: targets(...addresses), count: 1, batch_size: 2, concurrency: 2, backend: "fping" }),
      deps,
      undefined,
      internals,
    );
    const samples = await collector.collect(ctx());
    expect(readFileSync(logFile, "utf8").trim().split("\n")).toHaveLength(3);
    for (const address of addresses) expect(byMetric(samples, address).icmp_probe_up?.value).toBe(1);
  });

  it("adds extra targets, skips duplicates, and skips the source when it is unknown", async (c) => {
    peer(c, "fping", "fping");
    let extra: IcmpTarget[] | undefined = [
      { name: "dup", address: "127.0.0.1" },
      { name: "vm", address: "127.0.0.8", labels: { source: "inventory" } },
      { name: "bad", address: "--help" },
    ];
    const warnings: string[] = [];
    const logCtx = {
      ...ctx(),
      log: pino({ level: "warn" }, { write: (line: string) => warnings.push(line) }),
    };
    const collector = createIcmpCollector(
      options({ targets: [{ name: "cfg", address: "127.0.0.1" }], count: 1 }),
      deps,
      () => extra,
    );
    let samples = await collector.collect(logCtx);
    expect(samples.filter((s) => s.metric === "icmp_probe_up").map((s) => s.target.name)).toEqual([
      "cfg",
      "vm",
    ]);
    expect(byMetric(samples, "127.0.0.8").icmp_probe_up?.target.labels).toEqual({ source: "inventory" });

    extra = undefined;
    samples = await collector.collect(logCtx);
    expect(samples.filter((s) => s.metric === "icmp_probe_up").map((s) => s.target.name)).toEqual(["cfg"]);
    expect(warnings.join("")).toContain("extra target source is unknown");
  });

  it("returns no samples and runs nothing without targets", async () => {
    const collector = createIcmpCollector(options({}), deps, () => [], { fpingPath: "/nonexistent/fping" });
    expect(await collector.collect(ctx())).toEqual([]);
  });

  it("fails the run (unknown) when its only targets come from an inventory that is unknown", async () => {
    const collector = createIcmpCollector(options({}), deps, () => undefined, {
      fpingPath: "/nonexistent/fping",
    });
    await expect(collector.collect(ctx())).rejects.toThrow(/VM inventory is unknown/);
  });

  it("reports a host that does not exist (network namespace) down with reason timeout", async (c) => {
    peer(c, "fping", "fping");
    if (!netnsAvailable()) c.skip();
    const collector = createIcmpCollector(
      options({
        targets: targets("127.0.0.1", "127.0.0.2"),
        count: 2,
        ping_timeout: "200ms",
        backend: "fping",
      }),
      deps,
      undefined,
      { commandPrefix: loopbackOnlyPrefix(["127.0.0.1"]) },
    );
    const samples = await collector.collect(ctx());
    const up = byMetric(samples, "127.0.0.1");
    expect(up.icmp_probe_up).toMatchObject({ value: 1, up: true });
    expect(up.icmp_loss_ratio?.value).toBe(0);
    const down = byMetric(samples, "127.0.0.2");
    expect(down.icmp_probe_up).toMatchObject({
      value: 0,
      up: false,
      reason: "timeout",
      detail: "0 of 2 replies",
    });
    expect(down.icmp_rtt_seconds?.value).toBeNull();
    expect(down.icmp_loss_ratio?.value).toBe(1);
  });
});

describe("icmp collector: a broken backend is one thrown error", () => {
  it("throws when backend fping is configured but not on PATH", async () => {
    const collector = createIcmpCollector(
      options({ targets: targets("127.0.0.1", "127.0.0.2"), backend: "fping" }),
      deps,
      undefined,
      { searchPath: join(tmp, "empty-bin") },
    );
    await expect(collector.collect(ctx())).rejects.toThrow(/fping is not on PATH/);
    await expect(collector.collect(ctx())).rejects.toBeInstanceOf(IcmpBackendError);
  });

  it("throws when auto finds neither fping nor ping", async () => {
    const collector = createIcmpCollector(options({ targets: targets("127.0.0.1") }), deps, undefined, {
      searchPath: join(tmp, "empty-bin"),
    });
    await expect(collector.collect(ctx())).rejects.toThrow(/neither fping nor ping/);
  });

  it("throws once when the fping binary cannot be run", async () => {
    const collector = createIcmpCollector(
      options({ targets: targets("127.0.0.1", "127.0.0.2", "127.0.0.3") }),
      deps,
      undefined,
      { fpingPath: join(tmp, "no-such-dir", "fping") },
    );
    await expect(collector.collect(ctx())).rejects.toThrow(/cannot run .*fping: not found/);
  });

  it("throws once when fping may not open a raw socket (no CAP_NET_RAW)", async (c) => {
    const fping = peer(c, "fping", "fping");
    if (process.getuid?.() !== 0) {
      console.warn("\n*** SKIPPING: the no-permission test drops root with setpriv, so it needs root ***\n");
      c.skip();
    }
    peer(c, "setpriv", "util-linux");
    // A copy of fping loses its file capability; run it as nobody.
    const copy = join(tmp, "fping-nocap");
    copyFileSync(fping, copy);
    chmodSync(copy, 0o755);
    const collector = createIcmpCollector(
      options({ targets: targets("127.0.0.1", "127.0.0.2"), backend: "fping" }),
      deps,
      undefined,
      { fpingPath: copy, commandPrefix: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] },
    );
    await expect(collector.collect(ctx())).rejects.toThrow(
      /fping exited with status 4: .*can't create socket/,
    );
  });

  it("throws when fping prints no result (bad arguments)", async (c) => {
    peer(c, "fping", "fping");
    // The prefix adds an option fping does not know; fping 5.1 then exits 1 with usage help.
    const collector = createIcmpCollector(options({ targets: targets("127.0.0.1") }), deps, undefined, {
      commandPrefix: ["sh", "-c", 'exec "$0" --bogus "$@"'],
    });
    await expect(collector.collect(ctx())).rejects.toThrow(/no result: .*invalid option/);
  });

  it("kills a process that outlives its hard limit", async () => {
    // "sleep 30" stands in for a hung fping; the limit for one host, count 1, 10ms timeout is ~2s.
    const collector = createIcmpCollector(
      options({
        targets: targets("127.0.0.1"),
        count: 1,
        interval: "10ms",
        ping_timeout: "10ms",
        backend: "fping",
      }),
      deps,
      undefined,
      { fpingPath: "30", commandPrefix: ["sh", "-c", 'exec sleep "$0"'] },
    );
    const started = Date.now();
    await expect(collector.collect(ctx())).rejects.toThrow(/did not finish within \d+ms and was killed/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("kills fping when the run is aborted", async (c) => {
    peer(c, "fping", "fping");
    const pidFile = join(tmp, "fping.pid");
    const collector = createIcmpCollector(
      options({ targets: targets("127.0.0.1"), count: 20, interval: "1s", backend: "fping" }),
      deps,
      undefined,
      { commandPrefix: ["sh", "-c", `echo $$ > '${pidFile}'; exec "$0" "$@"`] },
    );
    const controller = new AbortController();
    const run = collector.collect(ctx(controller.signal));
    await new Promise((r) => setTimeout(r, 300));
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    expect(alive(pid)).toBe(true);
    const started = Date.now();
    controller.abort(new Error("run timed out"));
    await expect(run).rejects.toThrow("run timed out");
    expect(Date.now() - started).toBeLessThan(1_000);
    await waitFor(() => !alive(pid));
  });
});

describe("icmp collector with the system ping", () => {
  it("reports loopback up", async (c) => {
    peer(c, "ping", "iputils-ping");
    const collector = createIcmpCollector(
      options({ targets: targets("127.0.0.1", "127.0.0.3"), count: 2, backend: "ping" }),
      deps,
    );
    const samples = await collector.collect(ctx());
    for (const address of ["127.0.0.1", "127.0.0.3"]) {
      const m = byMetric(samples, address);
      expect(m.icmp_probe_up).toMatchObject({ value: 1, up: true });
      expect(m.icmp_rtt_seconds?.value).toBeGreaterThan(0);
      expect(m.icmp_loss_ratio?.value).toBe(0);
    }
  });

  it("reports a host without a route (network namespace) down", async (c) => {
    peer(c, "ping", "iputils-ping");
    if (!netnsAvailable()) c.skip();
    const collector = createIcmpCollector(
      options({
        targets: targets("127.0.0.1", "127.0.0.2"),
        count: 2,
        ping_timeout: "200ms",
        backend: "ping",
      }),
      deps,
      undefined,
      { commandPrefix: loopbackOnlyPrefix(["127.0.0.1"]) },
    );
    const samples = await collector.collect(ctx());
    expect(byMetric(samples, "127.0.0.1").icmp_probe_up).toMatchObject({ value: 1, up: true });
    const down = byMetric(samples, "127.0.0.2").icmp_probe_up;
    expect(down).toMatchObject({ value: 0, up: false, reason: "unreachable" });
    expect(down?.detail).toMatch(/Network is unreachable/);
  });

  it("throws when ping is configured but not on PATH", async () => {
    const collector = createIcmpCollector(
      options({ targets: targets("127.0.0.1"), backend: "ping" }),
      deps,
      undefined,
      {
        searchPath: join(tmp, "empty-bin"),
      },
    );
    await expect(collector.collect(ctx())).rejects.toThrow(/ping is not on PATH/);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
