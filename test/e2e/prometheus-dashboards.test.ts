/**
 * The dashboards and rules against a real Prometheus (Debian `prometheus`): two agents with
 * different sites (room-a, room-b) run on one simulated machine room (vCenter, Deep Security
 * Manager, the six web platforms, two MCUs — on ports chosen at start, so the demo's fixed ports
 * stay free), one Prometheus scrapes both with the README's scrape config (honor_labels, a site
 * label per target) and loads dashboards/rules. Then every query of every dashboard panel, with
 * Grafana's variables substituted, must parse, return series, and return them for both sites;
 * every metric name it uses must be one the agents export or a recording rule records. The rules
 * must all evaluate without error. The dashboards evaluated are the Chinese folder's, and none of
 * their visible texts (titles, descriptions, legends, columns, mappings) is English. The overview's
 * full-year tile shows each indicator's status, and -1 (已过期) for one measured over a day ago.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ManualClock } from "../../agent/clock.js";
import { SqliteStore } from "../../agent/store/sqlite.js";
import { expectNoDuplicateSeries } from "../helpers/exposition.js";
import { tempDir } from "../helpers/tmp.js";
import { findPeer } from "../helpers/peers.js";
import { freePort, get, startAgent, waitFor, type RunningAgent } from "../helpers/agent-process.js";
import { startSimulatedRoom, type SimulatedRoom } from "../../simroom/index.js";
import {
  RULES_DIR,
  dataPanels,
  loadDashboards,
  metricNames,
  substitute,
  variableQuery,
  variables,
} from "../dashboards/dashboard-files.js";
import { englishWords, visibleStrings } from "../dashboards/visible-text.js";

const SITES = ["room-a", "room-b"] as const;
const TOKEN = "e2e-dashboards-token-0123456789";
/** Grafana's values for the variables: every site selected, "All" applications. */
const VALUES: Record<string, string> = {
  site: `(${SITES.join("|")})`,
  application: ".*",
  datasource: "prometheus",
  __rate_interval: "10s",
  __interval: "2s",
  __range: "5m",
};

interface PromResult {
  metric: Record<string, string>;
  value?: [number, string];
}

async function promApi<T>(port: number, path: string, params: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}${path}?${new URLSearchParams(params)}`);
  const body = (await response.json()) as { status: string; error?: string; data: T };
  if (body.status !== "success") throw new Error(`${params.query ?? path}: ${body.error ?? response.status}`);
  return body.data;
}

async function instant(port: number, query: string, at = Date.now() / 1000): Promise<PromResult[]> {
  const data = await promApi<{ resultType: string; result: PromResult[] | [number, string] }>(
    port,
    "/api/v1/query",
    { query, time: at.toFixed(3) },
  );
  // A scalar (e.g. time()) has no series: count it as none.
  return data.resultType === "vector" ? (data.result as PromResult[]) : [];
}

/** Metric family names in an exposition (histograms with their _bucket/_sum/_count series). */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]!);
    if (m[2] === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(`${m[1]}${s}`);
    if (m[2] === "summary") for (const s of ["_sum", "_count"]) names.add(`${m[1]}${s}`);
  }
  for (const m of exposition.matchAll(/^([a-zA-Z_:][\w:]*)[{ ]/gm)) names.add(m[1]!);
  return names;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

async function terminate(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = exited(child);
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([
    gone.then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs))),
  ]);
  clearTimeout(timer);
  if (!inTime) {
    child.kill("SIGKILL");
    await gone;
  }
}

/**
 * The agents start today, so the half-year (Jan 1 – Jun 30) would have no measurement at all and
 * its row no verdict (无数据: no opsagent_kpi_met series, rightly). One inventory count on Jan 1 of
 * this year, stored before the agent starts, gives the half-year its evidence, as a year's run of
 * the agent would.
 */
function seedHalfYear(dir: string): void {
  const year = new Date().getFullYear();
  const at = new Date(`${year}-01-01T10:00:00+08:00`);
  const store = SqliteStore.open({
    path: join(dir, "data", "ops-agent.db"),
    clock: new ManualClock(at),
    timeZone: "Asia/Shanghai",
    role: "agent",
  });
  try {
    store.writeSamples(
      "vcenter",
      [
        {
          target: { key: "vcenter:seed:scope", kind: "inventory", name: "seed" },
          metric: "vms_in_scope",
          value: 253,
          time: at,
        },
      ],
      at,
    );
  } finally {
    store.close();
  }
}

/** An agent config like config/default.yaml, on the simulated room's ports, collecting every few seconds. */
function agentConfig(
  dir: string,
  site: string,
  port: number,
  room: SimulatedRoom,
  hookPort: number,
  deadPort: number,
) {
  const p = room.platforms.platforms;
  const now = Date.now();
  writeFileSync(join(dir, "token"), `${TOKEN}\n`);
  const path = join(dir, "config.yaml");
  writeFileSync(
    path,
    `site: ${site}
timezone: Asia/Shanghai
data_dir: ${join(dir, "data")}
log: { level: warn, format: json }
http: { listen: "127.0.0.1:${port}" }
shutdown_grace: 5s
availability: { refresh: 10s }
store: { rollup_flush_interval: 2s }
# Backups on (off by default), so the backup metrics the rules and the agent dashboard name exist.
backup: { enabled: true, schedule: "0 3 * * *", dir: ${join(dir, "backups")}, keep: 2 }
maintenance:
  - { name: e2e-upgrade, applications: [ecard], start: "${new Date(now - 3_600_000).toISOString()}", end: "${new Date(now + 3_600_000).toISOString()}" }
incidents:
  api_token: file:${join(dir, "token")}
  notifications:
    retries: 0
    channels:
      - { name: duty-webhook, type: webhook, url: "http://127.0.0.1:${hookPort}/hook", timeout: 2s }
      - { name: broken-webhook, type: webhook, url: "http://127.0.0.1:${deadPort}/hook", timeout: 1s }
collectors:
  - { type: host, every: 5s, timeout: 4s }
  - type: vcenter
    name: vcenter
    every: 5s
    timeout: 4s
    url: ${room.vcenter.url}
    username: administrator@vsphere.local
    password: file:simroom/demo/vcenter.password
    tls_ca_file: simroom/demo/ca.pem
    scope: { name: maintained-systems, folders: [jyj, dsj, zyk, spjk, oa, xxzx, jwxt, czxt, tsg, ykt, yjxt], expected: 253 }
  - type: icmp
    name: reachability
    every: 5s
    timeout: 4s
    from_inventory: true
    targets: [{ name: agent-loopback, address: 127.0.0.1 }]
  - type: antivirus
    name: antivirus
    every: 5s
    timeout: 4s
    source: { kind: deep_security, url: "${room.deepSecurity.url}", api_key: file:simroom/demo/dsm-api.key, tls_ca_file: simroom/demo/ca.pem }
  - type: http
    name: platforms
    every: 2s
    timeout: 2s
    tls_ca_file: simroom/demo/ca.pem
    targets:
${Object.values(p)
  .map(
    (x) =>
      `      - { name: ${x.name}, url: "${x.url}${x.name === "resources" ? "/" : "/health"}", max_latency: 1s }`,
  )
  .join("\n")}
  - type: sip
    name: sip
    every: 2s
    timeout: 2s
    targets: [{ name: mcu-1, host: 127.0.0.1, port: ${room.mcu.port}, transport: udp }]
  - type: videoconf
    name: videoconf
    every: 5s
    timeout: 4s
    systems:
      - name: 市教育视频会议系统
        mcus: [{ name: mcu-1, host: 127.0.0.1, sip: [{ port: ${room.mcu.port}, transport: udp }, { port: ${room.mcu.port}, transport: tcp }] }]
        endpoints_file: simroom/demo/videoconf-endpoints.csv
      - name: 区县互动课堂系统
        mcus: [{ name: mcu-2, host: 127.0.0.1, sip: [{ port: ${room.busyMcu.port}, transport: udp }] }]
        management_web: { collector: platforms, target: videoconf-web }
`,
  );
  return path;
}

describe("dashboards and rules against a real Prometheus, two sites", () => {
  it("every panel query of every dashboard parses, returns series for both sites and names only exported or recorded metrics", async (ctx) => {
    const prometheus = findPeer("prometheus", "prometheus");
    if (prometheus === undefined) return ctx.skip("prometheus not installed");
    if (findPeer("fping", "fping") === undefined) return ctx.skip("fping not installed");
    const startedAt = Date.now();
    const dir = tempDir();

    // Notification webhooks: one answers 200, the other port has no listener (failed sends).
    const hooks: string[] = [];
    const hookServer = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        hooks.push(req.url ?? "");
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, "127.0.0.1", resolve));
    const hookPort = (hookServer.address() as { port: number }).port;
    const deadPort = await freePort();

    const room = await startSimulatedRoom({ vcenter: 0, deepSecurity: 0 });
    const agents: { site: string; port: number; config: string; agent?: RunningAgent }[] = [];
    for (const site of SITES) {
      const agentDir = join(dir, site);
      mkdirSync(agentDir);
      const port = await freePort();
      agents.push({ site, port, config: agentConfig(agentDir, site, port, room, hookPort, deadPort) });
    }

    const promPort = await freePort();
    const ruleFiles = readdirSync(RULES_DIR)
      .filter((f) => f.endsWith(".yml"))
      .map((f) => join(RULES_DIR, f));
    const promConfig = join(dir, "prometheus.yml");
    // The README's scrape config: honor_labels keeps each agent's own site label; the target's
    // site label names Prometheus's own series (up, scrape_*).
    writeFileSync(
      promConfig,
      `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
${ruleFiles.map((f) => `  - ${f}`).join("\n")}
scrape_configs:
  - job_name: ops-agent
    honor_labels: true
    static_configs:
${agents.map((a) => `      - targets: ["127.0.0.1:${a.port}"]\n        labels: { site: ${a.site} }`).join("\n")}
`,
    );
    mkdirSync(join(dir, "tsdb"));

    let promLog = "";
    let prom: ChildProcess | undefined;
    try {
      prom = spawn(
        prometheus,
        [
          `--config.file=${promConfig}`,
          `--storage.tsdb.path=${join(dir, "tsdb")}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      const keep = (d: Buffer) => (promLog = (promLog + d.toString()).slice(-20_000));
      prom.stdout?.on("data", keep);
      prom.stderr?.on("data", keep);
      for (const a of agents) {
        seedHalfYear(join(a.config, ".."));
        a.agent = startAgent(a.config);
      }

      await waitFor(
        async () => {
          if (prom!.exitCode !== null) throw new Error(`prometheus exited ${prom!.exitCode}: ${promLog}`);
          return (await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok ? true : undefined;
        },
        30_000,
        "prometheus to be ready",
      );

      // Every collector of both agents had a good run.
      for (const a of agents) {
        await waitFor(
          async () => {
            if (a.agent!.child.exitCode !== null)
              throw new Error(`agent ${a.site} exited: ${a.agent!.output()}`);
            const body = JSON.parse((await get(a.port, "/healthz")).body) as {
              collectors: { last_status: string }[];
            };
            return body.collectors.length === 7 && body.collectors.every((c) => c.last_status === "ok")
              ? true
              : undefined;
          },
          40_000,
          `every collector of ${a.site} to report a good run`,
        );
      }

      // The Dockerfile's HEALTHCHECK command (node, no curl) passes against a healthy agent and
      // fails where no agent answers.
      const healthcheck = /"node", "-e", "(.*)"\]$/m.exec(readFileSync("Dockerfile", "utf8"))![1]!;
      const probe = (port: number) =>
        spawnSync(process.execPath, ["-e", healthcheck.replace("127.0.0.1:9464", `127.0.0.1:${port}`)], {
          timeout: 10_000,
        }).status;
      expect(probe(agents[0]!.port)).toBe(0);
      expect(probe(deadPort)).toBe(1);

      // An operator acknowledges one incident per site, so the fault-response metrics have data
      // (the slow platform and the unprotected VMs open incidents within seconds).
      const auth = { authorization: `Bearer ${TOKEN}` };
      for (const a of agents) {
        const open = await waitFor(
          async () => {
            const r = await fetch(`http://127.0.0.1:${a.port}/api/incidents?status=open`, { headers: auth });
            const list = (await r.json()) as { id: number }[];
            return list.length > 0 ? list : undefined;
          },
          30_000,
          `an open incident at ${a.site}`,
        );
        const ack = await fetch(`http://127.0.0.1:${a.port}/api/incidents/${open[0]!.id}/ack`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({ by: "值班员" }),
        });
        expect(ack.status, await ack.text()).toBe(200);
      }

      // The metric names the agents export (every family, with or without series yet) and the
      // names the recording rules record.
      // Collected over several scrapes: a family with no series is left out, and a run whose one
      // https probe timed out on a loaded machine has no certificate-expiry series (CI saw it once).
      const exported = new Set<string>();
      for (const a of agents)
        await waitFor(
          async () => {
            const body = (await get(a.port, "/metrics")).body;
            expectNoDuplicateSeries(body);
            const names = exportedNames(body);
            for (const n of names) exported.add(n);
            return names.has("opsagent_http_tls_cert_expiry_timestamp_seconds") ? true : undefined;
          },
          30_000,
          `${a.site}: a certificate-expiry series on /metrics`,
        );
      const recorded = new Set<string>();
      const ruleExprs: { name: string; expr: string }[] = [];
      for (const f of ruleFiles) {
        const file = parse(readFileSync(f, "utf8")) as {
          groups: { rules: { record?: string; alert?: string; expr: string }[] }[];
        };
        for (const r of file.groups.flatMap((g) => g.rules)) {
          if (r.record) recorded.add(r.record);
          ruleExprs.push({ name: r.record ?? r.alert!, expr: r.expr });
        }
      }
      const unknownNames = (expr: string) =>
        metricNames(expr).filter((n) => n.includes("opsagent") && !exported.has(n) && !recorded.has(n));

      // Rules: every metric they name exists; Prometheus loaded them all and evaluates them without error.
      for (const r of ruleExprs) expect(unknownNames(r.expr), `rule ${r.name}`).toEqual([]);

      // The queries: every panel target and every query variable of every dashboard.
      const queries: { where: string; expr: string }[] = [];
      const variableQueries: { where: string; query: string }[] = [];
      for (const { file, dashboard } of loadDashboards()) {
        for (const p of dataPanels(dashboard))
          for (const t of p.targets ?? [])
            queries.push({
              where: `${file} panel ${p.id} "${p.title}" ${t.refId}`,
              expr: substitute(t.expr!, VALUES),
            });
        for (const v of variables(dashboard)) {
          const q = variableQuery(v);
          if (q) variableQueries.push({ where: `${file} variable ${v.name}`, query: substitute(q, VALUES) });
        }
      }
      expect(queries.length).toBeGreaterThan(60);
      // These are the Chinese folder's dashboards (the English one runs the same queries): no
      // title, description, legend, column or mapping text a person sees there is English.
      const english = loadDashboards().flatMap(({ file, dashboard }) =>
        visibleStrings(dashboard)
          .filter((s) => englishWords(s.text).length > 0)
          .map((s) => `${file} ${s.where}: ${s.text}`),
      );
      expect(english).toEqual([]);
      expect(loadDashboards().every(({ dashboard }) => /[\u4e00-\u9fff]/.test(dashboard.title ?? ""))).toBe(
        true,
      );
      for (const q of queries) expect(unknownNames(q.expr), `${q.where}: ${q.expr}`).toEqual([]);

      // Evaluate until every query returns series for both sites (rates need a few scrapes, the
      // fault metrics the next refresh after the acknowledgements), then report what does not.
      let failures: string[] = [];
      const evaluate = async (): Promise<string[]> => {
        const out: string[] = [];
        for (const q of queries) {
          try {
            const result = await instant(promPort, q.expr);
            const sites = new Set(result.map((r) => r.metric.site));
            if (result.length === 0) out.push(`${q.where}: no series: ${q.expr}`);
            else if (!SITES.every((s) => sites.has(s)))
              out.push(`${q.where}: sites ${[...sites].join(",")} (want ${SITES.join(",")}): ${q.expr}`);
          } catch (error) {
            out.push(`${q.where}: ${(error as Error).message}`);
          }
        }
        for (const v of variableQueries) {
          const m = /^label_values\((.*),\s*(\w+)\)$/.exec(v.query);
          if (!m) {
            out.push(`${v.where}: not label_values(selector, label): ${v.query}`);
            continue;
          }
          const values = await promApi<string[]>(promPort, `/api/v1/label/${m[2]}/values`, {
            "match[]": m[1]!,
          });
          if (values.length === 0) out.push(`${v.where}: no values: ${v.query}`);
          if (m[2] === "site" && !SITES.every((s) => values.includes(s)))
            out.push(`${v.where}: sites ${values.join(",")}`);
        }
        return out;
      };
      await waitFor(
        async () => {
          failures = await evaluate();
          return failures.length === 0 ? true : undefined;
        },
        50_000,
        "every dashboard query to return series for both sites",
      ).catch(() => undefined);
      expect(failures).toEqual([]);

      // The full-year tile on the live series (both sites, with their job/instance labels), at one
      // instant 2 s back (scraped by then, so every query sees the same samples): an indicator
      // whose newest measurement is over a day old shows -1 (已过期), any other its status — and
      // one without a measurement time (fault timeliness, monthly reports) keeps it. Until the
      // agent's first refresh after its collectors ran (it refreshes at start, then every 10 s), the
      // VM count's newest measurement is the seeded one of 1 January (stale), so the check waits
      // for a fresh measured indicator as well. Then the same query as if 25 hours had passed
      // since (time() + 90000): every measured indicator is -1.
      const overview = loadDashboards().find((d) => d.file === "overview.json")!.dashboard;
      const yearTile = dataPanels(overview).find(
        (p) => p.type === "stat" && (p.targets ?? []).some((t) => t.expr?.includes('period="year"')),
      )!;
      const yearExpr = substitute(yearTile.targets![0]!.expr!, VALUES);
      const later = yearExpr.replaceAll("time()", "(time() + 90000)");
      expect(later).not.toBe(yearExpr);
      const byIndicator = async (expr: string, at: number) =>
        new Map(
          (await instant(promPort, expr, at)).map((r) => [
            `${r.metric.site}/${r.metric.indicator}`,
            Number(r.value![1]),
          ]),
        );
      const tileCheck = await waitFor(
        async () => {
          const at = Date.now() / 1000 - 2;
          const status = await byIndicator('opsagent_kpi_status{period="year"}', at);
          const measuredAt = await byIndicator("opsagent_kpi_last_measurement_timestamp_seconds", at);
          const shown = (shift: number) =>
            new Map(
              [...status].map(([k, v]) => {
                const when = measuredAt.get(k);
                return [k, when !== undefined && at + shift - when > 86_400 ? -1 : v];
              }),
            );
          const fresh = [...measuredAt].filter(([k, when]) => status.has(k) && at - when <= 86_400);
          const unmeasured = [...status.keys()].filter((k) => !measuredAt.has(k));
          if (fresh.length === 0 || unmeasured.length === 0) return undefined;
          return {
            status,
            fresh: fresh.map(([k]) => k),
            unmeasured,
            want: shown(0),
            wantLater: shown(90_000),
            got: await byIndicator(yearExpr, at),
            gotLater: await byIndicator(later, at),
          };
        },
        30_000,
        "a fresh measured indicator and one without a measurement time",
      );
      expect(new Set([...tileCheck.status.keys()].map((k) => k.split("/")[0]))).toEqual(new Set(SITES));
      expect(tileCheck.got, yearExpr).toEqual(tileCheck.want);
      for (const k of tileCheck.fresh) expect(tileCheck.got.get(k), k).toBe(tileCheck.status.get(k));
      for (const k of tileCheck.unmeasured) expect(tileCheck.got.get(k), k).toBe(tileCheck.status.get(k));
      expect(tileCheck.gotLater, later).toEqual(tileCheck.wantLater);
      for (const k of tileCheck.fresh) expect(tileCheck.gotLater.get(k), k).toBe(-1);
      const stale = [...tileCheck.want].filter(([, v]) => v === -1).map(([k]) => k);
      console.log(
        `full-year tile: fresh ${tileCheck.fresh.join(", ")}; stale now ${stale.join(", ") || "none"}; ` +
          `without a measurement time ${tileCheck.unmeasured.join(", ")}`,
      );

      const rules = await promApi<{
        groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[];
      }>(promPort, "/api/v1/rules");
      const loaded = rules.groups.flatMap((g) => g.rules);
      expect(loaded.length).toBe(ruleExprs.length);
      expect(
        loaded.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.health} ${r.lastError ?? ""}`),
      ).toEqual([]);
      // The rules see both sites: the slow platform (videoconf-web, over max_latency) is down at
      // each, so OpsAgentApplicationDown is pending for both.
      // Each site's first failed probe comes when its agent's platform collector first runs; under
      // load one site can be a rule evaluation behind the other, so wait for both.
      const pendingSites = async () =>
        new Set(
          (
            await instant(promPort, 'ALERTS{alertname="OpsAgentApplicationDown", target="videoconf-web"}')
          ).map((r) => r.metric.site),
        );
      await waitFor(
        async () => ((await pendingSites()).size === SITES.length ? true : undefined),
        30_000,
        "OpsAgentApplicationDown pending at both sites",
      ).catch(() => undefined);
      expect(await pendingSites()).toEqual(new Set(SITES));
      expect(hooks.length).toBeGreaterThan(0);

      console.log(
        `dashboards e2e: ${queries.length} panel queries and ${variableQueries.length} variable queries over ` +
          `${SITES.length} sites, ${loaded.length} rules, in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
      );
    } finally {
      await Promise.all(agents.map((a) => (a.agent ? terminate(a.agent.child) : undefined)));
      if (prom) await terminate(prom);
      await room.close();
      hookServer.closeAllConnections();
      await new Promise((resolve) => hookServer.close(resolve));
    }
  }, 150_000);
});
