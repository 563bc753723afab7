/**
 * One cycle of the simulated machine room at the default scale, on loopback: the vcenter collector
 * lists the 253 VMs in scope (HTTPS, certificate made with the openssl CLI) and its samples are
 * published into a LatestState; the collectors that do not read the inventory — http and host —
 * start beside it (the scheduler starts them together), and those that do — icmp (from_inventory,
 * backend fping) over those VMs and antivirus (Deep Security) — plus videoconf start once the
 * inventory is published, all in parallel. The http collector probes 50 applications (the six
 * simroom platforms as config/default.yaml probes them — the slow videoconf-web answers after 1.5 s
 * by design, the flapping ecard, resources' 502s, the HTTPS ai-platform — plus trivial loopback
 * apps up to `applications`); the videoconf collector probes the two simulated MCUs (SIP OPTIONS
 * over UDP and TCP, one answering 486 Busy Here) and pings the 300 endpoints of
 * simroom/demo/videoconf-endpoints.csv (127.30.x.y, by fping); host is config/default.yaml's. Each
 * collector's samples are published as the runner would; videoconf reads the management web from
 * the http collector's previous result, as it does in steady state.
 *
 * Every simulated peer runs in a child process by default (bench/room-sims.ts). bench/machine-room.ts
 * times the cycles; bench/metrics-scrape.ts renders /metrics from their results.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { LatestInventory } from "../agent/inventory.js";
import { systemClock } from "../agent/clock.js";
import { LatestState } from "../agent/store/latest.js";
import { antivirusPlugin } from "../collectors/antivirus/index.js";
import { plugins } from "../collectors/index.js";
import { hostPlugin } from "../collectors/host/index.js";
import { httpPlugin } from "../collectors/http/index.js";
import { icmpPlugin } from "../collectors/icmp/index.js";
import type { CollectContext, Collector, Deps, MetricDescriptor, Sample } from "../collectors/types.js";
import { vcenterPlugin } from "../collectors/vcenter/index.js";
import { videoconfPlugin } from "../collectors/videoconf/index.js";
import { DEFAULT_API_KEY } from "../simroom/deepsecurity/index.js";
import { PLATFORM_NAMES, PLATFORM_TITLES, type PlatformName } from "../simroom/platforms/index.js";
import { SYSTEMS } from "../simroom/vcenter/index.js";
import { onPath } from "./icmp-scale.js";
import { agentCpuSeconds, hasProc } from "./proc.js";
import { repoRoot } from "./paths.js";
import {
  VC_PASSWORD,
  VC_USER,
  makeCertificate,
  startSimChild,
  startSims,
  type SimChild,
  type SimUrls,
} from "./room-sims.js";

const PASSWORD_ENV = "OPS_AGENT_BENCH_VCENTER_PASSWORD";
const API_KEY_ENV = "OPS_AGENT_BENCH_DS_API_KEY";
const ENDPOINTS_CSV = join(repoRoot(), "simroom", "demo", "videoconf-endpoints.csv");
/** The names of the collector instances, as in config/default.yaml. */
const NAMES = {
  vcenter: "vcenter",
  icmp: "reachability",
  antivirus: "antivirus",
  http: "platforms",
  videoconf: "videoconf",
  host: "host",
} as const;
export type CollectorName = keyof typeof NAMES;
/** Collectors that do not wait for the inventory. */
const INDEPENDENT: ReadonlySet<CollectorName> = new Set(["http", "host"]);
const VIDEOCONF_CITY = "市教育视频会议系统";
const VIDEOCONF_DISTRICT = "区县互动课堂系统";

export interface RoomOptions {
  /** "child" (default): the sims run in a child process, so CPU is the agent's alone. */
  sims?: "child" | "in-process";
  /** http targets: the six simroom platforms plus trivial loopback apps up to this count (default 50). */
  applications?: number;
  /** Video-conference endpoints: the first N of simroom/demo/videoconf-endpoints.csv (default all 300). */
  endpoints?: number;
  /** Also run the host collector in the cycle, as config/default.yaml does (default true). */
  host?: boolean;
  log?: (line: string) => void;
}

export interface CycleFigures {
  /** Wall of each collector's run, ms. */
  wallMs: Partial<Record<CollectorName, number>>;
  cycleMs: number;
  /** CPU until vcenter's run ended (http and host already running beside it). */
  vcenterCpuS: number;
  cycleCpuS: number;
  vms: number;
  icmpTargets: number;
  icmpUp: number;
  coverage: number;
  httpTargets: number;
  httpUp: number;
  endpoints: number;
  endpointsUp: number;
  mcuSipProbes: number;
  videoconfHealth: Record<string, number>;
  /** Samples of the cycle, all collectors. */
  samples: number;
}

/** The simulated machine room and the agent's collectors over it, one cycle at a time. */
export interface Room {
  mode: "child" | "in-process";
  /** What /metrics exports: every collector's latest good run. */
  latest: LatestState;
  /** The metric descriptors of every plugin, as the daemon builds them. */
  descriptors: Map<string, MetricDescriptor>;
  simsPid: number | undefined;
  cycle(): Promise<CycleFigures>;
  close(): Promise<void>;
}

const silent = pino({ level: "silent" });

function ctx(): CollectContext {
  return { signal: AbortSignal.timeout(60_000), now: () => systemClock.now(), log: silent };
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work;
  return { value, ms: performance.now() - t0 };
}

/** Why the room cannot run here, or undefined. */
export function roomUnavailable(): string | undefined {
  if (!hasProc()) return "no /proc (not Linux): cannot measure child CPU";
  if (onPath("fping") === undefined) return "fping not on PATH (apt-get install fping)";
  if (onPath("openssl") === undefined) return "openssl not on PATH";
  return undefined;
}

/** The http targets of the cycle: the six platforms as config/default.yaml probes them, then trivial apps. */
function httpTargets(urls: SimUrls, applications: number) {
  const paths: Record<PlatformName, { path: string; assert: unknown[] }> = {
    bigplatform: { path: "/health", assert: [{ json_path: "$.status", equals: "ok" }] },
    "online-education": { path: "/health", assert: [{ json_path: "$.status", equals: "ok" }] },
    ecard: { path: "/health", assert: [{ json_path: "$.status", equals: "ok" }] },
    "videoconf-web": { path: "/health", assert: [{ json_path: "$.status", equals: "ok" }] },
    resources: { path: "/", assert: [{ contains: "资源平台" }] },
    "ai-platform": { path: "/health", assert: [{ json_path: "$.status", equals: "ok" }] },
  };
  const platforms = PLATFORM_NAMES.slice(0, applications).map((name) => ({
    name,
    url: `${urls.platforms[name]}${paths[name].path}`,
    assert: paths[name].assert,
    max_latency: "1s",
    labels: { system: PLATFORM_TITLES[name] },
  }));
  const apps = Array.from({ length: Math.max(0, applications - platforms.length) }, (_, i) => ({
    name: `app-${i + 1}`,
    url: `${urls.apps}/app/${i + 1}`,
    assert: [{ json_path: "$.status", equals: "ok" }],
    max_latency: "1s",
    labels: { system: `app-${i + 1}` },
  }));
  return [...platforms, ...apps];
}

/** Every plugin's descriptors, as agent/daemon.ts allMetricDescriptors() builds them. */
export function allDescriptors(): Map<string, MetricDescriptor> {
  const out = new Map<string, MetricDescriptor>();
  for (const plugin of Object.values(plugins)) {
    for (const [name, descriptor] of Object.entries(plugin.metrics as Record<string, MetricDescriptor>))
      out.set(name, descriptor);
  }
  return out;
}

/** Starts the sims and creates the collectors; `close()` stops both. */
export async function startRoom(options: RoomOptions = {}): Promise<Room> {
  const log = options.log ?? (() => {});
  const applications = options.applications ?? 50;
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-bench-room-"));
  const mode = options.sims ?? "child";
  const collectors: Collector[] = [];
  let sims: SimChild | undefined;
  const close = async () => {
    await Promise.all(collectors.map((c) => c.close?.()));
    await sims?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { certFile, keyFile } = makeCertificate(dir);
    if (mode === "child") sims = await startSimChild(dir);
    else {
      const s = await startSims({ key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") });
      sims = { urls: s.urls, stop: s.close };
    }
    const urls = sims.urls;
    const endpointsFile = join(dir, "videoconf-endpoints.csv");
    const csv = readFileSync(ENDPOINTS_CSV, "utf8").trimEnd().split("\n");
    const endpoints = Math.min(options.endpoints ?? csv.length - 1, csv.length - 1);
    writeFileSync(endpointsFile, `${csv.slice(0, endpoints + 1).join("\n")}\n`);
    log(
      `machine room: vCenter ${urls.vcenter}, Deep Security ${urls.deepSecurity}, ${applications} applications, ` +
        `MCUs on ${urls.mcuPort} / ${urls.busyMcuPort}, ${endpoints} endpoints (sims: ${mode})`,
    );

    process.env[PASSWORD_ENV] = VC_PASSWORD;
    process.env[API_KEY_ENV] = DEFAULT_API_KEY;
    const latest = new LatestState();
    const deps: Deps = {
      clock: systemClock,
      log: silent,
      inventory: new LatestInventory(latest, () => [{ name: NAMES.vcenter, type: "vcenter" }]),
      latest,
    };
    const vcenter = vcenterPlugin.create(
      vcenterPlugin.schema.parse({
        url: urls.vcenter,
        username: VC_USER,
        password: `\${${PASSWORD_ENV}}`,
        tls_ca_file: certFile,
        scope: { name: "maintained-systems", folders: SYSTEMS.map((s) => s.code), expected: 253 },
      }),
      deps,
    );
    collectors.push(vcenter);
    const parallel: [CollectorName, Collector][] = [
      [
        "icmp",
        icmpPlugin.create(
          icmpPlugin.schema.parse({
            from_inventory: true,
            backend: "fping",
            targets: [{ name: "agent-loopback", address: "127.0.0.1" }],
          }),
          deps,
        ),
      ],
      [
        "antivirus",
        antivirusPlugin.create(
          antivirusPlugin.schema.parse({
            source: {
              kind: "deep_security",
              url: urls.deepSecurity,
              api_key: `\${${API_KEY_ENV}}`,
              tls_ca_file: certFile,
            },
          }),
          deps,
        ),
      ],
      [
        "http",
        httpPlugin.create(
          httpPlugin.schema.parse({ tls_ca_file: certFile, targets: httpTargets(urls, applications) }),
          deps,
        ),
      ],
      [
        "videoconf",
        videoconfPlugin.create(
          videoconfPlugin.schema.parse({
            systems: [
              {
                name: VIDEOCONF_CITY,
                mcus: [
                  {
                    name: "mcu-1",
                    host: "127.0.0.1",
                    sip: [
                      { port: urls.mcuPort, transport: "udp" },
                      { port: urls.mcuPort, transport: "tcp" },
                    ],
                  },
                ],
                endpoints_file: endpointsFile,
              },
              {
                name: VIDEOCONF_DISTRICT,
                mcus: [
                  { name: "mcu-2", host: "127.0.0.1", sip: [{ port: urls.busyMcuPort, transport: "udp" }] },
                ],
                management_web: { collector: NAMES.http, target: "videoconf-web" },
              },
            ],
          }),
          deps,
        ),
      ],
    ];
    if (options.host ?? true) parallel.push(["host", hostPlugin.create(hostPlugin.schema.parse({}), deps)]);
    collectors.push(...parallel.map(([, c]) => c));

    /** Runs a collector and publishes its samples into the latest state, as the runner does. */
    const run = async (name: CollectorName, collector: Collector) => {
      const r = await timed(collector.collect(ctx()));
      latest.replace(NAMES[name], r.value, systemClock.now());
      return { name, samples: r.value, ms: r.ms };
    };

    const cycle = async (): Promise<CycleFigures> => {
      const cpu0 = agentCpuSeconds();
      const t0 = performance.now();
      // http and host do not read the inventory: the scheduler starts them with vcenter. The
      // inventory's users (icmp, antivirus) and videoconf start once vcenter's run is published.
      const independent = parallel.filter(([name]) => INDEPENDENT.has(name));
      const dependent = parallel.filter(([name]) => !INDEPENDENT.has(name));
      const early = independent.map(([name, c]) => run(name, c));
      const vc = await run("vcenter", vcenter);
      const vcenterCpuS = agentCpuSeconds() - cpu0;
      const results = await Promise.all([...early, ...dependent.map(([name, c]) => run(name, c))]);
      const cycleMs = performance.now() - t0;
      const cycleCpuS = agentCpuSeconds() - cpu0;
      const of = (name: CollectorName): Sample[] => results.find((r) => r.name === name)?.samples ?? [];
      const wallMs: CycleFigures["wallMs"] = { vcenter: vc.ms };
      for (const r of results) wallMs[r.name] = r.ms;
      const icmpUp = of("icmp").filter((s) => s.metric === "icmp_probe_up");
      const httpUp = of("http").filter((s) => s.metric === "http_probe_up");
      const endpointUp = of("videoconf").filter((s) => s.metric === "videoconf_endpoint_up");
      return {
        wallMs,
        cycleMs,
        vcenterCpuS,
        cycleCpuS,
        vms: vc.samples.filter((s) => s.metric === "vm_power_state").length,
        icmpTargets: icmpUp.length,
        icmpUp: icmpUp.filter((s) => s.value === 1).length,
        coverage: of("antivirus").find((s) => s.metric === "antivirus_coverage_ratio")?.value ?? Number.NaN,
        httpTargets: httpUp.length,
        httpUp: httpUp.filter((s) => s.value === 1).length,
        endpoints: endpointUp.length,
        endpointsUp: endpointUp.filter((s) => s.value === 1).length,
        mcuSipProbes: of("videoconf").filter((s) => s.metric === "videoconf_mcu_sip_up").length,
        videoconfHealth: Object.fromEntries(
          of("videoconf")
            .filter((s) => s.metric === "videoconf_system_health")
            .map((s) => [s.target.name, s.value ?? Number.NaN]),
        ),
        samples: vc.samples.length + results.reduce((n, r) => n + r.samples.length, 0),
      };
    };
    return { mode, latest, descriptors: allDescriptors(), simsPid: sims.pid, cycle, close };
  } catch (error) {
    await close();
    throw error;
  }
}
