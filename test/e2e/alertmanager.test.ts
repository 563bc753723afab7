/**
 * The Alertmanager receiver end to end: a real Alertmanager (Debian package
 * prometheus-alertmanager) whose webhook receiver is the agent's /api/alertmanager with a bearer
 * token. Alerts posted to Alertmanager's own API become incidents (category mapped from a Chinese
 * label value, priority from severity); re-deliveries keep one incident per alert; a resolved alert
 * resolves its incident at endsAt. Direct posts prove the refusals: a wrong token is 401 and a
 * payload that is not Alertmanager's is 400, and neither stores anything.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed, vi } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPeer } from "../helpers/peers.js";
import {
  freePort,
  get,
  startAgent,
  waitFor,
  writeConfig,
  type RunningAgent,
} from "../helpers/agent-process.js";
import { api, sleep, stop } from "./fixtures/processes.js";

interface IncidentView {
  id: number;
  source: string;
  category: string;
  priority: string;
  title: string;
  target: string;
  status: string;
  started_at: string;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  events?: { at: string; kind: string; actor: string; text: string | null }[];
}

const alertmanagerBinary = findPeer("prometheus-alertmanager", "prometheus-alertmanager");
const TOKEN = randomBytes(24).toString("hex");
const ALMOST = TOKEN.slice(0, -1) + (TOKEN.endsWith("0") ? "1" : "0");

describe.skipIf(alertmanagerBinary === undefined)(
  "a real Alertmanager delivering to the agent",
  { timeout: 60_000 },
  () => {
    let dir: string;
    let agentPort: number;
    let amPort: number;
    let agent: RunningAgent;
    let am: ChildProcess | undefined;
    let amLog = "";
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const alertA = {
      labels: { alertname: "MCUDown", severity: "critical", category: "视频会议", instance: "mcu-1" },
      annotations: { summary: "MCU mcu-1 无响应" },
      startsAt,
    };
    const alertB = {
      labels: { alertname: "MCUDown", severity: "warning", category: "视频会议", instance: "mcu-2" },
      annotations: { summary: "MCU mcu-2 丢包" },
      startsAt,
    };

    const list = async () => {
      const r = await api(agentPort, "GET", "/api/incidents", { token: TOKEN });
      expect(r.status, r.text).toBe(200);
      return r.json as IncidentView[];
    };
    const postAlerts = async (alerts: unknown[]) => {
      const r = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(alerts),
      });
      expect(r.status, await r.text()).toBe(200);
    };
    /** The agent's "alertmanager webhook received" log lines, as counts. */
    const deliveries = () =>
      agent
        .output()
        .split("\n")
        .filter((line) => line.includes('"alertmanager webhook received"'))
        .map((line) => {
          const entry = JSON.parse(line) as Record<string, unknown>;
          return { created: entry.created, updated: entry.updated, unchanged: entry.unchanged };
        });
    const showLogsOnFailure = () =>
      onTestFailed(() => {
        console.log(`--- Alertmanager log ---\n${amLog}\n--- agent log ---\n${agent?.output()}`);
      });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "ops-agent-alertmanager-"));
      vi.stubEnv("OPS_AGENT_API_TOKEN", TOKEN);
      agentPort = await freePort();
      amPort = await freePort();
      const config = writeConfig(
        dir,
        agentPort,
        "  []\n",
        `incidents:
  api_token: "\${OPS_AGENT_API_TOKEN}"
  alertmanager:
    category_map: { 视频会议: videoconf }
`,
      );
      agent = startAgent(config);

      const amConfig = join(dir, "alertmanager.yml");
      writeFileSync(
        amConfig,
        `route:
  receiver: ops-agent
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 24h
receivers:
  - name: ops-agent
    webhook_configs:
      - url: http://127.0.0.1:${agentPort}/api/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${TOKEN}
`,
      );
      const storage = join(dir, "am-data");
      mkdirSync(storage);
      am = spawn(
        alertmanagerBinary as string,
        [
          `--config.file=${amConfig}`,
          `--storage.path=${storage}`,
          `--web.listen-address=127.0.0.1:${amPort}`,
          "--cluster.listen-address=",
          "--log.level=debug",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      am.stdout?.on("data", (d: Buffer) => (amLog += d.toString()));
      am.stderr?.on("data", (d: Buffer) => (amLog += d.toString()));
      try {
        await Promise.all([
          waitFor(
            async () => ((await get(agentPort, "/healthz")).status === 200 ? true : undefined),
            20_000,
            "the agent",
          ),
          waitFor(
            async () => ((await get(amPort, "/-/ready")).status === 200 ? true : undefined),
            20_000,
            "Alertmanager to be ready",
          ),
        ]);
      } catch (error) {
        console.log(`--- Alertmanager log ---\n${amLog}\n--- agent log ---\n${agent.output()}`);
        throw error;
      }
    });

    afterAll(async () => {
      await Promise.all([stop(am), stop(agent?.child)]);
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    });

    it("an alert becomes one incident (alertmanager, videoconf, P1); re-deliveries keep it one; resolved at endsAt", async () => {
      showLogsOnFailure();
      await postAlerts([alertA]);
      const first = await waitFor(
        async () => {
          const all = await list();
          return all.length > 0 ? all : undefined;
        },
        15_000,
        "the incident from Alertmanager",
      );
      expect(first).toHaveLength(1);
      const a = first[0] as IncidentView;
      expect(a).toMatchObject({
        source: "alertmanager",
        category: "videoconf",
        priority: "P1",
        title: "MCU mcu-1 无响应",
        target: "mcu-1",
        status: "open",
        resolved_at: null,
      });
      // startsAt to the millisecond, shown in the agent's zone (default Asia/Shanghai) with its offset.
      expect(a.started_at.endsWith("+08:00")).toBe(true);
      expect(Date.parse(a.started_at)).toBe(Date.parse(startsAt));
      expect(deliveries()[0]).toEqual({ created: 1, updated: 0, unchanged: 0 });
      // An operator acknowledges it; Alertmanager knows nothing of that, so re-deliveries keep it.
      const ack = await api(agentPort, "POST", `/api/incidents/${a.id}/ack`, {
        token: TOKEN,
        body: { by: "值班员" },
      });
      expect(ack.status, ack.text).toBe(200);

      // The same alert again: Alertmanager keeps one alert (nothing new to send).
      await postAlerts([alertA]);
      // A second alert in the same group makes Alertmanager send the group again, alert A included.
      await postAlerts([alertB]);
      const both = await waitFor(
        async () => {
          const all = await list();
          return all.length >= 2 ? all : undefined;
        },
        15_000,
        "the second alert's incident",
      );
      expect(both).toHaveLength(2);
      expect(both.filter((i) => i.target === "mcu-1")).toEqual([
        expect.objectContaining({ id: a.id, status: "acknowledged", acknowledged_by: "值班员" }),
      ]);
      expect(both.find((i) => i.target === "mcu-2")).toMatchObject({
        source: "alertmanager",
        category: "videoconf",
        priority: "P3",
        status: "open",
      });
      // Alert A was delivered again and changed nothing.
      expect(deliveries()).toContainEqual({ created: 1, updated: 0, unchanged: 1 });

      // Resolved: posted with endsAt = now.
      const endsAt = new Date().toISOString();
      await postAlerts([{ ...alertA, endsAt }]);
      const resolved = await waitFor(
        async () => {
          const r = await api(agentPort, "GET", `/api/incidents/${a.id}`, { token: TOKEN });
          const view = r.json as IncidentView;
          return view.status === "resolved" ? view : undefined;
        },
        15_000,
        "the incident to be resolved",
      );
      expect(resolved).toMatchObject({
        resolved_by: "alertmanager",
        acknowledged_by: "值班员",
      });
      expect(Date.parse(resolved.resolved_at ?? "")).toBe(Date.parse(endsAt));
      expect(resolved.resolved_at?.endsWith("+08:00")).toBe(true);
      expect(Date.parse(resolved.started_at)).toBe(Date.parse(startsAt));
      expect(resolved.events?.map((e) => [e.kind, e.actor])).toEqual([
        ["open", "alertmanager"],
        ["ack", "值班员"],
        ["resolve", "alertmanager"],
        ["update", "alertmanager"],
      ]);
      const after = await list();
      expect(after).toHaveLength(2);
      expect(after.filter((i) => i.target === "mcu-1")).toHaveLength(1);
      expect(after.find((i) => i.target === "mcu-2")?.status).toBe("open");
      // Alertmanager does not see its deliveries refused.
      expect(amLog).not.toMatch(/unexpected status code 40/);
    });

    it("a wrong token is 401 and stores nothing; a payload that is not Alertmanager's is 400 and stores nothing", async () => {
      showLogsOnFailure();
      const before = await list();
      const payload = {
        version: "4",
        status: "firing",
        receiver: "ops-agent",
        groupKey: '{}:{alertname="Intruder"}',
        alerts: [
          {
            status: "firing",
            labels: { alertname: "Intruder", severity: "critical", category: "视频会议" },
            annotations: { summary: "should never be stored" },
            startsAt: new Date().toISOString(),
            endsAt: "0001-01-01T00:00:00Z",
            generatorURL: "http://prometheus.example/graph",
            fingerprint: "0123456789abcdef",
          },
        ],
      };
      for (const options of [
        {},
        { token: "wrong" },
        { token: ALMOST },
        { authorization: `Basic ${TOKEN}` },
      ]) {
        const r = await api(agentPort, "POST", "/api/alertmanager", { ...options, body: payload });
        expect(r.status, JSON.stringify(options)).toBe(401);
        expect(r.headers.get("www-authenticate")).toBe('Bearer realm="ops-agent"');
      }

      const notAlertmanager: [string, unknown][] = [
        ["some other JSON", { hello: "world" }],
        ["Alertmanager's own /api/v2/alerts body", [alertA]],
        ["payload version 3", { ...payload, version: "3" }],
        [
          "an alert without a fingerprint",
          { ...payload, alerts: [{ ...payload.alerts[0], fingerprint: undefined }] },
        ],
        [
          "an alert with a bad startsAt",
          { ...payload, alerts: [{ ...payload.alerts[0], startsAt: "yesterday" }] },
        ],
      ];
      for (const [what, body] of notAlertmanager) {
        const r = await api(agentPort, "POST", "/api/alertmanager", { token: TOKEN, body });
        expect(r.status, `${what}: ${r.text}`).toBe(400);
        expect((r.json as { error: string }).error, what).toMatch(
          /^not an Alertmanager webhook payload \(version 4\): /,
        );
      }
      const notJson = await api(agentPort, "POST", "/api/alertmanager", {
        token: TOKEN,
        body: "{version: 4",
      });
      expect(notJson.status).toBe(400);
      expect((notJson.json as { error: string }).error).toMatch(/^body is not JSON: /);

      await sleep(200);
      expect(await list()).toEqual(before);
      expect(before.some((i) => i.title === "should never be stored")).toBe(false);
    });
  },
);
