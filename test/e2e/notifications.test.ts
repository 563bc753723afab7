/**
 * Notifications from the running agent: a probe fault opens an incident and a webhook on loopback
 * is told (Chinese text by default); an acknowledgement through the API is told too. A webhook that
 * never answers does not hold the probes back: the collector keeps its schedule.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  freePort,
  get,
  startAgent,
  waitFor,
  writeConfig,
  type RunningAgent,
} from "../helpers/agent-process.js";
import { tempDir } from "../helpers/tmp.js";
import { api, stop } from "./fixtures/processes.js";

interface Received {
  path: string;
  body: { event: string; text: string; incident: { id: number; target: string } };
}

let agent: RunningAgent | undefined;
const servers: Server[] = [];

afterEach(async () => {
  await stop(agent?.child);
  agent = undefined;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function listen(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("notifications from the agent", () => {
  it(
    "tells the webhook of an opened and an acknowledged incident; a hung webhook does not slow the probes",
    { timeout: 60_000 },
    async () => {
      const received: Received[] = [];
      const hook = await listen((req, body, res) => {
        received.push({ path: req.url ?? "", body: JSON.parse(body) as Received["body"] });
        res.end("ok");
      });
      // A second channel whose receiver accepts and never answers.
      const hung = await listen(() => undefined);
      const port = await freePort();
      const closed = await freePort();
      const dir = tempDir();
      const config = writeConfig(
        dir,
        port,
        `  - type: http
    name: web
    every: 1s
    targets:
      - { name: portal, url: "http://127.0.0.1:${closed}/", timeout: 1s }
`,
        `incidents:
  api_token: "\${NOTIFY_TEST_TOKEN}"
  notifications:
    retries: 0
    channels:
      - { name: ops, type: webhook, url: "http://127.0.0.1:${hook}/ops" }
      - { name: hung, type: webhook, url: "http://127.0.0.1:${hung}/hung", timeout: 20s }
`,
      );
      process.env.NOTIFY_TEST_TOKEN = "t0ken-for-the-test";
      agent = startAgent(config);
      const opened = await waitFor(
        async () => received.find((r) => r.body.event === "open"),
        20_000,
        "the open notification",
      );
      expect(opened.path).toBe("/ops");
      expect(opened.body.incident.target).toBe("portal");
      expect(opened.body.text).toContain("portal");
      expect(opened.body.text).toMatch(/故障|开始/);

      const ack = await api(port, "POST", `/api/incidents/${opened.body.incident.id}/ack`, {
        token: "t0ken-for-the-test",
        body: { by: "张工" },
      });
      expect(ack.status).toBe(200);
      const acked = await waitFor(
        async () => received.find((r) => r.body.event === "ack"),
        10_000,
        "the ack notification",
      );
      expect(acked.body.text).toContain("张工");

      // The probes kept their one-second schedule while the hung channel held its request open.
      const runs = (body: string) =>
        Number(
          /^opsagent_collector_runs_total\{collector="web",[^}]*result="ok"[^}]*\} (\d+)/m.exec(body)?.[1] ??
            0,
        );
      const before = runs((await get(port, "/metrics")).body);
      await new Promise((r) => setTimeout(r, 4_000));
      expect(runs((await get(port, "/metrics")).body) - before).toBeGreaterThanOrEqual(3);
    },
  );
});
