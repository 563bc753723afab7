import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ManualClock, systemClock } from "../../agent/clock.js";
import { createHostCollector, hostPlugin } from "../../collectors/host/index.js";
import type { HostSource, InterfaceCounters } from "../../collectors/host/index.js";
import { noInventory, type CollectContext, type Sample } from "../../collectors/types.js";

const log = pino({ level: "silent" });

function ctxFor(clock: { now(): Date }, signal = new AbortController().signal): CollectContext {
  return { signal, now: () => clock.now(), log };
}

function nic(name: string, rx: number, tx: number, errors = 0): InterfaceCounters {
  return { name, receiveBytes: rx, transmitBytes: tx, receiveErrors: errors, transmitErrors: errors };
}

/** A fake machine; tests replace single methods to script counters and failures. */
function fakeSource(overrides: Partial<HostSource> = {}): HostSource {
  return {
    hostname: () => "ops-test",
    cpuUsage: async () => 0.25,
    loadAverage: async () => [0.5, 0.4, 0.3] as const,
    memory: async () => ({ totalBytes: 8_000, availableBytes: 2_000 }),
    filesystems: async () => [
      {
        device: "/dev/vda1",
        type: "ext4",
        mount: "/",
        sizeBytes: 1_000,
        usedBytes: 600,
        availableBytes: 300,
      },
      { device: "tmpfs", type: "tmpfs", mount: "/run", sizeBytes: 100, usedBytes: 1, availableBytes: 99 },
      {
        device: "overlay",
        type: "overlay",
        mount: "/var/lib/docker/x",
        sizeBytes: 1_000,
        usedBytes: 600,
        availableBytes: 300,
      },
    ],
    interfaces: async () => [nic("lo", 10, 10), nic("eth0", 1_000, 500)],
    uptimeSeconds: async () => 3_600,
    ...overrides,
  };
}

function find(samples: Sample[], metric: string, labels?: Record<string, string>): Sample[] {
  return samples.filter(
    (s) => s.metric === metric && Object.entries(labels ?? {}).every(([k, v]) => s.labels?.[k] === v),
  );
}

function value(
  samples: Sample[],
  metric: string,
  labels?: Record<string, string>,
): number | null | undefined {
  const found = find(samples, metric, labels);
  expect(found.length, `${metric} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

const defaults = hostPlugin.schema.parse({});
const deps = { clock: systemClock, log, inventory: noInventory };

describe("host options", () => {
  it("accepts {} and fills every default", () => {
    expect(defaults.interfaces_exclude).toEqual(["lo"]);
    expect(defaults.filesystems_exclude_types).toContain("tmpfs");
  });
  it("rejects unknown keys", () => {
    expect(hostPlugin.schema.safeParse({ every: "30s" }).success).toBe(false);
  });
  it("declares every metric it emits", async () => {
    const clock = new ManualClock("2026-01-01T00:00:00Z");
    const collector = createHostCollector(defaults, deps, fakeSource());
    await collector.collect(ctxFor(clock));
    clock.advance(10_000);
    const samples = await collector.collect(ctxFor(clock));
    const names = new Set(samples.map((s) => s.metric));
    expect([...names].sort()).toEqual(Object.keys(hostPlugin.metrics).sort());
    for (const s of samples) {
      const declared = hostPlugin.metrics[s.metric]?.labels ?? [];
      expect(Object.keys(s.labels ?? {}).sort()).toEqual([...declared].sort());
    }
  });
});

describe("host collector on this machine", () => {
  it("reports sane values", async () => {
    const collector = hostPlugin.create(defaults, deps);
    const samples = await collector.collect(ctxFor(systemClock));
    const cpu = value(samples, "host_cpu_usage_ratio");
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThanOrEqual(1);
    expect(value(samples, "host_memory_total_bytes")).toBeGreaterThan(0);
    const memRatio = value(samples, "host_memory_used_ratio");
    expect(memRatio).toBeGreaterThanOrEqual(0);
    expect(memRatio).toBeLessThanOrEqual(1);
    expect(find(samples, "host_filesystem_size_bytes").length).toBeGreaterThan(0);
    expect(value(samples, "host_uptime_seconds")).toBeGreaterThan(0);
    expect(value(samples, "host_load1")).toBeGreaterThanOrEqual(0);
    // Default excludes apply: no loopback, no tmpfs.
    expect(find(samples, "host_network_receive_bytes_total", { interface: "lo" })).toEqual([]);
    expect(find(samples, "host_filesystem_size_bytes", { fstype: "tmpfs" })).toEqual([]);
    // First run: counters but never a rate.
    expect(find(samples, "host_network_receive_bytes_per_second")).toEqual([]);
    const target = samples[0]?.target;
    expect(target?.kind).toBe("host");
    expect(target?.key).toBe(`host:${target?.name}`);
  });
});

describe("host collector with a fake source", () => {
  it("computes throughput on the second run from counters and the injected clock", async () => {
    const clock = new ManualClock("2026-03-01T00:00:00Z");
    let counters = [nic("eth0", 1_000, 500)];
    const collector = createHostCollector(defaults, deps, fakeSource({ interfaces: async () => counters }));

    const first = await collector.collect(ctxFor(clock));
    expect(value(first, "host_network_receive_bytes_total", { interface: "eth0" })).toBe(1_000);
    expect(find(first, "host_network_receive_bytes_per_second")).toEqual([]);
    expect(find(first, "host_network_transmit_bytes_per_second")).toEqual([]);

    clock.advance(10_000);
    counters = [nic("eth0", 21_000, 1_500)];
    const second = await collector.collect(ctxFor(clock));
    expect(value(second, "host_network_receive_bytes_per_second", { interface: "eth0" })).toBe(2_000);
    expect(value(second, "host_network_transmit_bytes_per_second", { interface: "eth0" })).toBe(100);
  });

  it("emits no rate after a counter reset, then resumes from the new base", async () => {
    const clock = new ManualClock("2026-03-01T00:00:00Z");
    let counters = [nic("eth0", 50_000, 50_000)];
    const collector = createHostCollector(defaults, deps, fakeSource({ interfaces: async () => counters }));
    await collector.collect(ctxFor(clock));

    clock.advance(10_000);
    counters = [nic("eth0", 100, 60_000)]; // rx restarted, tx kept counting
    const afterReset = await collector.collect(ctxFor(clock));
    expect(find(afterReset, "host_network_receive_bytes_per_second")).toEqual([]);
    expect(value(afterReset, "host_network_transmit_bytes_per_second", { interface: "eth0" })).toBe(1_000);

    clock.advance(10_000);
    counters = [nic("eth0", 1_100, 60_000)];
    const next = await collector.collect(ctxFor(clock));
    expect(value(next, "host_network_receive_bytes_per_second", { interface: "eth0" })).toBe(100);
    expect(value(next, "host_network_transmit_bytes_per_second", { interface: "eth0" })).toBe(0);
  });

  it("emits no rate when the clock did not move", async () => {
    const clock = new ManualClock("2026-03-01T00:00:00Z");
    const collector = createHostCollector(defaults, deps, fakeSource());
    await collector.collect(ctxFor(clock));
    const again = await collector.collect(ctxFor(clock));
    expect(find(again, "host_network_receive_bytes_per_second")).toEqual([]);
  });

  it("skips excluded filesystem types and interfaces", async () => {
    const clock = new ManualClock("2026-03-01T00:00:00Z");
    const source = fakeSource({
      interfaces: async () => [
        nic("lo", 1, 1),
        nic("eth0", 1, 1),
        nic("veth12ab", 1, 1),
        nic("docker0", 1, 1),
      ],
    });
    const options = hostPlugin.schema.parse({
      filesystems_exclude_types: ["tmpfs", "overl*"],
      interfaces_exclude: ["lo", "veth*"],
    });
    const samples = await createHostCollector(options, deps, source).collect(ctxFor(clock));
    const mounts = find(samples, "host_filesystem_size_bytes").map((s) => s.labels?.mount);
    expect(mounts).toEqual(["/"]);
    const nics = find(samples, "host_network_receive_bytes_total").map((s) => s.labels?.interface);
    expect(nics).toEqual(["eth0", "docker0"]);
    expect(value(samples, "host_filesystem_used_ratio", { mount: "/" })).toBeCloseTo(600 / 900);
    expect(find(samples, "host_filesystem_size_bytes", { mount: "/" })[0]?.labels).toEqual({
      mount: "/",
      device: "/dev/vda1",
      fstype: "ext4",
    });
    expect(value(samples, "host_memory_used_ratio")).toBeCloseTo(0.75);
  });

  it("skips only the samples of a failing part and logs a warning", async () => {
    const warnings: unknown[] = [];
    const spyLog = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    const clock = new ManualClock("2026-03-01T00:00:00Z");
    const source = fakeSource({
      filesystems: async () => {
        throw new Error("df: /mnt/nfs: Stale file handle");
      },
    });
    const samples = await createHostCollector(defaults, deps, source).collect({
      signal: new AbortController().signal,
      now: () => clock.now(),
      log: spyLog,
    });
    expect(find(samples, "host_filesystem_size_bytes")).toEqual([]);
    expect(value(samples, "host_cpu_usage_ratio")).toBe(0.25);
    expect(value(samples, "host_uptime_seconds")).toBe(3_600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ part: "filesystems" });
  });

  it("throws when every part fails", async () => {
    const fail = async (): Promise<never> => {
      throw new Error("broken");
    };
    const source = fakeSource({
      cpuUsage: fail,
      loadAverage: fail,
      memory: fail,
      filesystems: fail,
      interfaces: fail,
      uptimeSeconds: fail,
    });
    await expect(createHostCollector(defaults, deps, source).collect(ctxFor(systemClock))).rejects.toThrow(
      /every measurement failed/,
    );
  });

  it("keeps the rate base across a failed network reading", async () => {
    const clock = new ManualClock("2026-03-01T00:00:00Z");
    let next: () => Promise<InterfaceCounters[]> = async () => [nic("eth0", 0, 0)];
    const collector = createHostCollector(defaults, deps, fakeSource({ interfaces: () => next() }));
    await collector.collect(ctxFor(clock));
    clock.advance(10_000);
    next = async () => {
      throw new Error("no /sys");
    };
    await collector.collect(ctxFor(clock));
    clock.advance(10_000);
    next = async () => [nic("eth0", 4_000, 0)];
    const samples = await collector.collect(ctxFor(clock));
    expect(value(samples, "host_network_receive_bytes_per_second", { interface: "eth0" })).toBe(200);
  });

  it("rejects promptly with the abort reason when a source call hangs", async () => {
    const hang = (): Promise<never> => new Promise(() => {});
    const source = fakeSource({ filesystems: hang, interfaces: hang });
    const controller = new AbortController();
    const reason = new Error("run timed out");
    const started = performance.now();
    setTimeout(() => controller.abort(reason), 50);
    await expect(
      createHostCollector(defaults, deps, source).collect(ctxFor(systemClock, controller.signal)),
    ).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopping"));
    await expect(
      createHostCollector(defaults, deps, fakeSource()).collect(ctxFor(systemClock, controller.signal)),
    ).rejects.toThrow("stopping");
  });
});
