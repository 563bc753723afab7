/**
 * Incidents at scale (issue 21, points 2 and 3): an alert storm posted to /api/alertmanager, and
 * /metrics scraped while many incidents are unresolved. Each case starts a real agent in a child
 * process with the agent's Node flags (bench/incidents-agent.ts: Agent.start, no collectors, a
 * fresh database in a temporary directory, JSON logs into a sink) and talks to it over loopback
 * HTTP as Alertmanager and Prometheus would.
 *
 * Webhook: one payload of N distinct alerts (bench/alert-payload.ts: the shape Alertmanager sends)
 * per fresh agent, timed from the request to the 200 — by then the payload is stored, its changes
 * told and the figures computed. The longest event-loop stall during it is the agent's own
 * perf_hooks monitorEventLoopDelay maximum (1 ms resolution). Baseline, in the same run: the handling
 * before issue 21 (each alert committed on its own, the incident figures computed again after each
 * created incident, each time reading the whole year) done directly on a store, at the smallest
 * size; and the idle event loop's longest stall over a second, the machine's own noise.
 *
 * Scrape: the median GET /metrics of an agent holding N unresolved incidents, against the same
 * agent before the payload (no incident), interleaved; then a burst of concurrent scrapes, both
 * ways; and what each scrape did before issue 21 (list every unresolved incident), timed on a
 * second connection to the same database.
 */
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { ManualClock, systemClock } from "../agent/clock.js";
import {
  alertmanagerPayload as parsePayload,
  incidentsFromPayload,
} from "../agent/incidents/alertmanager.js";
import { judgeResponse } from "../agent/incidents/sla.js";
import { incidentTimeliness, TIMELINESS_WINDOWS } from "../agent/incidents/timeliness-report.js";
import { SqliteStore } from "../agent/store/sqlite.js";
import { databasePath, parseConfigText } from "../config/load.js";
import { alertmanagerPayload } from "./alert-payload.js";
import { startIncidentsAgent, type IncidentsAgent } from "./incidents-agent.js";
import { median } from "./stats.js";
import type { BenchResult, BenchRow } from "./types.js";

export interface IncidentsScaleOptions {
  /** Alerts per payload, one fresh agent each. */
  sizes: readonly number[];
  /** Alerts of the before-issue-21 baseline (it grows with the square of the count). */
  baselineSize: number;
  /** Unresolved incidents for the scrape figures. */
  scrapeIncidents: number;
  /** Timed scrapes each way, and scrapes in the concurrent burst. */
  scrapes: number;
  burst: number;
  log?: (line: string) => void;
}

const B = "incidents scale";
const TOKEN = "bench-incidents-scale-token";

interface RunningAgent {
  agent: IncidentsAgent;
  port: number;
  close(): Promise<void>;
}

async function startAgent(): Promise<RunningAgent> {
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-incidents-scale-"));
  const agent = await startIncidentsAgent(dir, TOKEN);
  return {
    agent,
    port: agent.port,
    close: async () => {
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function send(
  port: number,
  method: string,
  path: string,
  body?: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(body === undefined
            ? {}
            : { "content-type": "application/json", "content-length": body.length }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function scrapeMs(port: number): Promise<number> {
  const t0 = performance.now();
  const r = await send(port, "GET", "/metrics");
  if (r.status !== 200) throw new Error(`GET /metrics: HTTP ${r.status}`);
  return performance.now() - t0;
}

/** Time to the 200 and the longest event-loop stall meanwhile, for one payload of `count` alerts. */
async function postPayload(
  running: RunningAgent,
  count: number,
  batch: number,
): Promise<{ ms: number; stallMs: number }> {
  const body = Buffer.from(
    JSON.stringify(alertmanagerPayload({ count, batch, startsAt: new Date(Date.now() - 60_000) })),
  );
  await running.agent.watch();
  const t0 = performance.now();
  const r = await send(running.port, "POST", "/api/alertmanager", body);
  const ms = performance.now() - t0;
  const stallMs = await running.agent.stall();
  if (r.status !== 200)
    throw new Error(`POST /api/alertmanager (${count} alerts): HTTP ${r.status} ${r.text.slice(0, 300)}`);
  const counts = JSON.parse(r.text) as { created: number };
  if (counts.created !== count) throw new Error(`${count} alerts created ${counts.created} incidents`);
  return { ms, stallMs };
}

/** The idle agent's longest event-loop stall over `ms`: the machine's own noise. */
async function idleStallMs(ms: number): Promise<number> {
  const running = await startAgent();
  try {
    await sleep(500); // the start's own work done
    await running.agent.watch();
    await sleep(ms);
    return await running.agent.stall();
  } finally {
    await running.close();
  }
}

/**
 * The webhook as it was handled before issue 21, on a store of its own: each alert committed on
 * its own and, per created incident, the figures computed again from the whole year (the three
 * timeliness windows and the response-time histogram's list).
 */
function beforeIssue21(count: number): number {
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-incidents-before-"));
  const loaded = parseConfigText(`site: bench\ndata_dir: ${dir}\ncollectors: []\n`);
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  const config = loaded.config;
  const clock = new ManualClock(new Date());
  const store = SqliteStore.open({
    path: databasePath(config),
    clock,
    timeZone: config.timezone,
    role: "agent",
  });
  try {
    const payload = parsePayload.parse(
      alertmanagerPayload({ count, startsAt: new Date(Date.now() - 60_000) }),
    );
    const t0 = performance.now();
    for (const spec of incidentsFromPayload(payload, config.incidents.alertmanager)) {
      const result = store.incidents.upsertExternal(spec, "alertmanager", clock.now(), false);
      if (result.change !== "created") continue;
      const now = clock.now();
      for (const w of TIMELINESS_WINDOWS)
        incidentTimeliness(store.incidents, config.incidents.sla, now, config.timezone, w);
      for (const i of store.incidents.list({ to: now })) judgeResponse(i, config.incidents.sla, now);
    }
    return performance.now() - t0;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runIncidentsScale(options: IncidentsScaleOptions): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const rows: BenchRow[] = [];
  const fmt = (n: number) => n.toLocaleString("en-US");

  const idle = await idleStallMs(1_000);
  rows.push({
    benchmark: B,
    figure: "idle agent, longest event-loop stall over 1 s (baseline)",
    value: idle,
    unit: "ms",
  });

  const webhook: { alerts: number; ms: number; stallMs: number }[] = [];
  for (const [i, count] of options.sizes.entries()) {
    const running = await startAgent();
    try {
      await sleep(500); // the start's own work done
      const r = await postPayload(running, count, i + 1);
      webhook.push({ alerts: count, ...r });
      log(
        `incidents scale: ${fmt(count)} alerts in ${r.ms.toFixed(0)} ms, longest stall ${r.stallMs.toFixed(1)} ms`,
      );
    } finally {
      await running.close();
    }
  }
  for (const w of webhook) {
    const big = w.alerts >= 10_000;
    rows.push(
      {
        benchmark: B,
        figure: `webhook, one payload of ${fmt(w.alerts)} alerts: stored, told, figures computed`,
        value: w.ms,
        unit: "ms",
        ...(big ? { target: { kind: "max" as const, value: 1_000 } } : {}),
      },
      {
        benchmark: B,
        figure: `webhook, ${fmt(w.alerts)} alerts: longest event-loop stall`,
        value: w.stallMs,
        unit: "ms",
        target: { kind: "max", value: 50 },
      },
    );
  }
  const before = beforeIssue21(options.baselineSize);
  log(`incidents scale: before issue 21, ${fmt(options.baselineSize)} alerts in ${before.toFixed(0)} ms`);
  rows.push({
    benchmark: B,
    figure: `webhook before issue 21 (per-alert commit, figures per incident), ${fmt(options.baselineSize)} alerts (baseline)`,
    value: before,
    unit: "ms",
  });
  const same = webhook.find((w) => w.alerts === options.baselineSize);
  if (same !== undefined)
    rows.push({
      benchmark: B,
      figure: `webhook now ÷ before issue 21, ${fmt(options.baselineSize)} alerts`,
      value: same.ms / before,
      unit: "×",
    });

  // Scrapes: the same agent without, then with, N unresolved incidents.
  const running = await startAgent();
  const scrape = {
    emptyMs: [] as number[],
    fullMs: [] as number[],
    emptyBurstMs: 0,
    fullBurstMs: 0,
    listMs: 0,
  };
  try {
    const burst = async () => {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: options.burst }, () => scrapeMs(running.port)));
      return performance.now() - t0;
    };
    for (let i = 0; i < 5; i++) await scrapeMs(running.port);
    for (let i = 0; i < options.scrapes; i++) scrape.emptyMs.push(await scrapeMs(running.port));
    scrape.emptyBurstMs = await burst();
    await postPayload(running, options.scrapeIncidents, 99);
    for (let i = 0; i < 5; i++) await scrapeMs(running.port);
    for (let i = 0; i < options.scrapes; i++) scrape.fullMs.push(await scrapeMs(running.port));
    scrape.fullBurstMs = await burst();
    // What each scrape did before issue 21, on a second connection (the agent keeps its own).
    const reader = SqliteStore.open({
      path: running.agent.database,
      clock: systemClock,
      timeZone: "Asia/Shanghai",
      role: "reader",
      integrityCheck: "off",
    });
    try {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const n = reader.incidents.list({ status: "unresolved" }).length;
        times.push(performance.now() - t0);
        if (n !== options.scrapeIncidents)
          throw new Error(`${n} unresolved incidents, expected ${options.scrapeIncidents}`);
      }
      scrape.listMs = median(times);
    } finally {
      reader.close();
    }
  } finally {
    await running.close();
  }
  const n = fmt(options.scrapeIncidents);
  const emptyMedian = median(scrape.emptyMs);
  const fullMedian = median(scrape.fullMs);
  log(
    `incidents scale: /metrics median ${emptyMedian.toFixed(2)} ms empty, ${fullMedian.toFixed(2)} ms with ${n} unresolved`,
  );
  rows.push(
    { benchmark: B, figure: "/metrics median, no incident (baseline)", value: emptyMedian, unit: "ms" },
    { benchmark: B, figure: `/metrics median, ${n} unresolved incidents`, value: fullMedian, unit: "ms" },
    {
      benchmark: B,
      figure: `/metrics median, ${n} unresolved ÷ none`,
      value: fullMedian / emptyMedian,
      unit: "×",
    },
    {
      benchmark: B,
      figure: `${fmt(options.burst)} concurrent scrapes, all answered, no incident (baseline)`,
      value: scrape.emptyBurstMs,
      unit: "ms",
    },
    {
      benchmark: B,
      figure: `${fmt(options.burst)} concurrent scrapes, all answered, ${n} unresolved`,
      value: scrape.fullBurstMs,
      unit: "ms",
    },
    {
      benchmark: B,
      figure: `listing the ${n} unresolved incidents (each scrape's query before issue 21)`,
      value: scrape.listMs,
      unit: "ms",
    },
  );
  return {
    benchmark: B,
    rows,
    details: { ...options, log: undefined, idleStallMs: idle, webhook, before, scrape },
  };
}
